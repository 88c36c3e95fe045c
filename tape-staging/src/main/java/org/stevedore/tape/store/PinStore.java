package org.stevedore.tape.store;

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
import org.stevedore.rules.store.LockQueries;
import org.stevedore.rules.store.LockQueries.ReplicaNeed;

/**
 * Pins of staged replicas on tape RSEs: {@code (:Pin {key: <scope:name>|<rse id>, request_id, path, expires_at, ...})},
 * one per replica, naming the tape endpoint's stage request that holds the disk copy.
 *
 * <p>A pin lasts as long as the rules that lock the replica still need it (read through the rules engine's
 * {@link LockQueries}, in the pin's transaction): until the latest expiry among those rules
 * (a rule without expiry needs it indefinitely), capped by the RSE attribute {@value #MAX_PIN_LIFETIME} (seconds),
 * or by the caller's fallback cap where the RSE has none. A pin becomes releasable when its expiry comes or when the
 * last lock on its replica goes (the replica's {@code lock_cnt} falls to 0, or the replica is deleted); the tape
 * pin releaser then releases it at the tape endpoint and {@linkplain #delete deletes} it here.
 *
 * <p>Besides its rules, a pin may have {@linkplain PinHold holds}: {@code (:PinHold {key: <pin key>|<holder>, holder,
 * until})-[:HOLDS]->(:Pin)}. While any hold has not run out the pin is not releasable, whatever its rules say; a
 * pre-staging campaign holds the pins of the files it staged for its own pin lifetime, and drops its holds when it is
 * cancelled. The pin's effective end is so the later of its rules' expiry and its holds.
 */
public final class PinStore {

    /** RSE attribute: the longest a staged replica stays pinned on that RSE's buffer, in seconds. */
    public static final String MAX_PIN_LIFETIME = "max_pin_lifetime";

    /**
     * Per replica: its pin's expiry in epoch millis from what the rules locking it ask ({@code row.rules},
     * {@code row.latest}, {@code row.forever}: {@link LockQueries#replicaNeeds}) and the cap. No lock: now (nothing
     * needs it). A rule that never expires: the cap.
     */
    private static final String EXPIRY = """
            MATCH (rse:Rse {id: $rse_id})
            UNWIND $rows AS row
            MATCH (f:Did {key: row.key})-[r:REPLICA]->(rse)
            WITH rse, row, f, CASE
                   WHEN row.rules = 0 THEN $now
                   WHEN row.forever OR row.latest > $now + $cap THEN $now + $cap
                   WHEN row.latest < $now THEN $now
                   ELSE row.latest END AS expires_at
            """;

    /** The end of a pin {@code p}'s latest hold, or null. */
    private static final String HELD_UNTIL = "reduce(m = null, u IN [(p)<-[:HOLDS]-(h:PinHold) | h.until] | "
            + "CASE WHEN m IS NULL OR u > m THEN u ELSE m END)";

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
            List<String> keys = files.stream().map(DidRef::key).toList();
            Map<String, ReplicaNeed> needs = LockQueries.replicaNeeds(tx, cap.id(), keys);
            List<Map<String, Object>> rows = new ArrayList<>(keys.size());
            for (String key : keys) {
                Map<String, Object> row = new HashMap<>();
                row.put("key", key);
                rows.add(withNeed(row, needs.getOrDefault(key, ReplicaNeed.NONE)));
            }
            Map<String, Object> params = params(cap, now, rows);
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
        return pin(rse, targets, fallbackCap, null);
    }

    /**
     * Pins staged replicas of one RSE as {@link #pin(String, List, Duration)} does, and records {@code hold} on each
     * (a holder pinning again moves its hold's end to the new {@code until}). Null {@code hold}: no hold.
     */
    public List<Pin> pin(String rse, List<PinTarget> targets, Duration fallbackCap, PinHold hold) {
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
                List<PinTarget> chunk = targets.subList(from, Math.min(targets.size(), from + batch));
                Map<String, ReplicaNeed> needs = LockQueries.replicaNeeds(tx, cap.id(),
                        chunk.stream().map(t -> t.file().key()).toList());
                List<Map<String, Object>> rows = new ArrayList<>();
                for (PinTarget t : chunk) {
                    String key = t.file().key() + "|" + cap.id();
                    Map<String, Object> row = new HashMap<>(Map.of("key", t.file().key(), "pin_key", key,
                            "request", t.requestId(), "path", t.path(), "bucket", Partition.bucket(key)));
                    rows.add(withNeed(row, needs.getOrDefault(t.file().key(), ReplicaNeed.NONE)));
                }
                Map<String, Object> params = new HashMap<>(params(cap, now, rows));
                params.put("holder", hold == null ? null : hold.holder());
                params.put("until", hold == null ? null : hold.until().toEpochMilli());
                tx.run(EXPIRY + """
                        MERGE (p:Pin {key: row.pin_key})
                        SET p.did_key = f.key, p.scope = f.scope, p.name = f.name, p.rse_id = rse.id, p.rse = rse.rse,
                            p.request_id = row.request, p.path = row.path, p.created_at = $now,
                            p.expires_at = expires_at, p.hash_bucket = row.bucket
                        FOREACH (_ IN CASE WHEN $holder IS NULL THEN [] ELSE [1] END |
                            MERGE (h:PinHold {key: row.pin_key + '|' + $holder})
                            SET h.holder = $holder, h.until = $until
                            MERGE (h)-[:HOLDS]->(p))
                        RETURN p, %s AS held_until
                        """.formatted(HELD_UNTIL), params).list().forEach(r -> pins.add(toPin(r)));
            }
            return pins;
        });
    }

    /**
     * Pins of one partition that are due for release, soonest expiry first: expired, or on a replica no lock holds
     * any more (or that is gone), and held by no hold that is still running.
     */
    public List<Pin> releasable(Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", clock.millis());
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (p:Pin) WHERE %s
                OPTIONAL MATCH (:Did {key: p.did_key})-[r:REPLICA]->(:Rse {id: p.rse_id})
                WITH p, r WHERE (p.expires_at <= $now OR r IS NULL OR coalesce(r.lock_cnt, 0) = 0)
                  AND NOT EXISTS { MATCH (p)<-[:HOLDS]-(h:PinHold) WHERE h.until > $now }
                RETURN p, %s AS held_until ORDER BY p.expires_at, p.key LIMIT $limit
                """.formatted(partition.cypherFilter("p"), HELD_UNTIL), params).list(PinStore::toPin));
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
                    WITH p, [(p)<-[:HOLDS]-(h:PinHold) | h] AS holds
                    FOREACH (h IN holds | DETACH DELETE h)
                    DETACH DELETE p
                    RETURN count(*) AS n
                    """, Map.of("rows", rows)).single().get("n").asInt();
        });
    }

    /**
     * Drops every hold of {@code holder} (a cancelled campaign), in batches of the store's size; the pins stay, to be
     * released when their rules and other holders no longer need them. Returns how many holds went.
     */
    public int dropHolds(String holder) {
        int dropped = 0;
        while (true) {
            int n = store.write(tx -> tx.run("""
                    MATCH (h:PinHold {holder: $holder})
                    WITH h LIMIT $batch
                    DETACH DELETE h
                    RETURN count(*) AS n
                    """, Map.of("holder", holder, "batch", (long) store.batchSize())).single().get("n").asInt());
            dropped += n;
            if (n < store.batchSize()) {
                return dropped;
            }
        }
    }

    /** How many pins {@code holder} holds (its holds, run out or not). */
    public long held(String holder) {
        return store.read(tx -> tx.run("MATCH (h:PinHold {holder: $holder}) RETURN count(h) AS n",
                Map.of("holder", holder)).single().get("n").asLong());
    }

    /** The pins on an RSE, by file. */
    public List<Pin> pinsOn(String rse) {
        return store.read(tx -> tx.run("MATCH (p:Pin {rse: $rse}) RETURN p, %s AS held_until ORDER BY p.did_key"
                .formatted(HELD_UNTIL), Map.of("rse", rse)).list(PinStore::toPin));
    }

    /** Up to {@code limit} pins on an RSE, by file, after the file key {@code afterKey} (null: from the start). */
    public List<Pin> pinsOn(String rse, String afterKey, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("rse", rse);
        params.put("after", afterKey == null ? "" : afterKey);
        params.put("limit", (long) limit);
        return store.read(tx -> tx.run("""
                MATCH (p:Pin {rse: $rse}) WHERE p.did_key > $after
                RETURN p, %s AS held_until ORDER BY p.did_key LIMIT $limit
                """.formatted(HELD_UNTIL), params).list(PinStore::toPin));
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

    /** Adds to an {@link #EXPIRY} row what the rules locking the replica ask of it. */
    private static Map<String, Object> withNeed(Map<String, Object> row, ReplicaNeed need) {
        row.put("rules", need.rules());
        row.put("latest", need.latestExpiry());
        row.put("forever", need.forever());
        return row;
    }

    private static Map<String, Object> params(RseCap cap, long now, List<Map<String, Object>> rows) {
        return Map.of("rse_id", cap.id(), "now", now, "cap", cap.capMillis(), "rows", rows);
    }

    private static Pin toPin(Record r) {
        Value p = r.get("p");
        return new Pin(new DidRef(p.get("scope").asString(), p.get("name").asString()), p.get("rse").asString(),
                p.get("request_id").asString(), p.get("path").asString(), Times.instant(p.get("created_at")),
                Times.instant(p.get("expires_at")), Times.instant(r.get("held_until")));
    }
}
