package org.stevedore.rules.store;

import java.util.Map;
import org.neo4j.driver.TransactionContext;

/**
 * Moves a rule's expiry, inside the caller's transaction. The rules engine owns the {@code (:Rule)} nodes; a feature
 * above it that keeps a rule alive for as long as it needs it asks here rather than writing the rule itself.
 *
 * <p>Contract. Owner and implementer: the rules engine (this class). Caller: the workload bridge, which renews a
 * task's pin rule with the task's lease ({@code LeaseStore.refreshLease}). Transaction: the caller's, so the lease
 * and the rule's expiry change together or not at all. Promise: the rule with that id, if there is one, gets
 * {@code expires_at} = {@code expiresAt} (ms since the epoch) and nothing else of it changes; no such rule (removed
 * meanwhile) is no error. The rule cleaner removes the rule once that time has passed, unless it is locked. One
 * statement per call, a unique-index seek on the rule's id.
 */
public final class RuleExpiry {

    /** Sets the expiry of rule {@code ruleId} to {@code expiresAt} (ms since the epoch), in {@code tx}. */
    public void set(TransactionContext tx, String ruleId, long expiresAt) {
        tx.run("MATCH (r:Rule {id: $id}) SET r.expires_at = $at", Map.of("id", ruleId, "at", expiresAt)).consume();
    }
}
