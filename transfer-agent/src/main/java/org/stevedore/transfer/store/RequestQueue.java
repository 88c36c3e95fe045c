package org.stevedore.transfer.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.TransactionContext;
import org.stevedore.rules.store.TransferQueue;

/**
 * The transfer agent's side of the rules engine's {@link TransferQueue}: the transfers locks need become
 * {@code (:Request)} nodes, keyed {@code fileKey|rseId}, that the submitter claims; the contract is on the interface.
 * Each method is one {@code UNWIND} statement in the caller's transaction.
 */
public final class RequestQueue implements TransferQueue {

    /**
     * The states of a request still on its way to an end: the submitter or the poller will move it on. Any other
     * state (DONE, FAILED, or LOST and the like from older releases) is an end; ARCHIVING waits for the archive worker
     * (its copy is on a tape RSE, not yet confirmed on tape). SUBMITTING is no longer written but
     * a store from before migration 10 may hold it until then.
     */
    public static final List<String> LIVE_STATES = List.of("QUEUED", "WAITING", "SUBMITTING", "SUBMITTED", "ARCHIVING");

    /**
     * A live request of the copy is kept as it is; one that ended is revived as a new attempt in the same statement:
     * queued with the new origin, all its retries, a new creation time (hence a new id, see
     * {@link RequestStore#id}) and nothing of the ended attempt's job, sources or error. Without the revival, a lock
     * queued onto a FAILED request waited for a transfer that nobody would ever make. {@code overwrite} (recovery of
     * a bad replica at its own path) is set on the request whether it is new, revived or kept live.
     */
    static final String QUEUE = """
            UNWIND $rows AS row
            MERGE (q:Request {key: row.key + '|' + row.rse_id})
              ON CREATE SET q.did_key = row.key, q.dest_rse_id = row.rse_id, q.state = 'QUEUED',
                            q.activity = $activity,
                            q.request_type = CASE WHEN row.staging_area THEN 'STAGEIN' ELSE null END,
                            q.priority = $priority, q.bytes = row.bytes,
                            q.source_replica_expression = $source,
                            q.created_at = $now, q.hash_bucket = row.bucket,
                            q.overwrite = CASE WHEN row.overwrite THEN true ELSE null END
            FOREACH (_ IN CASE WHEN row.overwrite AND q.state IN $live THEN [1] ELSE [] END | SET q.overwrite = true)
            WITH q, row WHERE NOT q.state IN $live
            SET q.did_key = row.key, q.dest_rse_id = row.rse_id, q.state = 'QUEUED', q.activity = $activity,
                q.request_type = CASE WHEN row.staging_area THEN 'STAGEIN' ELSE null END,
                q.priority = $priority, q.bytes = row.bytes, q.source_replica_expression = $source,
                q.created_at = $now, q.hash_bucket = row.bucket,
                q.overwrite = CASE WHEN row.overwrite THEN true ELSE null END
            REMOVE q.id, q.retry_count, q.error, q.external_id, q.external_host, q.source_rse, q.submitted_at,
                   q.transferred_at, q.failed_sources, q.not_before, q.released_at, q.updated_at
            """;

    @Override
    public void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now) {
        if (transfers.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(transfers.size());
        for (Transfer t : transfers) {
            rows.add(Map.of("key", t.fileKey(), "rse_id", t.rseId(), "bytes", t.bytes(), "bucket", t.hashBucket(),
                    "staging_area", t.stagingArea(), "overwrite", t.overwrite()));
        }
        // A HashMap: activity, priority and source expression may be null, which Map.of refuses.
        Map<String, Object> params = new HashMap<>(8);
        params.put("rows", rows);
        params.put("now", now);
        params.put("activity", origin.activity());
        params.put("priority", origin.priority());
        params.put("source", origin.sourceReplicaExpression());
        params.put("live", LIVE_STATES);
        tx.run(QUEUE, params).consume();
    }

    @Override
    public void cancelPending(TransactionContext tx, List<FileAtRse> replicas) {
        if (replicas.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(replicas.size());
        replicas.forEach(r -> keys.add(r.fileKey() + "|" + r.rseId()));
        tx.run("""
                UNWIND $keys AS key
                MATCH (q:Request {key: key}) WHERE q.state IN ['QUEUED', 'WAITING']
                DELETE q
                """, Map.of("keys", keys)).consume();
    }

    @Override
    public void forgetFiles(TransactionContext tx, List<String> fileKeys) {
        if (fileKeys.isEmpty()) {
            return;
        }
        tx.run("""
                UNWIND $keys AS k
                MATCH (q:Request) WHERE q.key STARTS WITH k + '|'
                DELETE q
                """, Map.of("keys", fileKeys)).consume();
    }

    @Override
    public List<FileAtRse> withoutLiveTransfer(TransactionContext tx, List<FileAtRse> copies) {
        if (copies.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> rows = new ArrayList<>(copies.size());
        copies.forEach(c -> rows.add(Map.of("key", c.fileKey(), "rse_id", c.rseId())));
        return tx.run("""
                UNWIND $rows AS row
                OPTIONAL MATCH (q:Request {key: row.key + '|' + row.rse_id})
                WITH row, q WHERE q IS NULL OR NOT q.state IN $live
                RETURN row.key AS key, row.rse_id AS rse_id
                """, Map.of("rows", rows, "live", LIVE_STATES))
                .list(r -> new FileAtRse(r.get("key").asString(), r.get("rse_id").asString()));
    }
}
