package org.stevedore.web.auth;

import java.util.Collection;
import java.util.function.Supplier;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Decision;
import org.stevedore.auth.policy.PermissionPolicy;
import org.stevedore.auth.policy.ReplicaPlacement;
import org.stevedore.auth.policy.Subject;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.replica.ReplicaStore;

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

    /**
     * Whether the caller may: the same decision as {@link #require}, for pages that show an action (a button) only
     * to whoever the API would let do it.
     */
    public boolean allows(Caller caller, Action action, Target target) {
        return policy.decide(subject(caller), action, target) == Decision.PERMIT;
    }

    /** The same action on each distinct scope (bulk requests), checked before anything is written. */
    public void requireOnScopes(Caller caller, Action action, Collection<String> scopes) {
        Subject subject = subject(caller);
        scopes.stream().distinct().forEach(scope -> policy.require(subject, action, Target.scope(scope)));
    }

    /**
     * add_replicas at the places the files would go. The places are worked out (a read of the RSE and the scopes)
     * only for a caller who is not an admin, so admin registrations cost nothing more.
     */
    public void requireRegistration(Caller caller, Supplier<ReplicaStore.Placements> placements) {
        Subject subject = subject(caller);
        if (subject.admin()) {
            return;
        }
        ReplicaStore.Placements places = placements.get();
        for (ReplicaStore.Placement p : places.files()) {
            policy.requireRegistration(subject, new ReplicaPlacement(p.scope(), p.name(), places.rse(),
                    places.userRegistration(), p.path(), p.pathScope()));
        }
    }

    private Subject subject(Caller caller) {
        // Read per call, not cached in the token: revoking admin takes effect at once.
        return new Subject(caller.account(), accounts.isAdmin(caller.account()), caller.vos(), caller.fqans());
    }
}
