package dev.quicksilver.cuda.nat;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread that does device work. The CUDA driver binds the current context per thread and cuBLAS
 * handles and captured graphs belong to one stream, so every call that touches the device (allocations,
 * copies, launches, and frees too, including those of cache entries evicted on another thread) is
 * submitted here and runs in submission order. Callers block until their task is done; an exception
 * thrown on the GPU thread is rethrown in the caller.
 */
public final class GpuThread implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GpuThread.class.getName());

    private final ExecutorService executor;
    private volatile Thread thread;

    public GpuThread(String name) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /**
     * Whether a task on the GPU thread may read and write {@code segment}. A segment of a confined arena
     * belongs to the thread that made it, and the GPU thread cannot touch it (FFM throws
     * WrongThreadException); callers stage such segments through a shared one.
     */
    public boolean canAccess(MemorySegment segment) {
        Thread t = thread;
        return t != null && segment.isAccessibleBy(t);
    }

    /** Runs {@code task} on the GPU thread (inline when already on it) and returns its result. */
    public <T> T call(Callable<T> task) {
        if (isCurrent()) {
            try {
                return task.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> f = executor.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the GPU thread", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    public void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Queues {@code task} without waiting (frees from a cache's removal listener). Nobody waits for it, so
     * a failure is logged here, as "{@code what} failed on the GPU thread"; it must not escape: the
     * executor would replace the GPU thread with a new one on which no CUDA context is current, and every
     * later device call would fail.
     */
    public void post(String what, Runnable task) {
        if (!executor.isShutdown()) {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, what + " failed on the GPU thread " + thread.getName(), t);
                }
            });
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
