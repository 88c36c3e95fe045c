package org.stevedore.rules.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.TransactionContext;

/**
 * The rules engine's answer to the end of a transfer: "these file copies arrived" or "these failed for good", told by
 * whoever made the copies, so that no other module reads or writes the rules' {@code (:Rule)} and {@code [:LOCK]}.
 *
 * <p>Contract. Owned and implemented here, in rules-engine; called by the transfer agent's finisher
 * ({@code org.stevedore.transfer.store.RequestOutcomes#finish}) with a batch of outcomes, inside the caller's own
 * transaction ({@code tx}), the one that also writes the requests and replicas, so that a lock never says OK for a
 * replica that is not AVAILABLE (or STUCK for a request that is not FAILED) even for a moment. What it promises, for a
 * batch: one statement over all its copies (never one per file), then each rule concerned has its counters moved once,
 * however many of its files the batch held, and its state follows them (REPLICATING, OK, STUCK; with a RULE_OK event
 * in the same transaction for a notifying rule that became OK), as {@link RuleStore#addCounts} does. Only locks still
 * REPLICATING change: a copy no lock waits for (a lock removed meanwhile, or already OK) is passed over, and a copy
 * may be named twice without being counted twice. An empty batch costs nothing.
 */
public final class LockOutcomes {

    /** A copy of a file ({@code scope:name}) at an RSE (by id). */
    public record Copy(String fileKey, String rseId) {
    }

    /** A copy that failed for good, and why: the reason its locks, and their rules, are left with. */
    public record FailedCopy(String fileKey, String rseId, String error) {
    }

    private final RuleStore rules;

    public LockOutcomes(RuleStore rules) {
        this.rules = rules;
    }

    /**
     * The copies arrived (their replicas are AVAILABLE as of {@code tx}): the REPLICATING locks of each file at its
     * RSE become OK, and their rules are counted again.
     */
    public void arrived(TransactionContext tx, Collection<Copy> copies, long now) {
        if (copies.isEmpty()) {
            return;
        }
        // Once each: a lock the statement met twice would be counted twice.
        List<Map<String, Object>> rows = new ArrayList<>(copies.size());
        for (Copy c : new LinkedHashSet<>(copies)) {
            rows.add(Map.of("key", c.fileKey(), "rse_id", c.rseId()));
        }
        rules.replicasAvailable(tx, rows, now);
    }

    /**
     * The copies failed for good: the REPLICATING locks of each file at its RSE become STUCK with the reason, their
     * rules take the reason as their error, and are counted again.
     */
    public void failed(TransactionContext tx, Collection<FailedCopy> copies, long now) {
        if (copies.isEmpty()) {
            return;
        }
        // Once each, with the first reason given: a lock the statement met twice would be counted twice.
        Map<Copy, String> errors = new LinkedHashMap<>();
        for (FailedCopy c : copies) {
            errors.putIfAbsent(new Copy(c.fileKey(), c.rseId()), c.error());
        }
        List<Map<String, Object>> rows = new ArrayList<>(errors.size());
        errors.forEach((c, error) -> rows.add(Map.of("key", c.fileKey(), "rse_id", c.rseId(), "error", error)));
        rules.transfersFailed(tx, rows, now);
    }
}
