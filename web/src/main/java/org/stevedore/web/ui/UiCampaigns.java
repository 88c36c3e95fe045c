package org.stevedore.web.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.tape.campaign.CampaignProgress;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * Campaigns as the UI shows them: those of the caller's visible scopes ({@link UiScopes}: every input's scope) or its
 * own account, with their progress, rate and ETA, and whether the caller may pause, resume and cancel them, which is
 * the API's own check ({@code cancel_campaign} on every input's scope, as {@code CampaignGateway} requires).
 */
@Component
public class UiCampaigns {

    private final CampaignService service;
    private final Permissions permissions;

    public UiCampaigns(CampaignService service, Permissions permissions) {
        this.service = service;
        this.permissions = permissions;
    }

    /** The caller's visible campaigns in a state (null: all), newest first, at most {@code limit}. */
    public List<CampaignProgress> list(Caller caller, Set<String> visible, CampaignState state, int limit) {
        List<CampaignProgress> out = new ArrayList<>();
        service.list(state, null, c -> {
            if (out.size() < limit && visible(caller, visible, c)) {
                out.add(service.progress(c));
            }
        });
        return out;
    }

    /** One campaign, when the caller may see it; else the same refusal as a missing one would not be: AccessDenied. */
    public CampaignProgress get(Caller caller, Set<String> visible, String id) {
        CampaignProgress p = service.progress(id);
        if (!visible(caller, visible, p.campaign())) {
            throw new org.stevedore.catalog.error.AccessDenied("Account " + caller.account()
                    + " cannot see campaign " + id + ": its inputs are not in the account's scopes");
        }
        return p;
    }

    /** Whether the caller may pause, resume and cancel the campaign (the API's check, without throwing). */
    public boolean mayControl(Caller caller, Campaign c) {
        return scopes(c).stream().allMatch(s -> permissions.allows(caller, Action.CANCEL_CAMPAIGN, Target.scope(s)));
    }

    static boolean visible(Caller caller, Set<String> visible, Campaign c) {
        return caller.account().equals(c.account()) || UiScopes.covers(visible, scopes(c));
    }

    static List<String> scopes(Campaign c) {
        return c.inputs().stream().map(k -> k.substring(0, k.indexOf(':'))).distinct().toList();
    }

    /** A campaign's progress as the pages and the JSON show it. */
    public static Map<String, Object> document(CampaignProgress p) {
        Campaign c = p.campaign();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("account", c.account());
        m.put("state", c.state().name());
        m.put("files", c.total().files());
        m.put("bytes", c.total().bytes());
        m.put("staged_files", c.staged().files());
        m.put("staged_bytes", c.staged().bytes());
        m.put("failed_files", c.failed().files());
        m.put("requested_files", c.requested().files());
        m.put("progress", c.total().files() == 0 ? 0.0
                : (double) (c.staged().files() + c.failed().files()) / c.total().files());
        m.put("files_per_second", p.filesPerSecond());
        m.put("bytes_per_second", p.bytesPerSecond());
        m.put("eta_seconds", p.eta() == null ? null : p.eta().toSeconds());
        m.put("created_at", c.createdAt() == null ? null : c.createdAt().toEpochMilli());
        m.put("error", c.error());
        return m;
    }
}
