package org.stevedore.catalog.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;

/**
 * Heartbeats of the daemons' workers, as {@code (:Heartbeat {key, executable, host, pid, thread, started_at,
 * updated_at, payload})} nodes ({@code started_at}, the first beat, and {@code updated_at} in epoch milliseconds). From the live heartbeats of one executable, sorted by
 * key, each worker learns its partition; a worker whose heartbeat is older than the timeout counts as dead, drops out
 * of everyone's partition count, and its node is deleted by the next beat of that executable.
 *
 * <p>Partitions are consistent once every live worker has beaten since the last change: a worker that joins or dies
 * is seen by the others at their next beat, so for up to one cycle two workers may overlap or a share may go
 * unworked. Work is therefore claimed atomically by state in the store; the partition only keeps workers apart.
 */
public final class HeartbeatStore {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Store store;
    private final Clock clock;
    private final Duration timeout;

    public HeartbeatStore(Store store, Clock clock, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("heartbeat timeout must be positive, got " + timeout);
        }
        this.store = store;
        this.clock = clock;
        this.timeout = timeout;
    }

    public HeartbeatStore(Store store, Clock clock) {
        this(store, clock, DEFAULT_TIMEOUT);
    }

    /** How long a worker may go without beating before the others count it dead. */
    public Duration timeout() {
        return timeout;
    }

    /** Beats without a payload. */
    public Partition beat(WorkerId worker) {
        return beat(worker, null);
    }

    /**
     * Records that {@code worker} is alive now, deletes the dead heartbeats of its executable, and answers the
     * worker's partition among the live ones, all in one transaction.
     */
    public Partition beat(WorkerId worker, String payload) {
        long now = clock.millis();
        long cutoff = now - timeout.toMillis();
        Map<String, Object> params = new HashMap<>();
        params.put("key", worker.key());
        params.put("executable", worker.executable());
        params.put("host", worker.host());
        params.put("pid", worker.pid());
        params.put("thread", worker.thread());
        params.put("now", now);
        params.put("cutoff", cutoff);
        params.put("payload", payload);
        List<String> live = store.write(tx -> {
            tx.run("""
                    MATCH (h:Heartbeat {executable: $executable})
                    WHERE h.updated_at < $cutoff
                    DETACH DELETE h""", params).consume();
            tx.run("""
                    MERGE (h:Heartbeat {key: $key})
                    ON CREATE SET h.started_at = $now
                    SET h.executable = $executable, h.host = $host, h.pid = $pid, h.thread = $thread,
                        h.updated_at = $now, h.payload = $payload""", params).consume();
            return tx.run("""
                    MATCH (h:Heartbeat {executable: $executable})
                    WHERE h.updated_at >= $cutoff
                    RETURN h.key AS key ORDER BY key""", params).list(r -> r.get("key").asString());
        });
        int index = live.indexOf(worker.key());
        if (index < 0) {
            // Cannot happen: our node was written in this transaction with updated_at = now >= cutoff.
            throw new IllegalStateException("heartbeat of " + worker.key() + " is not live right after beating");
        }
        return new Partition(index, live.size());
    }

    /** The live workers of {@code executable}, sorted by key: the order that assigns partition indexes. */
    public List<Heartbeat> live(String executable) {
        Map<String, Object> params = Map.of(
                "executable", executable,
                "cutoff", clock.millis() - timeout.toMillis());
        return store.read(tx -> tx.run("""
                MATCH (h:Heartbeat {executable: $executable})
                WHERE h.updated_at >= $cutoff
                RETURN h ORDER BY h.key""", params).list(HeartbeatStore::toHeartbeat));
    }

    /** Every live heartbeat, of any executable, sorted by key: what the instances report about themselves. */
    public List<Heartbeat> liveAll() {
        Map<String, Object> params = Map.of("cutoff", clock.millis() - timeout.toMillis());
        return store.read(tx -> tx.run("""
                MATCH (h:Heartbeat)
                WHERE h.updated_at >= $cutoff
                RETURN h ORDER BY h.key""", params).list(HeartbeatStore::toHeartbeat));
    }

    /** The {@link Instance#key()} of every instance with at least one live heartbeat. */
    public Set<String> liveInstanceKeys() {
        Map<String, Object> params = Map.of("cutoff", clock.millis() - timeout.toMillis());
        return Set.copyOf(store.read(tx -> tx.run("""
                MATCH (h:Heartbeat)
                WHERE h.updated_at >= $cutoff
                RETURN DISTINCT h.host AS host, h.pid AS pid""", params)
                .list(r -> new Instance(r.get("host").asString(), r.get("pid").asLong()).key())));
    }

    /**
     * When each of {@code workers} last beat (absent: no heartbeat, never beaten or deleted as dead), in one read: what
     * a health check compares with {@link #timeout()}.
     */
    public Map<String, Instant> lastBeats(List<WorkerId> workers) {
        List<String> keys = workers.stream().map(WorkerId::key).toList();
        Map<String, Instant> beats = new HashMap<>();
        store.read(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (h:Heartbeat {key: k})
                RETURN h.key AS key, h.updated_at AS at""", Map.of("keys", keys)).list())
                .forEach(r -> beats.put(r.get("key").asString(), Times.instant(r.get("at"))));
        return beats;
    }

    /** Deletes the heartbeat of a worker that is stopping, so the others take over its share at their next beat. */
    public void remove(WorkerId worker) {
        store.run("MATCH (h:Heartbeat {key: $key}) DETACH DELETE h", Map.of("key", worker.key()));
    }

    private static Heartbeat toHeartbeat(Record row) {
        Value h = row.get("h");
        Value payload = h.get("payload");
        return new Heartbeat(
                new WorkerId(h.get("executable").asString(), h.get("host").asString(), h.get("pid").asLong(),
                        h.get("thread").asString()),
                Times.instant(h.get("updated_at")),
                payload.isNull() ? null : payload.asString(),
                h.get("started_at").isNull() ? null : Times.instant(h.get("started_at")));
    }
}
