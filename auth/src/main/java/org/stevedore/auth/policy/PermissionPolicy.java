package org.stevedore.auth.policy;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.auth.x509.Fqans;
import org.stevedore.catalog.error.AccessDenied;

/**
 * Rucio's {@code has_permission}: one table from action to a small decision function over the caller and the
 * target. Admin accounts may do everything; everyone else gets what the table's function says:
 *
 * <ul>
 *   <li>the namespace (DIDs, attachments, metadata): the owner of the scope;</li>
 *   <li>registering replicas: admins, and on an RSE with {@code user_registration} the owner of the scope whose
 *       directory holds the path ({@link #requireRegistration});</li>
 *   <li>deleting DIDs at once, setting tombstones, deleting replicas, RSEs, accounts, identities and limits: admins only;</li>
 *   <li>a scope: for oneself; a rule: for oneself on one's own scope, or with a production FQAN on the VO's
 *       scopes; deleting a rule: its owner; changing a rule: its owner, except the options of
 *       {@link #ADMIN_RULE_OPTIONS}; approving or denying a rule: the accounts its RSEs name in their
 *       {@code rule_approvers} attribute;</li>
 *   <li>campaigns and tasks: the scope's owner, or a production FQAN on the VO's scopes; reporting a task's jobs
 *       and cancelling it also the account that registered it; its webhook deliveries only that account.</li>
 * </ul>
 */
public final class PermissionPolicy {

    private static final Logger log = LoggerFactory.getLogger(PermissionPolicy.class);

    /**
     * Options of an existing rule only admins may change, as in Rucio's policies that let owners change rules at all:
     * who owns it and whose quota it uses ({@code account}), its state, its transfer priority, its child rule, its
     * metadata, boosting it, and whether it is locked. Everything else an owner may change (lifetime, comment,
     * activity, purge setting, ...).
     */
    public static final Set<String> ADMIN_RULE_OPTIONS = Set.of("account", "state", "priority", "child_rule_id",
            "meta", "boost_rule", "locked");

    private final PolicySettings settings;
    private final ScopeOwners owners;
    private final Map<Action, BiPredicate<Subject, Target>> table = new EnumMap<>(Action.class);

    public PermissionPolicy(PolicySettings settings, ScopeOwners owners) {
        this.settings = settings;
        this.owners = owners;
        BiPredicate<Subject, Target> scopeOwner = this::ownsScope;
        BiPredicate<Subject, Target> adminOnly = (s, t) -> false;
        BiPredicate<Subject, Target> forOneself = (s, t) -> t.account() == null || t.account().equals(s.account());

        table.put(Action.ADD_DID, scopeOwner);
        table.put(Action.ATTACH, scopeOwner);
        table.put(Action.DETACH, scopeOwner);
        table.put(Action.SET_DID_METADATA, scopeOwner);
        table.put(Action.SET_DID_STATUS, scopeOwner);
        // Deleting a DID at once (its rules, its replicas' bytes) is an admin's; users give it a lifetime instead.
        table.put(Action.DELETE_DID, adminOnly);
        // As in Rucio, registering replicas is for admins; where users may, is decided per path (requireRegistration).
        table.put(Action.ADD_REPLICAS, adminOnly);
        table.put(Action.DELETE_REPLICAS, adminOnly);
        table.put(Action.SET_TOMBSTONE, adminOnly);
        // Rucio's generic policy: declaring replicas bad (or unavailable, by PFN) is for admins; suspicious, for anyone
        // authenticated (a reader's report; it takes several to make a replica bad).
        table.put(Action.DECLARE_BAD_FILE_REPLICAS, adminOnly);
        table.put(Action.ADD_BAD_PFNS, adminOnly);
        table.put(Action.DECLARE_SUSPICIOUS_FILE_REPLICAS, (s, t) -> true);

        table.put(Action.ADD_RULE, forOneself.and(scopeOwner.or(this::production)));
        table.put(Action.UPDATE_RULE, (s, t) -> ownsRule(s, t)
                && (t.option() == null || !ADMIN_RULE_OPTIONS.contains(t.option())));
        table.put(Action.APPROVE_RULE, (s, t) -> t.approvers().contains(s.account()));
        table.put(Action.DELETE_RULE, this::ownsRule);

        table.put(Action.ADD_RSE, adminOnly);
        table.put(Action.UPDATE_RSE, adminOnly);
        table.put(Action.DELETE_RSE, adminOnly);
        table.put(Action.SET_RSE_ATTRIBUTE, adminOnly);
        table.put(Action.SET_RSE_LIMIT, adminOnly);

        table.put(Action.ADD_ACCOUNT, adminOnly);
        table.put(Action.UPDATE_ACCOUNT, adminOnly);
        table.put(Action.DELETE_ACCOUNT, adminOnly);
        table.put(Action.SET_ACCOUNT_ATTRIBUTE, adminOnly);
        table.put(Action.ADD_SCOPE, (s, t) -> t.account() != null && t.account().equals(s.account()));
        table.put(Action.ADD_IDENTITY, adminOnly);
        table.put(Action.DELETE_IDENTITY, adminOnly);
        table.put(Action.SET_ACCOUNT_LIMIT, adminOnly);

        table.put(Action.SUBMIT_CAMPAIGN, scopeOwner.or(this::production));
        table.put(Action.CANCEL_CAMPAIGN, scopeOwner.or(this::production));
        table.put(Action.REGISTER_TASK, scopeOwner.or(this::production));
        BiPredicate<Subject, Target> taskOwner = (s, t) -> t.account() != null && t.account().equals(s.account());
        table.put(Action.REPORT_JOB, taskOwner.or(scopeOwner).or(this::production));
        table.put(Action.CANCEL_TASK, taskOwner.or(scopeOwner).or(this::production));
        // What a task's webhook consumer answered is the registering account's business alone.
        table.put(Action.VIEW_TASK_DELIVERIES, taskOwner);
        // Listing tasks: an account's own (admins: anyone's); what others run is theirs to tell.
        table.put(Action.LIST_TASKS, taskOwner);
        // Rucio's list_heartbeats: which hosts and processes run the service is for admins (GET /instances).
        table.put(Action.LIST_HEARTBEATS, adminOnly);

        for (Action action : Action.values()) {
            if (!table.containsKey(action)) {
                throw new IllegalStateException("No decision function for action " + action.rucioName());
            }
        }
    }

    public Decision decide(Subject subject, Action action, Target target) {
        if (subject.admin()) {
            return Decision.PERMIT;
        }
        if (settings.adminOnly().contains(action)) {
            return Decision.DENY;
        }
        return Decision.of(table.get(action).test(subject, target));
    }

    /** @throws AccessDenied naming the action, when the subject may not */
    public void require(Subject subject, Action action, Target target) {
        if (decide(subject, action, target) == Decision.PERMIT) {
            return;
        }
        log.info("Refused {} to account '{}' on {}", action.rucioName(), subject.account(), target);
        String on = target.toString();
        throw new AccessDenied("Account " + subject.account() + " cannot " + action.rucioName()
                + (on.isEmpty() ? "" : " on " + on));
    }

    /**
     * add_replicas at a place. Admins may register anywhere. Anyone else only where an admin opened the RSE with the
     * boolean RSE attribute {@code user_registration} (user and scratch disks), and there only a file of a scope the
     * caller owns, at a path inside that scope's part of the RSE's tree. That part is where lfn2pfn puts the scope's
     * files under every protocol prefix: the directory {@code scope} (for {@code user.*} and {@code group.*} scopes,
     * each '.' a level: {@code user.jdoe} → {@code user/jdoe/}), less the directories of other existing scopes inside
     * it ({@code user/jdoe/sub/} belongs to {@code user.jdoe.sub}). So the path's {@code pathScope}, the innermost
     * existing scope whose directory holds it, must be the file's own scope, owned by the caller.
     *
     * @throws AccessDenied naming add_replicas and the place, when the subject may not
     */
    public void requireRegistration(Subject subject, ReplicaPlacement placement) {
        if (subject.admin()) {
            return;
        }
        boolean permitted = !settings.adminOnly().contains(Action.ADD_REPLICAS) && placement.userRegistration()
                && placement.scope() != null && placement.scope().equals(placement.pathScope())
                && ownsScope(subject, Target.scope(placement.scope()));
        if (!permitted) {
            log.info("Refused add_replicas to account '{}' on {}", subject.account(), placement);
            throw new AccessDenied("Account " + subject.account() + " cannot add_replicas on " + placement
                    + (placement.userRegistration() ? ": users register only files of their own scopes, inside "
                    + "their scope's directory" : ": the RSE is not open to registration by users"));
        }
    }

    private boolean ownsScope(Subject s, Target t) {
        return t.scope() != null && owners.owner(t.scope()).filter(s.account()::equals).isPresent();
    }

    private boolean ownsRule(Subject s, Target t) {
        return t.ruleOwner() != null && t.ruleOwner().equals(s.account());
    }

    /** A production FQAN from a valid VOMS AC, on a scope of the VO. */
    private boolean production(Subject s, Target t) {
        return t.scope() != null && settings.voScopes().matcher(t.scope()).matches()
                && s.fqans().stream().map(Fqans::normalize).anyMatch(f -> settings.productionFqans().stream()
                        .anyMatch(p -> Fqans.normalize(p).equals(f)));
    }
}
