package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.tape.campaign.CampaignProgress;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.bridge.BridgeGateway;

/**
 * The JSON the UI's pages poll (with the session cookie; never part of the API): {@code /ui/api/dashboard}, every
 * figure of the dashboard, filtered by what the caller may see exactly as the pages are.
 */
@Hidden
@RestController
public class UiApiController {

    /** The dashboard's window for transfers: the last hour, as the issue asks. */
    static final Duration WINDOW = Duration.ofHours(1);
    private static final int DASHBOARD_TASKS = 20;
    private static final int DASHBOARD_CAMPAIGNS = 20;

    private final UiScopes scopes;
    private final UiFigures figures;
    private final UiCampaigns campaigns;
    private final UiSamples samples;
    private final BridgeGateway bridge;

    public UiApiController(UiScopes scopes, UiFigures figures, UiCampaigns campaigns, UiSamples samples,
                           BridgeGateway bridge) {
        this.scopes = scopes;
        this.figures = figures;
        this.campaigns = campaigns;
        this.samples = samples;
        this.bridge = bridge;
    }

    @GetMapping("/ui/api/dashboard")
    public Map<String, Object> dashboard(Caller caller) {
        Set<String> visible = scopes.visible(caller);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rules", figures.rulesByState(visible));
        List<UiFigures.Link> links = figures.links(visible, WINDOW, null, null);
        Map<String, Object> transfers = new LinkedHashMap<>();
        transfers.put("window_seconds", WINDOW.toSeconds());
        transfers.put("done", links.stream().mapToLong(UiFigures.Link::done).sum());
        transfers.put("bytes", links.stream().mapToLong(UiFigures.Link::bytes).sum());
        transfers.put("failed", links.stream().mapToLong(UiFigures.Link::failed).sum());
        transfers.put("queued", links.stream().mapToLong(UiFigures.Link::queued).sum());
        transfers.put("links", links);
        doc.put("transfers", transfers);
        List<UiFigures.Usage> usage = figures.usage();
        doc.put("rses", usage);
        List<CampaignProgress> running = campaigns.list(caller, visible, CampaignState.RUNNING, DASHBOARD_CAMPAIGNS);
        doc.put("campaigns", running.stream().map(UiCampaigns::document).toList());
        doc.put("tasks", bridge.tasks(caller, null, null, null, DASHBOARD_TASKS).stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("account", t.account());
            m.put("state", t.state());
            m.put("jobs", t.jobCounts());
            m.put("released", t.jobCounts().getOrDefault("RELEASED", 0L));
            m.put("held", t.jobCounts().getOrDefault(BridgeStore.HELD, 0L));
            return m;
        }).toList());
        List<UiSamples.Sample> history = samples.sample(
                () -> usage.stream().collect(Collectors.toMap(UiFigures.Usage::rse, UiFigures.Usage::used)),
                () -> running.stream().collect(Collectors.toMap(p -> p.campaign().id(),
                        p -> p.campaign().staged().bytes())));
        UiSamples.Sample last = history.get(history.size() - 1);
        doc.put("reaper", Map.of("deletions", last.deletions(), "bytes_freed", last.bytesFreed()));
        doc.put("history", history.stream().map(s -> Map.of("at", s.at(), "rse_used", s.rseUsed(),
                "deletions", s.deletions(), "bytes_freed", s.bytesFreed())).toList());
        return doc;
    }
}
