package org.stevedore.transfer.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * Transfer limits (Rucio's {@code transfer_limits}): per destination RSE and activity, the most requests and bytes in
 * flight. Stored as {@code (:Rse)-[:HAS_TRANSFER_LIMIT]->(:TransferLimit {key: <rse id>|<activity>, rse_id, activity,
 * max_transfers, max_bytes, hash_bucket})}; every limit of one RSE has the same hash bucket (that of the RSE id), so
 * one throttler worker decides for all limits of an RSE.
 */
public final class TransferLimitStore {

    private final Store store;
    private final Clock clock;

    public TransferLimitStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Adds or replaces the limit of an RSE for an activity (null or blank: all activities together). At least one
     * bound must be given and neither may be negative; 0 transfers holds every request back.
     */
    public TransferLimit set(String rse, String activity, Long maxTransfers, Long maxBytes) {
        String act = activity(activity);
        if (maxTransfers == null && maxBytes == null) {
            throw new InvalidObject("A transfer limit needs max_transfers or max_bytes (or both)");
        }
        if (maxTransfers != null && maxTransfers < 0) {
            throw new InvalidObject("max_transfers must not be negative, got " + maxTransfers);
        }
        if (maxBytes != null && maxBytes < 0) {
            throw new InvalidObject("max_bytes must not be negative, got " + maxBytes);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("rse", rse == null ? "" : rse);
        params.put("activity", act);
        params.put("max_transfers", maxTransfers);
        params.put("max_bytes", maxBytes);
        params.put("now", clock.millis());
        List<Record> rows = store.write(tx -> {
            List<Record> ids = tx.run("MATCH (r:Rse {rse: $rse}) RETURN r.id AS id", params).list();
            if (ids.isEmpty()) {
                return ids;
            }
            String rseId = ids.get(0).get("id").asString();
            params.put("rse_id", rseId);
            params.put("bucket", Partition.bucket(rseId));
            return tx.run("""
                    MATCH (r:Rse {id: $rse_id})
                    MERGE (l:TransferLimit {key: $rse_id + '|' + $activity})
                      ON CREATE SET l.created_at = $now
                    SET l.rse_id = $rse_id, l.activity = $activity, l.max_transfers = $max_transfers,
                        l.max_bytes = $max_bytes, l.hash_bucket = $bucket, l.updated_at = $now
                    MERGE (r)-[:HAS_TRANSFER_LIMIT]->(l)
                    RETURN l
                    """, params).list();
        });
        if (rows.isEmpty()) {
            throw new RSENotFound("RSE '" + rse + "' does not exist");
        }
        return new TransferLimit(rse, act, maxTransfers, maxBytes);
    }

    /** The limits of one RSE, by activity ({@code *} first). */
    public List<TransferLimit> list(String rse) {
        List<Record> rows = store.read(tx -> tx.run("""
                MATCH (r:Rse {rse: $rse})
                OPTIONAL MATCH (r)-[:HAS_TRANSFER_LIMIT]->(l:TransferLimit)
                RETURN r.rse AS rse, l.activity AS activity, l.max_transfers AS max_transfers, l.max_bytes AS max_bytes
                ORDER BY activity
                """, Map.of("rse", rse == null ? "" : rse)).list());
        if (rows.isEmpty()) {
            throw new RSENotFound("RSE '" + rse + "' does not exist");
        }
        return rows.stream().filter(r -> !r.get("activity").isNull()).map(TransferLimitStore::limit).toList();
    }

    /** Every limit of every RSE, by RSE and activity. */
    public List<TransferLimit> listAll() {
        return store.read(tx -> tx.run("""
                MATCH (r:Rse)-[:HAS_TRANSFER_LIMIT]->(l:TransferLimit)
                RETURN r.rse AS rse, l.activity AS activity, l.max_transfers AS max_transfers, l.max_bytes AS max_bytes
                ORDER BY rse, activity
                """).list(TransferLimitStore::limit));
    }

    /** Removes a limit; the requests it held back are released by the throttler's next cycle. */
    public void delete(String rse, String activity) {
        String act = activity(activity);
        long deleted = store.write(tx -> {
            List<Record> ids = tx.run("MATCH (r:Rse {rse: $rse}) RETURN r.id AS id",
                    Map.of("rse", rse == null ? "" : rse)).list();
            if (ids.isEmpty()) {
                throw new RSENotFound("RSE '" + rse + "' does not exist");
            }
            return tx.run("""
                    MATCH (l:TransferLimit {key: $key})
                    DETACH DELETE l
                    RETURN count(*) AS n
                    """, Map.of("key", ids.get(0).get("id").asString() + "|" + act)).single().get("n").asLong();
        });
        if (deleted == 0) {
            throw new KeyNotFound("RSE '" + rse + "' has no transfer limit for activity '" + act + "'");
        }
    }

    static String activity(String activity) {
        if (activity == null || activity.isBlank()) {
            return TransferLimit.ALL_ACTIVITIES;
        }
        String trimmed = activity.trim();
        if (trimmed.length() > 100 || trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidObject("Activity must be at most 100 printable characters, got '"
                    + trimmed.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return trimmed;
    }

    private static TransferLimit limit(Record r) {
        return new TransferLimit(r.get("rse").asString(), r.get("activity").asString(),
                Values.lng(r.get("max_transfers")), Values.lng(r.get("max_bytes")));
    }
}
