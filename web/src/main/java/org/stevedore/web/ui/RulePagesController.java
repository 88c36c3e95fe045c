package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleBrowsing;
import org.stevedore.rules.store.RuleState;
import org.stevedore.transfer.store.RequestStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;
import org.stevedore.web.rule.RuleGateway;

/**
 * The rule pages: the list under filters (account, scope, state, RSE expression, activity; paged), and a rule's page
 * with its locks counted by state, each STUCK lock's reason and transfer request, its state history, a state line
 * kept live by polling {@code /ui/api/rules/{id}}, and the actions the API offers (suspend, resume for repair,
 * priority, delete), shown only to whoever the API would let do them and done through {@link RuleGateway}, which
 * checks again.
 */
@Hidden
@Controller
public class RulePagesController {

    static final int PAGE = 50;
    /** How many STUCK locks a rule's page names, each with its request. */
    static final int STUCK_SHOWN = 50;

    /** A STUCK lock as the page shows it: the lock and its file's transfer request towards the lock's RSE, if any. */
    public record StuckRow(RuleBrowsing.Stuck lock, RequestStore.Request request) {
    }

    private final RuleBrowsing browsing;
    private final RuleService rules;
    private final RuleGateway gateway;
    private final RequestStore requests;
    private final Permissions permissions;

    public RulePagesController(RuleBrowsing browsing, RuleService rules, RuleGateway gateway, RequestStore requests,
                               Permissions permissions) {
        this.browsing = browsing;
        this.rules = rules;
        this.gateway = gateway;
        this.requests = requests;
        this.permissions = permissions;
    }

    @GetMapping({"/ui/rules", "/ui/rules/"})
    public String list(@RequestParam(required = false) String account, @RequestParam(required = false) String scope,
                       @RequestParam(required = false) String state,
                       @RequestParam(name = "rse_expression", required = false) String rseExpression,
                       @RequestParam(required = false) String activity, @RequestParam(defaultValue = "0") int page,
                       Model model, HttpServletResponse response) {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("account", account == null ? "" : account);
        filters.put("scope", scope == null ? "" : scope);
        filters.put("state", state == null ? "" : state);
        filters.put("rse_expression", rseExpression == null ? "" : rseExpression);
        filters.put("activity", activity == null ? "" : activity);
        model.addAttribute("filters", filters);
        model.addAttribute("states", RuleState.values());
        model.addAttribute("page", Math.max(0, page));
        try {
            RuleState s = state(state);
            model.addAttribute("result", browsing.page(new RuleBrowsing.Filter(account, scope, s, rseExpression,
                    activity), Math.max(0, page) * PAGE, PAGE));
            return "ui/rules";
        } catch (StevedoreException e) {
            return FormError.rejected(response, model, "state", e, "ui/rules");
        }
    }

    private static RuleState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return RuleState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidObject("Unknown rule state '" + state + "'");
        }
    }

    @GetMapping("/ui/rules/{id}")
    public String rule(@PathVariable String id, Caller caller, Model model) {
        Rule rule = rules.get(id);
        model.addAttribute("rule", rule);
        model.addAttribute("history", browsing.history(id));
        List<StuckRow> stuck = new ArrayList<>();
        for (RuleBrowsing.Stuck s : browsing.stuck(id, STUCK_SHOWN)) {
            List<RequestStore.Request> found = requests.of(s.fileKey(), s.rse());
            stuck.add(new StuckRow(s, found.isEmpty() ? null : found.get(0)));
        }
        model.addAttribute("stuck", stuck);
        Map<String, Boolean> may = new LinkedHashMap<>();
        may.put("suspend", permissions.allows(caller, Action.UPDATE_RULE,
                Target.ruleOption(rule.account(), rule.scope(), "state")));
        may.put("priority", permissions.allows(caller, Action.UPDATE_RULE,
                Target.ruleOption(rule.account(), rule.scope(), "priority")));
        may.put("delete", permissions.allows(caller, Action.DELETE_RULE, Target.rule(rule.account(), rule.scope())));
        model.addAttribute("may", may);
        return "ui/rule";
    }

    /** The rule's live state line: polled by its page. */
    @GetMapping("/ui/api/rules/{id}")
    @ResponseBody
    public Map<String, Object> liveState(@PathVariable String id) {
        Rule rule = rules.get(id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rule.id());
        m.put("state", rule.state().name());
        m.put("error", rule.error());
        m.put("locks_ok_cnt", rule.locksOk());
        m.put("locks_replicating_cnt", rule.locksReplicating());
        m.put("locks_stuck_cnt", rule.locksStuck());
        m.put("updated_at", rule.updatedAt() == null ? null : rule.updatedAt().toString());
        List<Map<String, Object>> history = new ArrayList<>();
        browsing.history(id).forEach(c -> history.add(Map.of("at", c.at().toString(), "state", c.state().name())));
        m.put("history", history);
        return m;
    }

    /**
     * An action on a rule from its page, through the gateway (which checks the permission again): {@code suspend},
     * {@code resume} (SUSPENDED to STUCK, where the repairer takes it up again), {@code priority} (with
     * {@code priority}) or {@code delete}. A refusal shows the rule's page with the API's message.
     */
    @PostMapping("/ui/rules/{id}/action")
    public String action(@PathVariable String id, @RequestParam String action,
                         @RequestParam(required = false) String priority, Caller caller, Model model,
                         HttpServletResponse response) {
        try {
            switch (action) {
                case "suspend" -> gateway.update(caller, id, Map.of("state", "SUSPENDED"));
                case "resume" -> gateway.update(caller, id, Map.of("state", "STUCK"));
                case "priority" -> gateway.update(caller, id, Map.of("priority", priority(priority)));
                case "delete" -> {
                    gateway.delete(caller, id, null);
                    return "redirect:/ui/rules";
                }
                default -> throw new InvalidObject("Unknown action '" + action + "' on a rule");
            }
            return "redirect:/ui/rules/" + id;
        } catch (StevedoreException e) {
            rule(id, caller, model);
            return FormError.rejected(response, model, "action", e, "ui/rule");
        }
    }

    private static int priority(String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidObject("'priority' must be a number from 0 to 5");
        }
    }
}
