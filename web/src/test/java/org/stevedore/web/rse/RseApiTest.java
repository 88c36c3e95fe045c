package org.stevedore.web.rse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class RseApiTest extends ApiTest {

    private void addRse(String name, Map<String, Object> settings) {
        var r = api.post("/rses/" + name, settings);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void rseWithAttributesProtocolsDistancesLimitsAndUsage() {
        addRse("JINR_DISK", Map.of("deterministic", true, "city", "Dubna"));
        addRse("JINR_TAPE", Map.of("rse_type", "TAPE", "availability", 5));
        assertThat(api.post("/rses/JINR_DISK/attr/tier", Map.of("value", "1")).statusCode()).isEqualTo(201);
        Map<String, Object> attrs = ApiClient.json(api.get("/rses/JINR_DISK/attr/"));
        assertThat(attrs).containsEntry("JINR_DISK", true).containsEntry("tier", "1");

        assertThat(api.post("/rses/JINR_DISK/protocols/davs", Map.of("hostname", "se.jinr.ru", "port", 2880,
                "prefix", "/data", "impl", "rucio.rse.protocols.gfal.Default",
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        Map<String, Object> info = ApiClient.json(api.get("/rses/JINR_DISK"));
        assertThat(info).containsEntry("rse", "JINR_DISK").containsEntry("deterministic", true);
        assertThat((List<?>) info.get("protocols")).singleElement()
                .satisfies(p -> assertThat(map(p)).containsEntry("scheme", "davs").containsEntry("port", 2880));

        Map<String, Object> tape = ApiClient.json(api.get("/rses/JINR_TAPE"));
        assertThat(tape).containsEntry("rse_type", "TAPE").containsEntry("availability_write", false)
                .containsEntry("availability_read", true);

        assertThat(api.post("/rses/JINR_TAPE/distances/JINR_DISK", Map.of("distance", 1)).statusCode()).isEqualTo(201);
        assertThat(ApiClient.jsonList(api.get("/rses/JINR_TAPE/distances/JINR_DISK"))).singleElement()
                .satisfies(d -> assertThat(map(d)).containsEntry("distance", 1));

        assertThat(api.put("/rses/JINR_DISK/limits", Map.of("name", "MinFreeSpace", "value", 1000)).statusCode())
                .isEqualTo(200);
        assertThat(ApiClient.json(api.get("/rses/JINR_DISK/limits"))).containsEntry("MinFreeSpace", 1000);

        assertThat(api.put("/rses/JINR_DISK/usage", Map.of("source", "storage", "used", 10, "free", 90)).statusCode())
                .isEqualTo(200);
        var usage = api.get("/rses/JINR_DISK/usage");
        assertThat(usage.headers().firstValue("Content-Type")).hasValue("application/x-json-stream");
        assertThat(ApiClient.docs(usage)).singleElement().satisfies(u -> assertThat(u).containsEntry("total", 100));
    }

    @Test
    void listingByExpression() {
        addRse("SITE_A", Map.of());
        addRse("SITE_B", Map.of());
        api.post("/rses/SITE_B/attr/tier", Map.of("value", 2));
        var all = api.get("/rses/");
        assertThat(all.headers().firstValue("Content-Type")).hasValue("application/x-json-stream");
        assertThat(ApiClient.docs(all)).extracting(d -> d.get("rse")).containsExactly("SITE_A", "SITE_B");
        assertThat(ApiClient.docs(api.get("/rses/?expression=SITE_A"))).extracting(d -> d.get("rse"))
                .containsExactly("SITE_A");
        assertThat(ApiClient.docs(api.get("/rses/?expression=tier=2"))).extracting(d -> d.get("rse"))
                .containsExactly("SITE_B");
        assertError(api.get("/rses/?expression=NOWHERE"), 400, "InvalidRSEExpression", "selects no RSE");
    }

    private List<Object> listed(String expression) {
        var r = api.get("/rses/?expression=" + ApiClient.seg(expression));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiClient.docs(r).stream().map(d -> d.get("rse")).toList();
    }

    @Test
    void listingTakesTheFullGrammarFromLeftToRight() {
        addRse("IT_DISK", Map.of());
        addRse("IT_TAPE", Map.of("rse_type", "TAPE"));
        addRse("FR_DISK", Map.of());
        api.post("/rses/IT_DISK/attr/type", Map.of("value", "DISK"));
        api.post("/rses/IT_DISK/attr/cloud", Map.of("value", "IT"));
        api.post("/rses/IT_TAPE/attr/cloud", Map.of("value", "IT"));
        api.post("/rses/FR_DISK/attr/cloud", Map.of("value", "FR"));
        api.post("/rses/FR_DISK/attr/tier", Map.of("value", "1"));

        assertThat(listed("type=DISK&cloud=IT|cloud=FR")).containsExactly("FR_DISK", "IT_DISK");
        assertThat(listed("*\\cloud=IT")).containsExactly("FR_DISK");
        assertThat(listed("tier<2|(IT_TAPE&cloud=IT)")).containsExactly("FR_DISK", "IT_TAPE");
        assertThat(listed("")).containsExactly("FR_DISK", "IT_DISK", "IT_TAPE");

        assertError(api.get("/rses/?expression=" + ApiClient.seg("cloud=IT|(tier<2")), 400, "InvalidRSEExpression",
                "unbalanced '(' opened at position 10");
        assertError(api.get("/rses/?expression=" + ApiClient.seg("tier<x")), 400, "InvalidRSEExpression",
                "expected a number after '<' at position 5");
    }

    @Test
    void newAttributeIsListedAtOnce() {
        addRse("SITE_A", Map.of());
        assertError(api.get("/rses/?expression=tier=1"), 400, "InvalidRSEExpression", "selects no RSE");

        api.post("/rses/SITE_A/attr/tier", Map.of("value", "1"));

        assertThat(listed("tier=1")).containsExactly("SITE_A");
    }

    @Test
    void randomExpressionsAreListedOrRefusedButNeverAServerError() {
        addRse("SITE_A", Map.of());
        api.post("/rses/SITE_A/attr/tier", Map.of("value", 1));
        List<String> parts = List.of("SITE_A", "tier=1", "tier<2", "*", "|", "&", "\\", "(", ")", " ", "=", "<",
                "#", "%", "\u00e9", "\n", "\u0000", "\ud83d", "x:y=z", ")))", "(((");
        Random random = new Random(7L);
        for (int i = 0; i < 40; i++) {
            StringBuilder expression = new StringBuilder();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                expression.append(parts.get(random.nextInt(parts.size())));
            }
            var r = api.get("/rses/?expression=" + ApiClient.seg(expression.toString()));
            assertThat(r.statusCode()).as(expression + " -> " + r.body()).isIn(200, 400);
            if (r.statusCode() == 400) {
                assertThat(r.headers().firstValue("ExceptionClass")).hasValue("InvalidRSEExpression");
            }
        }
    }

    @Test
    void refusalsNameTheProblemAndChangeNothing() {
        addRse("SITE_A", Map.of());
        long before = graphSize();
        assertError(api.post("/rses/SITE_A", Map.of()), 409, "Duplicate", "SITE_A");
        assertError(api.post("/rses/bad_name", Map.of()), 400, "InvalidObject", "RSE name");
        assertError(api.post("/rses/SITE_C", Map.of("colour", "blue")), 400, "InvalidObject", "colour");
        assertError(api.post("/rses/SITE_C", Map.of("deterministic", "maybe")), 400, "InvalidObject", "deterministic");
        assertError(api.get("/rses/NOPE"), 404, "RSENotFound", "NOPE");
        assertError(api.get("/rses/NOPE/attr/"), 404, "RSENotFound", "NOPE");
        assertError(api.delete("/rses/SITE_A/attr/nokey", null), 404, "KeyNotFound", "nokey");
        assertError(api.get("/rses/SITE_A/protocols/root"), 404, "RSEProtocolNotSupported", "root");
        assertError(api.postRaw("/rses/SITE_A/distances/SITE_A", "{\"distance\": \"far\"}"), 400, "InvalidObject", "distance");
        assertThat(graphSize()).isEqualTo(before);
    }
}
