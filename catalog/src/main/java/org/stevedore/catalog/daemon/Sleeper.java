package org.stevedore.catalog.daemon;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a worker loop waits between cycles. The real one waits on the daemon's stop signal, so {@link Daemon#stop()}
 * cuts a long idle wait short without interrupting the thread (an interrupt in the middle of a driver call would
 * break its connection). Tests substitute one that records the waits instead of spending them.
 */
@FunctionalInterface
public interface Sleeper {

    /** Waits up to {@code duration}, returning early once {@code stop} has been counted down. */
    void sleep(Duration duration, CountDownLatch stop) throws InterruptedException;

    static Sleeper real() {
        return (duration, stop) -> stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
}
