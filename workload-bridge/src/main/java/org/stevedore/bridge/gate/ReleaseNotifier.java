package org.stevedore.bridge.gate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.stevedore.bridge.store.ReleaseStore.Released;

/**
 * What long-polls wait on: a counter that moves on every release in this process, and a bounded number of waiting
 * threads. A waiter reads {@link #version()}, looks at its feed, and when it found nothing {@link #await}s a change
 * of the counter; the wait is short enough (the caller's re-check period) to also see releases made by another
 * instance, which do not move this counter.
 */
public final class ReleaseNotifier implements ReleaseListener {

    private final Object monitor = new Object();
    private final Semaphore waiters;
    private long version;

    public ReleaseNotifier(int maxWaiters) {
        this.waiters = new Semaphore(maxWaiters);
    }

    @Override
    public void released(List<Released> released) {
        if (released.isEmpty()) {
            return;
        }
        synchronized (monitor) {
            version++;
            monitor.notifyAll();
        }
    }

    public long version() {
        synchronized (monitor) {
            return version;
        }
    }

    /** A waiting slot, or false when {@code maxWaiters} are waiting already (the caller answers at once). */
    public boolean enter() {
        return waiters.tryAcquire();
    }

    public void leave() {
        waiters.release();
    }

    /** Sleeper up to {@code max} for the counter to move past {@code seen}; answers whether it moved. */
    public boolean await(long seen, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (monitor) {
            while (version == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return true;
        }
    }
}
