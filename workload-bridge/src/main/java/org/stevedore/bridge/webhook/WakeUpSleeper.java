package org.stevedore.bridge.webhook;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.stevedore.catalog.time.Sleeper;

/**
 * A daemon {@link Sleeper} that someone in the same process can cut short: {@link #wakeUp()} after committing work
 * (released jobs, new deliveries) ends the idle wait of every worker sleeping on it, so the work is picked up within
 * milliseconds instead of at the next poll. The poll stays as the fallback for work written by other processes.
 *
 * <p>A wake-up is never lost: one that arrives while a worker is busy with a cycle makes that worker's next sleep
 * return at once, since the cycle may have looked for work just before the wake-up's work was committed.
 */
public final class WakeUpSleeper implements Sleeper {

    /** How often a sleeping worker looks at the daemon's stop signal, which does not notify this monitor. */
    private static final long STOP_CHECK_MILLIS = 100;

    private final Object lock = new Object();
    /** Wake-ups so far; guarded by {@code lock}. */
    private long signals;
    /** The count each worker thread had seen when its last sleep ended. */
    private final ThreadLocal<Long> seen = ThreadLocal.withInitial(() -> 0L);

    /** Ends the current (or, for a busy worker, the next) idle wait of every worker sleeping on this. */
    public void wakeUp() {
        synchronized (lock) {
            signals++;
            lock.notifyAll();
        }
    }

    @Override
    public void sleep(Duration duration, CountDownLatch stop) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (lock) {
            try {
                while (signals == seen.get() && stop.getCount() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    lock.wait(Math.max(1, Math.min(STOP_CHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            } finally {
                seen.set(signals);
            }
        }
    }
}
