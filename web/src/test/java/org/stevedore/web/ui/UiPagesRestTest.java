package org.stevedore.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.web.bootstrap.LocalTapeRse;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** The operations pages rendered by the server: RSEs, the transfer matrix and its drill-down, campaigns, tasks. */
class UiPagesRestTest extends ApiTest {

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    @BeforeEach
    void jdoeWithAScopeAndTwoRses() {
        assertThat(api.post("/accounts/jdoe", Map.of("type", "USER")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS",
                "password", "secret-jdoe", "email", "jdoe@example.org")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/jdoe/scopes/user.jdoe", null).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/SITE_A", Map.of()).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/SITE_B", Map.of()).statusCode()).isEqualTo(201);
    }

    @Test
    void anRsePageShowsAttributesDistancesLimitsAndTheConsistencyCheck() {
        assertThat(api.post("/rses/SITE_A/attr/tier", Map.of("value", "2")).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/SITE_A/distances/SITE_B", Map.of("distance", 3)).statusCode()).isEqualTo(201);
        HttpResponse<String> limit = api.put("/rses/SITE_A/transfer_limits",
                Map.of("activity", "Express", "max_transfers", 7));
        assertThat(limit.statusCode()).as(limit.body()).isLessThan(300);
        UiClient browser = new UiClient(port).login("jdoe", "secret-jdoe");

        HttpResponse<String> list = browser.get("/ui/rses");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("/ui/rses/SITE_A", "/ui/rses/SITE_B", "tier");
        HttpResponse<String> page = browser.get("/ui/rses/SITE_A");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(">tier<", ">2<", ">SITE_B<", ">Express<", ">7<", "Never run", "admins only");
        assertThat(new UiClient(port).login("root", rootPassword()).get("/ui/rses/SITE_A").body())
                .contains("you may change this RSE (admin)");

        HttpResponse<String> missing = browser.get("/ui/rses/NOWHERE");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("ExceptionClass")).hasValue("RSENotFound");
        assertThat(missing.body()).contains("NOWHERE");
    }

    @Test
    void theLinkMatrixDrillsDownToTheLinksRequestsOfTheCallersScopes() {
        assertThat(api.post("/accounts/root/scopes/other", null).statusCode()).isEqualTo(201);
        long now = System.currentTimeMillis();
        store.run("""
                MATCH (b:Rse {rse: 'SITE_B'})
                UNWIND range(1, 60) AS i
                CREATE (:Request {key: 'user.jdoe:f' + i + '|' + b.id, did_key: 'user.jdoe:f' + i,
                                  dest_rse_id: b.id, source_rse: 'SITE_A', state: 'DONE', bytes: 100,
                                  created_at: $now, transferred_at: $now - i})
                WITH DISTINCT b
                CREATE (:Request {key: 'other:secret|' + b.id, did_key: 'other:secret', dest_rse_id: b.id,
                                  source_rse: 'SITE_A', state: 'FAILED', error: 'no space left', created_at: $now,
                                  updated_at: $now})
                """, Map.of("now", now));
        UiClient jdoe = new UiClient(port).login("jdoe", "secret-jdoe");
        HttpResponse<String> matrix = jdoe.get("/ui/transfers");
        assertThat(matrix.body()).contains("data-link=\"SITE_A&gt;SITE_B\"", "60 done", "0 queued, 0 failed");
        HttpResponse<String> link = jdoe.get("/ui/transfers/link?source=SITE_A&destination=SITE_B");
        assertThat(link.statusCode()).isEqualTo(200);
        assertThat(link.body()).contains(">user.jdoe:f1<", "id=\"next-page\"").doesNotContain("other:secret");
        HttpResponse<String> second = jdoe.get("/ui/transfers/link?source=SITE_A&destination=SITE_B&page=1");
        assertThat(second.body()).contains(">user.jdoe:f60<").doesNotContain(">user.jdoe:f1<", "id=\"next-page\"");

        UiClient root = new UiClient(port).login("root", rootPassword());
        assertThat(root.get("/ui/transfers").body()).contains("0 queued, 1 failed");
        assertThat(root.get("/ui/transfers/link?source=SITE_A&destination=SITE_B").body())
                .contains("other:secret", "no space left");
        assertThat(root.get("/ui/transfers/link?source=SITE_A&destination=SITE_B&page=-1").statusCode())
                .isEqualTo(400);
    }

    @Test
    void aCampaignIsPausedFromItsPageOnlyWithTheCsrfTokenAndOnlyByWhoMay() throws Exception {
        String id = localTapeCampaign();
        UiClient root = new UiClient(port).login("root", rootPassword());
        HttpResponse<String> page = root.get("/ui/campaigns/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"pause\"", "id=\"cancel\"");
        assertThat(root.get("/ui/campaigns").body()).contains(id);

        HttpResponse<String> forged = root.postForm("/ui/campaigns/" + id + "/pause");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(ApiClient.json(api.get("/campaigns/" + id)).get("state")).isEqualTo("RUNNING");

        HttpResponse<String> paused = root.postForm("/ui/campaigns/" + id + "/pause", "_csrf", root.csrf());
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(302);
        assertThat(ApiClient.json(api.get("/campaigns/" + id)).get("state")).isEqualTo("PAUSED");
        assertThat(root.get("/ui/campaigns/" + id).body()).contains("id=\"resume\"").doesNotContain("id=\"pause\"");

        // The API's refusal (a PAUSED campaign cannot be paused) comes back next to the buttons, word for word.
        HttpResponse<String> again = root.postForm("/ui/campaigns/" + id + "/pause", "_csrf", root.csrf());
        HttpResponse<String> apiAgain = api.post("/campaigns/" + id + "/pause", Map.of());
        assertThat(again.statusCode()).isEqualTo(apiAgain.statusCode());
        assertThat(again.body()).contains("class=\"field-error\"", org.springframework.web.util.HtmlUtils
                .htmlEscape((String) ApiClient.json(apiAgain).get("ExceptionMessage")));

        UiClient jdoe = new UiClient(port).login("jdoe", "secret-jdoe");
        assertThat(jdoe.get("/ui/campaigns").body()).doesNotContain(id);
        assertThat(jdoe.get("/ui/campaigns/" + id).statusCode()).isEqualTo(403);
        jdoe.get("/ui/");
        HttpResponse<String> refused = jdoe.postForm("/ui/campaigns/" + id + "/resume", "_csrf", jdoe.csrf());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(ApiClient.json(api.get("/campaigns/" + id)).get("state")).isEqualTo("PAUSED");
    }

    @Test
    void theTaskListRendersForAnOrdinaryAccount() {
        HttpResponse<String> tasks = new UiClient(port).login("jdoe", "secret-jdoe").get("/ui/tasks");
        assertThat(tasks.statusCode()).isEqualTo(200);
        assertThat(tasks.body()).contains("No tasks.");
    }

    /** A campaign of three files on the emulated tape, one file at a time: it runs for some seconds. */
    private String localTapeCampaign() throws Exception {
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        api.post("/accounts/root/scopes/run8", Map.of());
        api.post("/dids/run8/ds", Map.of("type", "DATASET"));
        Path tape = LocalTapeRse.directory(dataDir().resolve("rses"));
        for (int i = 0; i < 3; i++) {
            String name = "ui.%d.%d.raw".formatted(System.nanoTime(), i);
            byte[] content = ("raw data " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            Path file = tape.resolve("run8").resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            var r = api.post("/dids/run8/ds/dids", Map.of("rse", LocalTapeRse.NAME, "dids", List.of(Map.of(
                    "scope", "run8", "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue()), "pfn", "file://" + file))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        var created = api.post("/campaigns", Map.of("dids", dids("run8", "ds"), "rse_expression",
                LocalTapeRse.NAME, "window_files", 1));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return (String) ApiClient.json(created).get("id");
    }
}
