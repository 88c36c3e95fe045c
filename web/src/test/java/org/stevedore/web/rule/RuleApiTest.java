package org.stevedore.web.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class RuleApiTest extends ApiTest {

    @BeforeEach
    void grid() {
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        for (String rse : List.of("SRC", "DST_A", "DST_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
        }
        api.post("/rses/DST_A/attr/tier", Map.of("value", "1"));
        api.post("/rses/DST_B/attr/tier", Map.of("value", "1"));
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        var r = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "SRC", "dids", List.of(
                Map.of("scope", "bmn_run8", "name", "f1", "bytes", 100, "adler32", "00000001"),
                Map.of("scope", "bmn_run8", "name", "f2", "bytes", 200, "adler32", "00000002"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** The body the stock client sends for `rucio add-rule`. */
    private static Map<String, Object> clientBody(String expression, int copies) {
        Map<String, Object> b = new HashMap<>();
        b.put("dids", dids("bmn_run8", "ds"));
        b.put("copies", copies);
        b.put("rse_expression", expression);
        for (String k : List.of("weight", "lifetime", "grouping", "account", "source_replica_expression", "activity",
                "notify", "comment", "meta")) {
            b.put(k, null);
        }
        b.put("locked", false);
        b.put("purge_replicas", false);
        b.put("ignore_availability", false);
        b.put("ask_approval", false);
        b.put("asynchronous", false);
        b.put("priority", 3);
        return b;
    }

    @Test
    void addRuleAsTheRucioClientDoesAndReadItBack() {
        var created = api.post("/rules/", clientBody("DST_A", 1));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValue("application/json");
        List<Object> ids = ApiClient.jsonList(created);
        assertThat(ids).hasSize(1);
        String id = (String) ids.get(0);

        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
        assertThat(rule).containsEntry("state", "REPLICATING").containsEntry("bytes", 300)
                .containsEntry("locks_replicating_cnt", 2).containsEntry("rse_expression", "DST_A")
                .containsEntry("account", "root").containsEntry("grouping", "DATASET");

        var ofDid = api.get("/dids/bmn_run8/ds/rules");
        assertThat(ofDid.headers().firstValue("Content-Type")).hasValue("application/x-json-stream");
        assertThat(ApiClient.docs(ofDid)).singleElement().satisfies(d -> assertThat(d).containsEntry("id", id)
                .containsKey("bytes"));
        assertThat(ApiClient.docs(api.get("/accounts/root/rules"))).hasSize(1);
        assertThat(ApiClient.docs(api.get("/rules/" + id + "/locks"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).containsEntry("rse", "DST_A").containsEntry("state", "REPLICATING"));
        assertThat(ApiClient.docs(api.get("/locks/DST_A"))).hasSize(2);
        assertThat(ApiClient.docs(api.get("/locks/bmn_run8/ds"))).hasSize(2);
        assertThat(ApiClient.docs(api.get("/rules/?state=REPLICATING"))).hasSize(1);

        assertThat(api.put("/rules/" + id, Map.of("options", Map.of("lifetime", 3600, "comment", "for run 8")))
                .statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(api.get("/rules/" + id))).containsEntry("comments", "for run 8")
                .satisfies(r -> assertThat((String) r.get("expires_at")).endsWith("UTC"));

        var deleted = api.delete("/rules/" + id, Map.of("purge_replicas", false));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertError(api.get("/rules/" + id), 404, "RuleNotFound", id);
    }

    @Test
    void refusalsAre409WithRucioClassesAndWriteNothing() {
        assertThat(api.post("/rules/", clientBody("DST_A", 1)).statusCode()).isEqualTo(201);
        long before = graphSize();
        assertError(api.post("/rules/", clientBody("DST_A", 1)), 409, "DuplicateRule", "already exists");
        assertError(api.post("/rules/", clientBody("NOWHERE", 1)), 409, "InvalidRSEExpression", "NOWHERE");
        assertError(api.post("/rules/", clientBody("tier=1", 3)), 409, "InsufficientTargetRSEs", "3 copies");
        Map<String, Object> weighted = clientBody("tier=1", 1);
        weighted.put("weight", "nosuch");
        assertError(api.post("/rules/", weighted), 409, "InvalidRuleWeight", "nosuch");
        Map<String, Object> unknown = clientBody("DST_B", 1);
        unknown.put("dids", dids("bmn_run8", "nope"));
        assertError(api.post("/rules/", unknown), 404, "DataIdentifierNotFound", "bmn_run8:nope");
        assertError(api.postRaw("/rules/", "{\"dids\": [], \"copies\": \"two\"}"), 400, "InvalidObject", "copies");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void quotasThroughTheAccountLimitEndpoints() {
        assertThat(api.post("/accounts/root/limits/local/DST_A", Map.of("bytes", 100)).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/root/limits/local/DST_B", Map.of("bytes", 100)).statusCode()).isEqualTo(201);
        assertThat(ApiClient.json(api.get("/accounts/root/limits/local"))).containsEntry("DST_A", 100)
                .containsEntry("DST_B", 100);
        assertError(api.post("/rules/", clientBody("tier=1", 1)), 409, "InsufficientAccountLimit", "quota");
        assertThat(api.delete("/accounts/root/limits/local/DST_B", null).statusCode()).isEqualTo(200);
        assertThat(api.post("/rules/", clientBody("tier=1", 1)).statusCode()).isEqualTo(201);
        assertThat(ApiClient.docs(api.get("/accounts/root/usage/local"))).anySatisfy(u -> assertThat(u)
                .containsEntry("rse", "DST_B").containsEntry("bytes", 300).containsEntry("bytes_limit", null));
    }

    @Test
    void theRunningEvaluatorExtendsARuleWhenFilesAreAttached() throws InterruptedException {
        String id = (String) ApiClient.jsonList(api.post("/rules/", clientBody("DST_A", 1))).get(0);
        var r = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "SRC", "dids", List.of(
                Map.of("scope", "bmn_run8", "name", "f3", "bytes", 300, "adler32", "00000003"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<Map<String, Object>> locks = ApiClient.docs(api.get("/rules/" + id + "/locks"));
        while (locks.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            locks = ApiClient.docs(api.get("/rules/" + id + "/locks"));
        }
        assertThat(locks).extracting(l -> l.get("name")).containsExactlyInAnyOrder("f1", "f2", "f3");
        // The running conveyor may already have given up on these byte-less files: replicating or stuck, 3 in all.
        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
        assertThat(((Number) rule.get("locks_replicating_cnt")).intValue() + ((Number) rule.get("locks_stuck_cnt")).intValue())
                .isEqualTo(3);
    }

    @Test
    void usersMayRuleTheirOwnScopesOnly() {
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password", "pw-jdoe-123"));
        api.post("/accounts/jdoe/scopes/user.jdoe", Map.of());
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        var ds = jdoe.post("/dids/user.jdoe/mine", Map.of("type", "DATASET"));
        assertThat(ds.statusCode()).as(ds.body()).isEqualTo(201);
        Map<String, Object> own = clientBody("DST_A", 1);
        own.put("dids", dids("user.jdoe", "mine"));
        assertThat(jdoe.post("/rules/", own).statusCode()).isEqualTo(201);

        String rootRule = (String) ApiClient.jsonList(api.post("/rules/", clientBody("DST_A", 1))).get(0);
        long before = graphSize();
        assertError(jdoe.post("/rules/", clientBody("DST_B", 1)), 403, "AccessDenied", "add_rule");
        Map<String, Object> forRoot = clientBody("DST_B", 1);
        forRoot.put("dids", dids("user.jdoe", "mine"));
        forRoot.put("account", "root");
        assertError(jdoe.post("/rules/", forRoot), 403, "AccessDenied", "add_rule");
        assertError(jdoe.delete("/rules/" + rootRule, null), 403, "AccessDenied", "delete_rule");
        assertError(jdoe.post("/accounts/jdoe/limits/local/DST_A", Map.of("bytes", 1)), 403, "AccessDenied",
                "set_account_limit");
        assertThat(graphSize()).isEqualTo(before);
    }
}
