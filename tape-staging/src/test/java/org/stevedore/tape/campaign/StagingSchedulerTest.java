package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * The scheduler on its own, in a step simulation: at every step each campaign asks for as much as it may, then the
 * tape settles the oldest files in flight. The window invariants are checked after every grant.
 */
class StagingSchedulerTest {

    private static final String TAPE = "TAPE";
    private static final long FILE = 1_000;

    /** One campaign's files in flight, oldest first, as the simulated tape sees them. */
    private final Map<String, Deque<Long>> flying = new LinkedHashMap<>();
    private final Map<String, Long> windowOf = new LinkedHashMap<>();

    private StagingScheduler scheduler(long files, long bytes) {
        return new StagingScheduler(rse -> new Window(files, bytes));
    }

    private void register(StagingScheduler s, String id, int priority, long window, long files) {
        s.register(id, priority, new Window(window, window * FILE), Map.of(TAPE, new Counts(files, files * FILE)), Map.of());
        flying.put(id, new ArrayDeque<>());
        windowOf.put(id, window);
    }

    /** Every campaign asks for up to {@code ask} files; then returns what each one has in flight. */
    private void grantAll(StagingScheduler s, long endpointFiles, int ask) {
        for (String id : flying.keySet()) {
            long[] sizes = new long[ask];
            Arrays.fill(sizes, FILE);
            int n = s.take(id, TAPE, sizes);
            for (int i = 0; i < n; i++) {
                flying.get(id).add(FILE);
            }
            assertThat(s.inFlight(TAPE).files()).as("endpoint window").isLessThanOrEqualTo(endpointFiles);
            assertThat(s.inFlight(TAPE).bytes()).as("endpoint window bytes").isLessThanOrEqualTo(endpointFiles * FILE);
            assertThat(s.inFlight(id, TAPE).files()).as("window of " + id).isLessThanOrEqualTo(windowOf.get(id));
        }
    }

    /** The tape finishes {@code k} of the oldest files in flight, whoever they belong to (round robin). */
    private void settle(StagingScheduler s, int k) {
        int done = 0;
        while (done < k && flying.values().stream().anyMatch(q -> !q.isEmpty())) {
            for (Map.Entry<String, Deque<Long>> e : flying.entrySet()) {
                if (done < k && !e.getValue().isEmpty()) {
                    s.settled(e.getKey(), TAPE, 1, e.getValue().poll());
                    done++;
                }
            }
        }
    }

    @Test
    void aCampaignAloneFillsTheSmallerOfItsWindowAndTheEndpointsAndNeverMore() {
        StagingScheduler s = scheduler(100, 100 * FILE);
        register(s, "big", 1, 60, 1_000);
        for (int step = 0; step < 40; step++) {   // 60 + 40 x 20 granted: still fewer than its 1,000 files
            grantAll(s, 100, 200);
            assertThat(s.inFlight("big", TAPE).files()).isEqualTo(60);
            settle(s, 20);
        }
    }

    @Test
    void theBytesWindowHoldsAsWellAsTheFilesWindow() {
        StagingScheduler s = scheduler(1_000, 10 * FILE);
        register(s, "a", 1, 1_000, 100);
        assertThat(s.take("a", TAPE, new long[] {4 * FILE, 4 * FILE, 4 * FILE})).isEqualTo(2);
        assertThat(s.inFlight(TAPE)).isEqualTo(new Counts(2, 8 * FILE));
        assertThat(s.take("a", TAPE, new long[] {4 * FILE})).isZero();
        s.settled("a", TAPE, 1, 4 * FILE);
        assertThat(s.take("a", TAPE, new long[] {4 * FILE})).isEqualTo(1);
    }

    @Test
    void aBigCampaignCannotStarveASmallOneThatArrivesLater() {
        StagingScheduler s = scheduler(100, 100 * FILE);
        register(s, "big", 1, 100, 100_000);
        grantAll(s, 100, 200);
        assertThat(s.inFlight("big", TAPE).files()).isEqualTo(100);

        register(s, "small", 1, 100, 200);
        int steps = 0;
        long smallMax = 0;
        while (s.inFlight("small", TAPE).files() + s.pending("small", TAPE).files() > 0) {
            settle(s, 10);
            grantAll(s, 100, 200);
            smallMax = Math.max(smallMax, s.inFlight("small", TAPE).files());
            steps++;
            assertThat(steps).as("the small campaign finishes").isLessThan(100);
        }
        // Equal priorities: the small one reaches half of the endpoint within one turnover of the window.
        assertThat(smallMax).isEqualTo(50);
        // 200 files at 5 per step (half of 10 settled per step) plus the first turnover: about 45 steps, not 10,000.
        assertThat(steps).isBetween(40, 60);
        assertThat(s.inFlight("big", TAPE).files()).as("big takes the whole window back").isEqualTo(100);
    }

    @Test
    void priorityWeighsTheShare() {
        StagingScheduler s = scheduler(100, 100 * FILE);
        register(s, "low", 1, 100, 100_000);
        register(s, "high", 3, 100, 100_000);
        for (int step = 0; step < 60; step++) {
            grantAll(s, 100, 200);
            settle(s, 10);
        }
        grantAll(s, 100, 200);
        assertThat(s.inFlight("high", TAPE).files()).isEqualTo(75);
        assertThat(s.inFlight("low", TAPE).files()).isEqualTo(25);
    }

    @Test
    void aCampaignNeedingLessThanItsShareLeavesTheRestToOthers() {
        StagingScheduler s = scheduler(100, 100 * FILE);
        register(s, "tiny", 1, 10, 100_000);
        register(s, "big", 1, 1_000, 100_000);
        grantAll(s, 100, 200);
        assertThat(s.inFlight("tiny", TAPE).files()).isEqualTo(10);
        assertThat(s.inFlight("big", TAPE).files()).isEqualTo(90);
    }

    @Test
    void grantedFilesGivenBackArePendingAgainAndAFileLargerThanTheWindowNeverFits() {
        StagingScheduler s = scheduler(100, 100 * FILE);
        register(s, "a", 1, 10, 20);
        assertThat(s.take("a", TAPE, new long[] {FILE, FILE})).isEqualTo(2);
        s.giveBack("a", TAPE, 2, 2 * FILE);
        assertThat(s.inFlight(TAPE)).isEqualTo(Counts.ZERO);
        assertThat(s.pending("a", TAPE)).isEqualTo(new Counts(20, 20 * FILE));
        assertThat(s.neverFits("a", TAPE, 11 * FILE)).isTrue();
        assertThat(s.neverFits("a", TAPE, 10 * FILE)).isFalse();
        s.unregister("a");
        assertThat(s.idle("a")).isTrue();
        assertThat(s.take("a", TAPE, new long[] {FILE})).isZero();
    }

    @Test
    void withinOnePriorityTheNearestDeadlineIsServedFirstAndOtherPrioritiesKeepTheirShare() {
        StagingScheduler s = scheduler(30, 30 * FILE);
        java.time.Instant t = java.time.Instant.parse("2026-06-01T00:00:00Z");
        Map<String, Counts> lots = Map.of(TAPE, new Counts(1_000, 1_000 * FILE));
        Window big = new Window(100, 100 * FILE);
        s.register("late", 2, t.plusSeconds(7_200), big, lots, Map.of());
        s.register("none", 2, null, big, lots, Map.of());
        s.register("soon", 2, t.plusSeconds(3_600), big, lots, Map.of());
        s.register("other", 1, null, big, lots, Map.of());

        // Weights 2+2+2+1 of 30 files: priority 2 earns 3 x 8 = 24 together, priority 1 keeps its 4.
        assertThat(s.room("soon", TAPE).files()).isEqualTo(24);
        assertThat(s.room("late", TAPE).files()).isZero();
        assertThat(s.room("none", TAPE).files()).isZero();
        assertThat(s.room("other", TAPE).files()).isEqualTo(4);

        // The nearest deadline needs only 10: the next deadline gets the rest of the priority's part, then no deadline.
        s.register("soon", 2, t.plusSeconds(3_600), big, Map.of(TAPE, new Counts(10, 10 * FILE)), Map.of());
        assertThat(s.room("soon", TAPE).files()).isEqualTo(10);
        assertThat(s.room("late", TAPE).files()).isEqualTo(14);
        assertThat(s.room("none", TAPE).files()).isZero();
        assertThat(s.room("other", TAPE).files()).isEqualTo(4);
    }

    @Test
    void withoutDeadlinesCampaignsOfOnePriorityShareEqually() {
        StagingScheduler s = scheduler(30, 30 * FILE);
        Map<String, Counts> lots = Map.of(TAPE, new Counts(1_000, 1_000 * FILE));
        Window big = new Window(100, 100 * FILE);
        s.register("a", 2, null, big, lots, Map.of());
        s.register("b", 2, null, big, lots, Map.of());
        s.register("c", 1, null, big, lots, Map.of());

        assertThat(s.room("a", TAPE).files()).isEqualTo(12);
        assertThat(s.room("b", TAPE).files()).isEqualTo(12);
        assertThat(s.room("c", TAPE).files()).isEqualTo(6);
    }
}
