package dev.quicksilver.index.cli;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures heap honestly: the largest heap in use just after any garbage collection (what the program really
 * keeps alive), from GC notifications, and the memory pools' peak usage (garbage included).
 *
 * <p>Thread-safety: notifications arrive on a JMX thread; the peak is an {@link AtomicLong} updated with max.
 */
final class HeapWatcher {
    private final AtomicLong peakAfterGcBytes = new AtomicLong();
    private final List<Runnable> removers = new ArrayList<>();

    private HeapWatcher() {
    }

    static HeapWatcher start() {
        HeapWatcher watcher = new HeapWatcher();
        java.util.Set<String> heapPools = new java.util.HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) heapPools.add(pool.getName());
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter emitter)) continue;
            NotificationListener listener = (Notification n, Object handback) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                // The map has every pool, metaspace and code cache too: count the heap pools only.
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
                }
                watcher.peakAfterGcBytes.accumulateAndGet(used, Math::max);
            };
            emitter.addNotificationListener(listener, null, null);
            watcher.removers.add(() -> {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (Exception ignored) {
                    // already gone
                }
            });
        }
        return watcher;
    }

    void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
    }

    long peakUsedAfterGcMb() {
        return peakAfterGcBytes.get() >> 20;
    }

    long poolPeaksMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) bytes += pool.getPeakUsage().getUsed();
        }
        return bytes >> 20;
    }

    /** Heap in use after a full collection now. */
    long usedAfterFullGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    void stop() {
        removers.forEach(Runnable::run);
    }
}
