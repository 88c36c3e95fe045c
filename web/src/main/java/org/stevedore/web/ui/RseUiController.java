package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseBody;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.transfer.consistency.ConsistencyStore;
import org.stevedore.transfer.store.TransferLimitStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The RSE pages: the list with usage, and an RSE's page with its attributes, protocols, distances, usage (now and
 * over the UI's sampled hour), transfer limits and the consistency check's last runs and findings. RSEs are not
 * scoped data: every account sees them, as through the API; what only admins may change is marked as such.
 */
@Hidden
@Controller
public class RseUiController {

    private static final int FINDINGS_SHOWN = 50;

    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final RseDistanceStore distances;
    private final TransferLimitStore limits;
    private final ConsistencyStore consistency;
    private final UiFigures figures;
    private final UiSamples samples;
    private final Permissions permissions;

    public RseUiController(RseStore rses, RseProtocolStore protocols, RseDistanceStore distances,
                           TransferLimitStore limits, ConsistencyStore consistency, UiFigures figures,
                           UiSamples samples, Permissions permissions) {
        this.rses = rses;
        this.protocols = protocols;
        this.distances = distances;
        this.limits = limits;
        this.consistency = consistency;
        this.figures = figures;
        this.samples = samples;
        this.permissions = permissions;
    }

    @GetMapping({"/ui/rses", "/ui/rses/"})
    public String list(Model model) {
        Map<String, UiFigures.Usage> usage = new LinkedHashMap<>();
        figures.usage().forEach(u -> usage.put(u.rse(), u));
        model.addAttribute("rses", rses.listWithAttributes());
        model.addAttribute("usage", usage);
        return "ui/rses";
    }

    @GetMapping("/ui/rses/{rse}")
    public String rse(@PathVariable String rse, Caller caller, Model model) {
        model.addAttribute("rse", rses.get(rse));
        model.addAttribute("attributes", new TreeMap<>(rses.attributes(rse)));
        model.addAttribute("protocols", protocols.list(rse));
        model.addAttribute("distances", distances.listFrom(rse));
        model.addAttribute("usage", figures.usage().stream().filter(u -> u.rse().equals(rse)).findFirst()
                .orElse(null));
        model.addAttribute("limits", limits.list(rse));
        List<ConsistencyStore.Run> runs = consistency.runs(consistency.rseId(rse), 5);
        model.addAttribute("runs", runs);
        if (!runs.isEmpty()) {
            model.addAttribute("missing", consistency.findings(runs.get(0).id(), "MISSING", 0, FINDINGS_SHOWN));
            model.addAttribute("dark", consistency.findings(runs.get(0).id(), "DARK", 0, FINDINGS_SHOWN));
        }
        model.addAttribute("mayUpdate", permissions.allows(caller, Action.UPDATE_RSE, Target.rse(rse)));
        return "ui/rse";
    }

    /** The RSE's used bytes over the UI's sampled history, for the page's chart: {@code [[t...], [used...]]}. */
    @GetMapping("/ui/api/rses/{rse}/usage")
    @ResponseBody
    public Map<String, Object> usageHistory(@PathVariable String rse) {
        rses.get(rse);
        List<UiSamples.Sample> history = samples.sample();
        return Map.of("rse", rse, "at", history.stream().map(UiSamples.Sample::at).toList(),
                "used", history.stream().map(s -> s.rseUsed().get(rse)).toList());
    }
}
