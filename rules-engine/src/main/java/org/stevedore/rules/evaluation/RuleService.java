package org.stevedore.rules.evaluation;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.did.Did;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.catalog.time.Lifetimes;
import org.stevedore.rules.error.InsufficientAccountLimit;
import org.stevedore.rules.error.InsufficientTargetRSEs;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.error.InvalidReplicationRule;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.InjectionInputs;
import org.stevedore.rules.store.NewRule;
import org.stevedore.rules.store.Notify;
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
 * Creating, changing and removing replication rules. Creation validates everything, plans every lock in memory and
 * writes the rule with its locks, replicas and transfer requests in one transaction; rules above the injection
 * threshold (file copies) are written in INJECT and planned later by the injector. What the workers do to existing
 * rules (re-evaluation, repair) is {@link RuleMaintenance}'s.
 */
public final class RuleService {

    private static final Logger log = LoggerFactory.getLogger(RuleService.class);

    /** Settings of rule evaluation. */
    public record Settings(long injectThreshold, Duration suspendAfter) {
        public static Settings defaults() {
            return new Settings(10_000, Duration.ofDays(14));
        }
    }

    private final DidStore dids;
    private final RuleStore rules;
    private final RuleQueries queries;
    private final RuleChanges changes;
    private final RuleInputs inputs;
    private final AccountStore accounts;
    private final LockPlanning planning;
    private final Clock clock;
    private final Settings settings;
    private final InjectionInputs injectionInputs;
    private final Injection injection;

    public RuleService(DidStore dids, RuleStore rules, RuleInputs inputs, RseStore rses, AccountStore accounts,
                       AccountLimitStore limits, Function<String, List<Rse>> resolver, Clock clock, Settings settings,
                       RandomGenerator random) {
        this.dids = dids;
        this.rules = rules;
        this.queries = new RuleQueries(rules.store());
        this.changes = new RuleChanges(rules, clock);
        this.inputs = inputs;
        this.accounts = accounts;
        this.planning = new LockPlanning(inputs, queries, rses, limits, resolver, random);
        this.clock = clock;
        this.settings = settings;
        this.injectionInputs = new InjectionInputs(rules.store());
        this.injection = new Injection(queries, rules, changes, injectionInputs, planning, clock,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.injectThreshold())));
    }

    public Settings settings() {
        return settings;
    }
    /** Creates one rule per DID, all or none; answers their ids in the order of the DIDs. */
    public List<String> add(RuleRequest request, String issuer) {
        List<Planned> planned = plan(request, issuer, false);
        List<String> ids = new ArrayList<>();
        rules.store().write(tx -> {
            for (Planned p : planned) {
                rules.insertIn(tx, p.rule(), p.bytes(), p.locks());
            }
            return null;
        });
        for (Planned p : planned) {
            ids.add(p.rule().id());
            log.info("Rule {} on {} for account {}: {} copies on '{}', {} locks, state {}", p.rule().id(), p.rule().did(),
                    p.rule().account(), p.rule().copies(), p.rule().rseExpression(), p.locks().size(), p.rule().state());
        }
        return ids;
    }

    /**
     * What {@link #add} would do with this request, computed by the same planning and checks and written nowhere:
     * the RSEs, transfers, quotas and tape recalls. Bad input is refused with the exception {@code add} throws; a
     * refusal that only placement finds (the account's quota, too few RSEs that can take a group) is answered in the
     * plan, with the figures that explain it.
     */
    public RuleDryRun.Plan dryRun(RuleRequest request, String issuer) {
        List<Planned> planned = plan(request, issuer, true);
        Map<String, RseWithAttributes> all = planning.allRses();
        return new RuleDryRun(all, planning).summarize(planned);
    }

    /**
     * Validates a request and plans its rules' locks in memory: the one planning step {@link #add} writes from and
     * {@link #dryRun} reports. With {@code preview}, locks are planned also for rules that would wait (for approval,
     * or for the injector), duplicates are looked up without writing, and a placement refusal is kept in its rule's
     * plan instead of thrown.
     */
    List<Planned> plan(RuleRequest request, String issuer, boolean preview) {
        if (request.dids() == null || request.dids().isEmpty()) {
            throw new InvalidObject("A rule needs 'dids': [{\"scope\": ..., \"name\": ...}]");
        }
        int copies = request.copies() == null ? 1 : request.copies();
        if (copies < 1) {
            throw new InvalidReplicationRule("copies must be at least 1, not " + copies);
        }
        if (request.rseExpression() == null || request.rseExpression().isBlank()) {
            throw new InvalidRSEExpression("A rule needs an 'rse_expression'");
        }
        if (request.lifetime() != null) {
            Lifetimes.seconds("lifetime", request.lifetime());
        }
        int priority = request.priority() == null ? 3 : request.priority();
        if (priority < 0 || priority > 5) {
            throw new InvalidReplicationRule("priority must be from 0 to 5, not " + priority);
        }
        String account = request.account() == null || request.account().isBlank() ? issuer : request.account();
        accounts.get(account);
        Grouping grouping = Grouping.parse(request.grouping());
        Notify notify = Notify.parse(request.notification());
        List<Rse> targets = planning.resolve(request.rseExpression());
        if (copies > targets.size()) {
            throw new InsufficientTargetRSEs("Rule asks " + copies + " copies but '"
                    + request.rseExpression() + "' selects only " + targets.size() + " RSE(s)");
        }
        if (request.sourceReplicaExpression() != null && !request.sourceReplicaExpression().isBlank()) {
            planning.resolve(request.sourceReplicaExpression());
        }
        Map<String, RseWithAttributes> all = planning.allRses();
        List<Planned> planned = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DidRef ref : request.dids()) {
            if (ref == null) {
                throw new InvalidObject("A DID of the rule is null");
            }
            Did did = dids.get(ref.scope(), ref.name());
            if (!seen.add(did.ref().key())) {
                throw new InvalidReplicationRule("DID '" + did.ref() + "' appears twice in the rule request");
            }
            RuleState state = Boolean.TRUE.equals(request.askApproval()) ? RuleState.WAITING_APPROVAL : RuleState.REPLICATING;
            NewRule rule = new NewRule(UUID.randomUUID().toString().replace("-", ""), did.ref(), did.type(), account,
                    copies, request.rseExpression(), grouping, blankToNull(request.weight()),
                    Boolean.TRUE.equals(request.locked()), blankToNull(request.sourceReplicaExpression()),
                    blankToNull(request.activity()), notify, Boolean.TRUE.equals(request.purgeReplicas()),
                    Boolean.TRUE.equals(request.ignoreAvailability()), request.comment(), priority, request.meta(),
                    state, request.lifetime() == null ? null : clock.instant().plusSeconds(request.lifetime()));
            if (preview) {
                NewRule candidate = rule;
                rules.store().read(tx -> {
                    RuleStore.refuseDuplicate(tx, candidate);
                    return null;
                });
            }
            List<PlannedLock> locks = List.of();
            List<FileInfo> files = List.of();
            Map<String, List<ReplicaInfo>> replicas = new HashMap<>();
            StevedoreException refusal = null;
            if (state == RuleState.REPLICATING && !preview && (Boolean.TRUE.equals(request.asynchronous())
                    || injectionInputs.count(did.ref(), did.type()) * copies > settings.injectThreshold())) {
                // Counted in the store: a rule for the injector needs none of its files in memory here.
                rule = withState(rule, RuleState.INJECT);
            }
            if (rule.state() == RuleState.REPLICATING || preview) {
                files = inputs.files(did.ref(), did.type(), replicas);
                if (rule.state() == RuleState.REPLICATING && (Boolean.TRUE.equals(request.asynchronous())
                        || (long) files.size() * copies > settings.injectThreshold())) {
                    rule = withState(rule, RuleState.INJECT);
                }
                if (rule.state() == RuleState.REPLICATING || preview) {
                    try {
                        locks = planning.plan(NewRuleView.of(rule), files, replicas, targets, all, Map.of());
                    } catch (InsufficientAccountLimit | InsufficientTargetRSEs e) {
                        if (!preview) {
                            throw e;
                        }
                        refusal = e;
                    }
                }
            }
            planned.add(new Planned(rule, did.bytes() == null ? 0 : did.bytes(), locks, files, replicas, refusal));
        }
        return planned;
    }

    /**
     * One rule as planned: what is written, and for the dry run what it was planned from.
     *
     * @param refusal a placement refusal kept by a preview (the write path throws it instead), or null
     */
    record Planned(NewRule rule, long bytes, List<PlannedLock> locks, List<FileInfo> files,
                   Map<String, List<ReplicaInfo>> replicas, StevedoreException refusal) {
    }

    private static NewRule withState(NewRule r, RuleState state) {
        return new NewRule(r.id(), r.did(), r.didType(), r.account(), r.copies(), r.rseExpression(), r.grouping(),
                r.weight(), r.locked(), r.sourceReplicaExpression(), r.activity(), r.notification(), r.purgeReplicas(),
                r.ignoreAvailability(), r.comment(), r.priority(), r.meta(), state, r.expiresAt());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // ---- reads and changes --------------------------------------------------------------------------------

    public Rule get(String id) {
        return queries.get(id);
    }

    /**
     * Changes a rule's lifetime, locked, comment, activity, priority, account, purge setting, and the state for
     * suspending or un-suspending ({@code state: SUSPENDED|STUCK}); who may change which is the caller's business.
     * Approving a rule waiting for approval plans its locks; denying it ({@code approve: false}) deletes it, as
     * Rucio does.
     */
    public Rule update(String id, Map<String, Object> options) {
        if (options == null || options.isEmpty()) {
            throw new InvalidObject("Nothing to change: give options such as {\"lifetime\": 86400}");
        }
        Rule rule = queries.get(id);
        Map<String, Object> props = new HashMap<>();
        Boolean approve = null;
        for (Map.Entry<String, Object> e : options.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "lifetime" -> {
                    // Bounded, so that now plus the lifetime cannot wrap around into the past.
                    props.put("expires_at", v == null ? null : clock.millis() + Lifetimes.seconds("lifetime", v) * 1000);
                }
                case "locked" -> props.put("locked", bool(e.getKey(), v));
                case "purge_replicas" -> props.put("purge_replicas", bool(e.getKey(), v));
                case "comment" -> props.put("comment", v == null ? null : String.valueOf(v));
                case "activity" -> props.put("activity", v == null ? null : String.valueOf(v));
                case "priority" -> {
                    if (!(v instanceof Number n) || n.intValue() < 0 || n.intValue() > 5) {
                        throw new InvalidObject("'priority' must be a number from 0 to 5");
                    }
                    props.put("priority", n.intValue());
                }
                case "account" -> {
                    if (!(v instanceof String s)) {
                        throw new InvalidObject("'account' must be an account name");
                    }
                    accounts.get(s);
                    props.put("account", s);
                }
                case "state" -> {
                    RuleState target;
                    try {
                        target = RuleState.valueOf(String.valueOf(v).toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException ex) {
                        throw new InvalidObject("Unknown rule state '" + v + "'");
                    }
                    if (target == RuleState.SUSPENDED) {
                        props.put("state", RuleState.SUSPENDED.name());
                    } else if (target == RuleState.STUCK && rule.state() == RuleState.SUSPENDED) {
                        props.put("state", RuleState.STUCK.name());
                    } else {
                        throw new UnsupportedOperation("A rule's state can only be set to SUSPENDED, or from SUSPENDED to STUCK");
                    }
                }
                case "approve" -> {
                    if (rule.state() != RuleState.WAITING_APPROVAL) {
                        throw new UnsupportedOperation("Rule " + id + " is not waiting for approval");
                    }
                    approve = bool(e.getKey(), v);
                }
                default -> throw new InvalidObject("Option '" + e.getKey() + "' cannot be changed on a rule");
            }
        }
        if (Boolean.FALSE.equals(approve)) {
            changes.delete(id, rule.purgeReplicas());
            log.info("Rule {} on {} denied and deleted", id, rule.did());
            return rule;
        }
        if (!props.isEmpty()) {
            rule = changes.update(id, props);
        }
        if (Boolean.TRUE.equals(approve)) {
            changes.update(id, Map.of("state", RuleState.INJECT.name()));
            rule = applyPending(id);
        }
        return rule;
    }

    private static boolean bool(String key, Object v) {
        if (!(v instanceof Boolean b)) {
            throw new InvalidObject("'" + key + "' must be true or false");
        }
        return b;
    }

    /** Deletes a rule; a locked rule must be unlocked first. {@code purge} overrides the rule's own setting. */
    public void delete(String id, Boolean purge) {
        Rule rule = queries.get(id);
        if (rule.locked()) {
            throw new UnsupportedOperation("Rule " + id + " is locked; unlock it before deleting it");
        }
        changes.delete(id, purge != null ? purge : rule.purgeReplicas());
        log.info("Rule {} on {} deleted", id, rule.did());
    }

    /**
     * Plans and writes the locks of a rule in INJECT (big or asynchronous rules, approved rules), slice by slice in
     * transactions of at most the injection threshold's locks each ({@link Injection}), so a rule of any size fits
     * the store's transaction memory and the heap. The rule stays in INJECT until the last slice is written; an
     * injection interrupted half-way resumes where it stopped (files already locked are skipped, and their groups
     * keep the RSEs they got).
     */
    public Rule applyPending(String id) {
        return injection.apply(id);
    }
}
