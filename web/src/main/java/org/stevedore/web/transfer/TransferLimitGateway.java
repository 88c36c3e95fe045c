package org.stevedore.web.transfer;

import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.transfer.store.TransferLimit;
import org.stevedore.transfer.store.TransferLimitStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The transfer agent's gateway for transfer limits: whether this caller may set or remove an RSE's limit
 * (set_rse_limit), decided here through the permission policy, and then the store's call. Reading limits needs no
 * permission.
 */
@Component
public class TransferLimitGateway {

    private final Permissions permissions;
    private final TransferLimitStore limits;

    public TransferLimitGateway(Permissions permissions, TransferLimitStore limits) {
        this.permissions = permissions;
        this.limits = limits;
    }

    /** set_rse_limit on the RSE, then the limit. */
    public TransferLimit set(Caller caller, String rse, String activity, Long maxTransfers, Long maxBytes) {
        permissions.require(caller, Action.SET_RSE_LIMIT, Target.rse(rse));
        return limits.set(rse, activity, maxTransfers, maxBytes);
    }

    /** set_rse_limit on the RSE, then the limit goes. */
    public void delete(Caller caller, String rse, String activity) {
        permissions.require(caller, Action.SET_RSE_LIMIT, Target.rse(rse));
        limits.delete(rse, activity);
    }
}
