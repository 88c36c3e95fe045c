package org.stevedore.web.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * Who may change a rule once it exists: its owner only what Rucio lets an owner change, approval and denial only
 * admins and the accounts the rule's RSEs name in {@code rule_approvers}; a refused option changes nothing.
 */
class RulePowersApiTest extends ApiTest {

    private ApiClient jdoe;
    private ApiClient carol;

    @BeforeEach
    void jdoeWithAScopeAndCarolWithout() {
        for (String rse : List.of("SRC", "DST_A")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "pw-jdoe-123"));
        api.post("/accounts/jdoe/scopes/user.jdoe", Map.of());
        api.post("/accounts/carol", Map.of("type", "USER"));
        api.post("/accounts/carol/identities", Map.of("identity", "carol", "authtype", "USERPASS",
                "password", "pw-carol-123"));
        jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        carol = new ApiClient(port).withToken(token("carol", "pw-carol-123"));
        assertThat(jdoe.post("/dids/user.jdoe/mine", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
    }

    private String jdoesRule(boolean askApproval) {
        Map<String, Object> body = new HashMap<>();
        body.put("dids", dids("user.jdoe", "mine"));
        body.put("copies", 1);
        body.put("rse_expression", "DST_A");
        body.put("ask_approval", askApproval);
        body.put("priority", 3);
        HttpResponse<String> r = jdoe.post("/rules/", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return (String) ApiClient.jsonList(r).get(0);
    }

    private Map<String, Object> rule(String id) {
        return ApiClient.json(api.get("/rules/" + id));
    }

    @Test
    void theOwnerMayNotApproveHandOverReprioritiseOrChangeTheStateOfItsRule() {
        String id = jdoesRule(true);
        assertThat(rule(id).get("state")).isEqualTo("WAITING_APPROVAL");
        Map<String, Object> before = rule(id);
        long size = graphSize();

        assertError(jdoe.put("/rules/" + id, Map.of("options", Map.of("approve", true))), 403, "AccessDenied",
                "approve_rule");
        assertError(jdoe.put("/rules/" + id, Map.of("options", Map.of("approve", false))), 403, "AccessDenied",
                "approve_rule");
        assertError(jdoe.put("/rules/" + id, Map.of("options", Map.of("account", "carol"))), 403, "AccessDenied",
                "update_rule on scope 'user.jdoe', rule owned by 'jdoe', option 'account'");
        assertError(jdoe.put("/rules/" + id, Map.of("options", Map.of("priority", 5))), 403, "AccessDenied",
                "option 'priority'");
        assertError(jdoe.put("/rules/" + id, Map.of("options", Map.of("state", "SUSPENDED"))), 403, "AccessDenied",
                "option 'state'");
        assertError(jdoe.put("/rules/" + id, Map.of("options", Map.of("locked", true))), 403, "AccessDenied",
                "option 'locked'");
        assertError(carol.put("/rules/" + id, Map.of("options", Map.of("lifetime", 60))), 403, "AccessDenied",
                "option 'lifetime'");

        assertThat(graphSize()).isEqualTo(size);
        assertThat(rule(id)).isEqualTo(before);
    }

    @Test
    void oneForbiddenOptionRefusesTheWholeChange() {
        String id = jdoesRule(false);
        Map<String, Object> before = rule(id);

        Map<String, Object> options = new HashMap<>();
        options.put("comment", "mine");
        options.put("priority", 5);
        assertError(jdoe.put("/rules/" + id, Map.of("options", options)), 403, "AccessDenied", "option 'priority'");
        assertThat(rule(id)).isEqualTo(before);

        HttpResponse<String> r = jdoe.put("/rules/" + id, Map.of("options", Map.of("lifetime", 3600,
                "comment", "mine", "activity", "Analysis Input", "purge_replicas", true)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> after = rule(id);
        assertThat(after.get("comments")).isEqualTo("mine");
        assertThat(after.get("activity")).isEqualTo("Analysis Input");
        assertThat(after.get("purge_replicas")).isEqualTo(true);
        assertThat(after.get("expires_at")).isNotNull();
        assertThat(after.get("priority")).isEqualTo(3);
        assertThat(after.get("account")).isEqualTo("jdoe");
    }

    @Test
    void anAccountTheRsesNameInRuleApproversApprovesAndAdminsMayChangeEverything() {
        String id = jdoesRule(true);
        assertError(carol.put("/rules/" + id, Map.of("options", Map.of("approve", true))), 403, "AccessDenied",
                "Account carol cannot approve_rule");

        assertThat(api.post("/rses/DST_A/attr/rule_approvers", Map.of("value", "dave, carol")).statusCode())
                .isEqualTo(201);
        assertError(carol.put("/rules/" + id, Map.of("options", Map.of("approve", true, "priority", 5))), 403,
                "AccessDenied", "option 'priority'");
        assertThat(rule(id).get("state")).isEqualTo("WAITING_APPROVAL");
        HttpResponse<String> r = carol.put("/rules/" + id, Map.of("options", Map.of("approve", true)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(rule(id).get("state")).isNotEqualTo("WAITING_APPROVAL");

        r = api.put("/rules/" + id, Map.of("options", Map.of("priority", 5, "account", "carol")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(rule(id).get("priority")).isEqualTo(5);
        assertThat(rule(id).get("account")).isEqualTo("carol");
    }

    @Test
    void anApproverDeniesARuleWhichDeletesIt() {
        String id = jdoesRule(true);
        api.post("/rses/DST_A/attr/rule_approvers", Map.of("value", "carol"));

        HttpResponse<String> r = carol.put("/rules/" + id, Map.of("options", Map.of("approve", false,
                "comment", "not on this disk")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertError(api.get("/rules/" + id), 404, "RuleNotFound", id);
    }
}
