package org.stevedore.web.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.stevedore.catalog.error.AccountNotFound;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.ScopeNotFound;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.rules.error.InsufficientTargetRSEs;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.error.InvalidReplicationRule;
import org.stevedore.rules.error.InvalidRuleWeight;
import org.stevedore.rules.evaluation.RuleDryRun;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.rule.AddRuleBodies;
import org.stevedore.web.rule.RuleGateway;

/**
 * The rule creation form with its dry run: "Dry run" shows what the rule would do (the plan of
 * {@code POST /rules/dry-run}) under the filled form, "Create" creates it ({@code POST /rules/}) and opens its page.
 * Both build the API's body and go through the API's parsing ({@link AddRuleBodies}) and gateway, so a refusal is
 * the API's, shown word for word next to the field it concerns, and nothing is written.
 */
@Hidden
@Controller
public class RuleFormController {

    /** The form's fields, in the API's names; every value as typed. */
    static final List<String> FIELDS = List.of("dids", "account", "copies", "rse_expression", "grouping", "lifetime",
            "weight", "activity", "source_replica_expression", "comment", "ask_approval", "asynchronous");

    private final AddRuleBodies bodies;
    private final RuleGateway gateway;
    /** The plan shown is the API's JSON document, so the page reads the same names the API documents. */
    private final ObjectMapper snakeCase;

    public RuleFormController(AddRuleBodies bodies, RuleGateway gateway, ObjectMapper mapper) {
        this.bodies = bodies;
        this.gateway = gateway;
        this.snakeCase = mapper.copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    @GetMapping({"/ui/rules/new", "/ui/rules/new/"})
    public String form(@RequestParam(required = false) String dids, Model model) {
        Map<String, String> values = new LinkedHashMap<>();
        FIELDS.forEach(f -> values.put(f, ""));
        values.put("dids", dids == null ? "" : dids);
        values.put("copies", "1");
        values.put("grouping", "DATASET");
        model.addAttribute("values", values);
        return "ui/rule-new";
    }

    @PostMapping({"/ui/rules/new", "/ui/rules/new/"})
    public String submit(@RequestParam Map<String, String> params, Caller caller, Model model,
                         HttpServletResponse response) {
        Map<String, String> values = new LinkedHashMap<>();
        FIELDS.forEach(f -> values.put(f, params.getOrDefault(f, "").trim()));
        model.addAttribute("values", values);
        boolean create = "create".equals(params.get("intent"));
        try {
            RuleRequest request = bodies.request(body(values));
            if (create) {
                List<String> ids = gateway.add(caller, request);
                return "redirect:/ui/rules/" + ids.get(0);
            }
            RuleDryRun.Plan plan = gateway.dryRun(caller, request);
            model.addAttribute("plan", snakeCase.convertValue(plan, Map.class));
            return "ui/rule-new";
        } catch (StevedoreException e) {
            return FormError.rejected(response, model, field(e), e, "ui/rule-new");
        }
    }

    /** The API's body from the form: one DID per line (or comma), {@code scope:name}. */
    static AddRuleBodies.Body body(Map<String, String> v) {
        List<AddRuleBodies.DidItem> dids = new ArrayList<>();
        for (String line : v.get("dids").split("[\\n,]+")) {
            String did = line.trim();
            if (did.isEmpty()) {
                continue;
            }
            int colon = did.indexOf(':');
            if (colon <= 0 || colon == did.length() - 1) {
                throw new InvalidObject("DID '" + did + "' is not scope:name");
            }
            dids.add(new AddRuleBodies.DidItem(did.substring(0, colon), did.substring(colon + 1)));
        }
        return new AddRuleBodies.Body(dids, blankToNull(v.get("account")), integer("copies", v.get("copies")),
                v.get("rse_expression"), blankToNull(v.get("weight")), lifetime(v.get("lifetime")),
                blankToNull(v.get("grouping")), false, blankToNull(v.get("source_replica_expression")),
                blankToNull(v.get("activity")), null, false, false, blankToNull(v.get("comment")),
                checked(v.get("ask_approval")), checked(v.get("asynchronous")), null, null);
    }

    /** The field a refusal concerns, by what the API refused; null for the form as a whole. */
    static String field(StevedoreException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof DataIdentifierNotFound || e instanceof ScopeNotFound) {
            return "dids";
        }
        if (e instanceof InvalidRSEExpression || e instanceof InsufficientTargetRSEs) {
            return "rse_expression";
        }
        if (e instanceof InvalidRuleWeight) {
            return "weight";
        }
        if (e instanceof AccountNotFound) {
            return "account";
        }
        if (e instanceof InvalidReplicationRule || e instanceof InvalidObject) {
            for (String f : List.of("copies", "lifetime", "grouping")) {
                if (message.contains(f)) {
                    return f;
                }
            }
            if (message.contains("DID") || message.contains("dids") || message.contains("scope")
                    || message.contains("name")) {
                return "dids";
            }
        }
        return null;
    }

    private static Integer integer(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidObject("'" + field + "' must be a whole number, not '" + value + "'");
        }
    }

    private static Long lifetime(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidObject("'lifetime' must be a whole number of seconds, not '" + value + "'");
        }
    }

    private static Boolean checked(String value) {
        return value != null && (value.equals("on") || value.equals("true"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
