package dev.quicksilver.cuda.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The GPU thread's ordering and failure rules; plain Java, no device needed. */
@Timeout(30)
class GpuThreadTest {

    @Test
    void aFailingQueuedTaskLeavesTheSameThreadRunningTheNextTasks() {
        try (GpuThread gpu = new GpuThread("test-gpu-thread")) {
            Thread before = gpu.call(Thread::currentThread);
            gpu.post("a queued free", () -> {
                throw new IllegalStateException("a queued free failed");
            });
            Thread after = gpu.call(Thread::currentThread);
            assertSame(before, after, "the executor replaced the GPU thread after a queued task failed: the new "
                    + "thread would have no current CUDA context");
        }
    }

    @Test
    void queuedAndAwaitedTasksRunInSubmissionOrder() {
        try (GpuThread gpu = new GpuThread("test-gpu-thread")) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 50; i++) {
                int n = i;
                if (i % 7 == 0) {
                    gpu.run(() -> order.add(n));
                } else {
                    gpu.post("task " + n, () -> order.add(n));
                }
            }
            gpu.run(() -> { });
            assertEquals(50, order.size());
            for (int i = 0; i < 50; i++) {
                assertEquals(i, order.get(i));
            }
        }
    }

    @Test
    void anAwaitedTaskRethrowsItsFailureInTheCaller() {
        try (GpuThread gpu = new GpuThread("test-gpu-thread")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.run(() -> {
                throw new IllegalArgumentException("bad launch");
            }));
            assertEquals("bad launch", e.getMessage());
            assertTrue(gpu.call(() -> gpu.isCurrent()), "a call runs on the GPU thread");
        }
    }

    @Test
    void canAccessTellsConfinedSegmentsOfOtherThreadsFromSharedOnes() {
        try (GpuThread gpu = new GpuThread("test-gpu-thread");
             Arena confined = Arena.ofConfined();
             Arena shared = Arena.ofShared()) {
            MemorySegment mine = confined.allocate(8);
            assertFalse(gpu.canAccess(mine), "before the GPU thread exists nothing may be handed to it");
            gpu.run(() -> { });
            assertFalse(gpu.canAccess(mine), "a segment confined to this thread");
            MemorySegment common = shared.allocate(8);
            assertTrue(gpu.canAccess(common));
            gpu.run(() -> common.set(ValueLayout.JAVA_LONG, 0, 42));   // what canAccess promises
            assertEquals(42, common.get(ValueLayout.JAVA_LONG, 0));
            gpu.run(() -> {
                try (Arena there = Arena.ofConfined()) {
                    assertTrue(gpu.canAccess(there.allocate(8)), "a segment the GPU thread made itself");
                }
            });
        }
    }
}
