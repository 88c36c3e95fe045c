package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Did;
import org.stevedore.catalog.did.DidBrowsing;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleQueries;

/**
 * The DID pages: the search (Rucio's {@code list_dids}: a scope, a name pattern with {@code *}, a type, metadata
 * {@code key=value} filters; paged) and a DID's page (its columns and metadata, content, parents, replicas per RSE
 * and state, the rules on it). Reading the namespace is open to every authenticated account in the API, as in
 * Rucio, and so it is here.
 */
@Hidden
@Controller
public class DidPagesController {

    static final int PAGE = 50;

    private final DidBrowsing browsing;
    private final DidStore dids;
    private final AttachmentStore attachments;
    private final RuleQueries rules;

    public DidPagesController(DidBrowsing browsing, DidStore dids, AttachmentStore attachments, RuleQueries rules) {
        this.browsing = browsing;
        this.dids = dids;
        this.attachments = attachments;
        this.rules = rules;
    }

    @GetMapping({"/ui/dids", "/ui/dids/"})
    public String search(@RequestParam(required = false) String scope, @RequestParam(required = false) String name,
                         @RequestParam(required = false) String type, @RequestParam(required = false) String meta,
                         @RequestParam(defaultValue = "0") int page, Model model, HttpServletResponse response) {
        model.addAttribute("scope", scope == null ? "" : scope);
        model.addAttribute("name", name == null ? "" : name);
        model.addAttribute("type", type == null ? "" : type);
        model.addAttribute("meta", meta == null ? "" : meta);
        model.addAttribute("page", Math.max(0, page));
        if (scope == null || scope.isBlank()) {
            return "ui/dids";
        }
        String field = "scope";
        try {
            field = "type";
            DidType didType = type == null || type.isBlank() || type.equalsIgnoreCase("all") ? null : DidType.parse(type);
            field = "meta";
            Map<String, String> filters = filters(meta);
            field = "scope";
            DidBrowsing.Page found = browsing.search(scope.trim(), blankToNull(name), didType, filters,
                    Math.max(0, page) * PAGE, PAGE);
            model.addAttribute("result", found);
            return "ui/dids";
        } catch (StevedoreException e) {
            return FormError.rejected(response, model, field, e, "ui/dids");
        }
    }

    /** {@code key=value} pairs separated by commas or spaces, as {@code rucio list-dids --filter} takes them. */
    static Map<String, String> filters(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.trim().split("[,\\s]+")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new InvalidObject("Metadata filter '" + part + "' is not key=value");
            }
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    @GetMapping("/ui/dids/{scope}/{name}")
    public String did(@PathVariable String scope, @PathVariable String name,
                      @RequestParam(defaultValue = "0") int page, Model model) {
        Did did = dids.get(scope, name);
        DidRef ref = did.ref();
        model.addAttribute("did", did);
        model.addAttribute("meta", dids.meta(scope, name));
        model.addAttribute("page", Math.max(0, page));
        model.addAttribute("content", did.type().isCollection()
                ? browsing.content(ref, Math.max(0, page) * PAGE, PAGE) : null);
        model.addAttribute("parents", attachments.parents(ref));
        model.addAttribute("replicas", browsing.replicasByRse(ref));
        List<Rule> on = new ArrayList<>();
        rules.list(new RuleQueries.Filter(null, null, null, null, ref.key()), on::add);
        model.addAttribute("rules", on);
        return "ui/did";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
