package org.stevedore.rules.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.store.Values;

/**
 * What the features above the rules engine may read of rules and their locks, so that the Cypher reading
 * {@code (:Rule)} and {@code [:LOCK]} stays here: whether a rule exists, the state of a rule's locks on given files,
 * and how long the rules locking replicas still need them. Called by the tape side (a campaign's copy to its target
 * rule; the expiry of pins) inside the caller's transaction {@code tx}, with one batch of files per call: one round
 * trip per call, never one per file. Reads only.
 */
public final class LockQueries {

    /** A lock of a rule on a file, on RSE {@code rse}; {@code error} is why it is stuck, or null. */
    public record FileLock(String fileKey, String rse, LockState state, String error) {
    }

    /**
     * What the rules locking one replica ask of it: how many rules hold a lock on it that is not STUCK, the latest
     * expiry among them (epoch millis, null when none expires), and whether one of them never expires.
     */
    public record ReplicaNeed(long rules, Long latestExpiry, boolean forever) {

        /** No rule locks the replica. */
        public static final ReplicaNeed NONE = new ReplicaNeed(0, null, false);
    }

    private LockQueries() {
    }

    /** Whether rule {@code ruleId} exists. */
    public static boolean ruleExists(TransactionContext tx, String ruleId) {
        return tx.run("MATCH (r:Rule {id: $id}) RETURN count(r) > 0 AS found", Map.of("id", ruleId))
                .single().get("found").asBoolean();
    }

    /** The locks of rule {@code ruleId} in one of {@code states} on any of {@code fileKeys}, by file and RSE. */
    public static List<FileLock> locks(TransactionContext tx, String ruleId, List<String> fileKeys,
                                       Set<LockState> states) {
        if (fileKeys.isEmpty()) {
            return List.of();
        }
        return tx.run("""
                UNWIND $keys AS k
                MATCH (:Rule {id: $id})-[l:LOCK]->(:Did {key: k}) WHERE l.state IN $states
                RETURN k AS key, l.rse AS rse, l.state AS state, l.error AS error ORDER BY key, rse
                """, Map.of("id", ruleId, "keys", fileKeys, "states", states.stream().map(Enum::name).toList()))
                .list(r -> new FileLock(r.get("key").asString(), Values.str(r.get("rse")),
                        LockState.valueOf(r.get("state").asString()), Values.str(r.get("error"))));
    }

    /**
     * Per file of {@code fileKeys}, what the rules locking its replica on the RSE with id {@code rseId} ask of it,
     * counting only locks that are not STUCK; files no such lock holds are left out (they are
     * {@link ReplicaNeed#NONE}).
     */
    public static Map<String, ReplicaNeed> replicaNeeds(TransactionContext tx, String rseId, List<String> fileKeys) {
        Map<String, ReplicaNeed> needs = new HashMap<>();
        if (fileKeys.isEmpty()) {
            return needs;
        }
        tx.run("""
                UNWIND $keys AS k
                MATCH (rule:Rule)-[l:LOCK {rse_id: $rse_id}]->(:Did {key: k}) WHERE l.state <> 'STUCK'
                RETURN k AS key, count(rule) AS rules, max(rule.expires_at) AS latest,
                       sum(CASE WHEN rule.expires_at IS NULL THEN 1 ELSE 0 END) AS forever
                """, Map.of("rse_id", rseId, "keys", fileKeys)).list().forEach(r -> needs.put(r.get("key").asString(),
                new ReplicaNeed(r.get("rules").asLong(), Values.lng(r.get("latest")),
                        r.get("forever").asLong() > 0)));
        return needs;
    }
}
