package org.stevedore.rules.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.store.Store;

/**
 * Changes to existing rules: their properties, their deletion, locks removed when files leave a rule's DID, stuck
 * locks re-planned, an error recorded. The bookkeeping of locks (replicas' lock counts, account usage, counters) is
 * {@link RuleStore}'s, called here in the same transaction, so a change and its bookkeeping commit together.
 */
public final class RuleChanges {

    private final RuleStore rules;
    private final Store store;
    private final Clock clock;

    public RuleChanges(RuleStore rules, Clock clock) {
        this.rules = rules;
        this.store = rules.store();
        this.clock = clock;
    }

    /** Sets the given rule properties (already validated by the caller) and answers the rule. */
    public Rule update(String ruleId, Map<String, Object> properties) {
        return store.write(tx -> {
            RuleQueries.require(tx, ruleId);
            Map<String, Object> props = new HashMap<>(properties);
            long now = clock.millis();
            props.put("updated_at", now);
            Map<String, Object> params = new HashMap<>();
            params.put("id", ruleId);
            params.put("props", props);
            params.put("state", props.get("state"));
            params.put("now", now);
            tx.run("MATCH (r:Rule {id: $id}) SET " + RuleStore.HISTORY + " SET r += $props", params).consume();
            return RuleQueries.require(tx, ruleId);
        });
    }

    /**
     * Removes a rule with its locks. Each replica loses a lock; one left with none gets a tombstone: its last access,
     * else its last change (for a replica a transfer brought, its arrival), for LRU order in the reaper; or the epoch
     * when the rule purges its replicas or the replica never became available. Queued transfers that no remaining
     * lock needs are cancelled, and the account's usage shrinks.
     */
    public void delete(String ruleId, boolean purgeReplicas) {
        store.write(tx -> {
            deleteIn(tx, ruleId, purgeReplicas, clock.millis());
            return null;
        });
    }

    public void deleteIn(TransactionContext tx, String ruleId, boolean purgeReplicas, long now) {
        RuleQueries.require(tx, ruleId);
        Map<String, long[]> usage = new HashMap<>();
        tx.run("MATCH (:Rule {id: $id})-[l:LOCK]->() RETURN l.rse_id AS rse, sum(l.bytes) AS bytes, count(l) AS n",
                Map.of("id", ruleId)).list().forEach(r -> usage.put(r.get("rse").asString(),
                new long[] {r.get("bytes").asLong(0), r.get("n").asLong()}));
        rules.releaseReplicas(tx, ruleId, null, purgeReplicas, now);
        RuleStore.addUsage(tx, ruleId, usage, -1);
        tx.run("MATCH (r:Rule {id: $id}) OPTIONAL MATCH (r)-[l:LOCK]->() DELETE l", Map.of("id", ruleId)).consume();
        tx.run("MATCH (r:Rule {id: $id}) DELETE r", Map.of("id", ruleId)).consume();
    }

    /**
     * Removes a rule's locks on some files (they left the rule's DID), with the same replica bookkeeping as deleting
     * the rule, and recounts the rule.
     */
    public void removeLocks(String ruleId, List<String> fileKeys) {
        store.write(tx -> {
            Rule rule = RuleQueries.require(tx, ruleId);
            long now = clock.millis();
            Map<String, long[]> usage = new HashMap<>();
            tx.run("""
                    MATCH (:Rule {id: $id})-[l:LOCK]->(f:Did) WHERE f.key IN $keys
                    RETURN l.rse_id AS rse, sum(l.bytes) AS bytes, count(l) AS n
                    """, Map.of("id", ruleId, "keys", fileKeys)).list().forEach(r -> usage.put(r.get("rse").asString(),
                    new long[] {r.get("bytes").asLong(0), r.get("n").asLong()}));
            rules.releaseReplicas(tx, ruleId, fileKeys, rule.purgeReplicas(), now);
            RuleStore.addUsage(tx, ruleId, usage, -1);
            tx.run("MATCH (:Rule {id: $id})-[l:LOCK]->(f:Did) WHERE f.key IN $keys DELETE l",
                    Map.of("id", ruleId, "keys", fileKeys)).consume();
            rules.recount(tx, ruleId, now);
            return null;
        });
    }

    /**
     * Replaces stuck locks by new plans for the same files (a source appeared, or another RSE was chosen), and
     * records on those still stuck why, in one transaction; then recounts.
     */
    public Rule replan(String ruleId, List<RuleQueries.StuckLock> replaced, List<PlannedLock> plans) {
        return store.write(tx -> {
            long now = clock.millis();
            List<Map<String, Object>> rows = replaced.stream()
                    .map(l -> Map.<String, Object>of("key", l.fileKey(), "rse", l.rseId())).toList();
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (:Rule {id: $id})-[l:LOCK {state: 'STUCK', rse_id: row.rse}]->(:Did {key: row.key})
                    DELETE l
                    """, Map.of("id", ruleId, "rows", rows)).consume();
            Map<String, long[]> usage = new HashMap<>();
            replaced.forEach(l -> {
                long[] u = usage.computeIfAbsent(l.rseId(), k -> new long[2]);
                u[0] += l.bytes();
                u[1]++;
            });
            RuleStore.addUsage(tx, ruleId, usage, -1);
            rules.addLocks(tx, ruleId, plans, now);
            return rules.recount(tx, ruleId, now);
        });
    }

    /** Sets a rule's error without changing anything else. */
    public void recordError(String ruleId, String error) {
        store.write(tx -> tx.run("MATCH (r:Rule {id: $id}) SET r.error = $error", Map.of("id", ruleId, "error", error))
                .consume());
    }
}
