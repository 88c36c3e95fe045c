package org.stevedore.rules.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.Tombstones;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.error.DuplicateRule;

/**
 * Rules, their locks and the replicas and transfers the locks need, written together.
 *
 * <p>Layout: {@code (:Rule {id, did_key, ...counters})}, {@code (:Rule)-[:LOCK {rse_id, rse, state, bytes,
 * error}]->(:Did)} per file and RSE, the lock count on the {@code REPLICA} relationship, a transfer per missing replica
 * (asked of the transfer agent through {@link TransferQueue}, in the same transaction), and per account and RSE {@code (:Account)-[:USAGE {bytes, files}]->(:Rse)}. A lock's state is
 * decided in the same statement that takes the replica's lock, from the replica's state at that moment, so a lock
 * never misses a transfer finishing concurrently.
 *
 * <p>This class writes locks and keeps their bookkeeping (replicas' lock counts, account usage, rule counters and
 * state), for rule creation, for the changes in {@link RuleChanges} and for the outcomes of transfers; reads are
 * {@link RuleQueries}'.
 */
public final class RuleStore {

    private static final Logger log = LoggerFactory.getLogger(RuleStore.class);

    /** What {@code prelock_tombstone} holds for a replica that had no tombstone before its first lock. */
    static final long NO_TOMBSTONE = -1L;

    private final Store store;
    private final Clock clock;
    private final TransferQueue transfers;

    public RuleStore(Store store, Clock clock, TransferQueue transfers) {
        this.store = store;
        this.clock = clock;
        this.transfers = transfers;
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
        refuseDuplicate(tx, rule);
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
        props.put("state_history", List.of(now + " " + rule.state().name()));
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
            // A lock's state is decided by the store at write time, so count what was written: a new rule's
            // counters are all zero, so what the statements wrote is the whole count.
            addCounts(tx, rule.id(), addLocks(tx, rule.id(), locks, now), now);
        }
        return RuleQueries.require(tx, rule.id());
    }

    /**
     * Refuses a rule that repeats an existing one (same DID, account, expression and copies), as Rucio does; the
     * write path and the dry run both ask here, so a dry run names the same duplicate the write would refuse.
     *
     * @throws DuplicateRule when such a rule exists
     */
    public static void refuseDuplicate(TransactionContext tx, NewRule rule) {
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
    }

    /** How many state changes a rule keeps in {@code state_history}: the newest, enough for a rule's page. */
    static final int HISTORY_KEPT = 50;

    /**
     * The SET item that appends {@code "<millis> <STATE>"} to a rule's {@code state_history} when {@code $state}
     * differs from the rule's state (and {@code $now} is the time): written by the statement that changes the state,
     * so the history costs no round trip. It must come before the item that sets {@code r.state}.
     */
    static final String HISTORY = "r.state_history = CASE WHEN $state IS NULL OR r.state = $state THEN r.state_history"
            + " ELSE (coalesce(r.state_history, []) + [toString($now) + ' ' + $state])[-" + HISTORY_KEPT + "..] END";

    /** Sets a rule's state inside the caller's transaction. */
    public void setState(TransactionContext tx, String ruleId, RuleState state, long now) {
        tx.run("MATCH (r:Rule {id: $id}) SET " + HISTORY + ", r.state = $state, r.updated_at = $now",
                Map.of("id", ruleId, "state", state.name(), "now", now)).consume();
    }

    /**
     * Adds locks to an existing rule inside the caller's transaction: the MERGE on each replica takes its lock, a
     * missing replica becomes COPYING and its transfer is queued ({@link TransferQueue#queue}), and the account's usage
     * grows by the locked bytes. Answers the locks written by state, as the store decided them, so that the caller
     * can move the rule's counters by them ({@link #addCounts}) instead of reading every lock of the rule again
     * ({@link #recount}), which made each batch of a growing rule cost as much as the whole rule.
     * Does not touch the rule's counters itself.
     */
    public Counts addLocks(TransactionContext tx, String ruleId, List<PlannedLock> locks, long now) {
        int batch = store.batchSize();
        List<Map<String, Object>> sourced = new ArrayList<>();
        List<Map<String, Object>> stuck = new ArrayList<>();
        Map<String, long[]> usage = new HashMap<>();
        for (PlannedLock l : locks) {
            Map<String, Object> row = new HashMap<>(10);
            row.put("i", (l.sourced() ? sourced : stuck).size());
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
        TransferQueue.Origin origin = sourced.isEmpty() ? null : origin(tx, ruleId);
        long ok = 0;
        long replicating = 0;
        for (int from = 0; from < sourced.size(); from += batch) {
            List<Map<String, Object>> rows = sourced.subList(from, Math.min(sourced.size(), from + batch));
            // A copy's path may already be another file's replica on the RSE (an explicit PFN registered there): the
            // store refuses a second replica at a path, and the rule with it.
            List<Record> written = Constraints.refusingDuplicates(() -> tx.run("""
                    MATCH (rule:Rule {id: $rule})
                    UNWIND $rows AS row
                    MATCH (f:Did {key: row.key})
                    MATCH (rse:Rse {id: row.rse_id})
                    OPTIONAL MATCH (f)-[old:REPLICA]->(rse)
                    WITH rule, f, rse, row, old IS NULL OR old.state <> 'AVAILABLE' AS transfer,
                         old IS NOT NULL AND coalesce(old.lock_cnt, 0) = 0 AS first_lock,
                         coalesce(old.tombstone, $none) AS before
                    MERGE (f)-[r:REPLICA]->(rse)
                      ON CREATE SET r.state = 'COPYING', r.bytes = row.bytes, r.rse_id = rse.id, r.path = row.path, r.lock_cnt = 1,
                                    r.created_at = $now, r.updated_at = $now
                      ON MATCH SET r.prelock_tombstone = CASE WHEN first_lock THEN before ELSE r.prelock_tombstone END,
                                   r.lock_cnt = coalesce(r.lock_cnt, 0) + 1, r.tombstone = null,
                                   r.state = CASE WHEN r.state IN ['AVAILABLE', 'COPYING'] THEN r.state ELSE 'COPYING' END,
                                   r.updated_at = $now
                    CREATE (rule)-[:LOCK {rse_id: row.rse_id, rse: row.rse, bytes: row.bytes, created_at: $now,
                                          updated_at: $now,
                                          state: CASE WHEN r.state = 'AVAILABLE' THEN 'OK' ELSE 'REPLICATING' END}]->(f)
                    RETURN row.i AS i, transfer, r.state = 'AVAILABLE' AS ok,
                           transfer AND coalesce(rse.staging_area, false) AS staging_area
                    """, Map.of("rule", ruleId, "rows", rows, "now", now, "none", NO_TOMBSTONE)).list(),
                    () -> new Duplicate("A copy of the rule's files would be at a physical path that another file's "
                            + "replica already holds on its RSE"));
            List<TransferQueue.Transfer> needed = new ArrayList<>(written.size());
            for (Record r : written) {
                if (r.get("ok").asBoolean()) {
                    ok++;
                } else {
                    replicating++;
                }
                if (r.get("transfer").asBoolean()) {
                    needed.add(transfer(sourced.get(r.get("i").asInt()), r.get("staging_area").asBoolean()));
                }
            }
            // The copies that need a transfer go to the transfer agent in the same transaction, one call per batch.
            // A COPYING replica is asked for too: its transfer may have ended (failed for good, before a repair);
            // the queue keeps a live one and replaces an ended one.
            transfers.queue(tx, origin, needed, now);
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
        return new Counts(ok, replicating, stuck.size());
    }

    /** A copy the lock statement found needing a transfer: the planned row (by its index) and its destination's kind. */
    private static TransferQueue.Transfer transfer(Map<String, Object> row, boolean stagingArea) {
        return new TransferQueue.Transfer((String) row.get("key"), (String) row.get("rse_id"), (Long) row.get("bytes"),
                ((Number) row.get("bucket")).longValue(), stagingArea);
    }

    /** What the rule asks of the transfers of its copies, read once per batch of locks rather than once per copy. */
    static TransferQueue.Origin origin(TransactionContext tx, String ruleId) {
        Record r = tx.run("""
                MATCH (r:Rule {id: $id})
                RETURN r.activity AS activity, r.priority AS priority, r.source_replica_expression AS source
                """, Map.of("id", ruleId)).single();
        return new TransferQueue.Origin(Values.str(r.get("activity")), Values.lng(r.get("priority")),
                Values.str(r.get("source")));
    }

    static void addUsage(TransactionContext tx, String ruleId, Map<String, long[]> usage, int sign) {
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
        // The rule's write lock first (a SET takes it and holds it to commit), then the read: the read alone takes no
        // lock, and two transactions that read the same counters and then wrote their sums lost one another's
        // change, which happened whenever pollers of two instances finished files of one rule at once.
        tx.run("MATCH (r:Rule {id: $rule}) SET r.updated_at = $now", Map.of("rule", ruleId, "now", now)).consume();
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
        Record before = tx.run("""
                MATCH (r:Rule {id: $rule}) RETURN r.state AS state, r.notify AS notify, r.scope AS scope, r.name AS name
                """, Map.of("rule", ruleId)).single();
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
                SET %s, r.locks_ok_cnt = $ok, r.locks_replicating_cnt = $replicating, r.locks_stuck_cnt = $stuck,
                    r.state = $state, r.updated_at = $now,
                    r.stuck_at = CASE WHEN $state = 'OK' THEN null
                                      WHEN $state = 'STUCK' AND r.stuck_at IS NULL THEN $now ELSE r.stuck_at END,
                    r.error = CASE WHEN $state IN ['OK', 'REPLICATING'] THEN null ELSE r.error END
                """.formatted(HISTORY), params).consume();
        if (next != current && (next == RuleState.OK || next == RuleState.STUCK)) {
            // In the transaction: a retried one may log it twice, a rolled back one once too often; rare, and the
            // line says what the rule's counters were.
            log.info("Rule {} is now {}: {} lock(s) OK, {} replicating, {} stuck", ruleId, next, ok, replicating, stuck);
        }
        Notify notify = Notify.valueOf(before.get("notify").asString("N"));
        if (next == RuleState.OK && current != RuleState.OK && notify != Notify.N) {
            // Rucio's RULE_OK payload: the rule's DID and its id (what Hermes's consumers read).
            Events.emit(tx, "RULE_OK", Map.of("scope", before.get("scope").asString(""),
                    "name", before.get("name").asString(""), "rule_id", ruleId), now);
        }
        return RuleQueries.require(tx, ruleId);
    }

    /** Recounts in a transaction of its own. */
    public Rule recount(String ruleId) {
        return store.write(tx -> recount(tx, ruleId, clock.millis()));
    }

    // ---- releasing ----------------------------------------------------------------------------------------------

    /**
     * The tombstone of a replica ({@code rel}) whose last lock just went: a lock that ends never leaves a replica more
     * deletable than it was before its first lock (seen: raw files registered without a rule, their only copy, deleted
     * right after a task's pin on them ended). A replica that existed before it was first locked returns to the
     * tombstone it had then ({@code prelock_tombstone}, {@link #NO_TOMBSTONE} for none), or to OBSOLETE when it had one
     * and the rule purges; only a replica a rule brought (no {@code prelock_tombstone}) gets a new one: OBSOLETE when
     * the rule purges or the copy never became available, else an LRU tombstone at its last access (else last change).
     * Uses the parameters {@code $purge}, {@code $now}.
     */
    static String unlockedTombstone(String rel) {
        return """
                CASE WHEN rel.prelock_tombstone = %1$d THEN null
                     WHEN rel.prelock_tombstone IS NOT NULL THEN CASE WHEN $purge THEN %2$d ELSE rel.prelock_tombstone END
                     WHEN $purge OR rel.state <> 'AVAILABLE' THEN %2$d
                     ELSE coalesce(rel.accessed_at, rel.updated_at, rel.created_at, $now) END""".formatted(NO_TOMBSTONE,
                Tombstones.OBSOLETE).replace("rel.", rel + ".");
    }

    /**
     * Each replica a rule's locks hold (on {@code fileKeys}, or all when null) loses one lock; one left without any
     * gets its tombstone, and its transfer, if not under way, is cancelled ({@link TransferQueue#cancelPending}, one
     * call for them all). Stuck locks hold no replica's lock: those planned stuck never took one, those whose
     * transfer failed gave it back ({@link #transfersFailed}).
     */
    void releaseReplicas(TransactionContext tx, String ruleId, List<String> fileKeys, boolean purge, long now) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", ruleId);
        params.put("keys", fileKeys);
        params.put("purge", purge);
        params.put("now", now);
        List<TransferQueue.FileAtRse> unlocked = tx.run("""
                MATCH (rule:Rule {id: $id})-[l:LOCK]->(f:Did)
                WHERE ($keys IS NULL OR f.key IN $keys) AND l.state <> 'STUCK'
                MATCH (f)-[r:REPLICA]->(rse:Rse {id: l.rse_id})
                SET r.lock_cnt = CASE WHEN r.lock_cnt > 0 THEN r.lock_cnt - 1 ELSE 0 END
                WITH f, r, rse
                WHERE r.lock_cnt = 0
                SET r.tombstone = %s
                REMOVE r.prelock_tombstone
                RETURN f.key AS key, rse.id AS rse_id
                """.formatted(unlockedTombstone("r")), params).list(r -> new TransferQueue.FileAtRse(r.get("key").asString(), r.get("rse_id").asString()));
        transfers.cancelPending(tx, unlocked);
    }

    // ---- outcomes of transfers --------------------------------------------------------------------------------

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
     * Transfers that failed for good: the locks waiting for them become STUCK with the reason and give their replica's
     * lock back (a STUCK lock never holds one: that is what releasing and re-planning a rule's locks count on), so a
     * replica no lock holds any more gets its tombstone as on release; each rule concerned is recounted, in the
     * caller's transaction. Rows carry {@code key}, {@code rse_id} and {@code error}.
     */
    public List<String> transfersFailed(TransactionContext tx, List<Map<String, Object>> fileRseError, long now) {
        List<String> rules = tx.run("""
                UNWIND $rows AS row
                MATCH (f:Did {key: row.key}) USING INDEX SEEK f:Did(key)
                MATCH (r:Rule)-[l:LOCK]->(f) WHERE l.rse_id = row.rse_id AND l.state = 'REPLICATING'
                SET l.state = 'STUCK', l.updated_at = $now, l.error = row.error
                SET r.error = row.error
                WITH row, f, r, count(l) AS n
                WITH row, f, collect([r.id, n]) AS per_rule, sum(n) AS released
                OPTIONAL MATCH (f)-[rep:REPLICA]->(:Rse {id: row.rse_id})
                SET rep.lock_cnt = CASE WHEN rep.lock_cnt > released THEN rep.lock_cnt - released ELSE 0 END,
                    rep.updated_at = $now
                WITH per_rule, rep
                FOREACH (_ IN CASE WHEN rep.lock_cnt = 0 THEN [1] ELSE [] END |
                  SET rep.tombstone = %s
                  REMOVE rep.prelock_tombstone)
                WITH per_rule UNWIND per_rule AS rule_n
                RETURN rule_n[0] AS id, sum(rule_n[1]) AS n
                """.formatted(unlockedTombstone("rep")), Map.of("rows", fileRseError, "now", now, "purge", false, "none", NO_TOMBSTONE)).list(r -> Map.entry(r.get("id").asString(), r.get("n").asLong()))
                .stream().map(e -> {
                    addCounts(tx, e.getKey(), new Counts(0, -e.getValue(), e.getValue()), now);
                    return e.getKey();
                }).toList();
        return rules;
    }
}
