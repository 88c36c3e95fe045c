package org.stevedore.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes the JVM's threads allocated on the heap between {@link #start} and {@link #megabytes}: the threads alive at
 * both ends by their counters, and short-lived threads by what they {@link #addOwn report} before ending. Unlike
 * the rates it moves little with the machine's neighbours, so it tells whether a change made less work for the
 * collector (and, mostly, for the store, whose commits allocate the most).
 */
final class AllocationMeter {

    private final com.sun.management.ThreadMXBean threads;
    private final Map<Long, Long> before = new HashMap<>();
    private final AtomicLong reported = new AtomicLong();

    private AllocationMeter(com.sun.management.ThreadMXBean threads) {
        this.threads = threads;
    }

    /** A meter counting from now, or null when the JVM does not count allocations per thread. */
    static AllocationMeter start() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported() || !t.isThreadAllocatedMemoryEnabled()) {
            return null;
        }
        AllocationMeter meter = new AllocationMeter(t);
        long[] ids = t.getAllThreadIds();
        long[] bytes = t.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                meter.before.put(ids[i], bytes[i]);
            }
        }
        return meter;
    }

    /** Called by a thread started after {@link #start}, as it ends: everything it allocated. */
    void addOwn() {
        long own = threads.getCurrentThreadAllocatedBytes();
        if (own > 0) {
            reported.addAndGet(own);
        }
    }

    /** What the threads allocated since {@link #start}, in MB; threads that ended without reporting are missed. */
    long megabytes() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        long total = reported.get();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                total += bytes[i] - before.getOrDefault(ids[i], 0L);
            }
        }
        return total / 1_000_000;
    }
}
