package org.stevedore.web.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.web.auth.Caller;

/**
 * {@code POST /rules/dry-run}, Stevedore's own (Rucio has no such call): what {@code POST /rules/} with the same body
 * would do, written nowhere. The same parsing, permission checks and refusals, then the plan (RSEs, transfers,
 * bytes, quota, tape recalls) as JSON with Rucio's snake_case keys.
 */
@RestController
public class RuleDryRunController {

    private final RuleGateway gateway;
    private final AddRuleBodies bodies;
    /** The plan is the engine's records; the API speaks snake_case. */
    private final ObjectMapper snakeCase;

    public RuleDryRunController(RuleGateway gateway, AddRuleBodies bodies, ObjectMapper mapper) {
        this.gateway = gateway;
        this.bodies = bodies;
        this.snakeCase = mapper.copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    @PostMapping({"/rules/dry-run", "/rules/dry-run/"})
    public JsonNode dryRun(@RequestBody AddRuleBodies.Body body, Caller caller) {
        return snakeCase.valueToTree(gateway.dryRun(caller, bodies.request(body)));
    }
}
