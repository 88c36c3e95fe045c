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
    public void queue(TransactionContext tx, List<Transfer> transfers, long now) {
        if (transfers.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(transfers.size());
        for (Transfer t : transfers) {
            // A HashMap: activity and source expression may be null, which Map.of refuses.
            Map<String, Object> row = new HashMap<>(12);
            row.put("key", t.fileKey());
            row.put("rse_id", t.rseId());
            row.put("bytes", t.bytes());
            row.put("bucket", t.hashBucket());
            row.put("staging_area", t.stagingArea());
            row.put("activity", t.activity());
            row.put("priority", t.priority());
            row.put("source_replica_expression", t.sourceReplicaExpression());
            rows.add(row);
        }
        tx.run("""
                UNWIND $rows AS row
                MERGE (q:Request {key: row.key + '|' + row.rse_id})
                  ON CREATE SET q.did_key = row.key, q.dest_rse_id = row.rse_id, q.state = 'QUEUED',
                                q.activity = row.activity,
                                q.request_type = CASE WHEN row.staging_area THEN 'STAGEIN' ELSE null END,
                                q.priority = row.priority, q.bytes = row.bytes,
                                q.source_replica_expression = row.source_replica_expression,
                                q.created_at = $now, q.hash_bucket = row.bucket
                """, Map.of("rows", rows, "now", now)).consume();
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
