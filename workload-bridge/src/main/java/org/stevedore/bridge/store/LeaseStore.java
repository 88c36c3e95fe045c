package org.stevedore.bridge.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;

/**
 * The leases of tasks: every call about a task renews its lease, and with it its pin rule's expiry; a task nobody asked
 * about for a pin lifetime expires.
 */
public final class LeaseStore {

    private final Store store;

    public LeaseStore(Store store) {
        this.store = store;
    }

    /** ACTIVE tasks whose lease ended before {@code now}, up to {@code limit}. */
    public List<String> leaseExpired(Partition partition, long now, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", now);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {state: 'ACTIVE'}) WHERE t.lease_expires_at < $now AND %s
                RETURN t.id AS id ORDER BY t.lease_expires_at LIMIT $limit
                """.formatted(partition.cypherFilter("t")), params).list(r -> r.get("id").asString()));
    }

    /**
     * Extends an ACTIVE task's lease to now plus its pin lifetime, and its pin rule's expiry with it, unless the lease
     * was renewed less than {@code minInterval} ms ago (so polling does not write on every call). Answers whether it
     * wrote.
     */
    public boolean refreshLease(String taskId, long now, long minInterval) {
        return store.write(tx -> !tx.run("""
                MATCH (t:BridgeTask {id: $id, state: 'ACTIVE'}) WHERE t.leased_at <= $now - $min
                SET t.leased_at = $now, t.lease_expires_at = $now + t.pin_lifetime_s * 1000
                WITH t
                OPTIONAL MATCH (r:Rule {id: t.rule_id})
                SET r.expires_at = t.lease_expires_at
                RETURN t.id
                """, Map.of("id", taskId, "now", now, "min", minInterval)).list().isEmpty());
    }
}
