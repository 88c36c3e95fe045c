package org.stevedore.web.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.web.bootstrap.LocalTapeRse;
import org.stevedore.web.support.ApiClient;

/**
 * The Grafana dashboard in docs/grafana is a dashboard Grafana imports (panels with Prometheus targets on the
 * datasource variable) and every metric its expressions use is one the running service exposes: after data moved
 * and a campaign staged from the local tape, each name is on the scrape.
 */
class DashboardApiTest extends ScrapeTest {

    private static final Pattern METRIC = Pattern.compile("\\b(stevedore_[a-z_]+)\\b");

    @Autowired
    RseStore rses;
    @Autowired
    RseDistanceStore distances;

    static JsonNode dashboard() throws Exception {
        Path file = Path.of("..", "docs", "grafana", "stevedore-dashboard.json");
        return new ObjectMapper().readTree(Files.readString(file));
    }

    private void stageFromLocalTape() throws Exception {
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        api.post("/accounts/root/scopes/dash", Map.of());
        api.post("/dids/dash/ds", Map.of("type", "DATASET"));
        Path tape = LocalTapeRse.directory(dataDir().resolve("rses"));
        for (int i = 0; i < 2; i++) {
            String name = "dash.%d.%d.raw".formatted(System.nanoTime(), i);
            byte[] content = ("raw data " + i + "\n").repeat(500).getBytes(StandardCharsets.UTF_8);
            Path file = tape.resolve("dash").resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            var r = api.post("/dids/dash/ds/dids", Map.of("rse", LocalTapeRse.NAME, "dids", List.of(Map.of(
                    "scope", "dash", "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue()), "pfn", "file://" + file))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        var created = api.post("/campaigns", Map.of("dids", dids("dash", "ds"), "rse_expression", LocalTapeRse.NAME));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) ApiClient.json(created).get("id");
        long deadline = System.nanoTime() + 90_000_000_000L;
        Map<String, Object> campaign = ApiClient.json(created);
        while (!"COMPLETED".equals(campaign.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            campaign = ApiClient.json(api.get("/campaigns/" + id));
        }
        assertThat(campaign).containsEntry("state", "COMPLETED");
    }

    @Test
    void everyMetricOfTheDashboardIsOneTheServiceExposes() throws Exception {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThan(30);
        List<String> variables = dashboard.path("templating").path("list").findValuesAsText("name");
        assertThat(variables).contains("datasource");
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("title").asText()).isNotBlank();
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).contains("stevedore_transfers_done_total", "stevedore_requests",
                "stevedore_bridge_release_latency_seconds_bucket", "stevedore_worker_errors_total");

        Scrape before = scrape();
        moveThreeFiles();
        stageFromLocalTape();
        // The moved data goes again, through the reaper.
        assertThat(api.delete("/dids/metrics/ds", null).statusCode()).isEqualTo(200);
        new Reaper(new ReaperStore(store, clock), protocols, storage, 100).runOnce(Partition.whole());
        Scrape after = scrape();

        assertThat(after.value("stevedore_campaign_files_staged_total", "rse", LocalTapeRse.NAME)
                - before.value("stevedore_campaign_files_staged_total", "rse", LocalTapeRse.NAME)).isEqualTo(2);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(after.names());
        assertThat(missing).as("dashboard metrics not on the scrape").isEmpty();
        // Where transfers and stagings worked, their failure counts are there too, at 0.
        assertThat(after.value("stevedore_transfers_failed_total", "link", LINK, "activity", ACTIVITY)).isZero();
        assertThat(after.labelValues("stevedore_campaign_files_failed_total", "rse")).contains(LocalTapeRse.NAME);
    }
}
