package org.stevedore.rules.workers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.rules.error.RuleNotFound;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.store.UndertakerStore.Burial;
import org.stevedore.rules.store.UndertakerStore.Expired;
import org.stevedore.rules.store.UndertakerStore.RuleOn;

/**
 * Removes expired DIDs (Rucio's undertaker): takes a batch of its partition's expired DIDs, deletes their rules
 * through the rules engine (with purge, as Rucio does for DIDs that do not say otherwise: replicas left without a
 * lock get the epoch as tombstone, so the reaper takes them first), then has the catalog detach and remove them
 * ({@link UndertakerStore#bury}). A DID whose rule could not be removed is left alone for {@code pause}, so a DID that
 * keeps failing does not hold up the ones behind it.
 */
public final class Undertaker implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Undertaker.class);

    private final UndertakerStore store;
    private final RuleService rules;
    private final Clock clock;
    private final int batch;
    private final Duration pause;
    /** DID key → when it may be tried again. Per worker instance, so lost on restart, which only costs a retry. */
    private final Map<String, Instant> paused = new HashMap<>();

    public Undertaker(UndertakerStore store, RuleService rules, Clock clock, int batch, Duration pause) {
        if (batch < 1) {
            throw new IllegalArgumentException("undertaker batch must be at least 1, got " + batch);
        }
        this.store = store;
        this.rules = rules;
        this.clock = clock;
        this.batch = batch;
        this.pause = pause;
    }

    @Override
    public String executable() {
        return "undertaker";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        Instant now = clock.instant();
        paused.values().removeIf(until -> !until.isAfter(now));
        List<Expired> dids = store.expired(partition, batch + paused.size()).stream()
                .filter(d -> !paused.containsKey(d.key())).limit(batch).toList();
        if (dids.isEmpty()) {
            return WorkResult.nothing();
        }
        List<String> keys = dids.stream().map(Expired::key).toList();
        Set<String> failed = new HashSet<>();
        int rulesRemoved = 0;
        for (RuleOn rule : store.rulesOnExpired(keys)) {
            if (failed.contains(rule.didKey())) {
                continue;
            }
            try {
                rules.delete(rule.ruleId(), true);
                rulesRemoved++;
                log.info("Undertaker: rule {} on expired DID {} removed", rule.ruleId(), rule.didKey());
            } catch (RuleNotFound gone) {
                // Removed meanwhile (the rule cleaner, or a user): what we wanted.
            } catch (RuntimeException e) {
                failed.add(rule.didKey());
                paused.put(rule.didKey(), now.plus(pause));
                log.warn("Undertaker: rule {} on expired DID {} could not be removed, DID paused for {}: {}",
                        rule.ruleId(), rule.didKey(), pause, e.getMessage());
            }
        }
        List<String> buryable = new ArrayList<>(keys.size());
        keys.stream().filter(k -> !failed.contains(k)).forEach(buryable::add);
        Burial burial = store.bury(buryable);
        if (rulesRemoved > 0 || burial.changedAnything()) {
            log.info("Undertaker: {} expired DID(s): {} rule(s) removed, {} parent link(s) removed, {} collection(s) "
                            + "and {} file(s) deleted, {} file(s) kept for the reaper, {} waiting for re-evaluation",
                    dids.size(), rulesRemoved, burial.detached(), burial.collectionsDeleted(), burial.filesDeleted(),
                    burial.filesKept(), burial.deferred());
        }
        // Only changes count as work: DIDs that wait for the re-evaluator must not make the loop spin.
        return WorkResult.of(rulesRemoved + burial.detached() + burial.collectionsDeleted() + burial.filesDeleted()
                + burial.filesKept());
    }
}
