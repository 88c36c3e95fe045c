package org.stevedore.rules.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.error.DuplicateRule;
import org.stevedore.rules.error.RuleNotFound;

/**
 * Rules, their locks and the replicas and transfer requests the locks need, written together.
 *
 * <p>Layout: {@code (:Rule {id, did_key, ...counters})}, {@code (:Rule)-[:LOCK {rse_id, rse, state, bytes,
 * error}]->(:Did)} per file and RSE, the lock count on the {@code REPLICA} relationship, a {@code (:Request)} per
 * missing replica, and per account and RSE {@code (:Account)-[:USAGE {bytes, files}]->(:Rse)}. A lock's state is
 * decided in the same statement that takes the replica's lock, from the replica's state at that moment, so a lock
 * never misses a transfer finishing concurrently.
 */
public final class RuleStore {

    static final String RULE_COLUMNS = """
            r.id AS id, r.scope AS scope, r.name AS name, r.did_type AS did_type, r.account AS account, r.copies AS copies,
            r.rse_expression AS rse_expression, r.grouping AS grouping, r.weight AS weight, r.locked AS locked,
            r.source_replica_expression AS source_replica_expression, r.activity AS activity, r.notify AS notify,
            r.purge_replicas AS purge_replicas, r.ignore_availability AS ignore_availability, r.comment AS comment,
            r.priority AS priority, r.meta AS meta, r.state AS state, r.error AS error, r.locks_ok_cnt AS locks_ok_cnt,
            r.locks_replicating_cnt AS locks_replicating_cnt, r.locks_stuck_cnt AS locks_stuck_cnt, r.bytes AS bytes,
            r.expires_at AS expires_at, r.stuck_at AS stuck_at, r.created_at AS created_at, r.updated_at AS updated_at""";

    private final Store store;
    private final Clock clock;

    public RuleStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Store store() {
        return store;
    }

    // ---- creation ---------------------------------------------------------------------------------------------

    /**
     * Writes a rule and, unless it starts in INJECT or waits for approval, its locks, inside the caller's transaction
     * (so several rules are created all or none); refuses a duplicate of (DID, account, RSE expression, copies).
     * Returns the rule as written, counters included.
     */
    public Rule insertIn(TransactionContext tx, NewRule rule, long didBytes, List<PlannedLock> locks) {
        long duplicates = tx.run("""
                MATCH (r:Rule {did_key: $did}) WHERE r.account = $account AND r.rse_expression = $expression
                  AND r.copies = $copies
                RETURN count(r) AS n
                """, Map.of("did", rule.did().key(), "account", rule.account(), "expression", rule.rseExpression(),
                "copies", rule.copies())).single().get("n").asLong();
        if (duplicates > 0) {
            throw new DuplicateRule("A rule for '" + rule.did() + "' by account '" + rule.account() + "' with "
                    + rule.copies() + " copies on '" + rule.rseExpression() + "' already exists");
        }
        long now = clock.millis();
        Map<String, Object> props = new HashMap<>();
        props.put("id", rule.id());
        props.put("did_key", rule.did().key());
        props.put("scope", rule.did().scope());
        props.put("name", rule.did().name());
        props.put("did_type", rule.didType().name());
        props.put("account", rule.account());
        props.put("copies", rule.copies());
        props.put("rse_expression", rule.rseExpression());
        props.put("grouping", rule.grouping().name());
        props.put("weight", rule.weight());
        props.put("locked", rule.locked());
        props.put("source_replica_expression", rule.sourceReplicaExpression());
        props.put("activity", rule.activity());
        props.put("notify", rule.notification().name());
        props.put("purge_replicas", rule.purgeReplicas());
        props.put("ignore_availability", rule.ignoreAvailability());
        props.put("comment", rule.comment());
        props.put("priority", rule.priority());
        props.put("meta", rule.meta());
        props.put("state", rule.state().name());
        props.put("locks_ok_cnt", 0L);
        props.put("locks_replicating_cnt", 0L);
        props.put("locks_stuck_cnt", 0L);
        props.put("bytes", didBytes);
        props.put("expires_at", Times.millis(rule.expiresAt()));
        props.put("created_at", now);
        props.put("updated_at", now);
        props.put("hash_bucket", Partition.bucket(rule.id()));
        tx.run("CREATE (r:Rule) SET r = $props", Map.of("props", props)).consume();
        if (rule.state() != RuleState.INJECT && rule.state() != RuleState.WAITING_APPROVAL) {
            addLocks(tx, rule.id(), locks, now);
            // A lock's state is decided by the store at write time, so count what was written.
            recount(tx, rule.id(), now);
        }
        return require(tx, rule.id());
    }

    /** Sets a rule's state inside the caller's transaction. */
    public void setState(TransactionContext tx, String ruleId, RuleState state, long now) {
        tx.run("MATCH (r:Rule {id: $id}) SET r.state = $state, r.updated_at = $now",
                Map.of("id", ruleId, "state", state.name(), "now", now)).consume();
    }

    /**
     * Adds locks to an existing rule inside the caller's transaction: the MERGE on each replica takes its lock, a
     * missing replica becomes COPYING with a QUEUED request, and the account's usage grows by the locked bytes.
     * Does not recount; call {@link #recount} after.
     */
    public void addLocks(TransactionContext tx, String ruleId, List<PlannedLock> locks, long now) {
        int batch = store.batchSize();
        List<Map<String, Object>> sourced = new ArrayList<>();
        List<Map<String, Object>> stuck = new ArrayList<>();
        Map<String, long[]> usage = new HashMap<>();
        for (PlannedLock l : locks) {
            Map<String, Object> row = new HashMap<>(10);
            row.put("key", l.fileKey());
            row.put("bytes", l.bytes());
            row.put("rse_id", l.rseId());
            row.put("rse", l.rse());
            row.put("path", l.path());
            row.put("bucket", Partition.bucket(l.fileKey() + "|" + l.rseId()));
            row.put("error", l.error());
            (l.sourced() ? sourced : stuck).add(row);
            long[] u = usage.computeIfAbsent(l.rseId(), k -> new long[2]);
            u[0] += l.bytes();
            u[1]++;
        }
        for (int from = 0; from < sourced.size(); from += batch) {
            tx.run("""
                    MATCH (rule:Rule {id: $rule})
                    UNWIND $rows AS row
                    MATCH (f:Did {key: row.key})
                    MATCH (rse:Rse {id: row.rse_id})
                    OPTIONAL MATCH (f)-[old:REPLICA]->(rse)
                    WITH rule, f, rse, row, old IS NULL OR NOT old.state IN ['AVAILABLE', 'COPYING'] AS transfer
                    MERGE (f)-[r:REPLICA]->(rse)
                      ON CREATE SET r.state = 'COPYING', r.bytes = row.bytes, r.path = row.path, r.lock_cnt = 1,
                                    r.created_at = $now, r.updated_at = $now
                      ON MATCH SET r.lock_cnt = coalesce(r.lock_cnt, 0) + 1, r.tombstone = null,
                                   r.state = CASE WHEN r.state IN ['AVAILABLE', 'COPYING'] THEN r.state ELSE 'COPYING' END,
                                   r.updated_at = $now
                    CREATE (rule)-[:LOCK {rse_id: row.rse_id, rse: row.rse, bytes: row.bytes, created_at: $now,
                                          updated_at: $now,
                                          state: CASE WHEN r.state = 'AVAILABLE' THEN 'OK' ELSE 'REPLICATING' END}]->(f)
                    WITH rule, row, rse, transfer WHERE transfer
                    MERGE (q:Request {key: row.key + '|' + row.rse_id})
                      ON CREATE SET q.did_key = row.key, q.dest_rse_id = row.rse_id, q.state = 'QUEUED',
                                    q.activity = rule.activity,
                                    q.request_type = CASE WHEN rse.staging_area THEN 'STAGEIN' ELSE null END,
                                    q.priority = rule.priority, q.bytes = row.bytes,
                                    q.source_replica_expression = rule.source_replica_expression,
                                    q.created_at = $now, q.hash_bucket = row.bucket
                    """, Map.of("rule", ruleId, "rows", sourced.subList(from, Math.min(sourced.size(), from + batch)),
                    "now", now)).consume();
        }
        for (int from = 0; from < stuck.size(); from += batch) {
            tx.run("""
                    MATCH (rule:Rule {id: $rule})
                    UNWIND $rows AS row
                    MATCH (f:Did {key: row.key})
                    CREATE (rule)-[:LOCK {rse_id: row.rse_id, rse: row.rse, bytes: row.bytes, state: 'STUCK',
                                          error: row.error, created_at: $now, updated_at: $now}]->(f)
                    """, Map.of("rule", ruleId, "rows", stuck.subList(from, Math.min(stuck.size(), from + batch)),
                    "now", now)).consume();
        }
        addUsage(tx, ruleId, usage, 1);
    }

    private static void addUsage(TransactionContext tx, String ruleId, Map<String, long[]> usage, int sign) {
        if (usage.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        usage.forEach((rse, u) -> rows.add(Map.of("rse_id", rse, "bytes", sign * u[0], "files", sign * u[1])));
        tx.run("""
                MATCH (rule:Rule {id: $rule})
                MATCH (a:Account {account: rule.account})
                UNWIND $rows AS row
                MATCH (rse:Rse {id: row.rse_id})
                MERGE (a)-[u:USAGE]->(rse)
                  ON CREATE SET u.bytes = 0, u.files = 0
                SET u.bytes = u.bytes + row.bytes, u.files = u.files + row.files
                """, Map.of("rule", ruleId, "rows", rows)).consume();
    }

    /**
     * Recomputes a rule's counters from all its locks and moves its state on: STUCK if any lock is stuck, REPLICATING if
     * any is replicating, OK otherwise. INJECT and WAITING_APPROVAL are left alone; SUSPENDED rules leave SUSPENDED
     * only by becoming OK. The first time a rule gets stuck is kept ({@code stuck_at}): flipping back and forth never
     * resets it. A notifying rule that becomes OK writes a RULE_OK event in the same transaction.
     */
    public Rule recount(TransactionContext tx, String ruleId, long now) {
        Map<String, Long> counts = new HashMap<>();
        tx.run("MATCH (:Rule {id: $rule})-[l:LOCK]->() RETURN l.state AS state, count(*) AS n", Map.of("rule", ruleId))
                .list().forEach(r -> counts.put(r.get("state").asString(), r.get("n").asLong()));
        return setCounts(tx, ruleId, new Counts(counts.getOrDefault("OK", 0L), counts.getOrDefault("REPLICATING", 0L),
                counts.getOrDefault("STUCK", 0L)), now);
    }

    /** Lock counts of a rule, or changes to them. */
    public record Counts(long ok, long replicating, long stuck) {
        public Counts plus(Counts o) {
            return new Counts(ok + o.ok, replicating + o.replicating, stuck + o.stuck);
        }
    }

    /**
     * Moves a rule's counters by {@code delta} and its state on accordingly, like {@link #recount} but without reading
     * every lock: what keeps a rule of 100,000 files cheap to update a batch at a time.
     */
    public Rule addCounts(TransactionContext tx, String ruleId, Counts delta, long now) {
        Record r = tx.run("""
                MATCH (r:Rule {id: $rule})
                RETURN r.locks_ok_cnt AS ok, r.locks_replicating_cnt AS replicating, r.locks_stuck_cnt AS stuck
                """, Map.of("rule", ruleId)).single();
        Counts current = new Counts(r.get("ok").asLong(0), r.get("replicating").asLong(0), r.get("stuck").asLong(0));
        return setCounts(tx, ruleId, current.plus(delta), now);
    }

    private Rule setCounts(TransactionContext tx, String ruleId, Counts counts, long now) {
        long ok = counts.ok();
        long replicating = counts.replicating();
        long stuck = counts.stuck();
        Record before = tx.run("MATCH (r:Rule {id: $rule}) RETURN r.state AS state, r.notify AS notify",
                Map.of("rule", ruleId)).single();
        RuleState current = RuleState.valueOf(before.get("state").asString());
        RuleState next = stuck > 0 ? RuleState.STUCK : replicating > 0 ? RuleState.REPLICATING : RuleState.OK;
        if (current == RuleState.INJECT || current == RuleState.WAITING_APPROVAL
                || (current == RuleState.SUSPENDED && next != RuleState.OK)) {
            next = current;
        }
        Map<String, Object> params = new HashMap<>();
        params.put("rule", ruleId);
        params.put("ok", ok);
        params.put("replicating", replicating);
        params.put("stuck", stuck);
        params.put("state", next.name());
        params.put("now", now);
        tx.run("""
                MATCH (r:Rule {id: $rule})
                SET r.locks_ok_cnt = $ok, r.locks_replicating_cnt = $replicating, r.locks_stuck_cnt = $stuck,
                    r.state = $state, r.updated_at = $now,
                    r.stuck_at = CASE WHEN $state = 'OK' THEN null
                                      WHEN $state = 'STUCK' AND r.stuck_at IS NULL THEN $now ELSE r.stuck_at END,
                    r.error = CASE WHEN $state IN ['OK', 'REPLICATING'] THEN null ELSE r.error END
                """, params).consume();
        Notify notify = Notify.valueOf(before.get("notify").asString("N"));
        if (next == RuleState.OK && current != RuleState.OK && notify != Notify.N) {
            Events.emit(tx, "RULE_OK", Map.of("rule_id", ruleId), now);
        }
        return require(tx, ruleId);
    }

    /** Recounts in a transaction of its own. */
    public Rule recount(String ruleId) {
        return store.write(tx -> recount(tx, ruleId, clock.millis()));
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    public Rule get(String id) {
        return store.read(tx -> require(tx, id));
    }

    static Rule require(TransactionContext tx, String id) {
        List<Rule> found = tx.run("MATCH (r:Rule {id: $id}) RETURN " + RULE_COLUMNS, Map.of("id", id == null ? "" : id))
                .list(RuleStore::rule);
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

    // ---- changes ----------------------------------------------------------------------------------------------

    /** Sets the given rule properties (already validated by the caller) and answers the rule. */
    public Rule update(String ruleId, Map<String, Object> properties) {
        return store.write(tx -> {
            require(tx, ruleId);
            Map<String, Object> props = new HashMap<>(properties);
            props.put("updated_at", clock.millis());
            tx.run("MATCH (r:Rule {id: $id}) SET r += $props", Map.of("id", ruleId, "props", props)).consume();
            return require(tx, ruleId);
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
        require(tx, ruleId);
        Map<String, long[]> usage = new HashMap<>();
        tx.run("MATCH (:Rule {id: $id})-[l:LOCK]->() RETURN l.rse_id AS rse, sum(l.bytes) AS bytes, count(l) AS n",
                Map.of("id", ruleId)).list().forEach(r -> usage.put(r.get("rse").asString(),
                new long[] {r.get("bytes").asLong(0), r.get("n").asLong()}));
        releaseReplicas(tx, ruleId, null, purgeReplicas, now);
        addUsage(tx, ruleId, usage, -1);
        tx.run("MATCH (r:Rule {id: $id}) OPTIONAL MATCH (r)-[l:LOCK]->() DELETE l", Map.of("id", ruleId)).consume();
        tx.run("MATCH (r:Rule {id: $id}) DELETE r", Map.of("id", ruleId)).consume();
    }

    /**
     * Each replica a rule's locks hold (on {@code fileKeys}, or all when null) loses one lock; one left without any
     * gets its tombstone, and its queued transfer, if any, is cancelled. Stuck locks never took a replica's lock.
     */
    private static void releaseReplicas(TransactionContext tx, String ruleId, List<String> fileKeys, boolean purge,
                                        long now) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", ruleId);
        params.put("keys", fileKeys);
        params.put("purge", purge);
        params.put("now", now);
        tx.run("""
                MATCH (rule:Rule {id: $id})-[l:LOCK]->(f:Did)
                WHERE ($keys IS NULL OR f.key IN $keys) AND l.state <> 'STUCK'
                MATCH (f)-[r:REPLICA]->(rse:Rse {id: l.rse_id})
                SET r.lock_cnt = CASE WHEN r.lock_cnt > 0 THEN r.lock_cnt - 1 ELSE 0 END
                WITH f, r, rse
                WHERE r.lock_cnt = 0
                SET r.tombstone = CASE WHEN $purge OR r.state <> 'AVAILABLE' THEN 0
                                       ELSE coalesce(r.accessed_at, r.updated_at, r.created_at, $now) END
                WITH f, r, rse
                OPTIONAL MATCH (q:Request {key: f.key + '|' + rse.id}) WHERE q.state IN ['QUEUED', 'WAITING']
                DELETE q
                """, params).consume();
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
                """.formatted(RULE_COLUMNS), Map.of("key", didKey)).list(RuleStore::rule));
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

    /**
     * Removes a rule's locks on some files (they left the rule's DID), with the same replica bookkeeping as deleting
     * the rule, and recounts the rule.
     */
    public void removeLocks(String ruleId, List<String> fileKeys) {
        store.write(tx -> {
            Rule rule = require(tx, ruleId);
            long now = clock.millis();
            Map<String, long[]> usage = new HashMap<>();
            tx.run("""
                    MATCH (:Rule {id: $id})-[l:LOCK]->(f:Did) WHERE f.key IN $keys
                    RETURN l.rse_id AS rse, sum(l.bytes) AS bytes, count(l) AS n
                    """, Map.of("id", ruleId, "keys", fileKeys)).list().forEach(r -> usage.put(r.get("rse").asString(),
                    new long[] {r.get("bytes").asLong(0), r.get("n").asLong()}));
            releaseReplicas(tx, ruleId, fileKeys, rule.purgeReplicas(), now);
            addUsage(tx, ruleId, usage, -1);
            tx.run("MATCH (:Rule {id: $id})-[l:LOCK]->(f:Did) WHERE f.key IN $keys DELETE l",
                    Map.of("id", ruleId, "keys", fileKeys)).consume();
            recount(tx, ruleId, now);
            return null;
        });
    }

    /** Every (file, RSE) a rule locks, by file key: what an interrupted injection already wrote. */
    public Map<String, java.util.Set<String>> lockedPairs(String ruleId) {
        Map<String, java.util.Set<String>> out = new HashMap<>();
        store.stream("MATCH (:Rule {id: $id})-[l:LOCK]->(f:Did) RETURN f.key AS key, l.rse_id AS rse",
                Map.of("id", ruleId), r -> out.computeIfAbsent(r.get("key").asString(), k -> new java.util.HashSet<>(2))
                        .add(r.get("rse").asString()));
        return out;
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

    /**
     * Replaces stuck locks by new plans for the same files (a source appeared, or another RSE was chosen), and
     * records on those still stuck why, in one transaction; then recounts.
     */
    public Rule replan(String ruleId, List<StuckLock> replaced, List<PlannedLock> plans) {
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
            addUsage(tx, ruleId, usage, -1);
            addLocks(tx, ruleId, plans, now);
            return recount(tx, ruleId, now);
        });
    }

    /** Sets a rule's error without changing anything else. */
    public void recordError(String ruleId, String error) {
        store.write(tx -> tx.run("MATCH (r:Rule {id: $id}) SET r.error = $error", Map.of("id", ruleId, "error", error))
                .consume());
    }

    /**
     * Replicas that became AVAILABLE: their REPLICATING locks become OK, and each rule concerned is recounted, in the
     * caller's transaction (the transfer finisher's). Answers the rules touched.
     */
    public List<String> replicasAvailable(TransactionContext tx, List<Map<String, Object>> fileRse, long now) {
        List<String> rules = tx.run("""
                UNWIND $rows AS row
                MATCH (f:Did {key: row.key}) USING INDEX SEEK f:Did(key)
                MATCH (r:Rule)-[l:LOCK]->(f) WHERE l.rse_id = row.rse_id AND l.state = 'REPLICATING'
                SET l.state = 'OK', l.updated_at = $now, l.error = null
                RETURN r.id AS id, count(l) AS n
                """, Map.of("rows", fileRse, "now", now)).list(r -> Map.entry(r.get("id").asString(), r.get("n").asLong()))
                .stream().map(e -> {
                    addCounts(tx, e.getKey(), new Counts(e.getValue(), -e.getValue(), 0), now);
                    return e.getKey();
                }).toList();
        return rules;
    }

    /**
     * Locks the caller has already made OK (REPLICATING before), counted per rule: each rule's counters move once, in
     * the caller's transaction, however many of its files the batch held.
     */
    public void locksOk(TransactionContext tx, Map<String, Long> okByRule, long now) {
        okByRule.forEach((rule, n) -> addCounts(tx, rule, new Counts(n, -n, 0), now));
    }

    /**
     * Transfers that failed for good: the locks waiting for them become STUCK with the reason, each rule concerned is
     * recounted, in the caller's transaction. Rows carry {@code key}, {@code rse_id} and {@code error}.
     */
    public List<String> transfersFailed(TransactionContext tx, List<Map<String, Object>> fileRseError, long now) {
        List<String> rules = tx.run("""
                UNWIND $rows AS row
                MATCH (f:Did {key: row.key}) USING INDEX SEEK f:Did(key)
                MATCH (r:Rule)-[l:LOCK]->(f) WHERE l.rse_id = row.rse_id AND l.state = 'REPLICATING'
                SET l.state = 'STUCK', l.updated_at = $now, l.error = row.error
                SET r.error = row.error
                RETURN r.id AS id, count(l) AS n
                """, Map.of("rows", fileRseError, "now", now)).list(r -> Map.entry(r.get("id").asString(), r.get("n").asLong()))
                .stream().map(e -> {
                    addCounts(tx, e.getKey(), new Counts(0, -e.getValue(), e.getValue()), now);
                    return e.getKey();
                }).toList();
        return rules;
    }
}
