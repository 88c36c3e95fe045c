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
 *   <li>the namespace (DIDs, attachments, metadata, replicas): the owner of the scope;</li>
 *   <li>deleting replicas, RSEs, accounts, identities and limits: admins only;</li>
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
        table.put(Action.ADD_REPLICAS, scopeOwner);
        table.put(Action.DELETE_REPLICAS, adminOnly);

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
