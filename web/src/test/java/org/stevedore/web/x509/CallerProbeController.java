package org.stevedore.web.x509;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.web.api.Created;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * Test-only endpoints: what the application made of a request's credentials, and a production-role action (the rule
 * endpoints arrive with the rules engine) so that VOMS attributes can be exercised end to end over HTTPS.
 */
@RestController
class CallerProbeController {

    private final Permissions permissions;

    CallerProbeController(Permissions permissions) {
        this.permissions = permissions;
    }

    @GetMapping("/test-probe/caller")
    Map<String, Object> caller(Caller caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account", caller.account());
        m.put("identity", caller.identity());
        m.put("vos", caller.vos());
        m.put("fqans", caller.fqans());
        return m;
    }

    @PostMapping("/test-probe/rules/{scope}")
    ResponseEntity<String> addRule(@PathVariable String scope, Caller caller) {
        permissions.require(caller, Action.ADD_RULE, Target.newRule(scope, null));
        return Created.response();
    }
}
