package org.stevedore.catalog.pin;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;

/**
 * Pins of staged replicas on tape RSEs: {@code (:Pin {key: <scope:name>|<rse id>, request_id, path, expires_at, ...})},
 * one per replica, naming the tape endpoint's stage request that holds the disk copy.
 *
 * <p>A pin lasts as long as the rules that lock the replica still need it: until the latest expiry among those rules
 * (a rule without expiry needs it indefinitely), capped by the RSE attribute {@value #MAX_PIN_LIFETIME} (seconds),
 * or by the caller's fallback cap where the RSE has none. A pin becomes releasable when its expiry comes or when the
 * last lock on its replica goes (the replica's {@code lock_cnt} falls to 0, or the replica is deleted); the tape
 * pin releaser then releases it at the tape endpoint and {@linkplain #delete deletes} it here.
 */
public final class PinStore {

    /** RSE attribute: the longest a staged replica stays pinned on that RSE's buffer, in seconds. */
    public static final String MAX_PIN_LIFETIME = "max_pin_lifetime";

    /**
     * Per replica: its pin's expiry in epoch millis from the rules locking it (non-stuck locks on this RSE) and the
     * cap. No lock: now (nothing needs it). A rule that never expires: the cap.
     */
    private static final String EXPIRY = """
            MATCH (rse:Rse {id: $rse_id})
            UNWIND $rows AS row
            MATCH (f:Did {key: row.key})-[r:REPLICA]->(rse)
            OPTIONAL MATCH (rule:Rule)-[l:LOCK {rse_id: rse.id}]->(f) WHERE l.state <> 'STUCK'
            WITH rse, row, f, count(rule) AS rules, max(rule.expires_at) AS latest,
                 sum(CASE WHEN rule IS NOT NULL AND rule.expires_at IS NULL THEN 1 ELSE 0 END) AS forever
            WITH rse, row, f, CASE
                   WHEN rules = 0 THEN $now
                   WHEN forever > 0 OR latest > $now + $cap THEN $now + $cap
                   WHEN latest < $now THEN $now
                   ELSE latest END AS expires_at
            """;

    private final Store store;
    private final Clock clock;

    public PinStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * How long each replica would stay pinned if pinned now, by file: what to ask the tape endpoint for as
     * {@code diskLifetime}. All files must have a replica on the RSE.
     *
     * @param fallbackCap the cap where the RSE has no {@value #MAX_PIN_LIFETIME}
     */
    public Map<DidRef, Duration> lifetimes(String rse, List<DidRef> files, Duration fallbackCap) {
        long now = clock.millis();
        return store.read(tx -> {
            RseCap cap = rseCap(tx, rse, fallbackCap);
            requireReplicas(tx, cap.id(), rse, files.stream().map(DidRef::key).toList());
            Map<String, Object> params = params(cap, now, files.stream().map(f -> Map.<String, Object>of("key", f.key())).toList());
            Map<DidRef, Duration> lifetimes = new LinkedHashMap<>();
            tx.run(EXPIRY + "RETURN f.scope AS scope, f.name AS name, expires_at", params).list().forEach(r ->
                    lifetimes.put(new DidRef(r.get("scope").asString(), r.get("name").asString()),
                            Duration.ofMillis(r.get("expires_at").asLong() - now)));
            return lifetimes;
        });
    }

    /**
     * Pins staged replicas of one RSE, all or none; a replica already pinned gets the new request, path and expiry.
     *
     * @throws RSENotFound     when the RSE does not exist
     * @throws ReplicaNotFound naming the files without a replica there (nothing is written)
     */
    public List<Pin> pin(String rse, List<PinTarget> targets, Duration fallbackCap) {
        long now = clock.millis();
        return store.write(tx -> {
            RseCap cap = rseCap(tx, rse, fallbackCap);
            List<String> keys = targets.stream().map(t -> t.file().key()).toList();
            if (keys.stream().distinct().count() != keys.size()) {
                throw new InvalidObject("A file is given twice in one pin request on " + rse);
            }
            requireReplicas(tx, cap.id(), rse, keys);
            List<Pin> pins = new ArrayList<>(targets.size());
            int batch = store.batchSize();
            for (int from = 0; from < targets.size(); from += batch) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (PinTarget t : targets.subList(from, Math.min(targets.size(), from + batch))) {
                    String key = t.file().key() + "|" + cap.id();
                    rows.add(Map.of("key", t.file().key(), "pin_key", key, "request", t.requestId(), "path", t.path(),
                            "bucket", Partition.bucket(key)));
                }
                tx.run(EXPIRY + """
                        MERGE (p:Pin {key: row.pin_key})
                        SET p.did_key = f.key, p.scope = f.scope, p.name = f.name, p.rse_id = rse.id, p.rse = rse.rse,
                            p.request_id = row.request, p.path = row.path, p.created_at = $now,
                            p.expires_at = expires_at, p.hash_bucket = row.bucket
                        RETURN p
                        """, params(cap, now, rows)).list().forEach(r -> pins.add(toPin(r.get("p"))));
            }
            return pins;
        });
    }

    /**
     * Pins of one partition that are due for release, soonest expiry first: expired, or on a replica no lock holds
     * any more (or that is gone).
     */
    public List<Pin> releasable(Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", clock.millis());
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (p:Pin) WHERE %s
                OPTIONAL MATCH (:Did {key: p.did_key})-[r:REPLICA]->(:Rse {id: p.rse_id})
                WITH p, r WHERE p.expires_at <= $now OR r IS NULL OR coalesce(r.lock_cnt, 0) = 0
                RETURN p ORDER BY p.expires_at, p.key LIMIT $limit
                """.formatted(partition.cypherFilter("p")), params).list(r -> toPin(r.get("p"))));
    }

    /**
     * Deletes pins once released at the tape endpoint. A pin re-pinned since it was read (another request id) is
     * kept. Returns how many were deleted.
     */
    public int delete(List<Pin> pins) {
        if (pins.isEmpty()) {
            return 0;
        }
        return store.write(tx -> {
            Map<String, String> rseIds = new HashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Pin pin : pins) {
                String rseId = rseIds.computeIfAbsent(pin.rse(), rse -> tx.run(
                        "MATCH (r:Rse {rse: $rse}) RETURN r.id AS id", Map.of("rse", rse)).list().stream()
                        .map(r -> r.get("id").asString()).findFirst().orElse(""));
                rows.add(Map.of("key", pin.file().key() + "|" + rseId, "request", pin.requestId()));
            }
            return tx.run("""
                    UNWIND $rows AS row
                    MATCH (p:Pin {key: row.key}) WHERE p.request_id = row.request
                    DELETE p
                    RETURN count(*) AS n
                    """, Map.of("rows", rows)).single().get("n").asInt();
        });
    }

    /** The pins on an RSE, by file. */
    public List<Pin> pinsOn(String rse) {
        return store.read(tx -> tx.run("MATCH (p:Pin {rse: $rse}) RETURN p ORDER BY p.did_key", Map.of("rse", rse))
                .list(r -> toPin(r.get("p"))));
    }

    private record RseCap(String id, long capMillis) {
    }

    private static RseCap rseCap(TransactionContext tx, String rse, Duration fallbackCap) {
        List<Record> rows = tx.run("MATCH (r:Rse {rse: $rse}) RETURN r.id AS id, r[$attr] AS cap",
                Map.of("rse", rse, "attr", "attr:" + MAX_PIN_LIFETIME)).list();
        if (rows.isEmpty()) {
            throw new RSENotFound("RSE '" + rse + "' does not exist");
        }
        Value cap = rows.get(0).get("cap");
        long millis = cap.isNull() ? fallbackCap.toMillis() : seconds(rse, cap) * 1000;
        return new RseCap(rows.get(0).get("id").asString(), millis);
    }

    private static long seconds(String rse, Value cap) {
        try {
            Object value = cap.asObject();
            long seconds = value instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(value).trim());
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (RuntimeException e) {
            throw new InvalidValueForKey("RSE '" + rse + "' attribute " + MAX_PIN_LIFETIME
                    + " must be a number of seconds, not '" + cap + "'");
        }
    }

    private static void requireReplicas(TransactionContext tx, String rseId, String rse, List<String> keys) {
        List<String> missing = tx.run("""
                UNWIND $keys AS key
                OPTIONAL MATCH (f:Did {key: key})-[r:REPLICA]->(:Rse {id: $rse_id})
                WITH key, r WHERE r IS NULL
                RETURN key
                """, Map.of("keys", keys, "rse_id", rseId)).list(r -> r.get("key").asString());
        if (!missing.isEmpty()) {
            throw new ReplicaNotFound("No replica on " + rse + " of " + String.join(", ",
                    missing.subList(0, Math.min(10, missing.size()))) + (missing.size() > 10 ? ", ..." : ""));
        }
    }

    private static Map<String, Object> params(RseCap cap, long now, List<Map<String, Object>> rows) {
        return Map.of("rse_id", cap.id(), "now", now, "cap", cap.capMillis(), "rows", rows);
    }

    private static Pin toPin(Value p) {
        return new Pin(new DidRef(p.get("scope").asString(), p.get("name").asString()), p.get("rse").asString(),
                p.get("request_id").asString(), p.get("path").asString(), Times.instant(p.get("created_at")),
                Times.instant(p.get("expires_at")));
    }
}
