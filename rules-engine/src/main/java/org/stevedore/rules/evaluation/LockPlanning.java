package org.stevedore.rules.evaluation;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleInputs.FileInfo;
import org.stevedore.rules.store.RuleInputs.ReplicaInfo;
import org.stevedore.rules.store.RuleQueries;

/**
 * Where a rule's locks go, as rule creation, injection, re-evaluation and repair all need it: expressions resolved
 * the way rules refuse them, the RSEs with their attributes, the placement of files with the account's quotas, and
 * the RSEs a rule's groups already use.
 */
final class LockPlanning {

    private final RuleInputs inputs;
    private final RuleQueries rules;
    private final RseStore rses;
    private final AccountLimitStore limits;
    private final Function<String, List<Rse>> resolver;
    private final RandomGenerator random;

    LockPlanning(RuleInputs inputs, RuleQueries rules, RseStore rses, AccountLimitStore limits,
                 Function<String, List<Rse>> resolver, RandomGenerator random) {
        this.inputs = inputs;
        this.rules = rules;
        this.rses = rses;
        this.limits = limits;
        this.resolver = resolver;
        this.random = random;
    }

    /** Resolves an expression for a rule: a refusal is a rule refusal (409), as in Rucio. */
    List<Rse> resolve(String expression) {
        try {
            return resolver.apply(expression);
        } catch (InvalidRSEExpression e) {
            throw InvalidRSEExpression.inRule(e);
        }
    }

    Map<String, RseWithAttributes> allRses() {
        Map<String, RseWithAttributes> all = new LinkedHashMap<>();
        rses.listWithAttributes().forEach(r -> all.put(r.rse().id(), r));
        return all;
    }

    /** Plans locks for files of a rule; {@code fixed} pins groups the rule already placed. */
    List<PlannedLock> plan(NewRuleView rule, List<FileInfo> files, List<Rse> targets, Map<String, RseWithAttributes> all,
                           Map<String, List<Rse>> fixed) {
        return plan(rule, files, inputs.replicas(files.stream().map(FileInfo::key).distinct().toList()), targets, all,
                fixed);
    }

    /** Plans with the files' replicas already known. */
    List<PlannedLock> plan(NewRuleView rule, List<FileInfo> files, Map<String, List<ReplicaInfo>> replicas,
                           List<Rse> targets, Map<String, RseWithAttributes> all, Map<String, List<Rse>> fixed) {
        RulePlanner planner = new RulePlanner(all, sources(rule, all), random);
        RulePlanner.Params params = new RulePlanner.Params(rule.copies(), rule.grouping(), rule.weight(),
                rule.ignoreAvailability(), "'" + rule.did() + "'");
        List<RsePlacement.Candidate> candidates = planner.candidates(targets, params);
        Map<String, AccountLimitStore.Usage> quotas = limits.usage(rule.account(),
                candidates.stream().map(c -> c.rse().id()).toList());
        return planner.plan(files, replicas, params, candidates, quotas, fixed);
    }

    /**
     * Ids of the RSEs a rule's files may be copied from: its source expression's readable RSEs, or every readable RSE.
     * The planner and the dry run's tape-recall count both ask here, so they agree on what a source is.
     */
    Set<String> sources(NewRuleView rule, Map<String, RseWithAttributes> all) {
        Set<String> sources = new HashSet<>();
        if (rule.sourceReplicaExpression() != null) {
            resolve(rule.sourceReplicaExpression()).stream().filter(Rse::availabilityRead).forEach(r -> sources.add(r.id()));
        } else {
            all.values().stream().filter(r -> r.rse().availabilityRead()).forEach(r -> sources.add(r.rse().id()));
        }
        return sources;
    }

    /** The account's usage and limit on each RSE a rule could write to (RSEs with neither are absent). */
    Map<String, AccountLimitStore.Usage> quotas(String account, Collection<String> rseIds) {
        return limits.usage(account, rseIds);
    }

    /**
     * What a planning that goes on over several calls keeps: one planner and one placement, so that the account's
     * quota counts every group placed so far (the sliced injection places a rule's groups slice by slice).
     */
    record Session(RulePlanner planner, RulePlanner.Params params, RsePlacement placement) {
    }

    /** Starts a planning session for a rule: refuses what {@link #plan} refuses before placing anything. */
    Session session(NewRuleView rule) {
        Map<String, RseWithAttributes> all = allRses();
        RulePlanner planner = new RulePlanner(all, sources(rule, all), random);
        RulePlanner.Params params = new RulePlanner.Params(rule.copies(), rule.grouping(), rule.weight(),
                rule.ignoreAvailability(), "'" + rule.did() + "'");
        List<RsePlacement.Candidate> candidates = planner.candidates(resolve(rule.rseExpression()), params);
        Map<String, AccountLimitStore.Usage> quotas = limits.usage(rule.account(),
                candidates.stream().map(c -> c.rse().id()).toList());
        return new Session(planner, params, new RsePlacement(candidates, quotas, random));
    }

    /** The RSEs already chosen for the groups new files join: the rule's for ALL, their dataset's for DATASET. */
    Map<String, List<Rse>> fixedGroups(Rule rule, List<FileInfo> files) {
        return fixedGroupsByKey(rule, files.stream().map(FileInfo::dataset).distinct().toList());
    }

    /** {@link #fixedGroups(Rule, List)} for the groups (datasets) given by key. */
    Map<String, List<Rse>> fixedGroupsByKey(Rule rule, Collection<String> datasets) {
        if (rule.grouping() == Grouping.NONE) {
            return Map.of();
        }
        Map<String, List<String>> byGroup = rules.rsesByDataset(rule.id(), List.copyOf(datasets),
                rule.grouping() == Grouping.ALL);
        Map<String, RseWithAttributes> all = allRses();
        Map<String, List<Rse>> fixed = new HashMap<>();
        byGroup.forEach((group, ids) -> {
            List<Rse> chosen = ids.stream().map(all::get).filter(java.util.Objects::nonNull)
                    .map(RseWithAttributes::rse).limit(rule.copies()).toList();
            if (chosen.size() == rule.copies()) {
                fixed.put(group, chosen);
            }
        });
        return fixed;
    }
}
