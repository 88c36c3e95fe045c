package org.stevedore.rules.evaluation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleChanges;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleInputs.FileInfo;
import org.stevedore.rules.store.RuleInputs.ReplicaInfo;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;

/**
 * What the rules engine's workers do to existing rules: follow the content changes of collections (re-evaluation)
 * and try STUCK rules again (repair). Rules are created and changed by {@link RuleService}; this class shares its
 * placement ({@link LockPlanning}) and settings.
 */
public final class RuleMaintenance {

    private static final Logger log = LoggerFactory.getLogger(RuleMaintenance.class);

    private final RuleStore rules;
    private final RuleQueries queries;
    private final RuleChanges changes;
    private final RuleInputs inputs;
    private final LockPlanning planning;
    private final Clock clock;
    private final RuleService.Settings settings;
    private final RandomGenerator random;

    public RuleMaintenance(RuleStore rules, RuleInputs inputs, RseStore rses, AccountLimitStore limits,
                           Function<String, List<Rse>> resolver, Clock clock, RuleService.Settings settings,
                           RandomGenerator random) {
        this.rules = rules;
        this.queries = new RuleQueries(rules.store());
        this.changes = new RuleChanges(rules, clock);
        this.inputs = inputs;
        this.planning = new LockPlanning(inputs, queries, rses, limits, resolver, random);
        this.clock = clock;
        this.settings = settings;
        this.random = random;
    }

    /**
     * Applies one content change of a collection to every rule on it or above it: attached files get the locks
     * their rule asks for (joining the RSEs their group already uses), detached files lose locks unless the rule's
     * DID still reaches them another way. Only the files of the change are looked at, not the whole collection.
     */
    public void reevaluate(UpdatedDidQueue.UpdatedDid change) {
        DidRef parent = new DidRef(change.scope(), change.name());
        List<Rule> covering = queries.rulesCovering(parent.key());
        if (covering.isEmpty() || change.children().isEmpty()) {
            return;
        }
        List<FileInfo> files = inputs.filesUnder(change.children(), parent.key(),
                change.action() == UpdatedDidQueue.Action.ATTACH);
        if (files.isEmpty()) {
            return;
        }
        List<String> keys = files.stream().map(FileInfo::key).distinct().toList();
        for (Rule rule : covering) {
            if (rule.state() == RuleState.INJECT || rule.state() == RuleState.WAITING_APPROVAL) {
                continue;
            }
            if (change.action() == UpdatedDidQueue.Action.DETACH) {
                Set<String> stillCovered = queries.filesUnder(rule.did().key(), keys);
                List<String> gone = keys.stream().filter(k -> !stillCovered.contains(k)).toList();
                Set<String> locked = queries.lockedFiles(rule.id(), gone);
                if (!locked.isEmpty()) {
                    changes.removeLocks(rule.id(), List.copyOf(locked));
                    log.info("Rule {}: {} file(s) left {}, locks removed", rule.id(), locked.size(), parent);
                }
                continue;
            }
            Set<String> locked = queries.lockedFiles(rule.id(), keys);
            List<FileInfo> fresh = files.stream().filter(f -> !locked.contains(f.key())).toList();
            if (fresh.isEmpty()) {
                continue;
            }
            Map<String, List<Rse>> fixed = planning.fixedGroups(rule, fresh);
            List<PlannedLock> locks;
            try {
                locks = planning.plan(NewRuleView.of(rule), fresh, planning.resolve(rule.rseExpression()),
                        planning.allRses(), fixed);
            } catch (org.stevedore.catalog.error.StevedoreException e) {
                changes.recordError(rule.id(), "Re-evaluation after attach to " + parent + " failed: " + e.getMessage());
                log.warn("Rule {}: new content of {} could not be placed: {}", rule.id(), parent, e.getMessage());
                continue;
            }
            long now = clock.millis();
            rules.store().write(tx -> {
                // The counters move by what was written: recounting every lock of the rule here made each
                // attachment cost as much as the whole rule (quadratic in a dataset filled batch by batch).
                return rules.addCounts(tx, rule.id(), rules.addLocks(tx, rule.id(), locks, now), now);
            });
            log.info("Rule {}: {} lock(s) added for new content of {}", rule.id(), locks.size(), parent);
        }
    }

    /**
     * Tries a STUCK rule again: a stuck lock whose file now has a source is re-planned on its RSE; one whose RSE is no
     * longer eligible moves to another RSE of the expression; the rest keep STUCK with their reason, and the rule's
     * error says how many and why. A rule stuck longer than the suspension age (counted from when it first got
     * stuck) is SUSPENDED instead.
     */
    public Rule repair(String ruleId) {
        Rule rule = queries.get(ruleId);
        if (rule.state() != RuleState.STUCK) {
            return rule;
        }
        if (rule.stuckAt() != null && rule.stuckAt().plus(settings.suspendAfter()).isBefore(clock.instant())) {
            log.warn("Rule {} stuck since {}: suspended", ruleId, rule.stuckAt());
            return changes.update(ruleId, Map.of("state", RuleState.SUSPENDED.name(),
                    "error", "Suspended: stuck since " + rule.stuckAt() + " (" + rule.error() + ")"));
        }
        List<RuleQueries.StuckLock> stuck = queries.stuckLocks(ruleId, 10_000);
        if (stuck.isEmpty()) {
            return rules.recount(ruleId);
        }
        Map<String, RseWithAttributes> all = planning.allRses();
        List<Rse> targets;
        try {
            targets = planning.resolve(rule.rseExpression());
        } catch (InvalidRSEExpression e) {
            changes.recordError(ruleId, "Repair: " + e.getMessage());
            return queries.get(ruleId);
        }
        Set<String> eligible = new HashSet<>();
        targets.stream().filter(r -> rule.ignoreAvailability() || r.availabilityWrite()).forEach(r -> eligible.add(r.id()));
        Set<String> sources = new HashSet<>();
        if (rule.sourceReplicaExpression() != null) {
            planning.resolve(rule.sourceReplicaExpression()).stream().filter(Rse::availabilityRead).forEach(r -> sources.add(r.id()));
        } else {
            all.values().stream().filter(r -> r.rse().availabilityRead()).forEach(r -> sources.add(r.rse().id()));
        }
        RulePlanner planner = new RulePlanner(all, sources, random);
        Map<String, List<ReplicaInfo>> replicas = inputs.replicas(stuck.stream().map(RuleQueries.StuckLock::fileKey).distinct().toList());
        List<RuleQueries.StuckLock> replaced = new ArrayList<>();
        List<PlannedLock> plans = new ArrayList<>();
        String reason = null;
        for (RuleQueries.StuckLock l : stuck) {
            FileInfo file = new FileInfo(l.fileKey(), l.scope(), l.name(), l.bytes(), l.dataset());
            List<ReplicaInfo> fileReplicas = replicas.getOrDefault(l.fileKey(), List.of());
            Rse target = eligible.contains(l.rseId()) ? all.get(l.rseId()).rse() : null;
            if (target == null) {
                // The RSE left the expression or stopped taking writes: try the others this file is not on yet.
                Set<String> used = queries.lockedRses(ruleId, l.fileKey());
                target = targets.stream().filter(r -> eligible.contains(r.id()) && !used.contains(r.id())).findFirst()
                        .orElse(null);
                if (target == null) {
                    reason = "No eligible RSE left in '" + rule.rseExpression() + "' for '" + l.fileKey() + "'";
                    continue;
                }
            }
            PlannedLock plan = planner.lock(file, target, fileReplicas);
            if (plan.sourced() || !target.id().equals(l.rseId())) {
                replaced.add(l);
                plans.add(plan);
            }
            if (!plan.sourced()) {
                reason = plan.error();
            }
        }
        Rule after = replaced.isEmpty() ? rules.recount(ruleId) : changes.replan(ruleId, replaced, plans);
        long stillStuck = after.locksStuck();
        if (stillStuck > 0) {
            changes.recordError(ruleId, stillStuck + " lock(s) stuck: " + (reason == null ? after.error() : reason));
        }
        log.info("Rule {} repaired: {} lock(s) re-planned, {} still stuck", ruleId, replaced.size(), stillStuck);
        return queries.get(ruleId);
    }
}
