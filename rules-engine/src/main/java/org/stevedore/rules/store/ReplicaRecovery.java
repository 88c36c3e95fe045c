package org.stevedore.rules.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.store.Store;

/**
 * What becomes of replicas declared BAD (the catalog's {@code (:BadReplica)} declarations waiting in state BAD), as
 * Rucio's necromancer does it, one batch per transaction:
 * <ul>
 *   <li>another good (AVAILABLE) copy exists: the rules that lock the bad replica copy it again to the same RSE (its
 *       locks go back to REPLICATING, the replica to COPYING, and a new transfer is queued through
 *       {@link TransferQueue}, so every REPLICATING lock has a live request); a replica no rule locks is handed to the
 *       reaper with an OBSOLETE tombstone (0). The declaration becomes RECOVERED.</li>
 *   <li>it was the last copy: the file is marked lost ({@code availability = 'LOST'}, as Rucio's DIDs), the locks
 *       on it go STUCK with the reason {@value #LOST} (giving back the replica's lock count, as a STUCK lock holds
 *       none), their rules are recounted (STUCK), and the outbox says so: one {@value #REPLICA_LOST} event per batch
 *       (the workload bridge) and one {@value #RULE_LOST} per notifying rule. The BAD replica stays, out of reach, for
 *       an operator to look at. The declaration becomes LOST.</li>
 *   <li>the replica is gone, or no longer BAD (someone copied it again): DELETED, or RECOVERED.</li>
 * </ul>
 * Temporary unavailabilities past their {@code expires_at} are ended here too: the replica is AVAILABLE again (with a
 * {@code REPLICA_AVAILABLE} event) unless a later declaration keeps it out.
 */
public final class ReplicaRecovery {

    /** The reason a lock on a file with no good copy left is STUCK with. */
    public static final String LOST = "lost";
    /** {@code {"files": [...], "rse_ids": [...], "rule_ids": [...]}}: files whose last copy went bad. */
    public static final String REPLICA_LOST = "REPLICA_LOST";
    /** {@code {"rule_id": ..., "files": [...]}}: for a rule with notifications, files of it that are lost. */
    public static final String RULE_LOST = "RULE_LOST";

    /** What one batch did. */
    public record Outcome(int recovered, int lost, int deleted) {
        public int total() {
            return recovered + lost + deleted;
        }
    }

    private record Pending(String id, String key, String rseId, boolean present, String state, long locks, long bytes,
                           boolean stagingArea, long good) {
    }

    private final RuleStore rules;
    private final TransferQueue transfers;
    private final Clock clock;

    public ReplicaRecovery(RuleStore rules, TransferQueue transfers, Clock clock) {
        this.rules = rules;
        this.transfers = transfers;
        this.clock = clock;
    }

    /** Resolves up to {@code limit} BAD declarations of {@code partition}, oldest first, in one transaction. */
    public Outcome recover(Partition partition, int limit) {
        Store store = rules.store();
        return store.write(tx -> {
            long now = clock.millis();
            Map<String, Object> params = new HashMap<>(partition.cypherParams());
            params.put("limit", limit);
            List<Pending> pending = tx.run("""
                    MATCH (b:BadReplica {state: 'BAD'}) WHERE %s
                    WITH b ORDER BY b.created_at LIMIT $limit
                    OPTIONAL MATCH (f:Did {key: b.key})-[r:REPLICA]->(rse:Rse {id: b.rse_id})
                    RETURN b.id AS id, b.key AS key, b.rse_id AS rse_id, r IS NOT NULL AS present, r.state AS state,
                           coalesce(r.lock_cnt, 0) AS locks, coalesce(f.bytes, 0) AS bytes,
                           coalesce(rse.staging_area, false) AS staging,
                           CASE WHEN f IS NULL THEN 0 ELSE COUNT { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(o:Rse)
                                                                  WHERE o.id <> b.rse_id } END AS good
                    """.formatted(partition.cypherFilter("b")), params).list(r -> new Pending(
                    r.get("id").asString(), r.get("key").asString(), r.get("rse_id").asString(),
                    r.get("present").asBoolean(), r.get("state").isNull() ? null : r.get("state").asString(),
                    r.get("locks").asLong(), r.get("bytes").asLong(), r.get("staging").asBoolean(),
                    r.get("good").asLong()));
            List<Pending> copyAgain = new ArrayList<>();
            List<Pending> obsolete = new ArrayList<>();
            List<Pending> lost = new ArrayList<>();
            Map<String, List<String>> resolved = new HashMap<>();
            for (Pending p : pending) {
                String outcome;
                if (!p.present()) {
                    outcome = "DELETED";
                } else if (!"BAD".equals(p.state())) {
                    outcome = "RECOVERED";
                } else if (p.good() > 0) {
                    (p.locks() > 0 ? copyAgain : obsolete).add(p);
                    outcome = "RECOVERED";
                } else {
                    lost.add(p);
                    outcome = "LOST";
                }
                resolved.computeIfAbsent(outcome, k -> new ArrayList<>()).add(p.id());
            }
            copyAgain(tx, copyAgain, now);
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (:Did {key: row.key})-[r:REPLICA]->(:Rse {id: row.rse_id})
                    SET r.tombstone = 0, r.updated_at = $now
                    """, Map.of("rows", rows(obsolete), "now", now)).consume();
            markLost(tx, lost, now);
            resolved.forEach((state, ids) -> tx.run("""
                    UNWIND $ids AS id MATCH (b:BadReplica {id: id}) SET b.state = $state, b.updated_at = $now
                    """, Map.of("ids", ids, "state", state, "now", now)).consume());
            int deleted = resolved.getOrDefault("DELETED", List.of()).size();
            return new Outcome(pending.size() - lost.size() - deleted, lost.size(), deleted);
        });
    }

    private static List<Map<String, Object>> rows(List<Pending> pending) {
        List<Map<String, Object>> rows = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            rows.add(Map.of("i", i, "key", pending.get(i).key(), "rse_id", pending.get(i).rseId()));
        }
        return rows;
    }

    /** The locks on these replicas go back to REPLICATING, each rule queues its transfers again and is recounted. */
    private void copyAgain(TransactionContext tx, List<Pending> pending, long now) {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Set<Integer>> byRule = new LinkedHashMap<>();
        for (Record r : tx.run("""
                UNWIND $rows AS row
                MATCH (f:Did {key: row.key})-[rep:REPLICA]->(:Rse {id: row.rse_id})
                SET rep.state = 'COPYING', rep.tombstone = null, rep.updated_at = $now
                WITH f, row
                MATCH (rule:Rule)-[l:LOCK]->(f) WHERE l.rse_id = row.rse_id AND l.state IN ['OK', 'REPLICATING']
                SET l.state = 'REPLICATING', l.error = null, l.updated_at = $now
                RETURN rule.id AS rule, collect(DISTINCT row.i) AS rows ORDER BY rule
                """, Map.of("rows", rows(pending), "now", now)).list()) {
            byRule.computeIfAbsent(r.get("rule").asString(), k -> new LinkedHashSet<>())
                    .addAll(r.get("rows").asList(v -> v.asInt()));
        }
        for (Map.Entry<String, Set<Integer>> e : byRule.entrySet()) {
            List<TransferQueue.Transfer> needed = new ArrayList<>();
            for (int i : e.getValue()) {
                Pending p = pending.get(i);
                needed.add(new TransferQueue.Transfer(p.key(), p.rseId(), p.bytes(),
                        Partition.bucket(p.key() + "|" + p.rseId()), p.stagingArea(), true));
            }
            // A live request of the copy (another rule's, queued a moment ago) is kept; an ended one is replaced.
            // Either way it may overwrite: the bad bytes may still lie at the replica's path (a corrupt file).
            transfers.queue(tx, RuleStore.origin(tx, e.getKey()), needed, now);
            rules.recount(tx, e.getKey(), now);
        }
    }

    /** The files are lost: their locks on these replicas go STUCK, their rules are recounted, the outbox told. */
    private void markLost(TransactionContext tx, List<Pending> pending, long now) {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, List<String>> filesByRule = new LinkedHashMap<>();
        for (Record r : tx.run("""
                UNWIND $rows AS row
                MATCH (f:Did {key: row.key})-[rep:REPLICA]->(:Rse {id: row.rse_id})
                SET f.availability = 'LOST'
                WITH f, rep, row
                OPTIONAL MATCH (rule:Rule)-[l:LOCK]->(f) WHERE l.rse_id = row.rse_id AND l.state IN ['OK', 'REPLICATING']
                SET l.state = 'STUCK', l.error = $lost, l.updated_at = $now,
                    rule.error = 'File ' + f.key + ' is lost: its last copy, on RSE ' + rep.rse_id + ', was declared bad'
                WITH f, rep, collect(rule.id) AS rules
                SET rep.lock_cnt = CASE WHEN rep.lock_cnt > size(rules) THEN rep.lock_cnt - size(rules) ELSE 0 END,
                    rep.updated_at = $now
                RETURN f.key AS key, rules
                """, Map.of("rows", rows(pending), "lost", LOST, "now", now)).list()) {
            for (String rule : r.get("rules").asList(v -> v.asString())) {
                filesByRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(r.get("key").asString());
            }
        }
        for (String rule : filesByRule.keySet()) {
            rules.recount(tx, rule, now);
        }
        Events.emit(tx, REPLICA_LOST, Map.of("files", pending.stream().map(Pending::key).toList(),
                "rse_ids", pending.stream().map(Pending::rseId).toList(),
                "rule_ids", List.copyOf(filesByRule.keySet())), now);
        List<String> notifying = tx.run("""
                MATCH (r:Rule) WHERE r.id IN $ids AND coalesce(r.notify, 'N') <> 'N' RETURN r.id AS id ORDER BY id
                """, Map.of("ids", List.copyOf(filesByRule.keySet()))).list(r -> r.get("id").asString());
        for (String rule : notifying) {
            Events.emit(tx, RULE_LOST, Map.of("rule_id", rule, "files", filesByRule.get(rule)), now);
        }
    }

    /**
     * Ends up to {@code limit} temporary unavailabilities of {@code partition} past their {@code expires_at}: the
     * replica is AVAILABLE again unless a later declaration keeps it out. Answers how many declarations ended.
     */
    public int expireUnavailable(Partition partition, int limit) {
        return rules.store().write(tx -> {
            long now = clock.millis();
            Map<String, Object> params = new HashMap<>(partition.cypherParams());
            params.put("limit", limit);
            params.put("now", now);
            List<Record> ended = tx.run("""
                    MATCH (b:BadReplica {state: 'TEMPORARY_UNAVAILABLE'}) WHERE b.expires_at <= $now AND %s
                    WITH b ORDER BY b.expires_at LIMIT $limit
                    SET b.state = 'RECOVERED', b.updated_at = $now
                    WITH b
                    OPTIONAL MATCH (:Did {key: b.key})-[r:REPLICA]->(:Rse {id: b.rse_id})
                    WHERE r.state = 'TEMPORARY_UNAVAILABLE' AND coalesce(r.unavailable_until, 0) <= $now
                    SET r.state = 'AVAILABLE', r.unavailable_until = null, r.updated_at = $now
                    RETURN b.key AS key, b.rse_id AS rse_id, r IS NOT NULL AS restored
                    """.formatted(partition.cypherFilter("b")), params).list();
            List<Record> restored = ended.stream().filter(r -> r.get("restored").asBoolean()).toList();
            if (!restored.isEmpty()) {
                Events.emit(tx, Events.REPLICA_AVAILABLE, Map.of(
                        "files", restored.stream().map(r -> r.get("key").asString()).toList(),
                        "rse_ids", restored.stream().map(r -> r.get("rse_id").asString()).toList()), now);
            }
            return ended.size();
        });
    }
}
