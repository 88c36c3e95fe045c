package org.stevedore.web.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.metrics.StevedoreMetrics;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.RuleState;

/**
 * How many requests, rules and locks are in each state: the queue depth and the rules' health, as gauges. They come
 * from one read transaction of index counts and the rules' lock counters, taken at most once per {@code refresh}
 * however often (and by however many Prometheus servers) the endpoint is scraped; a scrape in between sees the last
 * figures. DONE requests are not counted (they only grow; {@code stevedore_transfers_done_total} counts them).
 */
public final class StateGauges implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(StateGauges.class);
    /** The states a request waits or ends in, DONE aside. */
    static final List<String> REQUEST_STATES = List.of("QUEUED", "WAITING", "SUBMITTING", "SUBMITTED", "FAILED");

    private final Store store;
    private final Clock clock;
    private final Duration refresh;
    private Map<String, Long> figures = Map.of();
    private long takenAt = Long.MIN_VALUE;

    public StateGauges(Store store, Clock clock, Duration refresh) {
        this.store = store;
        this.clock = clock;
        this.refresh = refresh;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String state : REQUEST_STATES) {
            gauge(registry, StevedoreMetrics.REQUESTS, "Transfer requests in a state (the queue depth)", state);
        }
        for (RuleState state : RuleState.values()) {
            gauge(registry, StevedoreMetrics.RULES, "Replication rules in a state", state.name());
        }
        for (LockState state : LockState.values()) {
            gauge(registry, StevedoreMetrics.LOCKS, "Replica locks in a state", state.name());
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, String state) {
        String key = name + "|" + state;
        Gauge.builder(name, this, g -> g.value(key)).description(description)
                .tag(StevedoreMetrics.STATE, state).strongReference(true).register(registry);
    }

    private double value(String key) {
        return current().getOrDefault(key, 0L);
    }

    /** The figures, taken again when older than the refresh interval; the last ones when the store fails. */
    private synchronized Map<String, Long> current() {
        long now = clock.millis();
        if (takenAt != Long.MIN_VALUE && now - takenAt < refresh.toMillis()) {
            return figures;
        }
        takenAt = now;
        try {
            figures = take();
        } catch (RuntimeException e) {
            log.warn("Could not count requests, rules and locks by state for the metrics: {}", e.toString());
        }
        return figures;
    }

    private Map<String, Long> take() {
        return store.read(tx -> {
            Map<String, Long> taken = new HashMap<>();
            for (String state : REQUEST_STATES) {
                // One index count per state (request_state), not a scan of all requests.
                taken.put(StevedoreMetrics.REQUESTS + "|" + state, tx.run(
                        "MATCH (q:Request) WHERE q.state = $state RETURN count(q) AS n", Map.of("state", state))
                        .single().get("n").asLong());
            }
            for (Record r : tx.run("""
                    MATCH (r:Rule)
                    RETURN r.state AS state, count(r) AS rules, sum(coalesce(r.locks_ok_cnt, 0)) AS ok,
                           sum(coalesce(r.locks_replicating_cnt, 0)) AS replicating,
                           sum(coalesce(r.locks_stuck_cnt, 0)) AS stuck
                    """).list()) {
                if (!r.get("state").isNull()) {
                    taken.put(StevedoreMetrics.RULES + "|" + r.get("state").asString(), r.get("rules").asLong());
                }
                taken.merge(StevedoreMetrics.LOCKS + "|OK", r.get("ok").asLong(), Long::sum);
                taken.merge(StevedoreMetrics.LOCKS + "|REPLICATING", r.get("replicating").asLong(), Long::sum);
                taken.merge(StevedoreMetrics.LOCKS + "|STUCK", r.get("stuck").asLong(), Long::sum);
            }
            return Map.copyOf(taken);
        });
    }
}
