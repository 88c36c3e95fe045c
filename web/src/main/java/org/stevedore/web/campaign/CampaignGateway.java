package org.stevedore.web.campaign;

import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.NewCampaign;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * Tape staging's gateway for campaigns, as Rucio's gateway layer: whether this caller may submit, pause, resume or
 * cancel a campaign, decided here through the permission policy on every scope of the campaign's inputs, and then the
 * service's call. Controllers parse, call the gateway and map its answer.
 */
@Component
public class CampaignGateway {

    private final Permissions permissions;
    private final CampaignService service;

    public CampaignGateway(Permissions permissions, CampaignService service) {
        this.permissions = permissions;
        this.service = service;
    }

    /** submit_campaign on every scope of the inputs, then the campaign. */
    public Campaign submit(Caller caller, NewCampaign request) {
        permissions.requireOnScopes(caller, Action.SUBMIT_CAMPAIGN,
                request.inputs().stream().map(CampaignGateway::scope).toList());
        return service.submit(request);
    }

    public Campaign pause(Caller caller, String id) {
        authorize(caller, id);
        return service.pause(id);
    }

    public Campaign resume(Caller caller, String id) {
        authorize(caller, id);
        return service.resume(id);
    }

    public Campaign cancel(Caller caller, String id) {
        authorize(caller, id);
        return service.cancel(id);
    }

    /** Pause, resume and cancel: the cancel_campaign action on every scope of the campaign's inputs. */
    private void authorize(Caller caller, String id) {
        Campaign c = service.get(id);
        permissions.requireOnScopes(caller, Action.CANCEL_CAMPAIGN, c.inputs().stream().map(CampaignGateway::scope)
                .toList());
    }

    /** An input's scope: inputs are DID keys, {@code scope:name}. */
    private static String scope(String key) {
        return key.substring(0, key.indexOf(':'));
    }
}
