package org.stevedore.web.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.web.support.ApiClient;

/**
 * Data moved and deleted through the running application shows on {@code /actuator/prometheus}: transfers done and
 * bytes per link and activity, rules and locks by state, the workers' cycles, the store's transactions, the reaper's
 * deletions, each counting exactly what happened. The endpoint on the API's port wants a token.
 */
class MetricsApiTest extends ScrapeTest {

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
