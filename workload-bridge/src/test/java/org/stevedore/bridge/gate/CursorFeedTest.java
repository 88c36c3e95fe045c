package org.stevedore.bridge.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.transfer.store.RequestOutcomes;

/** The cursor feed while several finishers release jobs of one task at once: every job once, in order, no gap. */
class CursorFeedTest extends StoreTest {

    private static final int JOBS = 60;
    private static final int FINISHERS = 3;

    @Test
    void aReaderFollowingTheCursorSeesEveryReleasedJobExactlyOnceInReleaseOrder() throws Exception {
        BridgeFixture f = new BridgeFixture(store, MutableClock.at("2026-11-22T10:00:00Z"));
        List<String> files = f.files("f", JOBS, "SRC");
        f.registrar.register(BridgeFixture.split("t1", files, "DISK_A", 1), "jdoe");
        List<String> requests = new ArrayList<>(f.submitAll());
        assertThat(requests).hasSize(JOBS);
        // Each finisher's commit runs the gate on its own thread: concurrent release transactions on one task.
        f.availability.subscribe((keys, rses) -> f.gate.filesAvailable(keys));
        Collections.shuffle(requests, new Random(42));

        ExecutorService pool = Executors.newFixedThreadPool(FINISHERS + 1);
        try {
            Future<List<Job>> reader = pool.submit(() -> {
                List<Job> seen = new ArrayList<>();
                String cursor = "";
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (seen.size() < JOBS && System.nanoTime() < deadline) {
                    BridgeService.Page page = f.service.jobs("t1", "RELEASED", cursor, Duration.ofMillis(500), 7);
                    seen.addAll(page.jobs());
                    cursor = page.cursor();
                }
                return seen;
            });
            List<Future<?>> finishers = new ArrayList<>();
            for (int w = 0; w < FINISHERS; w++) {
                List<String> mine = new ArrayList<>();
                for (int i = w; i < requests.size(); i += FINISHERS) {
                    mine.add(requests.get(i));
                }
                Random random = new Random(w);
                finishers.add(pool.submit(() -> {
                    for (int from = 0; from < mine.size(); ) {
                        int n = 1 + random.nextInt(3);
                        List<RequestOutcomes.Outcome> batch = mine.subList(from, Math.min(mine.size(), from + n))
                                .stream()
                                .map(k -> new RequestOutcomes.Outcome(k, true, null)).toList();
                        f.outcomes.finish(batch, 0);
                        from += n;
                    }
                    return null;
                }));
            }
            for (Future<?> finisher : finishers) {
                finisher.get(3, TimeUnit.MINUTES);
            }
            List<Job> seen = reader.get(3, TimeUnit.MINUTES);
            assertThat(seen).extracting(Job::seq).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, JOBS).boxed().toList());
            assertThat(seen).extracting(Job::id).doesNotHaveDuplicates().hasSize(JOBS);
        } finally {
            pool.shutdownNow();
        }
    }
}
