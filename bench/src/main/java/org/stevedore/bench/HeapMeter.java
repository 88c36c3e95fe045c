package org.stevedore.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap figures of a run, from the collector's own notifications: the largest heap occupancy any collection started
 * from (how full the heap got) and the largest any collection left behind (an upper bound of the live set: after a
 * young collection the old generation still holds garbage). The embedded Neo4j lives in the same JVM, so both cover
 * the server as well as the service.
 */
final class HeapMeter implements NotificationListener, AutoCloseable {

    private static final long MB = 1L << 20;

    private final AtomicLong peakBeforeGc = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private long gcCountAtStart;
    private long gcMillisAtStart;

    private HeapMeter() {
    }

    static HeapMeter start() {
        HeapMeter meter = new HeapMeter();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(meter, null, null);
        }
        meter.countGcFromHere();
        return meter;
    }

    /** Counts GC from here only, after a warm-up whose collections would blur the timed part's. Peaks are kept. */
    void countGcFromHere() {
        gcCountAtStart = gcCount();
        gcMillisAtStart = gcMillis();
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
        // Non-heap pools (metaspace, code cache) are reported too; only the heap counts against -Xmx.
        peakBeforeGc.accumulateAndGet(heap(info.getMemoryUsageBeforeGc()), Math::max);
        peakAfterGc.accumulateAndGet(heap(info.getMemoryUsageAfterGc()), Math::max);
    }

    private static long heap(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pools.containsKey(pool.getName())) {
                used += pools.get(pool.getName()).getUsed();
            }
        }
        return used;
    }

    /** Figures so far; call while the store is still open so the live set includes the server. */
    Map<String, Object> figures() {
        long gcs = gcCount() - gcCountAtStart;
        long gcMs = gcMillis() - gcMillisAtStart;
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("heap_max_mb", Runtime.getRuntime().maxMemory() / MB);
        f.put("heap_peak_used_mb", peakBeforeGc.get() / MB);
        f.put("heap_peak_after_gc_mb", peakAfterGc.get() / MB);
        f.put("heap_used_after_gc_mb", live / MB);
        f.put("gc_count", gcs);
        f.put("gc_ms", gcMs);
        return f;
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) gc).removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // never added to this one
            }
        }
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
