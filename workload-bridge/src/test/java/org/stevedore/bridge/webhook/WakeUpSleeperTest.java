package org.stevedore.bridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.time.Sleeper;

/** Sleeper of a minute that must end early: each test fails by timing out if they do not. */
class WakeUpSleeperTest {

    private static final Duration LONG = Duration.ofMinutes(1);
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final WakeUpSleeper sleeper = new WakeUpSleeper();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    @Test
    void aWakeUpEndsTheWaitOfASleepingWorker() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        Future<?> worker = pool.submit(() -> {
            sleeping.countDown();
            sleeper.sleep(LONG, stop);
            return null;
        });
        assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
        sleeper.wakeUp();
        assertTimeoutPreemptively(LIMIT, () -> worker.get());
    }

    @Test
    void aWakeUpDuringACycleMakesTheNextSleepReturnAtOnceButOnlyOnce() {
        // One thread throughout, as a worker loop is: the sleeper remembers per thread what it has seen.
        long waited = assertTimeoutPreemptively(LIMIT, () -> {
            sleeper.sleep(Duration.ofMillis(1), stop); // the worker's first wait, before the wake-up
            sleeper.wakeUp(); // arrives while the worker is "busy"
            sleeper.sleep(LONG, stop); // returns at once
            long started = System.nanoTime();
            sleeper.sleep(Duration.ofMillis(300), stop); // the wake-up is used up: a full wait
            return System.nanoTime() - started;
        });
        assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void theDaemonsStopSignalEndsTheWait() throws Exception {
        Future<?> worker = pool.submit(() -> {
            sleeper.sleep(LONG, stop);
            return null;
        });
        stop.countDown();
        assertTimeoutPreemptively(LIMIT, () -> worker.get());
    }

    @Test
    void withoutWakeUpTheWaitLastsItsDuration() throws Exception {
        long started = System.nanoTime();
        sleeper.sleep(Duration.ofMillis(200), stop);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }
}
