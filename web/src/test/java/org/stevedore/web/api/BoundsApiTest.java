package org.stevedore.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * Times and numbers at the edges of a long: each is refused with a 400 naming the field, before anything is written.
 * Before, they overflowed into 500s, or worse, wrapped around (a rule given 2^63-1 seconds expired 18 s later).
 */
class BoundsApiTest extends ApiTest {

    private static final String MAX_LONG = "9223372036854775807";
    private String ruleId;

    @BeforeEach
    void aDatasetWithARule() {
        api.post("/accounts/root/scopes/bmn_run8", Map.of());
        assertThat(api.post("/rses/SRC", Map.of()).statusCode()).isEqualTo(201);
        api.post("/dids/bmn_run8/ds", Map.of("type", "DATASET"));
        var r = api.post("/dids/bmn_run8/ds/dids", Map.of("rse", "SRC", "dids", List.of(
                Map.of("scope", "bmn_run8", "name", "f1", "bytes", 100, "adler32", "00000001"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        var rule = api.post("/rules/", Map.of("dids", dids("bmn_run8", "ds"), "copies", 1, "rse_expression", "SRC"));
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        ruleId = (String) ApiClient.jsonList(rule).get(0);
    }

    @Test
    void ruleLifetimesBeyondOneHundredYearsAreRefused() {
        long before = graphSize();
        for (String lifetime : List.of(MAX_LONG, "18446744073709551621", "1e300", "-1", "0", "3155760001", "1.5",
                "\"soon\"")) {
            assertError(api.put("/rules/" + ruleId, "{\"options\": {\"lifetime\": " + lifetime + "}}"), 400,
                    "InvalidObject", "'lifetime'");
        }
        assertThat(ApiClient.json(api.get("/rules/" + ruleId))).containsEntry("expires_at", null);
        Map<String, Object> rule = new HashMap<>(Map.of("dids", dids("bmn_run8", "ds"), "copies", 1,
                "rse_expression", "SRC", "comment", "another"));
        rule.put("lifetime", Long.MAX_VALUE);
        assertError(api.post("/rules/", rule), 400, "InvalidObject", "'lifetime'");
        assertThat(graphSize()).isEqualTo(before);

        assertThat(api.put("/rules/" + ruleId, Map.of("options", Map.of("lifetime", 3_155_760_000L))).statusCode())
                .isEqualTo(200);
        assertThat((String) ApiClient.json(api.get("/rules/" + ruleId)).get("expires_at")).contains(" 21");
    }

    @Test
    void didLifetimesTombstonesAndLimitsAtTheEdgesAreRefused() {
        long before = graphSize();
        assertError(api.post("/dids/bmn_run8/ds2", "{\"type\": \"DATASET\", \"lifetime\": " + MAX_LONG + "}"), 400,
                "InvalidObject", "'lifetime'");
        assertError(api.post("/dids", "[{\"scope\": \"bmn_run8\", \"name\": \"ds3\", \"type\": \"DATASET\", "
                + "\"lifetime\": " + MAX_LONG + "}]"), 400, "InvalidObject", "'lifetime'");
        for (String tombstone : List.of(MAX_LONG, "-9223372036854775808", "-1", "253402300800")) {
            assertError(api.post("/replicas", "{\"rse\": \"SRC\", \"files\": [{\"scope\": \"bmn_run8\", \"name\": \"f9\", "
                    + "\"bytes\": 1, \"adler32\": \"00000001\", \"tombstone\": " + tombstone + "}]}"), 400,
                    "InvalidObject", "'tombstone'");
        }
        assertError(api.put("/rses/SRC/limits", Map.of("name", "MinFreeSpace", "value", -1)), 400, "InvalidObject",
                "MinFreeSpace");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void pinLifetimesDeadlinesAndWaitsAtTheEdgesAreRefused() {
        long before = graphSize();
        assertError(api.post("/campaigns", "{\"dids\": [{\"scope\": \"bmn_run8\", \"name\": \"ds\"}], "
                + "\"rse_expression\": \"SRC\", \"pin_lifetime\": " + MAX_LONG + "}"), 400, "InvalidObject",
                "'pin_lifetime'");
        assertError(api.post("/campaigns", "{\"dids\": [{\"scope\": \"bmn_run8\", \"name\": \"ds\"}], "
                + "\"rse_expression\": \"SRC\", \"deadline\": \"+1000000-01-01T00:00:00Z\"}"), 400, "InvalidObject",
                "'deadline'");
        for (String pin : List.of(MAX_LONG, "18446744073709551621", "\"" + MAX_LONG + "\"", "\"PT2562047788015215H\"")) {
            assertError(api.post("/bridge/tasks", "{\"taskId\": \"t1\", \"inputs\": [\"bmn_run8:ds\"], "
                    + "\"rseExpression\": \"SRC\", \"split\": {\"filesPerJob\": 1}, \"pinLifetime\": " + pin + "}"),
                    400, "InvalidObject", "'pinLifetime'");
        }
        assertError(api.get("/bridge/tasks/t1/jobs?wait=999999999999999999m"), 400, "InvalidObject", "'wait'");
        assertThat(graphSize()).isEqualTo(before);
    }
}
