package org.stevedore.rules.evaluation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.InjectionInputs;
import org.stevedore.rules.store.InjectionInputs.GroupTotals;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleChanges;
import org.stevedore.rules.store.RuleInputs.FileInfo;
import org.stevedore.rules.store.RuleInputs.ReplicaInfo;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;

/**
 * Plans and writes the locks of a rule in INJECT slice by slice, so that the heap holds one slice whatever the size
 * of the rule's DID. First the groups are placed from totals the store computes (a dataset's bytes and what of it
 * each RSE holds), as the planner would from the files themselves; then the files stream past once and every
 * {@code chunk} locks are planned and written in a transaction of their own, the rule's counters moving with them.
 * The rule leaves INJECT only after the last slice. A crash between slices leaves the rule in INJECT with the
 * slices written so far (their locks, replicas, requests, usage and counters consistent with one another); the next
 * injection resumes it: files already locked are skipped, groups keep the RSEs they got, the counters are recounted.
 */
final class Injection {

    private static final Logger log = LoggerFactory.getLogger(Injection.class);

    /** A placement refusal met while the files stream, carried out of the stream to make the rule STUCK. */
    private static final class Refused extends RuntimeException {
        Refused(StevedoreException cause) {
            super(cause);
        }
    }

    private final RuleQueries queries;
    private final RuleStore rules;
    private final RuleChanges changes;
    private final InjectionInputs inputs;
    private final LockPlanning planning;
    private final Clock clock;
    private final int chunk;

    Injection(RuleQueries queries, RuleStore rules, RuleChanges changes, InjectionInputs inputs, LockPlanning planning,
              Clock clock, int chunk) {
        this.queries = queries;
        this.rules = rules;
        this.changes = changes;
        this.inputs = inputs;
        this.planning = planning;
        this.clock = clock;
        this.chunk = chunk;
    }

    Rule apply(String id) {
        Rule rule = queries.get(id);
        if (rule.state() != RuleState.INJECT) {
            return rule;
        }
        boolean resuming = queries.hasLocks(id);
        Run run = new Run(rule, resuming);
        try {
            run.placeGroups();
        } catch (StevedoreException e) {
            // Refused before anything is written: the rule is STUCK with no lock, as when it was planned whole.
            return stuck(id, e, 0);
        }
        try {
            inputs.stream(rule.did(), rule.didType(), rule.grouping(), run.pending, run::add);
            run.flush();
        } catch (Refused r) {
            // Only NONE grouping (each file placed as it comes) or a group new since the totals can be refused
            // here, after earlier slices were written: those stay, with the rule STUCK and its counters right.
            return stuck(id, (StevedoreException) r.getCause(), run.written);
        }
        Rule applied = rules.store().write(tx -> {
            long now = clock.millis();
            rules.setState(tx, id, RuleState.REPLICATING, now);
            // An injection resumed after an interruption (or a store from before the chunks counted) may have
            // locks the counters miss: only then are they read back, all of them.
            return resuming ? rules.recount(tx, id, now) : rules.addCounts(tx, id, new RuleStore.Counts(0, 0, 0), now);
        });
        log.info("Rule {} injected: {} locks in {} transaction(s), state {}", id, run.written, run.transactions,
                applied.state());
        return applied;
    }

    private Rule stuck(String id, StevedoreException e, long written) {
        changes.update(id, Map.of("state", RuleState.STUCK.name(), "error", e.getMessage(), "stuck_at", clock.millis()));
        log.warn("Rule {} could not be injected ({} locks written before): {}", id, written, e.getMessage());
        return queries.get(id);
    }

    /** One injection: the groups' RSEs, the slice being filled, and what was written. */
    private final class Run {
        private final Rule rule;
        private final boolean resuming;
        private final InjectionInputs.Pending pending;
        private final Map<String, List<Rse>> chosen = new HashMap<>();
        private final List<PlannedLock> slice = new ArrayList<>();
        private LockPlanning.Session session;
        private long written;
        private int transactions;

        Run(Rule rule, boolean resuming) {
            this.rule = rule;
            this.resuming = resuming;
            this.pending = resuming ? new InjectionInputs.Pending(rule.id(), rule.copies()) : null;
        }

        /** Started on the first file only: a rule with nothing left to lock is refused nothing, as before. */
        private LockPlanning.Session session() {
            if (session == null) {
                session = planning.session(NewRuleView.of(rule));
            }
            return session;
        }

        void placeGroups() {
            Map<String, GroupTotals> totals = inputs.groupTotals(rule.did(), rule.didType(), rule.grouping(), pending);
            if (totals.isEmpty()) {
                return;
            }
            // A rule without any lock yet has no group placed: asking the store would walk every file of its
            // datasets looking for locks that cannot be there.
            Map<String, List<Rse>> fixed = resuming ? planning.fixedGroupsByKey(rule, totals.keySet()) : Map.of();
            LockPlanning.Session s = session();
            totals.forEach((group, t) -> chosen.put(group, fixed.containsKey(group) ? fixed.get(group)
                    : s.planner().place(s.placement(), s.params(), group, t.bytes(), t.present())));
        }

        void add(FileInfo file, List<ReplicaInfo> replicas) {
            String group = switch (rule.grouping()) {
                case ALL -> "";
                case DATASET -> file.dataset();
                case NONE -> file.key();
            };
            LockPlanning.Session s = sessionOrRefused();
            List<Rse> rses = chosen.get(group);
            if (rses == null) {
                // NONE places every file on its own; under DATASET a file attached after the totals were read may
                // bring a group of its own, placed now from this file.
                Map<String, Long> present = new HashMap<>();
                replicas.forEach(r -> present.merge(r.rseId(), file.bytes() + 1, Long::sum));
                try {
                    rses = s.planner().place(s.placement(), s.params(), group, file.bytes(), present);
                } catch (StevedoreException e) {
                    throw new Refused(e);
                }
                if (rule.grouping() != Grouping.NONE) {
                    chosen.put(group, rses);
                }
            }
            for (Rse rse : rses) {
                slice.add(s.planner().lock(file, rse, replicas));
            }
            if (slice.size() >= chunk) {
                flush();
            }
        }

        private LockPlanning.Session sessionOrRefused() {
            try {
                return session();
            } catch (StevedoreException e) {
                throw new Refused(e);
            }
        }

        void flush() {
            if (slice.isEmpty()) {
                return;
            }
            List<PlannedLock> part = List.copyOf(slice);
            slice.clear();
            rules.store().write(tx -> {
                long now = clock.millis();
                RuleStore.Counts counts = rules.addLocks(tx, rule.id(), part, now);
                if (!resuming) {
                    // Each slice's counts commit with its locks, so the counters are right after every slice.
                    rules.addCounts(tx, rule.id(), counts, now);
                }
                return null;
            });
            written += part.size();
            transactions++;
        }
    }
}
