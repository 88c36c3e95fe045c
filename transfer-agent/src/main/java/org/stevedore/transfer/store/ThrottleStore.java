package org.stevedore.transfer.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * The throttler's side of the store: releases WAITING requests back to QUEUED as far as the transfer limits of their
 * destination allow. In flight, for a limit, are the requests it covers that are SUBMITTING, SUBMITTED, or QUEUED
 * after a release (not yet claimed by the submitter). A released request carries {@code released_at}, which lets the
 * submitter's claim pass it instead of holding it back again; any return to the queue (retry, requeue) clears it.
 */
public final class ThrottleStore {

    // The requests index begins (state, dest_rse_id, priority, created_at); every request has all four, and the
    // statements say so, which lets them seek in it by state, or by state and destination.

    /** What a destination has in flight: submitted, or queued after the throttler released it; per activity. */
    static final String IN_FLIGHT = """
            MATCH (q:Request) USING INDEX SEEK q:Request(state, dest_rse_id, priority, created_at)
            WHERE q.state IN ['SUBMITTED', 'QUEUED'] AND q.dest_rse_id = $rse
              AND q.priority IS NOT NULL AND q.created_at IS NOT NULL
              AND (q.state <> 'QUEUED' OR q.released_at IS NOT NULL)
            RETURN coalesce(q.activity, $default_activity) AS activity, count(q) AS n,
                   sum(coalesce(q.bytes, 0)) AS bytes
            """;

    /** The requests waiting for a destination, most urgent and oldest first. */
    static final String WAITING = """
            MATCH (q:Request) USING INDEX SEEK q:Request(state, dest_rse_id, priority, created_at)
            WHERE q.state = 'WAITING' AND q.dest_rse_id = $rse
              AND q.priority IS NOT NULL AND q.created_at IS NOT NULL
            RETURN q.key AS key, coalesce(q.activity, $default_activity) AS activity,
                   coalesce(q.bytes, 0) AS bytes
            ORDER BY q.priority DESC, q.created_at, q.key LIMIT $batch
            """;

    /** Waiting requests of a partition (%s: its filter on q) no limit covers any more go back to the queue. */
    static final String UNLIMITED = """
            MATCH (q:Request) USING INDEX SEEK q:Request(state, dest_rse_id, priority, created_at)
            WHERE q.state = 'WAITING' AND q.dest_rse_id IS NOT NULL
              AND q.priority IS NOT NULL AND q.created_at IS NOT NULL AND %s
              AND NOT EXISTS {
                MATCH (l:TransferLimit {rse_id: q.dest_rse_id})
                WHERE l.activity = '*' OR l.activity = coalesce(q.activity, $default_activity) }
            WITH q LIMIT $batch
            SET q.state = 'QUEUED', q.released_at = null, q.updated_at = $now
            RETURN count(q) AS n
            """;

    private final Store store;
    private final Clock clock;

    public ThrottleStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The ids of the RSEs with transfer limits whose bucket falls in the partition. */
    public List<String> limitedRses(Partition partition) {
        return store.read(tx -> tx.run("""
                MATCH (l:TransferLimit) WHERE %s
                RETURN DISTINCT l.rse_id AS rse_id ORDER BY rse_id
                """.formatted(partition.cypherFilter("l")), partition.cypherParams())
                .list(r -> r.get("rse_id").asString()));
    }

    /**
     * Releases, in one transaction, the waiting requests to one RSE that fit under its limits (at most {@code batch},
     * highest priority and oldest first); returns how many. The transaction first writes the RSE's limit nodes, which
     * serialises two throttlers deciding for the same RSE (e.g. while the partitions settle after a restart).
     */
    public int release(String rseId, int batch) {
        Map<String, Object> params = new HashMap<>();
        params.put("rse", rseId);
        params.put("now", clock.millis());
        params.put("batch", batch);
        params.put("default_activity", RequestStore.DEFAULT_ACTIVITY);
        return store.write(tx -> {
            List<TransferLimit> limits = tx.run("""
                    MATCH (r:Rse {id: $rse})-[:HAS_TRANSFER_LIMIT]->(l:TransferLimit)
                    SET l.throttled_at = $now
                    RETURN r.rse AS rse, l.activity AS activity, l.max_transfers AS max_transfers, l.max_bytes AS max_bytes
                    """, params).list(r -> new TransferLimit(r.get("rse").asString(), r.get("activity").asString(),
                    Values.lng(r.get("max_transfers")), Values.lng(r.get("max_bytes"))));
            if (limits.isEmpty()) {
                return 0;
            }
            Map<String, Throttling.InFlight> inFlight = new HashMap<>();
            tx.run(IN_FLIGHT, params).forEachRemaining(r -> inFlight.put(r.get("activity").asString(),
                    new Throttling.InFlight(r.get("n").asLong(), r.get("bytes").asLong())));
            List<Throttling.Waiting> waiting = tx.run(WAITING, params).list(r -> new Throttling.Waiting(
                    r.get("key").asString(), r.get("activity").asString(), r.get("bytes").asLong()));
            // Waiting requests no limit covers any more (their limit was removed) simply go.
            List<String> released = new java.util.ArrayList<>(Throttling.release(limits, inFlight, waiting.stream()
                    .filter(w -> limits.stream().anyMatch(l -> l.covers(w.activity()))).toList()));
            waiting.stream().filter(w -> limits.stream().noneMatch(l -> l.covers(w.activity())))
                    .forEach(w -> released.add(w.key()));
            if (!released.isEmpty()) {
                tx.run("""
                        UNWIND $keys AS k
                        MATCH (q:Request {key: k}) USING INDEX SEEK q:Request(key)
                        WHERE q.state = 'WAITING'
                        SET q.state = 'QUEUED', q.released_at = $now, q.updated_at = $now
                        """, Map.of("keys", released, "now", params.get("now"))).consume();
            }
            return released.size();
        });
    }

    /**
     * Sends WAITING requests of a partition whose destination has no transfer limit left covering them back to the
     * queue (a limit was removed, or a claim raced with its removal); returns how many.
     */
    public int releaseUnlimited(Partition partition, int batch) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", clock.millis());
        params.put("batch", batch);
        params.put("default_activity", RequestStore.DEFAULT_ACTIVITY);
        return store.write(tx -> tx.run(UNLIMITED.formatted(partition.cypherFilter("q")), params)
                .single().get("n").asInt());
    }
}
