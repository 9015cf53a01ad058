package dev.quicksilver.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.CanvasResult;
import dev.quicksilver.decode.DecodeDefaults;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.DenoisingSession;
import dev.quicksilver.decode.Strategy;
import dev.quicksilver.store.KvStore;
import dev.quicksilver.store.StoreContextCache;
import dev.quicksilver.tensor.ReferenceBackend;
import dev.quicksilver.transformer.Fixtures;
import dev.quicksilver.transformer.LanguageModel;
import dev.quicksilver.transformer.ModelLoader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler on a real fixture model (reference backend: the same numbers whatever the batch), in
 * process, so forwards can be counted exactly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerTest {

    static LanguageModel model;
    static DecodeOptions defaults;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(Fixtures.model("dream-tied-bf16"), new ReferenceBackend());
        defaults = DecodeDefaults.from(model.config().generationDefaults()).options();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static int[] tokens(int seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(250);
        }
        return t;
    }

    /** Collects one request's events. */
    static class Recorder implements Scheduler.Listener {
        final CompletableFuture<List<CanvasResult>> result = new CompletableFuture<>();
        final CountDownLatch steps;
        volatile int lastStep;

        Recorder(int stepsToWaitFor) {
            steps = new CountDownLatch(stepsToWaitFor);
        }

        @Override
        public void progress(Scheduler.Job job, int step, List<int[]> canvases) {
            lastStep = step;
            steps.countDown();
        }

        @Override
        public void finished(Scheduler.Job job, List<CanvasResult> results) {
            result.complete(results);
        }

        @Override
        public void cancelled(Scheduler.Job job, String reason) {
            result.completeExceptionally(new java.util.concurrent.CancellationException(reason));
        }

        @Override
        public void failed(Scheduler.Job job, RuntimeException error) {
            result.completeExceptionally(error);
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Scheduler scheduler(KvStore store, boolean contextCache, int maxBatch, int maxQueue) {
        return scheduler(store, contextCache, maxBatch, maxQueue, 0);
    }

    static Scheduler scheduler(KvStore store, boolean contextCache, int maxBatch, int maxQueue, int batchWaitMs) {
        return new Scheduler(model, defaults, store, new StoreContextCache(store, "fixture", 8),
                new Scheduler.Config(maxBatch, maxQueue, contextCache, batchWaitMs));
    }

    static DecodeOptions oneTokenPerStep() {
        return defaults.withStrategy(Strategy.LOW_CONFIDENCE).withBlock(8).withSteps(8).withStopAtEos(false);
    }

    @Test
    void requestsJoiningARunningBatchGetTheSameTokensAsAlone() throws Exception {
        CanvasRequest a = CanvasRequest.infill(tokens(1, 20), 40, tokens(2, 5));
        CanvasRequest b = CanvasRequest.infill(tokens(3, 12), 16, tokens(4, 7));
        DecodeOptions options = defaults.withStopAtEos(false);
        int[] aloneA;
        int[] aloneB;
        try (DenoisingSession s = new DenoisingSession(model, options)) {
            var ha = s.submit(a);
            s.runToCompletion();
            var hb = s.submit(b);
            s.runToCompletion();
            aloneA = ha.result().canvas();
            aloneB = hb.result().canvas();
        }
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, false, 16, 8)) {
            // a's first progress call holds the scheduler thread until b is queued, so b joins at the next
            // step whatever the machine's load (a's 40 tokens span two blocks: it has steps left).
            CountDownLatch bQueued = new CountDownLatch(1);
            Recorder ra = new Recorder(1) {
                @Override
                public void progress(Scheduler.Job job, int step, List<int[]> canvases) {
                    super.progress(job, step, canvases);
                    if (step == 1) {
                        awaitQuietly(bQueued);
                    }
                }
            };
            scheduler.submit(List.of(a), options, 1, ra);
            assertTrue(ra.steps.await(30, TimeUnit.SECONDS));
            Recorder rb = new Recorder(1);
            Scheduler.Job jb = scheduler.submit(List.of(b), options, 1, rb);
            bQueued.countDown();
            assertArrayEquals(aloneB, rb.result.get(30, TimeUnit.SECONDS).getFirst().canvas());
            assertArrayEquals(aloneA, ra.result.get(30, TimeUnit.SECONDS).getFirst().canvas());
            assertEquals(2, jb.maxBatch(), "b ran in a's batch");
            assertEquals(2, scheduler.stats().completedRequests());
            assertEquals(0, store.stats().workingBytes(), "working caches given back");
        }
    }

    @Test
    void aCancelLeavesTheBatchWithinOneForward() throws Exception {
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, false, 16, 8)) {
            Recorder r = new Recorder(5);
            Scheduler.Job job = scheduler.submit(List.of(CanvasRequest.infill(tokens(5, 10), 300, tokens(6, 3))),
                    oneTokenPerStep(), 1, r);
            assertTrue(r.steps.await(30, TimeUnit.SECONDS));
            scheduler.cancel(job, "test");
            assertThrows(java.util.concurrent.CancellationException.class, () -> r.result.get(30, TimeUnit.SECONDS));
            Scheduler.Stats s = scheduler.stats();
            assertEquals(1, s.cancelledRequests());
            assertTrue(s.maxForwardsAfterCancel() <= 1, "forwards after cancel " + s.maxForwardsAfterCancel());
            assertTrue(job.steps() < 300);
            long forwards = s.forwards();
            Thread.sleep(100);
            assertEquals(forwards, scheduler.stats().forwards(), "nothing runs after the cancel");
            assertEquals(0, store.stats().workingBytes());
        }
    }

    @Test
    void aCancelWhileAnotherRequestRunsCountsOnlyTheCancelledRequestsForwards() throws Exception {
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, false, 16, 8)) {
            Recorder ra = new Recorder(5);
            Recorder rb = new Recorder(5);
            Scheduler.Job a = scheduler.submit(List.of(CanvasRequest.infill(tokens(14, 10), 300, tokens(6, 3))),
                    oneTokenPerStep(), 1, ra);
            Scheduler.Job b = scheduler.submit(List.of(CanvasRequest.infill(tokens(15, 10), 300, tokens(6, 3))),
                    oneTokenPerStep(), 1, rb);
            assertTrue(ra.steps.await(30, TimeUnit.SECONDS));
            assertTrue(rb.steps.await(30, TimeUnit.SECONDS));
            scheduler.cancel(a, "test");
            assertThrows(java.util.concurrent.CancellationException.class, () -> ra.result.get(30, TimeUnit.SECONDS));
            // b goes on running in the forward that drops a: that forward is not one of a's.
            assertTrue(scheduler.stats().maxForwardsAfterCancel() <= 1,
                    "forwards after cancel " + scheduler.stats().maxForwardsAfterCancel());
            assertTrue(a.steps() < 300);
            scheduler.cancel(b, "test");
            assertThrows(java.util.concurrent.CancellationException.class, () -> rb.result.get(30, TimeUnit.SECONDS));
            assertTrue(scheduler.stats().maxForwardsAfterCancel() <= 1);
            assertEquals(0, store.stats().workingBytes());
        }
    }

    @Test
    void aFullQueueIsRefusedWithTheWayOut() throws Exception {
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, false, 1, 1)) {
            Recorder running = new Recorder(1);
            Scheduler.Job a = scheduler.submit(List.of(CanvasRequest.infill(tokens(7, 10), 200, tokens(8, 3))),
                    oneTokenPerStep(), 1, running);
            assertTrue(running.steps.await(30, TimeUnit.SECONDS));
            Recorder waiting = new Recorder(0);
            Scheduler.Job b = scheduler.submit(List.of(CanvasRequest.infill(tokens(9, 10), 4, tokens(8, 3))),
                    defaults, 0, waiting);
            Scheduler.QueueFullException e = assertThrows(Scheduler.QueueFullException.class, () -> scheduler.submit(
                    List.of(CanvasRequest.infill(tokens(9, 10), 4, tokens(8, 3))), defaults, 0, new Recorder(0)));
            assertTrue(e.getMessage().contains("--max-queue 1"), e.getMessage());
            scheduler.cancel(a, "test");
            assertEquals(1, waiting.result.get(30, TimeUnit.SECONDS).size());
            assertEquals(1, scheduler.stats().rejectedRequests());
            assertEquals(1, b.maxBatch());
        }
    }

    @Test
    void requestsSentBackToBackFillFreeBatchSlotsBeforeTheQueueCounts() throws Exception {
        // --max-batch 2 --max-queue 1, nothing running: whether or not the loop has woken between the
        // submits, a and b take the two batch slots, c is the one request waiting, and only d is refused.
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, false, 2, 1)) {
            Recorder ra = new Recorder(0);
            Recorder rb = new Recorder(0);
            Recorder rc = new Recorder(0);
            Scheduler.Job a = scheduler.submit(List.of(CanvasRequest.infill(tokens(7, 10), 200, tokens(8, 3))),
                    oneTokenPerStep(), 0, ra);
            Scheduler.Job b = scheduler.submit(List.of(CanvasRequest.infill(tokens(9, 10), 200, tokens(8, 3))),
                    oneTokenPerStep(), 0, rb);
            Scheduler.Job c = scheduler.submit(List.of(CanvasRequest.infill(tokens(9, 10), 4, tokens(8, 3))),
                    defaults, 0, rc);
            Scheduler.QueueFullException e = assertThrows(Scheduler.QueueFullException.class, () -> scheduler.submit(
                    List.of(CanvasRequest.infill(tokens(9, 10), 4, tokens(8, 3))), defaults, 0, new Recorder(0)));
            assertTrue(e.getMessage().contains("has 1 requests waiting"), e.getMessage());
            scheduler.cancel(a, "test");
            scheduler.cancel(b, "test");
            assertEquals(1, rc.result.get(30, TimeUnit.SECONDS).size());
            assertEquals(1, scheduler.stats().rejectedRequests());
            assertTrue(c.maxBatch() >= 1);
        }
    }

    @Test
    void aBatchWaitHoldsTheFirstForwardForRequestsArrivingWithinIt() throws Exception {
        // --batch-wait-ms 1000: a arrives alone, b 100 ms later; nothing may have run before b, and the two
        // then start in the same forward.
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, false, 16, 8, 1000)) {
            Recorder ra = new Recorder(0);
            Recorder rb = new Recorder(0);
            Scheduler.Job a = scheduler.submit(List.of(CanvasRequest.infill(tokens(7, 10), 8, tokens(8, 3))),
                    oneTokenPerStep(), 0, ra);
            Thread.sleep(100);
            assertEquals(0, scheduler.stats().forwards(), "the first forward waits for requests arriving with a");
            Scheduler.Job b = scheduler.submit(List.of(CanvasRequest.infill(tokens(9, 10), 8, tokens(8, 3))),
                    oneTokenPerStep(), 0, rb);
            ra.result.get(30, TimeUnit.SECONDS);
            rb.result.get(30, TimeUnit.SECONDS);
            assertEquals(2, a.maxBatch());
            assertEquals(2, b.maxBatch());
            // Lockstep from the first forward: the same 8 one-token steps for both, so 8 forwards in all
            // (b joining a step later would have made it 9).
            assertEquals(8, scheduler.stats().forwards());
        }
    }

    @Test
    void theContextCacheServesASharedPrefixToLaterRequests() throws Exception {
        int[] context = tokens(11, 40);
        try (KvStore store = new KvStore(1 << 24, true); Scheduler scheduler = scheduler(store, true, 16, 8)) {
            Recorder first = new Recorder(0);
            Scheduler.Job j1 = scheduler.submit(List.of(CanvasRequest.infill(context, 16, tokens(12, 4))), defaults,
                    0, first);
            first.result.get(30, TimeUnit.SECONDS);
            assertEquals(0, j1.contextReused().getFirst(), "a cold store");
            int[] longer = java.util.Arrays.copyOf(context, 45);
            longer[40] = 7;
            Recorder second = new Recorder(0);
            Scheduler.Job j2 = scheduler.submit(List.of(CanvasRequest.infill(longer, 16, tokens(13, 4))), defaults,
                    0, second);
            second.result.get(30, TimeUnit.SECONDS);
            // 39 positions may be frozen (the last context token's output predicts the hole): chunks of 8 -> 32.
            assertEquals(32, j2.contextReused().getFirst());
            assertTrue(store.stats().hits() >= 4);
            assertTrue(store.stats().liveBytes() > 0, "chunks stay resident");
        }
    }
}
