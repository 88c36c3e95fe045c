package org.stevedore.rules.evaluation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.rules.error.InvalidRuleWeight;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.RuleInputs.FileInfo;
import org.stevedore.rules.store.RuleInputs.ReplicaInfo;

/**
 * Decides, without touching the store, where each file of a rule goes and whether it can get there: one lock per
 * file and chosen RSE; a file with no replica on its RSE and no readable AVAILABLE replica anywhere it may be copied
 * from gets a STUCK lock with the reason.
 */
final class RulePlanner {

    /** The rule's placement parameters. */
    record Params(int copies, Grouping grouping, String weight, boolean ignoreAvailability, String what) {
    }

    private final Map<String, RseWithAttributes> allRses;
    private final Set<String> sourceRses;
    private final RandomGenerator random;

    /**
     * @param allRses    every RSE by id, with attributes
     * @param sourceRses ids of the RSEs files may be copied from (the rule's source expression, or all readable)
     */
    RulePlanner(Map<String, RseWithAttributes> allRses, Set<String> sourceRses, RandomGenerator random) {
        this.allRses = allRses;
        this.sourceRses = sourceRses;
        this.random = random;
    }

    /** The RSEs of an expression a rule may write to, with their weights; refuses a weight no RSE carries. */
    List<RsePlacement.Candidate> candidates(List<Rse> resolved, Params params) {
        List<RsePlacement.Candidate> out = new ArrayList<>();
        for (Rse rse : resolved) {
            if (!params.ignoreAvailability() && !rse.availabilityWrite()) {
                continue;
            }
            double weight = 1.0;
            if (params.weight() != null && !params.weight().isBlank()) {
                Object value = allRses.get(rse.id()).attributes().get(params.weight());
                weight = number(value);
                if (!(weight > 0)) {
                    continue;
                }
            }
            out.add(new RsePlacement.Candidate(rse, weight));
        }
        if (params.weight() != null && !params.weight().isBlank() && out.isEmpty()) {
            throw new InvalidRuleWeight("No eligible RSE has a positive numeric attribute '" + params.weight()
                    + "' to weigh by");
        }
        return out;
    }

    private static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /**
     * Plans the locks for {@code files}. {@code fixed} maps a group key to RSEs already chosen for it (files joining a
     * group the rule placed before go where the group went); groups not in it are placed now.
     */
    List<PlannedLock> plan(List<FileInfo> files, Map<String, List<ReplicaInfo>> replicas, Params params,
                           List<RsePlacement.Candidate> candidates, Map<String, AccountLimitStore.Usage> quotas,
                           Map<String, List<Rse>> fixed) {
        RsePlacement placement = new RsePlacement(candidates, quotas, random);
        Map<String, List<FileInfo>> groups = new LinkedHashMap<>();
        for (FileInfo f : files) {
            String group = switch (params.grouping()) {
                case ALL -> "";
                case DATASET -> f.dataset();
                case NONE -> f.key();
            };
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(f);
        }
        List<PlannedLock> locks = new ArrayList<>(files.size() * params.copies());
        for (Map.Entry<String, List<FileInfo>> group : groups.entrySet()) {
            List<FileInfo> members = dedupe(group.getValue());
            List<Rse> chosen = fixed.get(group.getKey());
            if (chosen == null) {
                long bytes = 0;
                Map<String, Long> present = new HashMap<>();
                for (FileInfo f : members) {
                    bytes += f.bytes();
                    for (ReplicaInfo r : replicas.getOrDefault(f.key(), List.of())) {
                        present.merge(r.rseId(), f.bytes() + 1, Long::sum);
                    }
                }
                chosen = place(placement, params, group.getKey(), bytes, present);
            }
            for (FileInfo f : members) {
                for (Rse rse : chosen) {
                    locks.add(lock(f, rse, replicas.getOrDefault(f.key(), List.of())));
                }
            }
        }
        return locks;
    }

    /**
     * Chooses the RSEs of one group ({@code ""} under ALL grouping, the dataset's key under DATASET, the file's under
     * NONE) of {@code bytes}, of which {@code present} (bytes plus one per file) already sits on each RSE. One
     * placement across all of a rule's groups: the account's quota counts what earlier groups took.
     */
    List<Rse> place(RsePlacement placement, Params params, String group, long bytes, Map<String, Long> present) {
        String what = params.grouping() == Grouping.ALL ? params.what()
                : params.grouping() == Grouping.DATASET ? "dataset '" + group + "'"
                : "file '" + group + "'";
        return placement.choose(params.copies(), bytes, present, what);
    }

    /** A file reached through two datasets of one group is locked once per RSE. */
    private static List<FileInfo> dedupe(List<FileInfo> files) {
        Set<String> seen = new HashSet<>();
        List<FileInfo> out = new ArrayList<>(files.size());
        for (FileInfo f : files) {
            if (seen.add(f.key())) {
                out.add(f);
            }
        }
        return out;
    }

    PlannedLock lock(FileInfo f, Rse target, List<ReplicaInfo> replicas) {
        boolean onTarget = false;
        boolean source = false;
        for (ReplicaInfo r : replicas) {
            if (r.rseId().equals(target.id())) {
                // A replica declared bad is no copy to lock: it needs a source like a missing one.
                onTarget = onTarget || !"BAD".equals(r.state());
            } else if ("AVAILABLE".equals(r.state()) && sourceRses.contains(r.rseId())) {
                source = true;
            }
        }
        String path = target.deterministic() ? Lfn2Pfn.path(target.lfn2pfnAlgorithm(), f.scope(), f.name()) : null;
        if (onTarget || source) {
            return new PlannedLock(f.key(), f.scope(), f.name(), f.bytes(), target.id(), target.rse(), path, true, null);
        }
        String reason = replicas.isEmpty()
                ? "No replica of '" + f.key() + "' exists anywhere to copy from"
                : "No readable AVAILABLE replica of '" + f.key() + "' to copy to " + target.rse() + " from";
        return new PlannedLock(f.key(), f.scope(), f.name(), f.bytes(), target.id(), target.rse(), path, false, reason);
    }
}
