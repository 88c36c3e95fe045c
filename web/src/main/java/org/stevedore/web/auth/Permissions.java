package org.stevedore.web.auth;

import java.util.Collection;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.PermissionPolicy;
import org.stevedore.auth.policy.Subject;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.account.AccountStore;

/**
 * One line of authorization, {@code permissions.require(caller, Action.ADD_DID, target)}: the caller made into the
 * policy's subject (admin read per call) and judged by {@link PermissionPolicy}. Only the gateways call it: the
 * features' ({@code RuleGateway}, {@code TransferLimitGateway}, {@code CampaignGateway}, {@code BridgeGateway}) and
 * the catalog's ({@code AccountGateway}, {@code RseGateway}, {@code DidGateway}, {@code ReplicaGateway}); no
 * controller does.
 */
public class Permissions {

    private final PermissionPolicy policy;
    private final AccountStore accounts;

    public Permissions(PermissionPolicy policy, AccountStore accounts) {
        this.policy = policy;
        this.accounts = accounts;
    }

    /** @throws org.stevedore.catalog.error.AccessDenied when the caller may not */
    public void require(Caller caller, Action action, Target target) {
        policy.require(subject(caller), action, target);
    }

    /** The same action on each distinct scope (bulk requests), checked before anything is written. */
    public void requireOnScopes(Caller caller, Action action, Collection<String> scopes) {
        Subject subject = subject(caller);
        scopes.stream().distinct().forEach(scope -> policy.require(subject, action, Target.scope(scope)));
    }

    private Subject subject(Caller caller) {
        // Read per call, not cached in the token: revoking admin takes effect at once.
        return new Subject(caller.account(), accounts.isAdmin(caller.account()), caller.vos(), caller.fqans());
    }
}
