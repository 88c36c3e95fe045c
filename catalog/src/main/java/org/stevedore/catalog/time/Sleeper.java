package org.stevedore.catalog.time;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How Stevedore waits: a daemon's idle wait between cycles, a client's pause between retries, a campaign's wait for its
 * window. One interface, so every wait in the service can be recorded by a test instead of spent.
 *
 * <p>The real one waits on a stop signal, so {@link org.stevedore.catalog.daemon.Daemon#stop()} cuts a long idle wait
 * short without interrupting the thread (an interrupt in the middle of a driver call would break its connection).
 * Sleeper that no one can cut short (retries, windows) use {@link #sleep(Duration)}.
 */
@FunctionalInterface
public interface Sleeper {

    /** Sleeper up to {@code duration}, returning early once {@code stop} has been counted down. */
    void sleep(Duration duration, CountDownLatch stop) throws InterruptedException;

    /** Sleeper for {@code duration}; only an interrupt ends it early. */
    default void sleep(Duration duration) throws InterruptedException {
        sleep(duration, new CountDownLatch(1));
    }

    static Sleeper real() {
        return (duration, stop) -> stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
}
