package org.stevedore.bridge.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.outbox.Events;

/**
 * Deletes outbox events no consumer needs any more, a bounded batch per cycle: events every live consumer has read
 * past (its position, less {@code keepBehind} for the window consumers read again behind their position), and in any
 * case events older than {@code retention}.
 *
 * <p>A consumer whose position has not moved for {@code consumerTimeout} counts as gone and holds nothing back: only
 * the retention protects what it has not read. A consumer that is alive but idle cannot be mistaken for a gone one
 * to its harm: its position stops moving only when no event comes after it, and events younger than {@code
 * keepBehind} are never purged on positions, so a consumer that wakes up finds everything it has not read that is
 * younger than the retention. Events carry no hash bucket and the work is small, so the first worker does it all.
 */
public final class OutboxPurger implements Worker {

    private static final Logger log = LoggerFactory.getLogger(OutboxPurger.class);
    public static final String EXECUTABLE = "outbox-purger";

    /**
     * @param retention       events older than this go whatever the consumers' positions
     * @param consumerTimeout a position not moved for this long is a gone consumer's and holds nothing back
     * @param keepBehind      events this far behind the slowest live position are kept (consumers re-read a window)
     * @param batch           events deleted per transaction
     */
    public record Settings(Duration retention, Duration consumerTimeout, Duration keepBehind, int batch) {
        public Settings {
            if (retention.isNegative() || retention.isZero() || consumerTimeout.isNegative() || keepBehind.isNegative()) {
                throw new IllegalArgumentException("retention must be positive, consumerTimeout and keepBehind not negative");
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be at least 1, got " + batch);
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofDays(7), Duration.ofDays(1), Duration.ofMinutes(10), 1_000);
        }
    }

    /** The cutoff of one purge and the consumers it did not wait for. */
    public record Cutoff(long before, List<String> goneConsumers) {
    }

    private final Events events;
    private final Clock clock;
    private final Settings settings;
    private List<String> reportedGone = List.of();

    public OutboxPurger(Events events, Clock clock, Settings settings) {
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        if (partition.index() != 0) {
            return WorkResult.nothing();
        }
        Cutoff cutoff = cutoff();
        if (!cutoff.goneConsumers().equals(reportedGone)) {
            reportedGone = cutoff.goneConsumers();
            if (!reportedGone.isEmpty()) {
                log.warn("Outbox consumer(s) {} have not moved for {}: the purge no longer waits for them (events are "
                        + "kept for {} whatever)", reportedGone, settings.consumerTimeout(), settings.retention());
            }
        }
        int deleted = events.purgeBefore(cutoff.before(), settings.batch());
        if (deleted > 0) {
            log.info("Purged {} outbox event(s) created before {}", deleted, java.time.Instant.ofEpochMilli(cutoff.before()));
        }
        return WorkResult.of(deleted);
    }

    /** Events created before the answer may go: the later of the retention's limit and the slowest live position's. */
    public Cutoff cutoff() {
        long now = clock.millis();
        long byRetention = now - settings.retention().toMillis();
        long slowestLive = Long.MAX_VALUE;
        List<String> gone = new ArrayList<>();
        for (Events.Position p : events.positions()) {
            if (p.movedAt() < now - settings.consumerTimeout().toMillis()) {
                gone.add(p.consumer());
            } else {
                slowestLive = Math.min(slowestLive, p.createdAt());
            }
        }
        // Without a live consumer, positions say nothing: only the retention applies.
        long byPositions = slowestLive == Long.MAX_VALUE ? Long.MIN_VALUE
                : Math.min(slowestLive - settings.keepBehind().toMillis(), now - settings.keepBehind().toMillis());
        return new Cutoff(Math.max(byRetention, byPositions), List.copyOf(gone));
    }
}
