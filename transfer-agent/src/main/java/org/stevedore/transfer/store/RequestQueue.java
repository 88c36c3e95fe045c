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

    @Override
    public void queue(TransactionContext tx, Origin origin, List<Transfer> transfers, long now) {
        if (transfers.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(transfers.size());
        for (Transfer t : transfers) {
            rows.add(Map.of("key", t.fileKey(), "rse_id", t.rseId(), "bytes", t.bytes(), "bucket", t.hashBucket(),
                    "staging_area", t.stagingArea()));
        }
        // A HashMap: activity, priority and source expression may be null, which Map.of refuses.
        Map<String, Object> params = new HashMap<>(8);
        params.put("rows", rows);
        params.put("now", now);
        params.put("activity", origin.activity());
        params.put("priority", origin.priority());
        params.put("source", origin.sourceReplicaExpression());
        tx.run("""
                UNWIND $rows AS row
                MERGE (q:Request {key: row.key + '|' + row.rse_id})
                  ON CREATE SET q.did_key = row.key, q.dest_rse_id = row.rse_id, q.state = 'QUEUED',
                                q.activity = $activity,
                                q.request_type = CASE WHEN row.staging_area THEN 'STAGEIN' ELSE null END,
                                q.priority = $priority, q.bytes = row.bytes,
                                q.source_replica_expression = $source,
                                q.created_at = $now, q.hash_bucket = row.bucket
                """, params).consume();
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
}
