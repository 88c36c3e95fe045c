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

/** {@code POST /rules/dry-run}: the plan of a rule before it exists, equal to what the rule then does. */
class RuleDryRunApiTest extends ApiTest {

    @BeforeEach
    void grid() {
        api.post("/accounts/root/scopes/run8", Map.of());
        for (String rse : List.of("SRC", "DST_A", "DST_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
        }
        assertThat(api.post("/rses/TAPE_1", Map.of("rse_type", "TAPE")).statusCode()).isEqualTo(201);
        api.post("/rses/DST_A/attr/tier", Map.of("value", "1"));
        api.post("/rses/DST_B/attr/tier", Map.of("value", "1"));
        api.post("/dids/run8/ds", Map.of("type", "DATASET"));
        var r = api.post("/dids/run8/ds/dids", Map.of("rse", "SRC", "dids", List.of(
                Map.of("scope", "run8", "name", "f1", "bytes", 100, "adler32", "00000001"),
                Map.of("scope", "run8", "name", "f2", "bytes", 200, "adler32", "00000002"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        // f2 is on DST_A already: a rule there locks it without a transfer.
        assertThat(api.post("/replicas", Map.of("rse", "DST_A", "files", List.of(
                Map.of("scope", "run8", "name", "f2", "bytes", 200, "adler32", "00000002")))).statusCode()).isEqualTo(201);
        // Raw data whose only copies are on tape.
        api.post("/dids/run8/raw", Map.of("type", "DATASET"));
        r = api.post("/dids/run8/raw/dids", Map.of("rse", "TAPE_1", "dids", List.of(
                Map.of("scope", "run8", "name", "t1", "bytes", 1000, "adler32", "0000000a"),
                Map.of("scope", "run8", "name", "t2", "bytes", 2000, "adler32", "0000000b"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static Map<String, Object> body(String name, String expression, int copies) {
        Map<String, Object> b = new HashMap<>();
        b.put("dids", dids("run8", name));
        b.put("copies", copies);
        b.put("rse_expression", expression);
        b.put("grouping", "DATASET");
        return b;
    }

    @Test
    void thePlanIsWhatTheRuleThenDoes() {
        long before = graphSize();
        var dry = api.post("/rules/dry-run", body("ds", "DST_A", 1));
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        assertThat(graphSize()).as("a dry run writes nothing").isEqualTo(before);
        Map<String, Object> plan = ApiClient.json(dry);
        assertThat(plan).containsEntry("account", "root").containsEntry("refused", false)
                .containsEntry("files", 2).containsEntry("locks", 2)
                .containsEntry("transfers", 1).containsEntry("transfer_bytes", 100);
        Map<String, Object> rule = map(((List<?>) plan.get("rules")).get(0));
        assertThat(rule).containsEntry("state", "REPLICATING").containsEntry("locks_ok", 1).containsEntry("bytes", 300)
                .containsEntry("groups_total", 1);
        assertThat(map(((List<?>) rule.get("groups")).get(0))).containsEntry("group", "run8:ds")
                .containsEntry("rses", List.of("DST_A")).containsEntry("files", 2);
        assertThat(map(((List<?>) plan.get("quota")).get(0))).containsEntry("rse", "DST_A")
                .containsEntry("rule_bytes", 300).containsEntry("exceeds", false);

        String id = (String) ApiClient.jsonList(api.post("/rules/", body("ds", "DST_A", 1))).get(0);
        List<Map<String, Object>> locks = ApiClient.docs(api.get("/rules/" + id + "/locks"));
        assertThat(locks).extracting(l -> l.get("rse")).containsOnly("DST_A").hasSize(2);
        assertThat(locks).filteredOn(l -> "OK".equals(l.get("state"))).hasSize(1);
        assertThat(requests()).containsExactly(1L, 100L);
    }

    @Test
    void aPlanAcrossTwoRsesAndTheRecallsFromTape() {
        var dry = api.post("/rules/dry-run", body("raw", "tier=1", 2));
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        Map<String, Object> plan = ApiClient.json(dry);
        assertThat(plan).containsEntry("transfers", 4).containsEntry("transfer_bytes", 6000);
        // Both copies of a file come from one recall.
        assertThat(map(plan.get("tape_recalls"))).containsEntry("files", 2).containsEntry("bytes", 3000)
                .containsEntry("by_rse", List.of(Map.of("rse", "TAPE_1", "files", 2, "bytes", 3000)));
        Map<String, Object> rule = map(((List<?>) plan.get("rules")).get(0));
        assertThat(rule.get("rses")).asList().extracting(r -> map(r).get("rse")).containsExactly("DST_A", "DST_B");

        String id = (String) ApiClient.jsonList(api.post("/rules/", body("raw", "tier=1", 2))).get(0);
        assertThat(ApiClient.docs(api.get("/rules/" + id + "/locks"))).extracting(l -> l.get("rse"))
                .containsExactlyInAnyOrder("DST_A", "DST_A", "DST_B", "DST_B");
        assertThat(requests()).containsExactly(4L, 6000L);
    }

    @Test
    void aQuotaRefusalIsInThePlanWithTheMessageTheRuleWouldGet() {
        assertThat(api.post("/accounts/root/limits/local/DST_A", Map.of("bytes", 250)).statusCode()).isEqualTo(201);
        long before = graphSize();
        var dry = api.post("/rules/dry-run", body("ds", "DST_A", 1));
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        Map<String, Object> plan = ApiClient.json(dry);
        assertThat(plan).containsEntry("refused", true);
        assertThat(plan.get("quota")).asList().singleElement().satisfies(q -> assertThat(map(q))
                .containsEntry("rse", "DST_A").containsEntry("limit_bytes", 250).containsEntry("exceeds", false)
                .containsEntry("used_bytes", 0));
        Map<String, Object> refused = map(map(((List<?>) plan.get("rules")).get(0)).get("refused"));
        assertThat(graphSize()).isEqualTo(before);

        var real = api.post("/rules/", body("ds", "DST_A", 1));
        assertError(real, 409, "InsufficientAccountLimit", "quota");
        assertThat(refused).containsEntry("exception_class", "InsufficientAccountLimit")
                .containsEntry("exception_message", ApiClient.json(real).get("ExceptionMessage"));
    }

    @Test
    void errorsAreThoseOfPostRulesAndWriteNothing() {
        assertThat(api.post("/rules/", body("ds", "DST_A", 1)).statusCode()).isEqualTo(201);
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password", "pw-jdoe-123"));
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        Map<String, Object> weighted = body("ds", "tier=1", 1);
        weighted.put("weight", "nosuch");
        Map<String, Object> twice = body("ds", "DST_B", 1);
        twice.put("dids", List.of(Map.of("scope", "run8", "name", "ds"), Map.of("scope", "run8", "name", "ds")));
        List<Map<String, Object>> bodies = List.of(body("ds", "DST_A", 1), body("ds", "NOWHERE", 1),
                body("ds", "tier=1", 3), weighted, body("nope", "DST_B", 1), body("ds", "DST_B", 0), twice);
        long before = graphSize();
        for (Map<String, Object> b : bodies) {
            sameError(api.post("/rules/", b), api.post("/rules/dry-run", b));
        }
        sameError(api.postRaw("/rules/", "{\"dids\": [], \"copies\": \"two\"}"),
                api.postRaw("/rules/dry-run", "{\"dids\": [], \"copies\": \"two\"}"));
        sameError(jdoe.post("/rules/", body("ds", "DST_B", 1)), jdoe.post("/rules/dry-run", body("ds", "DST_B", 1)));
        assertError(jdoe.post("/rules/dry-run", body("ds", "DST_B", 1)), 403, "AccessDenied", "add_rule");
        assertThat(graphSize()).isEqualTo(before);
    }

    private void sameError(HttpResponse<String> real, HttpResponse<String> dry) {
        assertThat(real.statusCode()).as(real.body()).isGreaterThanOrEqualTo(400).isLessThan(500);
        Map<String, Object> expected = ApiClient.json(real);
        assertError(dry, real.statusCode(), (String) expected.get("ExceptionClass"),
                (String) expected.get("ExceptionMessage"));
    }

    /** The transfer requests in the store: how many, and their bytes. */
    private List<Long> requests() {
        return store.read(tx -> tx.run("MATCH (q:Request) RETURN count(q) AS n, coalesce(sum(q.bytes), 0) AS b")
                .single().values().stream().map(v -> v.asLong()).toList());
    }
}
