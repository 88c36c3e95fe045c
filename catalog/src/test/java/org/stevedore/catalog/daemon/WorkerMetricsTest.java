package org.stevedore.catalog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.metrics.StevedoreMetrics;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.catalog.time.Sleeper;

/**
 * The daemon framework counts every worker's cycles, items and failed cycles by executable, and the store times its
 * transactions, on Micrometer's global registry (what the application's Prometheus registry is bound to).
 */
class WorkerMetricsTest extends StoreTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HeartbeatStore heartbeats = new HeartbeatStore(store,
            new MutableClock(Instant.parse("2025-03-01T12:00:00Z")), Duration.ofHours(1));

    @AfterEach
    void unbind() {
        Metrics.removeRegistry(registry);
    }

    private double counter(String name, String worker) {
        var c = registry.find(name).tag(StevedoreMetrics.WORKER, worker).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void cyclesItemsAndErrorsAreCountedPerExecutable() throws Exception {
        Metrics.addRegistry(registry);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch failedTwice = new CountDownLatch(4);
        Worker worker = new Worker() {
            @Override
            public String executable() {
                return "metrics-probe";
            }

            @Override
            public WorkResult runOnce(Partition partition) {
                int n = calls.incrementAndGet();
                failedTwice.countDown();
                if (n == 2 || n == 4) {
                    throw new IllegalStateException("cycle " + n + " fails");
                }
                return n > 4 ? WorkResult.nothing() : WorkResult.of(5);
            }
        };
        Daemon daemon = new Daemon(List.of(worker), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(Duration.ofMinutes(30)).withBackoff(new Backoff(Duration.ofMillis(10),
                        Duration.ofMillis(20))), Sleeper.real());
        daemon.start();
        try {
            assertThat(failedTwice.await(60, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (calls.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            daemon.close();
        }
        // Cycles 1, 3 (5 items each) and 5 (nothing) completed; 2 and 4 failed.
        assertThat(counter(StevedoreMetrics.WORKER_CYCLES, "metrics-probe")).isEqualTo(3);
        assertThat(counter(StevedoreMetrics.WORKER_ITEMS, "metrics-probe")).isEqualTo(10);
        assertThat(counter(StevedoreMetrics.WORKER_ERRORS, "metrics-probe")).isEqualTo(2);
    }

    @Test
    void storeTransactionsAreTimedByKindAndOutcome() {
        Metrics.addRegistry(registry);
        long before = timed("write", "committed");
        store.write(tx -> tx.run("RETURN 1").consume());
        store.run("RETURN 1", Map.of());
        store.read(tx -> tx.run("RETURN 1").consume());

        assertThat(timed("write", "committed") - before).isEqualTo(2);
        assertThat(timed("read", "committed")).isPositive();
    }

    private long timed(String kind, String outcome) {
        var t = registry.find(StevedoreMetrics.STORE_TRANSACTIONS).tag("kind", kind)
                .tag(StevedoreMetrics.OUTCOME, outcome).timer();
        return t == null ? 0 : t.count();
    }
}
