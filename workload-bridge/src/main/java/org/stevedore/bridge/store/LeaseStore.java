package org.stevedore.bridge.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.store.RuleExpiry;

/**
 * The leases of tasks: every call about a task renews its lease, and with it its pin rule's expiry (through the rules
 * engine's {@link RuleExpiry}, in the same transaction); a task nobody asked about for a pin lifetime expires.
 */
public final class LeaseStore {

    private final Store store;
    private final RuleExpiry ruleExpiry;

    public LeaseStore(Store store, RuleExpiry ruleExpiry) {
        this.store = store;
        this.ruleExpiry = ruleExpiry;
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
     * wrote. The rule is the rules engine's: its expiry is set through {@link RuleExpiry}, in this transaction (one
     * statement more, and only when the lease was renewed).
     */
    public boolean refreshLease(String taskId, long now, long minInterval) {
        return store.write(tx -> {
            List<Record> renewed = tx.run("""
                    MATCH (t:BridgeTask {id: $id, state: 'ACTIVE'}) WHERE t.leased_at <= $now - $min
                    SET t.leased_at = $now, t.lease_expires_at = $now + t.pin_lifetime_s * 1000
                    RETURN t.rule_id AS rule_id, t.lease_expires_at AS expires_at
                    """, Map.of("id", taskId, "now", now, "min", minInterval)).list();
            if (renewed.isEmpty()) {
                return false;
            }
            String ruleId = Values.str(renewed.get(0).get("rule_id"));
            if (ruleId != null) {
                ruleExpiry.set(tx, ruleId, renewed.get(0).get("expires_at").asLong());
            }
            return true;
        });
    }
}
