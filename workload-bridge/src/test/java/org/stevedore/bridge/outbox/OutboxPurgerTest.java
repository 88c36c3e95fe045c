package org.stevedore.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * The outbox purge: what every live consumer has read past goes (less the window consumers read again), anything
 * older than the retention goes, a consumer silent for too long stops holding events back, and each cycle deletes a
 * bounded batch.
 */
class OutboxPurgerTest extends StoreTest {

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final Duration CONSUMER_TIMEOUT = Duration.ofDays(1);
    private static final Duration KEEP_BEHIND = Duration.ofMinutes(10);

    private MutableClock clock;
    private Events events;
    private OutboxPurger purger;

    @BeforeEach
    void setUp() {
        clock = MutableClock.at("2026-11-22T10:00:00Z");
        events = new Events(store, clock);
        purger = new OutboxPurger(events, clock, new OutboxPurger.Settings(RETENTION, CONSUMER_TIMEOUT, KEEP_BEHIND, 2));
    }

    /** An event created {@code ago} before the clock's now, named by its file. */
    private void eventAgo(String file, Duration ago) {
        long at = clock.millis() - ago.toMillis();
        store.write(tx -> {
            Events.emit(tx, Events.REPLICA_AVAILABLE, Map.of("files", List.of(file), "rse_ids", List.of("r")), at);
            return null;
        });
    }

    private List<String> left() {
        return events.oldest(100).stream().map(e -> e.payload().replaceAll(".*\"files\":\\[\"([^\"]+)\"].*", "$1"))
                .sorted().toList();
    }

    private void purgeAll() {
        while (purger.runOnce(Partition.whole()).didWork()) {
            // a bounded batch per cycle, until nothing is left to purge
        }
    }

    @Test
    void eventsEveryLiveConsumerHasPassedGoLessTheWindowBehindTheSlowest() {
        eventAgo("a", Duration.ofHours(3));
        eventAgo("b", Duration.ofHours(2));
        eventAgo("c", Duration.ofMinutes(65));
        eventAgo("d", Duration.ofMinutes(55));
        eventAgo("e", Duration.ofMinutes(1));
        events.advance("fast", clock.millis() - Duration.ofMinutes(1).toMillis());
        events.advance("slow", clock.millis() - Duration.ofHours(1).toMillis()); // read up to one hour ago

        purgeAll();

        // Before the slow consumer's position less 10 minutes: a, b; c (65 min) is inside the window it re-reads.
        assertThat(left()).containsExactly("c", "d", "e");
    }

    @Test
    void withoutConsumersOnlyTheRetentionApplies() {
        eventAgo("old", RETENTION.plusMinutes(1));
        eventAgo("young", RETENTION.minusMinutes(1));

        purgeAll();

        assertThat(left()).containsExactly("young");
    }

    @Test
    void aConsumerThatStoppedMovingHoldsEventsBackOnlyUntilItsTimeout() {
        eventAgo("a", Duration.ofHours(5));
        eventAgo("b", Duration.ofHours(4));
        events.advance("gone", clock.millis() - Duration.ofHours(6).toMillis());
        events.advance("live", clock.millis() - Duration.ofHours(3).toMillis());

        purgeAll();
        assertThat(left()).as("the stalled consumer has not read a or b and still counts").containsExactly("a", "b");

        clock.advance(CONSUMER_TIMEOUT.plusMinutes(1));
        events.advance("live", clock.millis()); // the live one keeps moving; the other has been silent a day

        purgeAll();
        assertThat(left()).isEmpty();
        assertThat(purger.cutoff().goneConsumers()).containsExactly("gone");
    }

    @Test
    void eachCycleDeletesABoundedBatchOldestFirst() {
        for (int i = 0; i < 5; i++) {
            eventAgo("e" + i, RETENTION.plusHours(5 - i));
        }

        assertThat(purger.runOnce(Partition.whole()).items()).isEqualTo(2);
        assertThat(left()).containsExactly("e2", "e3", "e4");
        assertThat(purger.runOnce(Partition.whole()).items()).isEqualTo(2);
        assertThat(purger.runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(purger.runOnce(Partition.whole()).didWork()).isFalse();
    }

    @Test
    void onlyTheFirstWorkerPurges() {
        eventAgo("old", RETENTION.plusDays(1));

        assertThat(purger.runOnce(new Partition(1, 2)).didWork()).isFalse();
        assertThat(left()).containsExactly("old");
    }
}
