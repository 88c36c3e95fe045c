package org.stevedore.web.replica;

import java.util.List;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The catalog's gateway for replicas, as Rucio's gateway layer: whether this caller may register or delete replicas is
 * decided here through the permission policy. Registering is judged on the files once they are read (on the path each
 * would take on the RSE, and on their tombstones), so the gateway checks and then registers; deleting is judged on
 * the RSE before the files are read, so the gateway offers that check alone and the controller reads and deletes
 * after it. Listing needs no permission.
 */
@Component
public class ReplicaGateway {

    private final Permissions permissions;
    private final ReplicaStore replicas;

    public ReplicaGateway(Permissions permissions, ReplicaStore replicas) {
        this.permissions = permissions;
        this.replicas = replicas;
    }

    /**
     * The checks of {@link #requireRegistration}, before anything is written, then the files and their replicas at
     * the RSE (attached to {@code parent} in the same transaction when it is given: Rucio's attach with an RSE).
     */
    public void add(Caller caller, String rse, List<NewReplica> files, boolean ignoreAvailability, DidRef parent) {
        requireRegistration(caller, rse, files);
        replicas.add(rse, files, caller.account(), ignoreAvailability, parent);
    }

    /**
     * Whether this caller may register these replicas, for every way of registering them (this gateway, attach with
     * an RSE, a bridge job's outputs): set_tombstone when any carries a tombstone (the reaper's order to delete the
     * path), and add_replicas at the place each would go (admins anywhere; users on an RSE opened with
     * {@code user_registration}, inside their own scopes' directories). A bad PFN is refused before the decision.
     */
    public void requireRegistration(Caller caller, String rse, List<NewReplica> files) {
        if (files.stream().anyMatch(f -> f != null && f.tombstone() != null)) {
            permissions.require(caller, Action.SET_TOMBSTONE, Target.rse(rse));
        }
        permissions.requireRegistration(caller, () -> replicas.placements(rse, files));
    }

    /** delete_replicas on the RSE (null when the request names none), before the files are read. */
    public void requireDelete(Caller caller, String rse) {
        permissions.require(caller, Action.DELETE_REPLICAS, Target.rse(rse));
    }
}
