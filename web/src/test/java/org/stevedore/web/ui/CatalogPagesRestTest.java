package org.stevedore.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.HtmlUtils;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** The DID and rule pages and the rule form over HTTP, as a browser without scripts sees them. */
class CatalogPagesRestTest extends ApiTest {

    private UiClient root;

    @BeforeEach
    void namespace() {
        api.post("/accounts/root/scopes/run8", Map.of());
        for (String rse : List.of("SRC", "DST_A")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
        }
        api.post("/dids/run8/raw", Map.of("type", "DATASET"));
        api.post("/dids/run8/other", Map.of("type", "DATASET"));
        var r = api.post("/dids/run8/raw/dids", Map.of("rse", "SRC", "dids", List.of(
                Map.of("scope", "run8", "name", "f1", "bytes", 100, "adler32", "00000001"),
                Map.of("scope", "run8", "name", "f2", "bytes", 200, "adler32", "00000002"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(api.post("/dids/run8/raw/meta", Map.of("meta", Map.of("stream", "physics"))).statusCode())
                .isEqualTo(201);
        assertThat(api.post("/dids/run8/other/meta", Map.of("meta", Map.of("stream", "cosmics"))).statusCode())
                .isEqualTo(201);
        // A file without any replica: a rule on it is STUCK at once.
        api.post("/dids/run8/lost", Map.of("type", "DATASET"));
        api.post("/dids/run8/nowhere", Map.of("type", "FILE", "bytes", 5));
        api.post("/dids/run8/lost/dids", Map.of("dids", List.of(Map.of("scope", "run8", "name", "nowhere"))));
        root = new UiClient(port).login("root", rootPassword());
    }

    @Test
    void searchByPatternTypeAndMetadataThenADidsPage() {
        HttpResponse<String> all = root.get("/ui/dids?scope=run8&name=*&type=DATASET");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains("run8:raw", "run8:other", "run8:lost").doesNotContain("run8:f1<");
        HttpResponse<String> physics = root.get("/ui/dids?scope=run8&name=*&meta=stream%3Dphysics");
        assertThat(physics.body()).contains("run8:raw").doesNotContain("run8:other");
        assertThat(root.get("/ui/dids?scope=run8&name=f*").body()).contains("run8:f1", "run8:f2")
                .doesNotContain("run8:raw");

        HttpResponse<String> badType = root.get("/ui/dids?scope=run8&type=BOX");
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(badType.body()).contains("field-error", "BOX");

        String rule = (String) ApiClient.jsonList(api.post("/rules/", Map.of("dids", dids("run8", "raw"),
                "copies", 1, "rse_expression", "DST_A"))).get(0);
        HttpResponse<String> page = root.get("/ui/dids/run8/raw");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("run8:f1", "run8:f2", "physics", rule)
                .contains("SRC", "AVAILABLE", "DST_A", "COPYING");
        assertThat(root.get("/ui/dids/run8/f1").body()).contains("Parents", "run8:raw");
        HttpResponse<String> missing = root.get("/ui/dids/run8/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("DataIdentifierNotFound");
    }

    @Test
    void aStuckRulesPageNamesTheReasonAndItsHistory() {
        String id = (String) ApiClient.jsonList(api.post("/rules/", Map.of("dids", dids("run8", "lost"),
                "copies", 1, "rse_expression", "DST_A"))).get(0);
        HttpResponse<String> page = root.get("/ui/rules/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"rule-state\"", "STUCK", "stuck-reason",
                HtmlUtils.htmlEscape("No replica of 'run8:nowhere' exists anywhere to copy from"));
        // Creation recorded REPLICATING, the count of the stuck lock STUCK: the history, and the live state line.
        Map<String, Object> live = ApiClient.json(root.get("/ui/api/rules/" + id, "Accept", "application/json"));
        assertThat(live).containsEntry("state", "STUCK").containsEntry("locks_stuck_cnt", 1);
        assertThat((List<?>) live.get("history")).extracting(h -> map(h).get("state"))
                .containsExactly("REPLICATING", "STUCK");

        assertThat(root.get("/ui/rules?state=STUCK").body()).contains(id);
        assertThat(root.get("/ui/rules?state=OK").body()).doesNotContain(id);
        assertThat(root.get("/ui/rules?account=root&rse_expression=DST_A").body()).contains(id);
        assertThat(root.get("/ui/rules?activity=Express").body()).doesNotContain(id);
        assertThat(root.get("/ui/rules?state=NOPE").statusCode()).isEqualTo(400);
    }

    @Test
    void actionsOnlyForWhoMayAndThroughTheGateway() {
        String id = (String) ApiClient.jsonList(api.post("/rules/", Map.of("dids", dids("run8", "lost"),
                "copies", 1, "rse_expression", "DST_A"))).get(0);
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password", "pw-jdoe-123"));
        UiClient jdoe = new UiClient(port).login("jdoe", "pw-jdoe-123");
        HttpResponse<String> theirs = jdoe.get("/ui/rules/" + id);
        assertThat(theirs.statusCode()).isEqualTo(200);
        assertThat(theirs.body()).doesNotContain("id=\"suspend\"", "id=\"delete\"");
        HttpResponse<String> forged = jdoe.postForm("/ui/rules/" + id + "/action", "_csrf", jdoe.csrf(),
                "action", "delete");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("delete_rule");
        assertThat(api.get("/rules/" + id).statusCode()).isEqualTo(200);

        HttpResponse<String> mine = root.get("/ui/rules/" + id);
        assertThat(mine.body()).contains("id=\"suspend\"", "id=\"delete\"");
        HttpResponse<String> suspended = root.postForm("/ui/rules/" + id + "/action", "_csrf", root.csrf(),
                "action", "suspend");
        assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(302);
        assertThat(ApiClient.json(api.get("/rules/" + id))).containsEntry("state", "SUSPENDED");
        assertThat((List<?>) ApiClient.json(root.get("/ui/api/rules/" + id, "Accept", "application/json")).get("history"))
                .extracting(h -> map(h).get("state")).containsExactly("REPLICATING", "STUCK", "SUSPENDED");
    }

    @Test
    void theFormsDryRunThenCreate() {
        root.get("/ui/rules/new?dids=run8:raw");
        long before = graphSize();
        HttpResponse<String> dry = root.postForm("/ui/rules/new", "_csrf", root.csrf(), "dids", "run8:raw",
                "rse_expression", "DST_A", "copies", "1", "grouping", "DATASET", "intent", "dry-run");
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        assertThat(dry.body()).contains("id=\"plan\"", "id=\"plan-transfers\">2<", "id=\"plan-bytes\">300<",
                "id=\"create\"");
        assertThat(graphSize()).isEqualTo(before);

        HttpResponse<String> created = root.postForm("/ui/rules/new", "_csrf", root.csrf(), "dids", "run8:raw",
                "rse_expression", "DST_A", "copies", "1", "grouping", "DATASET", "intent", "create");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        String location = created.headers().firstValue("Location").orElseThrow();
        List<Map<String, Object>> rules = ApiClient.docs(api.get("/dids/run8/raw/rules"));
        assertThat(rules).singleElement().satisfies(r -> assertThat(location).endsWith("/ui/rules/" + r.get("id")));
    }

    @Test
    void badInputShowsTheApisMessageNextToItsFieldAndWritesNothing() {
        root.get("/ui/rules/new");
        long before = graphSize();
        Map<String, String[]> cases = new HashMap<>();
        cases.put("rse_expression", new String[] {"run8:raw", "NOWHERE", "1"});
        cases.put("dids", new String[] {"run8:nope", "DST_A", "1"});
        cases.put("copies", new String[] {"run8:raw", "DST_A", "0"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String[] v = c.getValue();
            Map<String, Object> body = Map.of("dids", dids("run8", v[0].substring(5)), "rse_expression", v[1],
                    "copies", Integer.parseInt(v[2]));
            HttpResponse<String> api409 = api.post("/rules/", body);
            String message = (String) ApiClient.json(api409).get("ExceptionMessage");
            for (String intent : List.of("dry-run", "create")) {
                HttpResponse<String> form = root.postForm("/ui/rules/new", "_csrf", root.csrf(), "dids", v[0],
                        "rse_expression", v[1], "copies", v[2], "grouping", "DATASET", "intent", intent);
                assertThat(form.statusCode()).as(c.getKey()).isEqualTo(api409.statusCode());
                String html = form.body();
                int field = html.indexOf("id=\"" + c.getKey() + "\"");
                int error = html.indexOf(HtmlUtils.htmlEscape(message));
                assertThat(error).as(c.getKey() + ": " + message).isGreaterThan(field).isGreaterThan(0);
                assertThat(html.substring(field, error)).as("the message follows its field")
                        .doesNotContain("<label");
            }
        }
        assertThat(graphSize()).isEqualTo(before);
    }
}
