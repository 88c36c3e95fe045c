package org.stevedore.web.did;

import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The catalog's gateway for DIDs, their attachments, metadata and status, as Rucio's gateway layer: whether this caller
 * may change them is decided here through the permission policy. Most checks are judged on the path alone, before the
 * body is read (a refused request is a 403 whatever its body), so where the controller still has a body to read the
 * gateway offers the check ({@code require...}) and the controller reads and writes after it; where the check needs
 * what the body says (bulk registration) or nothing is read in between, the gateway checks and then writes. Files
 * registered with replicas at an RSE while attaching are judged by {@link org.stevedore.web.replica.ReplicaGateway}.
 * Reading needs no permission.
 */
@Component
public class DidGateway {

    private final Permissions permissions;
    private final DidStore dids;

    public DidGateway(Permissions permissions, DidStore dids) {
        this.permissions = permissions;
        this.dids = dids;
    }

    /** add_did on every scope of the DIDs, checked before anything is written, then the DIDs (all or none). */
    public void add(Caller caller, List<NewDid> list) {
        permissions.requireOnScopes(caller, Action.ADD_DID, list.stream().map(NewDid::scope).toList());
        dids.add(list);
    }

    /** add_did on the scope, before the body is read. */
    public void requireAdd(Caller caller, String scope) {
        permissions.require(caller, Action.ADD_DID, Target.scope(scope));
    }

    /** attach on the parent's scope, before the body is read. */
    public void requireAttach(Caller caller, String scope) {
        permissions.require(caller, Action.ATTACH, Target.scope(scope));
    }

    /** attach on each distinct parent scope of a bulk request, before any attachment is read further or written. */
    public void requireAttach(Caller caller, Collection<String> scopes) {
        permissions.requireOnScopes(caller, Action.ATTACH, scopes);
    }

    /** detach on the parent's scope, before the body is read. */
    public void requireDetach(Caller caller, String scope) {
        permissions.require(caller, Action.DETACH, Target.scope(scope));
    }

    /** set_did_metadata on the scope, before the body is read. */
    public void requireSetMetadata(Caller caller, String scope) {
        permissions.require(caller, Action.SET_DID_METADATA, Target.scope(scope));
    }

    /** set_did_metadata on the scope, then the key goes. */
    public void deleteMeta(Caller caller, String scope, String name, String key) {
        permissions.require(caller, Action.SET_DID_METADATA, Target.scope(scope));
        dids.deleteMeta(scope, name, key);
    }

    /** set_did_status on the scope, before the body is read. */
    public void requireSetStatus(Caller caller, String scope) {
        permissions.require(caller, Action.SET_DID_STATUS, Target.scope(scope));
    }
}
