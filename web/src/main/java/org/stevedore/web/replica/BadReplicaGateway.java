package org.stevedore.web.replica;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.replica.BadState;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The gateway of declarations about replicas: who may declare what, as Rucio's generic policy says
 * ({@code declare_bad_file_replicas} and {@code add_bad_pfns} for admins, {@code declare_suspicious_file_replicas} for
 * any authenticated account), checked before the request's replicas are looked up.
 */
@Component
public class BadReplicaGateway {

    private final Permissions permissions;
    private final BadReplicaStore declarations;

    public BadReplicaGateway(Permissions permissions, BadReplicaStore declarations) {
        this.permissions = permissions;
        this.declarations = declarations;
    }

    /** {@code POST /replicas/bad}: answers the replicas not declared, by RSE. */
    public Map<String, List<String>> declareBad(Caller caller, List<BadReplicaStore.Item> items, String reason,
                                                boolean force) {
        permissions.require(caller, Action.DECLARE_BAD_FILE_REPLICAS, Target.none());
        return declarations.declare(items, BadState.BAD, reason, caller.account(), null, force);
    }

    /** {@code POST /replicas/suspicious}: answers the replicas not declared, by RSE. */
    public Map<String, List<String>> declareSuspicious(Caller caller, List<BadReplicaStore.Item> items, String reason) {
        permissions.require(caller, Action.DECLARE_SUSPICIOUS_FILE_REPLICAS, Target.none());
        return declarations.declare(items, BadState.SUSPICIOUS, reason, caller.account(), null, false);
    }

    /** {@code POST /replicas/bad/pfns}: BAD, SUSPICIOUS or TEMPORARY_UNAVAILABLE (until {@code expiresAt}). */
    public Map<String, List<String>> addBadPfns(Caller caller, List<BadReplicaStore.Item> items, BadState state,
                                                String reason, Instant expiresAt) {
        permissions.require(caller, Action.ADD_BAD_PFNS, Target.none());
        return declarations.declare(items, state, reason, caller.account(), expiresAt, false);
    }
}
