package org.stevedore.web.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
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

/** Campaigns through the API, staging real files from the emulated LOCAL_TAPE of the running application. */
class CampaignApiTest extends ApiTest {

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    @BeforeEach
    void localTapeWithADataset() throws Exception {
        // The graph is emptied before each test: put the application's tape RSE back, as the start-up does.
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        api.post("/accounts/root/scopes/run8", Map.of());
        api.post("/dids/run8/ds", Map.of("type", "DATASET"));
        Path tape = LocalTapeRse.directory(dataDir().resolve("rses"));
        for (int i = 0; i < 3; i++) {
            String name = "api.%d.%d.raw".formatted(System.nanoTime(), i);
            byte[] content = ("raw data " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            Path file = tape.resolve("run8").resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            var r = api.post("/dids/run8/ds/dids", Map.of("rse", LocalTapeRse.NAME, "dids", List.of(Map.of("scope", "run8",
                    "name", name, "bytes", content.length, "adler32", "%08x".formatted(adler.getValue()),
                    "pfn", "file://" + file))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
    }

    @Test
    void aCampaignStagesADatasetFromTheLocalTapeAndReportsItsProgress() throws Exception {
        var created = api.post("/campaigns", Map.of("dids", dids("run8", "ds"), "rse_expression", LocalTapeRse.NAME,
                "window_files", 2, "priority", 5, "pin_lifetime", 3600));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> campaign = ApiClient.json(created);
        String id = (String) campaign.get("id");
        assertThat(campaign).containsEntry("window_files", 2).containsEntry("priority", 5)
                .containsEntry("rse_expression", LocalTapeRse.NAME);

        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!"COMPLETED".equals(campaign.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            campaign = ApiClient.json(api.get("/campaigns/" + id));
        }
        assertThat(campaign).containsEntry("state", "COMPLETED").containsEntry("files", 3)
                .containsEntry("files_requested", 3).containsEntry("files_staged", 3).containsEntry("files_failed", 0)
                .containsEntry("eta_seconds", 0);
        assertThat(((Number) campaign.get("bytes_staged")).longValue()).isEqualTo(((Number) campaign.get("bytes")).longValue());
        assertThat(((Number) campaign.get("bytes_per_second")).doubleValue()).isPositive();
        assertThat(ApiClient.docs(api.get("/campaigns"))).extracting(d -> d.get("id")).contains(id);
        assertThat(ApiClient.docs(api.get("/campaigns?state=COMPLETED"))).extracting(d -> d.get("id")).contains(id);
        assertThat(ApiClient.jsonList(api.get("/campaigns/" + id + "/failures"))).isEmpty();
        // A finished campaign cannot be paused.
        assertError(api.post("/campaigns/" + id + "/pause", Map.of()), 409, "UnsupportedOperation", "COMPLETED");
    }

    @Test
    void anUploadedListStartsACampaignThatCanBeCancelled() {
        HttpRequest.Builder request = api.request("/campaigns?rse_expression=" + LocalTapeRse.NAME + "&window_files=1")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("# inputs\nrun8:ds\n\n"));
        var created = api.send(request);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) ApiClient.json(created).get("id");

        var cancelled = api.post("/campaigns/" + id + "/cancel", Map.of());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        Map<String, Object> doc = ApiClient.json(cancelled);
        assertThat(doc).containsEntry("state", "CANCELLED");
        assertError(api.post("/campaigns/" + id + "/resume", Map.of()), 409, "UnsupportedOperation", "CANCELLED");
    }

    @Test
    void badInputIsRefusedNamingTheProblemAndWritesNothing() {
        long before = graphSize();
        assertError(api.post("/campaigns", Map.of("dids", dids("run8", "nope"), "rse_expression", "LOCAL_TAPE")),
                404, "DataIdentifierNotFound", "run8:nope");
        assertError(api.post("/campaigns", Map.of("dids", dids("run8", "ds"), "rse_expression", "type=NOWHERE")),
                400, "InvalidRSEExpression", "type=NOWHERE");
        assertError(api.post("/campaigns", Map.of("dids", dids("run8", "ds"), "rse_expression", "LOCAL_TAPE",
                "window_files", 0)), 400, "InvalidObject", "window");
        assertError(api.post("/campaigns", Map.of("dids", dids("run8", "ds"), "rse_expression", "LOCAL_TAPE",
                "priority", 42)), 400, "InvalidObject", "priority");
        assertError(api.post("/campaigns", Map.of("dids", List.of(), "rse_expression", "LOCAL_TAPE")),
                400, "InvalidObject", "input");
        assertError(api.send(api.request("/campaigns?rse_expression=LOCAL_TAPE").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("run8:ds\nnot-a-did\n"))), 400, "InvalidObject", "Line 2");
        assertThat(graphSize()).isEqualTo(before);
        assertError(api.get("/campaigns/0123456789abcdef"), 404, "CampaignNotFound", "0123456789abcdef");
        assertError(api.get("/campaigns?state=BORED"), 400, "InvalidObject", "BORED");
    }
}
