package org.stevedore.web.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * Data moved and deleted through the running application shows on {@code /actuator/prometheus}: transfers done and
 * bytes per link and activity, rules and locks by state, the workers' cycles, the store's transactions, the reaper's
 * deletions, each counting exactly what happened. The endpoint on the API's port wants a token.
 */
class MetricsApiTest extends ApiTest {

    static final String ACTIVITY = "User Subscriptions";
    static final String LINK = "MET_A->MET_B";

    @Autowired
    private RseProtocolStore protocols;
    @Autowired
    private StorageProtocols storage;
    @Autowired
    private Clock clock;

    Scrape scrape() {
        HttpResponse<String> r = api.get("/actuator/prometheus");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return Scrape.parse(r.body());
    }

    /** Three files moved from MET_A to MET_B by a rule, which is OK at the end; answers their total size. */
    long moveThreeFiles() throws Exception {
        Path root = dataDir().resolve("metrics-" + System.nanoTime());
        for (String rse : List.of("MET_A", "MET_B")) {
            assertThat(api.post("/rses/" + rse, Map.of()).statusCode()).isEqualTo(201);
            assertThat(api.post("/rses/" + rse + "/protocols/file", Map.of("prefix", root.resolve(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1)))).statusCode()).isEqualTo(201);
        }
        api.post("/accounts/root/scopes/metrics", Map.of());
        api.post("/dids/metrics/ds", Map.of("type", "DATASET"));
        long total = 0;
        for (int i = 1; i <= 3; i++) {
            String name = "file." + i;
            byte[] content = ("bytes of " + name + "\n").repeat(100 * i).getBytes(StandardCharsets.UTF_8);
            Path source = root.resolve("MET_A").resolve(Lfn2Pfn.hash("metrics", name));
            Files.createDirectories(source.getParent());
            Files.write(source, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            HttpResponse<String> registered = api.post("/dids/metrics/ds/dids", Map.of("rse", "MET_A", "dids",
                    List.of(Map.of("scope", "metrics", "name", name, "bytes", content.length,
                            "adler32", "%08x".formatted(adler.getValue())))));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            total += content.length;
        }
        HttpResponse<String> created = api.post("/rules/", Map.of("dids", dids("metrics", "ds"), "copies", 1,
                "rse_expression", "MET_B"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) ApiClient.jsonList(created).get(0);
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<String, Object> rule = ApiClient.json(api.get("/rules/" + id));
        while (!"OK".equals(rule.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            rule = ApiClient.json(api.get("/rules/" + id));
        }
        assertThat(rule).containsEntry("state", "OK");
        return total;
    }

    @Test
    void movedAndDeletedDataIsCountedOnTheScrape() throws Exception {
        Scrape before = scrape();

        long bytes = moveThreeFiles();

        Scrape after = scrape();
        assertThat(after.value("stevedore_transfers_done_total", "link", LINK, "activity", ACTIVITY)
                - before.value("stevedore_transfers_done_total", "link", LINK, "activity", ACTIVITY)).isEqualTo(3);
        assertThat(after.value("stevedore_transfers_bytes_total", "link", LINK, "activity", ACTIVITY)
                - before.value("stevedore_transfers_bytes_total", "link", LINK, "activity", ACTIVITY))
                .isEqualTo(bytes);
        assertThat(after.value("stevedore_transfers_failed_total", "link", LINK)).isZero();
        assertThat(after.labelValues("stevedore_transfers_done_total", "link")).contains(LINK);
        assertThat(after.labelValues("stevedore_transfers_done_total", "activity")).contains(ACTIVITY);
        // The gauges count the store as it is (the shared context counts afresh: state-refresh 0s).
        assertThat(after.value("stevedore_rules", "state", "OK")).isEqualTo(1);
        assertThat(after.value("stevedore_rules", "state", "STUCK")).isZero();
        assertThat(after.value("stevedore_locks", "state", "OK")).isEqualTo(3);
        assertThat(after.value("stevedore_locks", "state", "REPLICATING")).isZero();
        assertThat(after.labelValues("stevedore_requests", "state"))
                .containsExactlyInAnyOrder("QUEUED", "WAITING", "SUBMITTING", "SUBMITTED", "FAILED");
        assertThat(after.value("stevedore_requests", "state", "QUEUED")).isZero();
        // The framework counts every worker: the submitter took the three requests.
        assertThat(after.value("stevedore_worker_items_total", "worker", "conveyor-submitter")
                - before.value("stevedore_worker_items_total", "worker", "conveyor-submitter")).isGreaterThanOrEqualTo(3);
        assertThat(after.labelValues("stevedore_worker_cycles_total", "worker"))
                .contains("conveyor-submitter", "conveyor-poller", "judge-injector", "reaper");
        assertThat(after.labelValues("stevedore_worker_errors_total", "worker")).contains("conveyor-submitter");
        assertThat(after.value("stevedore_store_transactions_seconds_count", "kind", "write", "outcome", "committed")
                - before.value("stevedore_store_transactions_seconds_count", "kind", "write", "outcome", "committed"))
                .isPositive();
        assertThat(after.names()).contains("stevedore_store_transactions_seconds_bucket");
        // No per-file label anywhere.
        assertThat(after.samples()).noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains("file.")));

        // The dataset goes; the reaper deletes its replicas' bytes on both RSEs.
        assertThat(api.delete("/dids/metrics/ds", null).statusCode()).isEqualTo(200);
        new Reaper(new ReaperStore(store, clock), protocols, storage, 100).runOnce(Partition.whole());
        Scrape reaped = scrape();
        assertThat(reaped.value("stevedore_reaper_deletions_total", "rse", "MET_B")
                - before.value("stevedore_reaper_deletions_total", "rse", "MET_B")).isEqualTo(3);
        assertThat(reaped.value("stevedore_reaper_bytes_freed_total", "rse", "MET_B")
                - before.value("stevedore_reaper_bytes_freed_total", "rse", "MET_B")).isEqualTo(bytes);
    }

    @Test
    void theEndpointOnTheApiPortWantsAToken() {
        HttpResponse<String> r = new ApiClient(port).get("/actuator/prometheus");
        assertError(r, 401, "CannotAuthenticate", "No auth token");
    }
}
