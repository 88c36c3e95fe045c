package org.stevedore.web.pin;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Pins through the API: a campaign staging from the emulated LOCAL_TAPE leaves a pin per file, held for its pin
 * lifetime; an RSE pointing at a Tape REST endpoint the service has no credentials for makes its campaign wait,
 * saying why.
 */
class PinApiTest extends ApiTest {

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    @BeforeEach
    void scope() {
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        api.post("/accounts/root/scopes/run8", Map.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(java.net.http.HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiClient.jsonList(r).stream().map(o -> (Map<String, Object>) o).toList();
    }

    private Map<String, Object> awaitCampaign(String id, java.util.function.Predicate<Map<String, Object>> done)
            throws InterruptedException {
        Map<String, Object> campaign = ApiClient.json(api.get("/campaigns/" + id));
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!done.test(campaign) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            campaign = ApiClient.json(api.get("/campaigns/" + id));
        }
        return campaign;
    }

    @Test
    void aCampaignsStagedFilesArePinnedAndListedPageByPage() throws Exception {
        api.post("/dids/run8/pinned", Map.of("type", "DATASET"));
        Path tape = LocalTapeRse.directory(dataDir().resolve("rses"));
        for (int i = 0; i < 3; i++) {
            String name = "pin.%d.%d.raw".formatted(System.nanoTime(), i);
            byte[] content = ("pinned " + i + "\n").repeat(500).getBytes(StandardCharsets.UTF_8);
            Path file = tape.resolve("run8").resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            var r = api.post("/dids/run8/pinned/dids", Map.of("rse", LocalTapeRse.NAME, "dids", List.of(Map.of(
                    "scope", "run8", "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue()), "pfn", "file://" + file))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        var created = api.post("/campaigns", Map.of("dids", List.of(Map.of("scope", "run8", "name", "pinned")),
                "rse_expression", LocalTapeRse.NAME, "pin_lifetime", 3600));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) ApiClient.json(created).get("id");
        assertThat(awaitCampaign(id, c -> "COMPLETED".equals(c.get("state")))).containsEntry("state", "COMPLETED");

        List<Map<String, Object>> pins = list(api.get("/rses/" + LocalTapeRse.NAME + "/pins"));

        assertThat(pins).hasSize(3).allSatisfy(p -> {
            assertThat(p).containsEntry("scope", "run8").containsEntry("rse", LocalTapeRse.NAME);
            assertThat((String) p.get("request_id")).isNotBlank();
            assertThat((String) p.get("path")).startsWith("run8/");
            assertThat(p.get("held_until")).as("held for the campaign's pin lifetime").isNotNull();
        });
        List<Map<String, Object>> first = list(api.get("/rses/" + LocalTapeRse.NAME + "/pins?limit=2"));
        assertThat(first).hasSize(2);
        Map<String, Object> last = first.get(1);
        assertThat(list(api.get("/rses/" + LocalTapeRse.NAME + "/pins?limit=2&after=run8:" + last.get("name"))))
                .extracting(p -> p.get("name")).containsExactly(pins.get(2).get("name"));
    }

    @Test
    void badPinQueriesAreRefusedNamingTheProblem() {
        assertError(api.get("/rses/NO_SUCH_TAPE/pins"), 404, "RSENotFound", "NO_SUCH_TAPE");
        assertError(api.get("/rses/" + LocalTapeRse.NAME + "/pins?limit=0"), 400, "InvalidObject", "limit");
        assertError(api.get("/rses/" + LocalTapeRse.NAME + "/pins?limit=many"), 400, "InvalidObject", "limit");
    }

    @Test
    void aTapeRestRseWithoutCredentialsMakesItsCampaignWaitSayingWhy() throws Exception {
        assertThat(api.post("/rses/REMOTE_TAPE", Map.of("rse_type", "TAPE")).statusCode()).isEqualTo(201);
        assertThat(api.post("/rses/REMOTE_TAPE/protocols/davs", Map.of("hostname", "tape.remote.example", "port", 2880,
                "prefix", "/pnfs/remote/data", "domains", Map.of("wan", Map.of("read", 1, "write", 1)))).statusCode())
                .isEqualTo(201);
        assertThat(api.post("/rses/REMOTE_TAPE/attr/tape_rest", Map.of("value", "https://tape.remote.example:2880"))
                .statusCode()).isEqualTo(201);
        api.post("/dids/run8/remote", Map.of("type", "DATASET"));
        var r = api.post("/dids/run8/remote/dids", Map.of("rse", "REMOTE_TAPE", "dids", List.of(Map.of(
                "scope", "run8", "name", "remote.%d.raw".formatted(System.nanoTime()), "bytes", 10,
                "adler32", "0000000a"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);

        var created = api.post("/campaigns", Map.of("dids", List.of(Map.of("scope", "run8", "name", "remote")),
                "rse_expression", LocalTapeRse.NAME));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) ApiClient.json(created).get("id");
        Map<String, Object> campaign = awaitCampaign(id, c -> c.get("error") != null);

        assertThat(campaign).containsEntry("state", "RUNNING").containsEntry("files_failed", 0);
        assertThat((String) campaign.get("error")).contains("REMOTE_TAPE", "No Tape REST credentials configured",
                "stevedore.tape.rest.proxy");
        assertThat(api.post("/campaigns/" + id + "/cancel", Map.of()).statusCode()).isEqualTo(200);
    }
}
