package org.stevedore.web.ui;

import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.stevedore.catalog.metrics.StevedoreMetrics;

/**
 * The UI's history: a small in-memory ring of samples of figures the store only holds as "now" (RSE usage, a
 * campaign's staged bytes) and of the reaper's counters, so the pages can draw them over time. One sample is taken at
 * most every {@link #INTERVAL_MILLIS} when a page asks (no background thread: a service nobody looks at samples
 * nothing), {@link #CAPACITY} kept: about an hour. Per instance, and lost on restart; long-term history is
 * Prometheus's job ({@code /actuator/prometheus}, docs/grafana).
 */
@Component
public class UiSamples {

    /** One sample: when, each RSE's used bytes, each running campaign's staged bytes, the reaper's totals. */
    public record Sample(long at, Map<String, Long> rseUsed, Map<String, Long> campaignStaged, long deletions,
                         long bytesFreed) {
    }

    static final long INTERVAL_MILLIS = 10_000;
    static final int CAPACITY = 360;

    private final Clock clock;
    private final Deque<Sample> ring = new ArrayDeque<>();

    public UiSamples(Clock clock) {
        this.clock = clock;
    }

    /** Takes a sample with the given readers when the last is older than the interval; returns the history. */
    public synchronized List<Sample> sample(Supplier<Map<String, Long>> rseUsed,
                                            Supplier<Map<String, Long>> campaignStaged) {
        long now = clock.millis();
        if (ring.isEmpty() || now - ring.peekLast().at() >= INTERVAL_MILLIS) {
            ring.addLast(new Sample(now, Map.copyOf(rseUsed.get()), Map.copyOf(campaignStaged.get()),
                    reaperTotal(StevedoreMetrics.REAPER_DELETIONS), reaperTotal(StevedoreMetrics.REAPER_BYTES_FREED)));
            while (ring.size() > CAPACITY) {
                ring.removeFirst();
            }
        }
        return new ArrayList<>(ring);
    }

    /** The reaper's counter summed over its RSEs, as this instance counted since it started. */
    static long reaperTotal(String name) {
        return (long) StevedoreMetrics.registry().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
