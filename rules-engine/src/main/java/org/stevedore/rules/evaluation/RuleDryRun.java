package org.stevedore.rules.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.rules.evaluation.RuleService.Planned;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.RuleInputs.FileInfo;
import org.stevedore.rules.store.RuleInputs.ReplicaInfo;

/**
 * Turns the rules {@link RuleService} planned for a request into what a person deciding whether to create them wants
 * to know: where the copies go, what must be transferred, what the account's quota would hold afterwards and what
 * must first come back from tape. It reads the plan the write path would write, and classifies each lock the way
 * {@code RuleStore.addLocks} does when it writes it (a copy already AVAILABLE on its RSE is OK at once, any other
 * sourced copy needs a transfer, an unsourced one is STUCK), so the two cannot drift apart.
 */
public final class RuleDryRun {

    /** How many groups and stuck locks a plan lists by name; the totals always count all of them. */
    static final int LISTED = 200;

    /** The whole request's plan. {@code refused} when any of its rules would be refused (nothing would be written). */
    public record Plan(String account, List<RulePlan> rules, long files, long locks, long transfers, long transferBytes,
                       List<Quota> quota, Recall tapeRecalls, boolean refused) {
    }

    /**
     * One rule's plan.
     *
     * @param state           the state the rule would start in (REPLICATING, INJECT for big or asynchronous rules,
     *                        WAITING_APPROVAL); its locks are planned as they would be once it is evaluated
     * @param groups          where each group of the rule's grouping goes (at most {@value #LISTED}; {@code groupsTotal}
     *                        counts all)
     * @param alreadyCopying  transfers whose destination replica is already being copied (the live request is kept)
     * @param stuck           locks that would be STUCK at once, at most {@value #LISTED} named
     */
    public record RulePlan(String scope, String name, String didType, String state, int copies, String rseExpression,
                           String grouping, long files, long bytes, List<RseShare> rses, List<Group> groups,
                           long groupsTotal, long locks, long locksOk, long transfers, long transferBytes,
                           long alreadyCopying, long locksStuck, List<StuckLock> stuck, Recall tapeRecalls,
                           Refusal refused) {
    }

    /** What one RSE would get from a rule. */
    public record RseShare(String rse, long locks, long ok, long transfers, long transferBytes, long stuck, long bytes) {
    }

    /** A group of files placed together ("" is the whole DID under ALL grouping). */
    public record Group(String group, List<String> rses, long files, long bytes) {
    }

    /** A lock that could not be sourced, with the reason it would carry. */
    public record StuckLock(String scope, String name, String rse, String reason) {
    }

    /** The account's quota on one RSE: what it uses, its limit, what the request adds. */
    public record Quota(String rse, long usedBytes, Long limitBytes, long ruleBytes, long afterBytes, boolean exceeds) {
    }

    /** Files whose only readable AVAILABLE copies are on tape: each needs a recall before its transfer. */
    public record Recall(long files, long bytes, List<TapeShare> byRse) {
    }

    /** Recalls from one tape RSE. */
    public record TapeShare(String rse, long files, long bytes) {
    }

    /** The refusal {@code POST /rules/} would answer, in Rucio's terms. */
    public record Refusal(String exceptionClass, String exceptionMessage) {
    }

    private final Map<String, RseWithAttributes> all;
    private final LockPlanning planning;

    RuleDryRun(Map<String, RseWithAttributes> all, LockPlanning planning) {
        this.all = all;
        this.planning = planning;
    }

    Plan summarize(List<Planned> planned) {
        List<RulePlan> out = new ArrayList<>(planned.size());
        Map<String, Long> quotaBytes = new LinkedHashMap<>();
        Set<String> quotaRses = new LinkedHashSet<>();
        Map<String, long[]> recalls = new TreeMap<>();
        long files = 0;
        long locks = 0;
        long transfers = 0;
        long transferBytes = 0;
        boolean refused = false;
        String account = null;
        for (Planned p : planned) {
            account = p.rule().account();
            Set<String> sources = planning.sources(NewRuleView.of(p.rule()), all);
            RulePlan rule = rule(p, sources);
            out.add(rule);
            files += rule.files();
            locks += rule.locks();
            transfers += rule.transfers();
            transferBytes += rule.transferBytes();
            for (PlannedLock l : p.locks()) {
                quotaBytes.merge(l.rseId(), l.bytes(), Long::sum);
                quotaRses.add(l.rseId());
            }
            if (p.refusal() != null) {
                refused = true;
                // Show the quota of every RSE the rule could have gone to: that is what explains the refusal.
                planning.resolve(p.rule().rseExpression()).forEach(r -> quotaRses.add(r.id()));
            }
            for (TapeShare t : rule.tapeRecalls().byRse()) {
                long[] sum = recalls.computeIfAbsent(t.rse(), k -> new long[2]);
                sum[0] += t.files();
                sum[1] += t.bytes();
            }
        }
        Map<String, AccountLimitStore.Usage> usage = planning.quotas(account, quotaRses);
        List<Quota> quota = new ArrayList<>();
        for (String id : quotaRses) {
            AccountLimitStore.Usage u = usage.get(id);
            long used = u == null ? 0 : u.bytes();
            Long limit = u == null ? null : u.limit();
            long adds = quotaBytes.getOrDefault(id, 0L);
            quota.add(new Quota(all.get(id).rse().rse(), used, limit, adds, used + adds,
                    limit != null && used + adds > limit));
        }
        quota.sort(Comparator.comparing(Quota::rse));
        return new Plan(account, out, files, locks, transfers, transferBytes, quota, recall(recalls), refused);
    }

    private RulePlan rule(Planned p, Set<String> sources) {
        Map<String, long[]> perRse = new TreeMap<>(); // locks, ok, transfers, transfer bytes, stuck, bytes
        Map<String, List<String>> rsesOfFile = new HashMap<>();
        Map<String, long[]> recalls = new TreeMap<>();
        Set<String> recalled = new HashSet<>();
        List<StuckLock> stuck = new ArrayList<>();
        long ok = 0;
        long transfers = 0;
        long transferBytes = 0;
        long copying = 0;
        long stuckCount = 0;
        for (PlannedLock l : p.locks()) {
            rsesOfFile.computeIfAbsent(l.fileKey(), k -> new ArrayList<>()).add(l.rse());
            long[] share = perRse.computeIfAbsent(l.rse(), k -> new long[6]);
            share[0]++;
            share[5] += l.bytes();
            if (!l.sourced()) {
                stuckCount++;
                share[4]++;
                if (stuck.size() < LISTED) {
                    stuck.add(new StuckLock(l.scope(), l.name(), l.rse(), l.error()));
                }
                continue;
            }
            List<ReplicaInfo> replicas = p.replicas().getOrDefault(l.fileKey(), List.of());
            String onTarget = replicas.stream().filter(r -> r.rseId().equals(l.rseId())).map(ReplicaInfo::state)
                    .findFirst().orElse(null);
            if ("AVAILABLE".equals(onTarget)) {
                ok++;
                share[1]++;
                continue;
            }
            transfers++;
            transferBytes += l.bytes();
            share[2]++;
            share[3] += l.bytes();
            if ("COPYING".equals(onTarget)) {
                copying++;
            }
            String tape = onlyTapeSource(l, replicas, sources);
            if (tape != null && recalled.add(l.fileKey())) {
                long[] sum = recalls.computeIfAbsent(tape, k -> new long[2]);
                sum[0]++;
                sum[1] += l.bytes();
            }
        }
        List<RseShare> rses = new ArrayList<>();
        perRse.forEach((rse, s) -> rses.add(new RseShare(rse, s[0], s[1], s[2], s[3], s[4], s[5])));
        Map<String, long[]> groupSizes = new LinkedHashMap<>();
        Map<String, List<String>> groupRses = new HashMap<>();
        Set<String> counted = new HashSet<>();
        for (FileInfo f : p.files()) {
            String group = switch (p.rule().grouping()) {
                case ALL -> "";
                case DATASET -> f.dataset();
                case NONE -> f.key();
            };
            long[] size = groupSizes.computeIfAbsent(group, g -> new long[2]);
            if (counted.add(group + "\n" + f.key())) {
                size[0]++;
                size[1] += f.bytes();
            }
            groupRses.computeIfAbsent(group, g -> rsesOfFile.getOrDefault(f.key(), List.of()).stream().distinct()
                    .sorted().toList());
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, long[]> g : groupSizes.entrySet()) {
            if (groups.size() == LISTED) {
                break;
            }
            groups.add(new Group(g.getKey(), groupRses.get(g.getKey()), g.getValue()[0], g.getValue()[1]));
        }
        long distinctFiles = p.files().stream().map(FileInfo::key).distinct().count();
        Refusal refused = p.refusal() == null ? null
                : new Refusal(p.refusal().exceptionClass(), p.refusal().getMessage());
        String grouping = p.rule().grouping() == null ? Grouping.DATASET.name() : p.rule().grouping().name();
        return new RulePlan(p.rule().did().scope(), p.rule().did().name(), p.rule().didType().name(),
                p.rule().state().name(), p.rule().copies(), p.rule().rseExpression(), grouping, distinctFiles, p.bytes(),
                rses, groups, groupSizes.size(), p.locks().size(), ok, transfers, transferBytes, copying, stuckCount,
                stuck, recall(recalls), refused);
    }

    /**
     * The tape RSE a copy would be recalled from: when every readable AVAILABLE copy it may be made from is on tape
     * (the submitter prefers disk, so one disk copy means no recall). Null when no recall is needed.
     */
    private String onlyTapeSource(PlannedLock l, List<ReplicaInfo> replicas, Set<String> sources) {
        String tape = null;
        for (ReplicaInfo r : replicas) {
            if (r.rseId().equals(l.rseId()) || !"AVAILABLE".equals(r.state()) || !sources.contains(r.rseId())) {
                continue;
            }
            Rse rse = all.get(r.rseId()).rse();
            if (rse.rseType() != RseType.TAPE) {
                return null;
            }
            if (tape == null || rse.rse().compareTo(tape) < 0) {
                tape = rse.rse();
            }
        }
        return tape;
    }

    private static Recall recall(Map<String, long[]> byRse) {
        List<TapeShare> shares = new ArrayList<>();
        long files = 0;
        long bytes = 0;
        for (Map.Entry<String, long[]> e : byRse.entrySet()) {
            shares.add(new TapeShare(e.getKey(), e.getValue()[0], e.getValue()[1]));
            files += e.getValue()[0];
            bytes += e.getValue()[1];
        }
        return new Recall(files, bytes, shares);
    }
}
