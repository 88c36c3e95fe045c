package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.tape.campaign.CampaignProgress;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.campaign.CampaignGateway;
import org.stevedore.web.config.tape.CampaignProperties;

/**
 * The campaign pages: the list, and a campaign's page with its progress over time against the tape's bandwidth, its
 * ETA, its failures with their reasons, and pause / resume / cancel buttons for whoever the API lets do them; the
 * buttons' POSTs go through {@code CampaignGateway} exactly as the API's, CSRF-checked by {@link UiSessionFilter}.
 */
@Hidden
@Controller
public class CampaignUiController {

    private static final int LIST_LIMIT = 500;
    private static final int FAILURES_SHOWN = 200;

    private final UiScopes scopes;
    private final UiCampaigns campaigns;
    private final CampaignService service;
    private final CampaignGateway gateway;
    private final UiSamples samples;
    private final CampaignProperties properties;

    public CampaignUiController(UiScopes scopes, UiCampaigns campaigns, CampaignService service,
                                CampaignGateway gateway, UiSamples samples, CampaignProperties properties) {
        this.scopes = scopes;
        this.campaigns = campaigns;
        this.service = service;
        this.gateway = gateway;
        this.samples = samples;
        this.properties = properties;
    }

    @GetMapping({"/ui/campaigns", "/ui/campaigns/"})
    public String list(Caller caller, Model model) {
        model.addAttribute("campaigns", campaigns.list(caller, scopes.visible(caller), null, LIST_LIMIT).stream()
                .map(UiCampaigns::document).toList());
        return "ui/campaigns";
    }

    @GetMapping("/ui/campaigns/{id}")
    public String campaign(@PathVariable String id, Caller caller, Model model) {
        CampaignProgress p = campaigns.get(caller, scopes.visible(caller), id);
        model.addAttribute("campaign", UiCampaigns.document(p));
        model.addAttribute("mayControl", campaigns.mayControl(caller, p.campaign()));
        model.addAttribute("failures", service.failures(id, FAILURES_SHOWN));
        return "ui/campaign";
    }

    @PostMapping("/ui/campaigns/{id}/pause")
    public String pause(@PathVariable String id, Caller caller, Model model, HttpServletResponse response) {
        return act(id, caller, model, response, () -> gateway.pause(caller, id));
    }

    @PostMapping("/ui/campaigns/{id}/resume")
    public String resume(@PathVariable String id, Caller caller, Model model, HttpServletResponse response) {
        return act(id, caller, model, response, () -> gateway.resume(caller, id));
    }

    @PostMapping("/ui/campaigns/{id}/cancel")
    public String cancel(@PathVariable String id, Caller caller, Model model, HttpServletResponse response) {
        return act(id, caller, model, response, () -> gateway.cancel(caller, id));
    }

    /** Runs the gateway's action; its refusal re-renders the page with the API's message by the buttons. */
    private String act(String id, Caller caller, Model model, HttpServletResponse response, Runnable action) {
        try {
            action.run();
            return "redirect:/ui/campaigns/" + id;
        } catch (StevedoreException e) {
            String view = campaign(id, caller, model);
            return FormError.rejected(response, model, "actions", e, view);
        }
    }

    /**
     * The campaign's staged bytes over the UI's sampled hour, and the bandwidth it is measured against: the
     * emulated LOCAL_TAPE's drives × drive bandwidth (null when there is none; real tapes do not tell theirs).
     */
    @GetMapping("/ui/api/campaigns/{id}")
    @ResponseBody
    public Map<String, Object> progress(@PathVariable String id, Caller caller) {
        CampaignProgress p = campaigns.get(caller, scopes.visible(caller), id);
        List<UiSamples.Sample> history = samples.sample();
        Map<String, Object> doc = new LinkedHashMap<>(UiCampaigns.document(p));
        doc.put("at", history.stream().map(UiSamples.Sample::at).toList());
        doc.put("staged", history.stream().map(s -> s.campaignStaged().get(id)).toList());
        CampaignProperties.LocalTape tape = properties.localTape();
        doc.put("tape_bandwidth", tape.enabled() ? tape.drives() * tape.driveBandwidth().toBytes() : null);
        return doc;
    }
}
