package org.stevedore.rules.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.error.RuleNotFound;

/**
 * Reads of rules and their locks: for the API (a rule, lists of rules and of locks) and for the rules engine's workers
 * (which rules to work on, which files a rule already locks, where its groups went, its stuck locks). Writes go
 * through {@link RuleStore} (locks and counters) and {@link RuleChanges} (changes to existing rules); the layout is
 * described on {@link RuleStore}.
 */
public final class RuleQueries {

    static final String RULE_COLUMNS = """
            r.id AS id, r.scope AS scope, r.name AS name, r.did_type AS did_type, r.account AS account, r.copies AS copies,
            r.rse_expression AS rse_expression, r.grouping AS grouping, r.weight AS weight, r.locked AS locked,
            r.source_replica_expression AS source_replica_expression, r.activity AS activity, r.notify AS notify,
            r.purge_replicas AS purge_replicas, r.ignore_availability AS ignore_availability, r.comment AS comment,
            r.priority AS priority, r.meta AS meta, r.state AS state, r.error AS error, r.locks_ok_cnt AS locks_ok_cnt,
            r.locks_replicating_cnt AS locks_replicating_cnt, r.locks_stuck_cnt AS locks_stuck_cnt, r.bytes AS bytes,
            r.expires_at AS expires_at, r.stuck_at AS stuck_at, r.created_at AS created_at, r.updated_at AS updated_at""";

    private final Store store;

    public RuleQueries(Store store) {
        this.store = store;
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    public Rule get(String id) {
        return store.read(tx -> require(tx, id));
    }


    static Rule require(TransactionContext tx, String id) {
        List<Rule> found = tx.run("MATCH (r:Rule {id: $id}) RETURN " + RULE_COLUMNS, Map.of("id", id == null ? "" : id))
                .list(RuleQueries::rule);
        if (found.isEmpty()) {
            throw new RuleNotFound("No rule with id '" + id + "'");
        }
        return found.get(0);
    }

    /** Filters for listing rules; null fields do not filter. */
    public record Filter(String scope, String name, String account, RuleState state, String didKey) {
        public static Filter none() {
            return new Filter(null, null, null, null, null);
        }
    }

    /** Streams rules matching the filter, newest first. */
    public void list(Filter filter, Consumer<Rule> sink) {
        Map<String, Object> params = new HashMap<>();
        params.put("scope", filter.scope());
        params.put("name", filter.name());
        params.put("account", filter.account());
        params.put("state", filter.state() == null ? null : filter.state().name());
        params.put("did", filter.didKey());
        store.stream("""
                MATCH (r:Rule)
                WHERE ($did IS NULL OR r.did_key = $did) AND ($account IS NULL OR r.account = $account)
                  AND ($scope IS NULL OR r.scope = $scope) AND ($name IS NULL OR r.name = $name)
                  AND ($state IS NULL OR r.state = $state)
                RETURN %s ORDER BY r.created_at DESC, r.id
                """.formatted(RULE_COLUMNS), params, r -> sink.accept(rule(r)));
    }

    /** A lock as listed. */
    public record Lock(String ruleId, String scope, String name, String rseId, String rse, LockState state, long bytes,
                       String account, String error, Instant createdAt, Instant updatedAt) {
    }

    private static final String LOCK_COLUMNS = """
            r.id AS rule_id, f.scope AS scope, f.name AS name, l.rse_id AS rse_id, l.rse AS rse, l.state AS state,
            l.bytes AS bytes, r.account AS account, l.error AS error, l.created_at AS created_at, l.updated_at AS updated_at""";

    public void locksOfRule(String ruleId, Consumer<Lock> sink) {
        get(ruleId);
        store.stream("MATCH (r:Rule {id: $id})-[l:LOCK]->(f:Did) RETURN " + LOCK_COLUMNS + " ORDER BY f.key, l.rse",
                Map.of("id", ruleId), r -> sink.accept(lock(r)));
    }

    public void locksAtRse(String rseId, Consumer<Lock> sink) {
        store.stream("MATCH (r:Rule)-[l:LOCK {rse_id: $rse}]->(f:Did) RETURN " + LOCK_COLUMNS + " ORDER BY f.key, r.id",
                Map.of("rse", rseId), r -> sink.accept(lock(r)));
    }

    /** Locks on the files under a DID (the file itself for a file). */
    public void locksOfDid(String didKey, Consumer<Lock> sink) {
        store.stream("""
                MATCH (:Did {key: $key})-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                WITH DISTINCT f
                MATCH (r:Rule)-[l:LOCK]->(f)
                RETURN %s ORDER BY f.key, l.rse
                """.formatted(LOCK_COLUMNS), Map.of("key", didKey), r -> sink.accept(lock(r)));
    }

    private static Lock lock(Record r) {
        return new Lock(r.get("rule_id").asString(), r.get("scope").asString(), r.get("name").asString(),
                r.get("rse_id").asString(), r.get("rse").asString(), LockState.valueOf(r.get("state").asString()),
                r.get("bytes").asLong(0), Values.str(r.get("account")), Values.str(r.get("error")),
                Times.instant(r.get("created_at")), Times.instant(r.get("updated_at")));
    }

    static Rule rule(Record r) {
        return new Rule(
                r.get("id").asString(), r.get("scope").asString(), r.get("name").asString(),
                DidType.valueOf(r.get("did_type").asString()), r.get("account").asString(), r.get("copies").asInt(),
                r.get("rse_expression").asString(), Grouping.valueOf(r.get("grouping").asString()),
                Values.str(r.get("weight")), Values.bool(r.get("locked"), false),
                Values.str(r.get("source_replica_expression")), Values.str(r.get("activity")),
                Notify.valueOf(r.get("notify").asString("N")), Values.bool(r.get("purge_replicas"), false),
                Values.bool(r.get("ignore_availability"), false), Values.str(r.get("comment")),
                r.get("priority").asInt(3), Values.str(r.get("meta")), RuleState.valueOf(r.get("state").asString()),
                Values.str(r.get("error")), r.get("locks_ok_cnt").asLong(0), r.get("locks_replicating_cnt").asLong(0),
                r.get("locks_stuck_cnt").asLong(0), Values.lng(r.get("bytes")), Times.instant(r.get("expires_at")),
                Times.instant(r.get("stuck_at")), Times.instant(r.get("created_at")), Times.instant(r.get("updated_at")));
    }


    // ---- for the workers ------------------------------------------------------------------------------------

    /** Ids of rules in a state, of one partition, oldest first. */
    public List<String> idsInState(RuleState state, Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("state", state.name());
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (r:Rule {state: $state}) WHERE %s
                RETURN r.id AS id ORDER BY r.updated_at, r.id LIMIT $limit
                """.formatted(partition.cypherFilter("r")), params).list(r -> r.get("id").asString()));
    }

    /** Ids of expired rules of one partition that are not locked. */
    public List<String> expiredIds(long now, Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", now);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (r:Rule) WHERE r.expires_at <= $now AND NOT r.locked AND %s
                RETURN r.id AS id ORDER BY r.expires_at LIMIT $limit
                """.formatted(partition.cypherFilter("r")), params).list(r -> r.get("id").asString()));
    }

    /** Rules whose DID is {@code didKey} or one of its ancestors. */
    public List<Rule> rulesCovering(String didKey) {
        return store.read(tx -> tx.run("""
                MATCH (a:Did)-[:CONTAINS*0..]->(:Did {key: $key})
                WITH DISTINCT a.key AS key
                MATCH (r:Rule {did_key: key})
                RETURN %s ORDER BY r.created_at
                """.formatted(RULE_COLUMNS), Map.of("key", didKey)).list(RuleQueries::rule));
    }

    /** Which of {@code fileKeys} the rule already locks. */
    public java.util.Set<String> lockedFiles(String ruleId, List<String> fileKeys) {
        // From the files, not from the rule: a big rule has many locks, a file only a few.
        return new java.util.HashSet<>(store.read(tx -> tx.run("""
                MATCH (r:Rule {id: $id})
                UNWIND $keys AS k
                MATCH (f:Did {key: k})
                WHERE EXISTS { (r)-[:LOCK]->(f) }
                RETURN DISTINCT k AS key
                """, Map.of("id", ruleId, "keys", fileKeys)).list(r -> r.get("key").asString())));
    }

    /** The RSEs a rule's locks use, per dataset of the given datasets ("" = the whole rule). */
    public Map<String, List<String>> rsesByDataset(String ruleId, List<String> datasetKeys, boolean whole) {
        Map<String, List<String>> out = new HashMap<>();
        if (whole) {
            List<String> all = store.read(tx -> tx.run(
                    "MATCH (:Rule {id: $id})-[l:LOCK]->() RETURN DISTINCT l.rse_id AS rse ORDER BY rse",
                    Map.of("id", ruleId)).list(r -> r.get("rse").asString()));
            if (!all.isEmpty()) {
                out.put("", all);
            }
            return out;
        }
        // The first locked files of a dataset tell where its group went; no need to look at all of them.
        store.read(tx -> tx.run("""
                MATCH (r:Rule {id: $id})
                UNWIND $datasets AS ds
                MATCH (d:Did {key: ds})
                CALL (r, d) {
                  MATCH (d)-[:CONTAINS]->(f:Did)
                  MATCH (r)-[l:LOCK]->(f)
                  RETURN l.rse_id AS rse LIMIT 64
                }
                WITH ds, collect(DISTINCT rse) AS rses
                RETURN ds, rses
                """, Map.of("id", ruleId, "datasets", datasetKeys)).list()).forEach(r ->
                out.put(r.get("ds").asString(), r.get("rses").asList(v -> v.asString())));
        return out;
    }

    /** Which of {@code fileKeys} are still under the DID {@code didKey}. */
    public java.util.Set<String> filesUnder(String didKey, List<String> fileKeys) {
        return new java.util.HashSet<>(store.read(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (f:Did {key: k})
                WHERE k = $did OR EXISTS { (:Did {key: $did})-[:CONTAINS*1..]->(f) }
                RETURN k
                """, Map.of("did", didKey, "keys", fileKeys)).list(r -> r.get("k").asString())));
    }

    /** Whether a rule has any lock (an injection that wrote some slices before it was interrupted has). */
    public boolean hasLocks(String ruleId) {
        return store.read(tx -> tx.run("RETURN EXISTS { MATCH (:Rule {id: $id})-[:LOCK]->() } AS any",
                Map.of("id", ruleId)).single().get("any").asBoolean());
    }

    /** The RSEs on which a rule locks a file. */
    public java.util.Set<String> lockedRses(String ruleId, String fileKey) {
        return new java.util.HashSet<>(store.read(tx -> tx.run(
                "MATCH (:Rule {id: $id})-[l:LOCK]->(:Did {key: $key}) RETURN l.rse_id AS rse",
                Map.of("id", ruleId, "key", fileKey)).list(r -> r.get("rse").asString())));
    }

    /** A stuck lock, as the repairer sees it. */
    public record StuckLock(String fileKey, String scope, String name, long bytes, String rseId, String dataset) {
    }

    public List<StuckLock> stuckLocks(String ruleId, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (:Rule {id: $id})-[l:LOCK {state: 'STUCK'}]->(f:Did)
                OPTIONAL MATCH (d:Did {did_type: 'DATASET'})-[:CONTAINS]->(f)
                WITH l, f, min(d.key) AS dataset
                RETURN f.key AS key, f.scope AS scope, f.name AS name, coalesce(f.bytes, 0) AS bytes,
                       l.rse_id AS rse, dataset
                ORDER BY key LIMIT $limit
                """, Map.of("id", ruleId, "limit", limit)).list(r -> new StuckLock(r.get("key").asString(),
                r.get("scope").asString(), r.get("name").asString(), r.get("bytes").asLong(), r.get("rse").asString(),
                Values.str(r.get("dataset")))));
    }
}
