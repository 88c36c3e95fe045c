package org.stevedore.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Heap figures of a run. The embedded Neo4j lives in the same JVM, so they cover the server as well as the
 * service. The peak is the sum of each heap pool's own peak: an upper bound, since pools peak at different times.
 */
final class HeapMeter {

    private static final long MB = 1L << 20;

    private long gcCountAtStart;
    private long gcMillisAtStart;

    private HeapMeter() {
    }

    /** Forgets the peaks reached so far (JVM start-up) and counts GC from here. */
    static HeapMeter start() {
        ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
        HeapMeter meter = new HeapMeter();
        meter.countGcFromHere();
        return meter;
    }

    /**
     * Counts GC from here only, after a warm-up whose collections would blur the timed part's. Peaks are kept:
     * the heap figure covers the whole run.
     */
    void countGcFromHere() {
        gcCountAtStart = gcCount();
        gcMillisAtStart = gcMillis();
    }

    /** Figures so far; call while the store is still open so the live set includes the server. */
    Map<String, Object> figures() {
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
        long gcs = gcCount() - gcCountAtStart;
        long gcMs = gcMillis() - gcMillisAtStart;
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("heap_max_mb", Runtime.getRuntime().maxMemory() / MB);
        f.put("heap_peak_used_mb", peak / MB);
        f.put("heap_used_after_gc_mb", live / MB);
        f.put("gc_count", gcs);
        f.put("gc_ms", gcMs);
        return f;
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(n -> n > 0).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(n -> n > 0).sum();
    }
}
