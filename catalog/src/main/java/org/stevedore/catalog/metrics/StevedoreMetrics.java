package org.stevedore.catalog.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The names of every metric family Stevedore records, in one place so that docs/metrics.md, the Grafana dashboard and
 * the tests have one list to agree with. Micrometer names, dot-separated: the Prometheus endpoint writes
 * {@code stevedore.transfers.done} as {@code stevedore_transfers_done_total}.
 *
 * <p>The modules below the web application know nothing of Spring, so they record on Micrometer's global registry
 * ({@link Metrics#globalRegistry}), the way a library does; the application binds its Prometheus registry to it
 * ({@code management.metrics.use-global-registry}, on by default). Labels stay bounded: RSEs, links between RSEs,
 * activities, states, workers, outcomes; never a file, a rule or a request.
 */
public final class StevedoreMetrics {

    /** Label: an RSE's name. */
    public static final String RSE = "rse";
    /** Label: {@code SOURCE->DESTINATION}, the RSEs a transfer went between. */
    public static final String LINK = "link";
    /** Label: a transfer's activity. */
    public static final String ACTIVITY = "activity";
    /** Label: a request's, rule's or lock's state. */
    public static final String STATE = "state";
    /** Label: a worker's executable (conveyor-submitter, reaper, ...). */
    public static final String WORKER = "worker";
    /** Label: what became of an attempt (webhook deliveries, store transactions). */
    public static final String OUTCOME = "outcome";

    public static final String WORKER_CYCLES = "stevedore.worker.cycles";
    public static final String WORKER_ITEMS = "stevedore.worker.items";
    public static final String WORKER_ERRORS = "stevedore.worker.errors";
    public static final String STORE_TRANSACTIONS = "stevedore.store.transactions";
    public static final String TRANSFERS_DONE = "stevedore.transfers.done";
    public static final String TRANSFERS_FAILED = "stevedore.transfers.failed";
    public static final String TRANSFERS_BYTES = "stevedore.transfers.bytes";
    public static final String REQUESTS = "stevedore.requests";
    public static final String RULES = "stevedore.rules";
    public static final String LOCKS = "stevedore.locks";
    public static final String CAMPAIGN_FILES_STAGED = "stevedore.campaign.files.staged";
    public static final String CAMPAIGN_FILES_FAILED = "stevedore.campaign.files.failed";
    public static final String CAMPAIGN_BYTES_STAGED = "stevedore.campaign.bytes.staged";
    public static final String BRIDGE_RELEASE_LATENCY = "stevedore.bridge.release.latency";
    public static final String WEBHOOK_DELIVERIES = "stevedore.webhook.deliveries";
    public static final String REAPER_DELETIONS = "stevedore.reaper.deletions";
    public static final String REAPER_BYTES_FREED = "stevedore.reaper.bytes.freed";

    private StevedoreMetrics() {
    }

    /** The registry the modules record on: Micrometer's global one. */
    public static MeterRegistry registry() {
        return Metrics.globalRegistry;
    }

    /** A counter of the global registry; {@code tags} alternate keys and values. */
    public static Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry());
    }

    /** {@code SOURCE->DESTINATION}, {@code ?} for an end that is not known. */
    public static String link(String source, String destination) {
        return (source == null || source.isEmpty() ? "?" : source) + "->"
                + (destination == null || destination.isEmpty() ? "?" : destination);
    }

    /**
     * A timer with a histogram (buckets from 1 ms to {@code max}), so a dashboard takes quantiles over any set of
     * instances with {@code histogram_quantile}.
     */
    public static Timer timer(String name, String description, Duration max, String... tags) {
        return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(max).register(registry());
    }
}
