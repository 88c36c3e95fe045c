package org.stevedore.bridge.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;

/**
 * Jobs whose input went out of reach after their release: a RELEASED job of an ACTIVE task that needs a file with no
 * AVAILABLE replica left on the task's RSEs (declared bad, temporarily unavailable, lost) is HELD again, with the
 * reason in {@code held_reason}, so that nobody is handed a replica that is gone. A job whose file still has another
 * good copy on the task's RSEs stays RELEASED: its inputs are answered from that copy. The gate releases a re-held
 * job again (with a new sequence number) when its files are back.
 */
public final class InputLossStore {

    private final Store store;

    public InputLossStore(Store store) {
        this.store = store;
    }

    /** HELD again, with {@code reason}: the RELEASED jobs of {@code partition}'s tasks that need a lost file. */
    public int rehold(Partition partition, List<String> fileKeys, String reason, long now) {
        if (fileKeys.isEmpty()) {
            return 0;
        }
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("keys", fileKeys);
        params.put("reason", reason);
        params.put("now", now);
        return store.write(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (f:Did {key: k})<-[:NEEDS]-(j:BridgeJob {state: 'RELEASED'})<-[:HAS_JOB]-(t:BridgeTask {state: 'ACTIVE'})
                WHERE %s
                  AND NOT EXISTS { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(r:Rse) WHERE r.id IN t.rse_ids }
                WITH DISTINCT j
                SET j.state = 'HELD', j.held_reason = $reason, j.updated_at = $now
                RETURN count(j) AS n
                """.formatted(partition.cypherFilter("t")), params).single().get("n").asInt());
    }
}
