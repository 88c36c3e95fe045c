package org.stevedore.web.rse;

import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The catalog's gateway for RSEs, their attributes, protocols, distances, limits and usage, as Rucio's gateway layer:
 * whether this caller may change them is decided here through the permission policy. These checks are judged on the
 * path alone, before the body is read (a refused request is a 403 whatever its body), so where the controller still
 * has a body to read the gateway offers the check ({@code require...}) and the controller reads and writes after it;
 * where nothing is read in between, the gateway checks and then writes. A distance is judged on its source RSE.
 * Reading needs no permission.
 */
@Component
public class RseGateway {

    private final Permissions permissions;
    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final RseDistanceStore distances;

    public RseGateway(Permissions permissions, RseStore rses, RseProtocolStore protocols, RseDistanceStore distances) {
        this.permissions = permissions;
        this.rses = rses;
        this.protocols = protocols;
        this.distances = distances;
    }

    /** add_rse, before the settings are read. */
    public void requireAdd(Caller caller, String rse) {
        permissions.require(caller, Action.ADD_RSE, Target.rse(rse));
    }

    /** update_rse, before the body is read: settings, protocols, distances from the RSE and usage. */
    public void requireUpdate(Caller caller, String rse) {
        permissions.require(caller, Action.UPDATE_RSE, Target.rse(rse));
    }

    /** delete_rse, then the RSE goes. */
    public void delete(Caller caller, String rse) {
        permissions.require(caller, Action.DELETE_RSE, Target.rse(rse));
        rses.delete(rse);
    }

    /** set_rse_attribute, before the body is read. */
    public void requireSetAttribute(Caller caller, String rse) {
        permissions.require(caller, Action.SET_RSE_ATTRIBUTE, Target.rse(rse));
    }

    /** set_rse_attribute, then the attribute goes. */
    public void deleteAttribute(Caller caller, String rse, String key) {
        permissions.require(caller, Action.SET_RSE_ATTRIBUTE, Target.rse(rse));
        rses.deleteAttribute(rse, key);
    }

    /** update_rse, then the protocols the path selects go. */
    public void deleteProtocol(Caller caller, String rse, String scheme, String hostname, Integer port) {
        permissions.require(caller, Action.UPDATE_RSE, Target.rse(rse));
        protocols.delete(rse, scheme, hostname, port);
    }

    /** update_rse on the source, then the distance goes. */
    public void deleteDistance(Caller caller, String source, String dest) {
        permissions.require(caller, Action.UPDATE_RSE, Target.rse(source));
        distances.delete(source, dest);
    }

    /** set_rse_limit, before the body is read (setting and removing alike: the limit's name is in the body). */
    public void requireSetLimit(Caller caller, String rse) {
        permissions.require(caller, Action.SET_RSE_LIMIT, Target.rse(rse));
    }
}
