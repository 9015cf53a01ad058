package dev.quicksilver.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WorkerTeamTest {

    @Test
    void everyTaskRunsExactlyOnceAndTheWorkersTakePart() {
        try (WorkerTeam team = new WorkerTeam(3, "test-team-")) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 200; round++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(37);
                team.run(37, i -> {
                    runs.incrementAndGet(i);
                    threads.add(Thread.currentThread().getName());
                    busyWork();
                });
                for (int i = 0; i < 37; i++) {
                    assertEquals(1, runs.get(i), "task " + i + " of round " + round);
                }
            }
            assertTrue(threads.stream().anyMatch(n -> n.startsWith("test-team-")),
                    "no worker ran a task: " + threads);
        }
    }

    @Test
    void aFailingTaskIsRethrownAfterEveryOtherTaskFinished() {
        try (WorkerTeam team = new WorkerTeam(2, "test-team-")) {
            AtomicInteger finished = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> team.run(16, i -> {
                if (i == 3) {
                    throw boom;
                }
                busyWork();
                finished.incrementAndGet();
            }));
            assertSame(boom, thrown);
            assertEquals(15, finished.get(), "the caller returned while other tasks were still running");
            AtomicInteger after = new AtomicInteger();
            team.run(8, i -> after.incrementAndGet());
            assertEquals(8, after.get(), "the team is unusable after a failure");
        }
    }

    @Test
    void aNestedLoopRunsOnTheCallingThreadInsteadOfDeadlocking() {
        try (WorkerTeam team = new WorkerTeam(2, "test-team-")) {
            AtomicInteger inner = new AtomicInteger();
            AtomicIntegerArray outer = new AtomicIntegerArray(40);
            for (int round = 0; round < 50; round++) {
                team.run(40, i -> {
                    outer.incrementAndGet(i);
                    busyWork();
                    team.run(5, j -> inner.incrementAndGet());
                });
            }
            assertEquals(50 * 40 * 5, inner.get());
            for (int i = 0; i < 40; i++) {
                assertEquals(50, outer.get(i), "outer task " + i);
            }
        }
    }

    @Test
    void overlappingCallersFromSeveralThreadsAllComplete() throws Exception {
        try (WorkerTeam team = new WorkerTeam(2, "test-team-")) {
            int callers = 4;
            AtomicInteger total = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(callers);
            for (int c = 0; c < callers; c++) {
                Thread.ofPlatform().start(() -> {
                    for (int round = 0; round < 100; round++) {
                        team.run(10, i -> total.incrementAndGet());
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "a caller is stuck");
            assertEquals(callers * 100 * 10, total.get());
        }
    }

    @Test
    void closeStopsTheWorkersAndLaterCallsStillRunInline() throws Exception {
        WorkerTeam team = new WorkerTeam(3, "closing-team-");
        team.run(8, i -> busyWork());
        team.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (workersAlive("closing-team-") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(workersAlive("closing-team-"), "workers outlived close()");
        AtomicInteger runs = new AtomicInteger();
        team.run(6, i -> runs.incrementAndGet());
        assertEquals(6, runs.get());
    }

    private static boolean workersAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
    }

    private static void busyWork() {
        long until = System.nanoTime() + 20_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
