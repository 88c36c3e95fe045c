package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.web.auth.Caller;

/**
 * The transfers pages, as the FTS monitor shows them: the link matrix (sources × destinations) with each link's
 * transfers done and throughput over the last hour, its queue and its failed attempts, and a link's requests, a page
 * at a time. An ordinary account sees its scopes' transfers only ({@link UiScopes}).
 */
@Hidden
@Controller
public class TransfersUiController {

    static final int PAGE = 50;

    private final UiScopes scopes;
    private final UiFigures figures;
    private final RseStore rses;

    public TransfersUiController(UiScopes scopes, UiFigures figures, RseStore rses) {
        this.scopes = scopes;
        this.figures = figures;
        this.rses = rses;
    }

    @GetMapping({"/ui/transfers", "/ui/transfers/"})
    public String matrix(Caller caller, Model model) {
        List<UiFigures.Link> links = figures.links(scopes.visible(caller), UiApiController.WINDOW, null, null);
        Set<String> sources = new TreeSet<>();
        Set<String> destinations = new TreeSet<>();
        Map<String, UiFigures.Link> cells = new LinkedHashMap<>();
        for (UiFigures.Link l : links) {
            sources.add(l.source());
            destinations.add(l.destination());
            cells.put(l.source() + "|" + l.destination(), l);
        }
        model.addAttribute("sources", sources);
        model.addAttribute("destinations", destinations);
        model.addAttribute("cells", cells);
        model.addAttribute("links", links);
        return "ui/transfers";
    }

    /** A link's requests, newest change first; {@code source} "" is the requests without a source yet. */
    @GetMapping("/ui/transfers/link")
    public String link(Caller caller, Model model, @RequestParam String destination,
                       @RequestParam(defaultValue = "") String source,
                       @RequestParam(defaultValue = "0") int page) {
        if (page < 0) {
            throw new InvalidObject("page must be at least 0, got " + page);
        }
        rses.get(destination);
        Set<String> visible = scopes.visible(caller);
        List<UiFigures.Link> link = figures.links(visible, UiApiController.WINDOW, source, destination);
        // One more than a page: whether there is a next one.
        List<Map<String, Object>> requests = figures.requests(visible, source, destination, page * PAGE, PAGE + 1);
        model.addAttribute("source", source);
        model.addAttribute("destination", destination);
        model.addAttribute("link", link.isEmpty() ? null : link.get(0));
        model.addAttribute("requests", requests.subList(0, Math.min(PAGE, requests.size())));
        model.addAttribute("page", page);
        model.addAttribute("hasNext", requests.size() > PAGE);
        return "ui/transfer-link";
    }
}
