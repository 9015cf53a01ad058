package dev.quicksilver.server;

import dev.quicksilver.decode.CacheMode;
import dev.quicksilver.decode.CanvasHandle;
import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.CanvasResult;
import dev.quicksilver.decode.ContextCache;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.DenoisingSession;
import dev.quicksilver.decode.StepReport;
import dev.quicksilver.store.KvStore;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.LanguageModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching of denoising steps over every request the sidecar is serving.
 *
 * <p><b>Design.</b> One thread (the scheduler's, the only one that touches the model) loops: admit
 * waiting requests, run one step of the diffusion session, one of the autoregressive session if it has
 * work, deliver what finished, stream progress. A step is one batched forward over the active canvases of
 * <em>all</em> requests ({@link DenoisingSession}), so every weight is read once per step however many
 * editors are waiting. Canvases carry their own blocks, so a request that joins starts its own first
 * block (a full forward over its canvas) in the same forward as the others' cached steps: it joins at its
 * block boundary without making anyone else wait for theirs (Orca's iteration-level scheduling, Yu et al.
 * OSDI '22, applied to denoising steps rather than tokens).
 *
 * <p><b>Options per request.</b> Each canvas keeps its own {@link DecodeOptions} (threshold, block,
 * cache, sampling, seed), so requests with different options still share one forward; only the mode
 * splits the batch, because attention is bidirectional for diffusion and causal for the autoregressive
 * baseline, and that is per forward call. Hence two sessions.
 *
 * <p><b>Admission.</b> A request waits in a FIFO queue of at most {@code maxQueue} requests that do not fit
 * the batch (beyond: rejected at once, RESOURCE_EXHAUSTED; requests the loop is about to admit into free
 * batch slots do not count). It is admitted when its canvases fit the batch ({@code maxBatchCanvases})
 * and the store can reserve its working caches' bytes; otherwise the head waits, and so do the others
 * (FIFO: no starvation of large requests).
 *
 * <p><b>Cancellation.</b> {@link #cancel} may come from any thread (the gRPC call's cancel handler:
 * client cancel, passed deadline, vanished client). A queued request leaves the queue at once; an active
 * one is cancelled in the session, which drops it at the start of the next step, before its forward: the
 * most forwards a cancelled request can still take part in is the one running when the cancel came. The
 * scheduler measures exactly that ({@link Stats#maxForwardsAfterCancel()}).
 *
 * <p><b>Failure.</b> A forward that throws fails the requests in the batch (INTERNAL, with the message)
 * and the sessions are rebuilt; the sidecar goes on serving.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** What a request hears; every call is made on the scheduler thread. */
    public interface Listener {
        void progress(Job job, int step, List<int[]> canvases);

        void finished(Job job, List<CanvasResult> results);

        void cancelled(Job job, String reason);

        void failed(Job job, RuntimeException error);

        /** The sidecar is stopping (SIGTERM, parent gone) with this request queued or running. */
        default void shuttingDown(Job job, String reason) {
            cancelled(job, reason);
        }
    }

    /** Thrown by {@link #submit} when the queue is full. */
    public static final class QueueFullException extends RuntimeException {
        QueueFullException(String message) {
            super(message);
        }
    }

    /**
     * @param batchWaitMs how long an idle scheduler waits, once a request arrives, for others arriving with it
     *                    before its first forward; 0 starts at once (see {@link #gatherArrivals})
     */
    public record Config(int maxBatchCanvases, int maxQueue, boolean contextCache, int batchWaitMs) {
        public Config {
            if (maxBatchCanvases < 1) {
                throw new IllegalArgumentException("--max-batch must be at least 1, got " + maxBatchCanvases);
            }
            if (maxQueue < 0) {
                throw new IllegalArgumentException("--max-queue must be at least 0, got " + maxQueue);
            }
            if (batchWaitMs < 0) {
                throw new IllegalArgumentException("--batch-wait-ms must be at least 0, got " + batchWaitMs);
            }
        }
    }

    public record Stats(long forwards, int activeRequests, int queuedRequests, long completedRequests,
                        long cancelledRequests, int maxForwardsAfterCancel, long rejectedRequests) {}

    private enum JobState { QUEUED, ACTIVE, DONE }

    /** One request: its canvases and where it stands. */
    public static final class Job {
        private final List<CanvasRequest> canvases;
        private final DecodeOptions options;
        private final int progressEvery;
        private final Listener listener;
        private final long workingBytes;
        private final long submittedNanos = System.nanoTime();
        private long admittedNanos;
        private JobState state = JobState.QUEUED;
        private List<CanvasHandle> handles = List.of();
        private KvStore.Reservation reservation;
        private volatile int steps; // written by the scheduler thread only; read by cancel()
        private volatile int stepsAtCancel;
        private int maxBatch;
        private int unfinished;
        private volatile String cancelReason;

        private Job(List<CanvasRequest> canvases, DecodeOptions options, int progressEvery, Listener listener,
                    long workingBytes) {
            this.canvases = List.copyOf(canvases);
            this.options = options;
            this.progressEvery = progressEvery;
            this.listener = listener;
            this.workingBytes = workingBytes;
        }

        public List<CanvasRequest> canvases() {
            return canvases;
        }

        /** Steps (batched forwards) this request took part in. */
        public int steps() {
            return steps;
        }

        /** The largest batch, in canvases, this request ran in. */
        public int maxBatch() {
            return maxBatch;
        }

        public double queueMs() {
            return admittedNanos == 0 ? 0 : (admittedNanos - submittedNanos) / 1e6;
        }

        public double decodeMs() {
            return admittedNanos == 0 ? 0 : (System.nanoTime() - admittedNanos) / 1e6;
        }

        /** Per canvas, positions whose keys/values came from the cross-request store. */
        public List<Integer> contextReused() {
            return handles.stream().map(CanvasHandle::contextReused).toList();
        }
    }

    private final LanguageModel model;
    private final DecodeOptions defaults;
    private final KvStore store;
    private final ContextCache contextCache; // null when the cross-request context cache is off
    private final Config config;
    private final long bytesPerPosition;

    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Set<Job> cancelledWhileQueued = new LinkedHashSet<>();
    private boolean running = true;

    // Scheduler thread only.
    private DenoisingSession diffusion;
    private DenoisingSession autoregressive;
    private final Map<CanvasHandle, Job> owners = new HashMap<>();
    private final List<Job> active = new ArrayList<>();
    private int activeCanvases;

    private final AtomicLong forwards = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile int maxForwardsAfterCancel;
    private volatile int activeRequests;
    private final Thread thread;

    /**
     * @param defaults     the model's decoding defaults: the sessions' options (each canvas may override)
     * @param contextCache the cross-request context cache, or null to keep it off
     */
    public Scheduler(LanguageModel model, DecodeOptions defaults, KvStore store, ContextCache contextCache,
                     Config config) {
        this.model = model;
        this.defaults = defaults;
        this.store = store;
        this.contextCache = config.contextCache() ? contextCache : null;
        this.config = config;
        try (KvCache probe = model.newCache(1)) {
            this.bytesPerPosition = probe.bytesPerPosition();
        }
        newSessions();
        this.thread = new Thread(this::loop, "quicksilver-scheduler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void newSessions() {
        diffusion = new DenoisingSession(model, defaults.withMode(DecodeMode.DIFFUSION));
        autoregressive = new DenoisingSession(model, defaults.withMode(DecodeMode.AUTOREGRESSIVE));
    }

    public Config config() {
        return config;
    }

    public boolean contextCacheEnabled() {
        return contextCache != null;
    }

    /**
     * Queues a request.
     *
     * @throws IllegalArgumentException when it can never run (too many canvases, too long, too big for the
     *                                  KV budget): the message names the cause and the way out
     * @throws QueueFullException       when {@code maxQueue} requests are waiting already
     */
    public Job submit(List<CanvasRequest> canvases, DecodeOptions options, int progressEvery, Listener listener) {
        if (canvases.isEmpty()) {
            throw new IllegalArgumentException("canvases is empty; send at least one canvas");
        }
        if (canvases.size() > config.maxBatchCanvases()) {
            throw new IllegalArgumentException("the request has " + canvases.size() + " canvases but a batch takes "
                    + "at most " + config.maxBatchCanvases() + " (--max-batch); split it into several requests");
        }
        int maxPositions = diffusion.specialTokens().maxPositions();
        long positions = 0;
        for (int i = 0; i < canvases.size(); i++) {
            int length = canvases.get(i).length();
            if (length > maxPositions) {
                throw new IllegalArgumentException("canvases[" + i + "] is " + length + " tokens long but the model "
                        + "takes at most " + maxPositions + "; shorten its context or prefix, or lower "
                        + "spans.max_tokens");
            }
            positions += length;
        }
        long bytes = options.cache() == CacheMode.NONE && options.mode() == DecodeMode.DIFFUSION ? 0
                : positions * bytesPerPosition;
        if (bytes > store.budgetBytes()) {
            throw new IllegalArgumentException("the request's canvases need " + (bytes >> 20) + " MiB of KV cache but "
                    + "the sidecar's budget is " + (store.budgetBytes() >> 20) + " MiB; send shorter canvases or "
                    + "start the sidecar with a larger --kv-cache-mb");
        }
        Job job = new Job(canvases, options, progressEvery, listener, bytes);
        synchronized (lock) {
            if (!running) {
                throw new QueueFullException("the sidecar is shutting down; retry once it has restarted");
            }
            int waiting = waitingBeyondBatch();
            if (waiting >= config.maxQueue()) {
                rejected.incrementAndGet();
                throw new QueueFullException("the sidecar has " + waiting + " requests waiting already "
                        + "(--max-queue " + config.maxQueue() + "); retry in a moment, or start it with a larger "
                        + "--max-queue");
            }
            queue.addLast(job);
            lock.notifyAll();
        }
        return job;
    }

    /** Cancels a request, from any thread; idempotent. It leaves the batch before the next forward. */
    public void cancel(Job job, String reason) {
        synchronized (lock) {
            if (job.state == JobState.DONE || job.cancelReason != null) {
                return;
            }
            job.cancelReason = reason;
            job.stepsAtCancel = job.steps;
            if (job.state == JobState.QUEUED) {
                queue.remove(job);
                job.state = JobState.DONE;
                cancelledWhileQueued.add(job);
                cancelled.incrementAndGet(); // with the removal: no one sees it neither queued nor counted
            } else {
                DenoisingSession session = sessionOf(job);
                for (CanvasHandle h : job.handles) {
                    session.cancel(h);
                }
            }
            lock.notifyAll();
        }
    }

    private DenoisingSession sessionOf(Job job) {
        return job.options.mode() == DecodeMode.DIFFUSION ? diffusion : autoregressive;
    }

    public Stats stats() {
        int queued;
        synchronized (lock) {
            queued = queue.size();
        }
        return new Stats(forwards.get(), activeRequests, queued, completed.get(), cancelled.get(),
                maxForwardsAfterCancel, rejected.get());
    }

    // ---------------------------------------------------------------- the loop

    private void loop() {
        while (true) {
            List<Job> toCancel;
            synchronized (lock) {
                while (running && queue.isEmpty() && active.isEmpty() && cancelledWhileQueued.isEmpty()) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        running = false;
                    }
                }
                if (!running) {
                    break;
                }
                toCancel = new ArrayList<>(cancelledWhileQueued);
                cancelledWhileQueued.clear();
                gatherArrivals();
                admit();
            }
            for (Job job : toCancel) {
                notify(() -> job.listener.cancelled(job, job.cancelReason));
            }
            try {
                step(diffusion);
                step(autoregressive);
            } catch (RuntimeException e) {
                LOG.error("a denoising step failed; failing the requests in the batch", e);
                failAll(e);
            }
        }
        shutdownActive();
    }

    /**
     * Queued requests that will not fit the batch when the loop next admits: the ones that really wait.
     * A request submitted a moment ago sits in the queue until the loop wakes even when the batch has room
     * for it, and must not count against {@code maxQueue} (two requests sent back to back to an idle
     * sidecar with {@code --max-queue 1} would otherwise see the second refused). Holds lock.
     */
    private int waitingBeyondBatch() {
        int canvases = activeCanvases;
        int waiting = 0;
        for (Job job : queue) {
            if (waiting == 0 && fitsBatch(canvases, job)) {
                canvases += job.canvases.size();
            } else {
                waiting++; // FIFO: behind one that waits, every later one waits too
            }
        }
        return waiting;
    }

    /**
     * When nothing runs and requests wait: waits up to {@code batchWaitMs} for others arriving with them
     * before the first forward (the queue delay of dynamic batching, Triton's {@code max_queue_delay}), so
     * that a burst starts in one full forward and steps in lockstep. Off by default: without it a burst's
     * later requests join one step after the first (continuous batching, as vLLM does), which cost no
     * batched throughput here (16 concurrent requests: 523-525 tokens/s without the wait, 445-533 with
     * 5 ms), while the wait delayed every lone request, the interactive case, by its full length (typing
     * through the language server, p50 47-51 -> 41-43 ms without it; 2 cores, 2026-11-27). Holds lock.
     */
    private void gatherArrivals() {
        if (config.batchWaitMs() == 0 || !active.isEmpty() || queue.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + config.batchWaitMs() * 1_000_000L;
        while (running && queuedCanvases() < config.maxBatchCanvases()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                lock.wait(left / 1_000_000L, (int) (left % 1_000_000L)); // submit() notifies on each arrival
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether {@code job} joins a batch already holding {@code canvases} canvases (an empty batch takes any). */
    private boolean fitsBatch(int canvases, Job job) {
        return canvases == 0 || canvases + job.canvases.size() <= config.maxBatchCanvases();
    }

    private int queuedCanvases() {
        int n = 0;
        for (Job job : queue) {
            n += job.canvases.size();
        }
        return n;
    }

    /** Moves queued requests into the sessions while they fit. Holds lock. */
    private void admit() {
        while (!queue.isEmpty()) {
            Job job = queue.peekFirst();
            if (!fitsBatch(activeCanvases, job)) {
                return;
            }
            Optional<KvStore.Reservation> reservation = job.workingBytes == 0 ? Optional.empty()
                    : store.reserveWorking(job.workingBytes);
            if (job.workingBytes > 0 && reservation.isEmpty()) {
                return; // the running requests' caches leave no room: wait for one to finish
            }
            queue.removeFirst();
            job.reservation = reservation.orElse(null);
            DenoisingSession session = sessionOf(job);
            List<CanvasHandle> handles = new ArrayList<>();
            try {
                for (CanvasRequest canvas : job.canvases) {
                    handles.add(session.submit(canvas, job.options, contextCache));
                }
            } catch (IllegalArgumentException e) {
                handles.forEach(session::cancel); // they leave at the next step, before any forward
                job.state = JobState.DONE;
                releaseReservation(job);
                notify(() -> job.listener.failed(job, e));
                continue;
            }
            job.handles = List.copyOf(handles);
            job.unfinished = handles.size();
            job.state = JobState.ACTIVE;
            job.admittedNanos = System.nanoTime();
            handles.forEach(h -> owners.put(h, job));
            active.add(job);
            activeCanvases += handles.size();
            activeRequests = active.size();
        }
    }

    private void step(DenoisingSession session) {
        if (!session.hasWork()) {
            return;
        }
        StepReport report = session.step();
        if (report.canvases() > 0) {
            forwards.incrementAndGet();
            if (LOG.isTraceEnabled()) { // -Dorg.slf4j.simpleLogger.log.dev.quicksilver.server.Scheduler=trace
                LOG.trace("step: {} canvases, {} rows, forward {} ms, {} tokens committed", report.canvases(),
                        report.rows(), String.format("%.2f", report.forwardMs()), report.committed());
            }
            for (Job job : active) {
                if (sessionOf(job) == session && tookPart(job, report)) {
                    job.steps++;
                    job.maxBatch = Math.max(job.maxBatch, report.canvases());
                }
            }
        }
        for (CanvasHandle h : report.finished()) {
            Job job = owners.remove(h);
            if (job == null) {
                continue; // a canvas of a request that failed at admission
            }
            activeCanvases--;
            if (--job.unfinished == 0) {
                finish(job);
            }
        }
        for (Job job : active) {
            if (job.progressEvery > 0 && sessionOf(job) == session && report.canvases() > 0
                    && job.steps % job.progressEvery == 0 && job.cancelReason == null) {
                List<int[]> snapshots = job.handles.stream()
                        .map(h -> h.done() ? h.result().canvas() : h.snapshot()).toList();
                notify(() -> job.listener.progress(job, job.steps, snapshots));
            }
        }
    }

    /**
     * Whether some canvas of the job was in this step's forward: one still running, or one that finished
     * by committing its last tokens. Canvases dropped by a cancel at the start of the step were not.
     */
    private static boolean tookPart(Job job, StepReport report) {
        for (CanvasHandle h : job.handles) {
            if (!h.done() || (report.finished().contains(h) && !h.result().cancelled())) {
                return true;
            }
        }
        return false;
    }

    private void finish(Job job) {
        List<CanvasResult> results = job.handles.stream().map(CanvasHandle::result).toList();
        releaseReservation(job);
        boolean wasCancelled = results.stream().anyMatch(CanvasResult::cancelled);
        // Counted before the job leaves the active set: whoever sees the scheduler idle (Info) sees it counted.
        if (wasCancelled) {
            // Forwards this request took part in after the cancel came (not all forwards since: others'
            // canvases may go on running in the forward that drops this one).
            int after = job.steps - job.stepsAtCancel;
            maxForwardsAfterCancel = Math.max(maxForwardsAfterCancel, after);
            cancelled.incrementAndGet();
        } else {
            completed.incrementAndGet();
        }
        synchronized (lock) {
            job.state = JobState.DONE;
            active.remove(job);
            activeRequests = active.size();
        }
        if (wasCancelled) {
            notify(() -> job.listener.cancelled(job, job.cancelReason));
        } else {
            notify(() -> job.listener.finished(job, results));
        }
    }

    private void failAll(RuntimeException e) {
        List<Job> failed;
        synchronized (lock) {
            failed = new ArrayList<>(active);
            active.clear();
            activeRequests = 0;
            for (Job job : failed) {
                job.state = JobState.DONE;
            }
            diffusion.close();
            autoregressive.close();
            owners.clear();
            activeCanvases = 0;
            newSessions();
        }
        for (Job job : failed) {
            releaseReservation(job);
            notify(() -> job.listener.failed(job, e));
        }
    }

    private void releaseReservation(Job job) {
        if (job.reservation != null) {
            job.reservation.close();
            job.reservation = null;
        }
    }

    private static void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("a request listener failed; the scheduler goes on", e);
        }
    }

    private void shutdownActive() {
        List<Job> left;
        synchronized (lock) {
            left = new ArrayList<>(active);
            left.addAll(queue);
            queue.clear();
            active.clear();
        }
        diffusion.close();
        autoregressive.close();
        for (Job job : left) {
            releaseReservation(job);
            notify(() -> job.listener.shuttingDown(job, "the sidecar is shutting down; retry once it is back "
                    + "(a spawned sidecar is restarted by its client)"));
        }
    }

    /** Stops the loop; requests still queued or running are cancelled. */
    @Override
    public void close() {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
