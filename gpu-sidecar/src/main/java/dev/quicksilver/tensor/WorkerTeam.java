package dev.quicksilver.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that runs one parallel loop at a time: the CPU backend's fork-join.
 *
 * <h2>Design</h2>
 * <p>{@code size - 1} daemon workers plus the calling thread. {@link #run} publishes a {@link Job} (the
 * body and a task count) through one volatile field; every participant, the caller included, claims task
 * indices from the job's counter until none are left, so uneven tasks balance themselves, and the caller
 * returns once the completed count reaches the task count. Workers that find no job spin briefly (the
 * next kernel of a forward usually follows within microseconds) and then park; a new job unparks them.
 *
 * <p><b>Why not a ForkJoinPool.</b> It was one, and its hand-off cost dominated small products: a forward
 * runs about 65 parallel loops (seven matmuls and an attention per layer, then the head), and for each one
 * the pool split a range task recursively, woke parked workers and joined through {@code helpJoin}. On
 * 2 cores (AMD EPYC, 2026-11-27) replacing it took an autoregressive step from 3.6-4.3 ms to 1.1 ms and a
 * dual-cache denoising step from 14.6 ms to 8.7 ms; whole-canvas forwards, where each loop is long, gained
 * ~20%. Here the only frames between a thread's loop and a kernel are {@link #runShare} and the body, and
 * workers spinning between loops are awake when the next one starts.
 *
 * <p><b>Concurrency.</b> One job at a time: a {@link #run} that finds the team busy (another thread's
 * loop, or a nested loop from inside a body) runs its tasks on its own thread instead of waiting, so
 * overlapping callers never deadlock and never block each other. A body that throws is reported to the
 * caller after every task of the job has finished, so no worker is still writing into the caller's
 * arrays when it sees the exception.
 */
final class WorkerTeam implements AutoCloseable {

    /** How long an idle worker spins before parking: longer than the gap between two kernels of a forward. */
    private static final long SPIN_NANOS = 50_000;

    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger nextTask = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }
    }

    private final Thread[] workers;
    private final ReentrantLock busy = new ReentrantLock();
    private volatile Job current;
    private volatile boolean closed;

    WorkerTeam(int size, String namePrefix) {
        workers = new Thread[Math.max(0, size - 1)];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, namePrefix + i);
            t.setDaemon(true);
            workers[i] = t;
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    /** Number of threads that share a loop: the workers and the caller. */
    int size() {
        return workers.length + 1;
    }

    /** Runs {@code body.accept(0 .. tasks-1)}, in parallel where the team is free, and waits for all. */
    void run(int tasks, IntConsumer body) {
        // isHeldByCurrentThread: a loop nested in a body of the caller's own share would otherwise re-enter
        // the (reentrant) lock and replace the job the workers are on.
        if (tasks <= 1 || workers.length == 0 || closed || busy.isHeldByCurrentThread() || !busy.tryLock()) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(body, tasks);
        try {
            current = job;
            for (Thread t : workers) {
                LockSupport.unpark(t);
            }
            runShare(job);
            awaitCompletion(job);
        } finally {
            current = null;
            busy.unlock();
        }
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Claims and runs tasks of {@code job} until none are left. */
    private static void runShare(Job job) {
        for (int task = job.nextTask.getAndIncrement(); task < job.tasks; task = job.nextTask.getAndIncrement()) {
            try {
                job.body.accept(task);
            } catch (Throwable t) {
                job.failure = t;
            } finally {
                job.completed.incrementAndGet();
            }
        }
    }

    /** The caller's wait for the tasks other threads claimed: spin first, then short parks. */
    private static void awaitCompletion(Job job) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (job.completed.get() < job.tasks) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
    }

    private void workerLoop() {
        Job done = null;
        while (!closed) {
            Job job = current;
            if (job == null || job == done) {
                idle(done);
                continue;
            }
            runShare(job);
            done = job;
        }
    }

    /** Waits for a job other than {@code done}: spins for {@link #SPIN_NANOS}, then parks. */
    private void idle(Job done) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!closed) {
            Job job = current;
            if (job != null && job != done) {
                return;
            }
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
