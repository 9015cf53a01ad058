package dev.quicksilver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.protocol.v1.DecodeOptions;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.InfoRequest;
import dev.quicksilver.protocol.v1.InfoResponse;
import dev.quicksilver.protocol.v1.SidecarGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sidecar as a real child process (the real {@code serve} main in a child JVM, the real gRPC stack,
 * a real fixture model on the cpu backend), driven through the real client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SidecarProcessTest {

    static final Path MODEL = Path.of("../gpu-sidecar/src/test/resources/fixtures/dream-tied-bf16")
            .toAbsolutePath().normalize();
    static final String TOKEN = "test-token-" + ProcessHandle.current().pid();

    static SidecarClient shared;

    /** The test class path (surefire runs tests from a manifest-only jar, so java.class.path is not it). */
    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static SpawnOptions.Builder options(String... args) {
        return SpawnOptions.builder().classpath(classpath(), SpawnOptions.MAIN_CLASS)
                .quicksilverHome(Path.of("..")).jvmArgs("-Xmx256m")
                .sidecarArgs("--model=" + MODEL, "--kv-cache-mb=16")
                .sidecarArgs(args)
                .startTimeout(Duration.ofSeconds(60));
    }

    @BeforeAll
    static void start() {
        shared = SidecarClient.spawn(options("--max-batch=2", "--max-queue=1").token(TOKEN).build());
        shared.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (shared != null) {
            shared.close();
        }
    }

    /** One token per step (a step-scheduled sampler, one step per position), EOS ignored: long and predictable. */
    static DenoiseRequestSpec longRequest(int tokens) {
        return DenoiseRequestSpec.infill("public class A {", tokens, "}")
                .withOptions(DecodeOptions.newBuilder().setSampler("low_confidence").setBlockLength(16)
                        .setStepsPerBlock(16).setCache("dual").setIgnoreEos(true).build());
    }

    static InfoResponse info(SidecarClient c) throws Exception {
        return c.info().get(10, TimeUnit.SECONDS);
    }

    static InfoResponse awaitIdle(SidecarClient c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            InfoResponse info = info(c);
            if (info.getScheduler().getActiveRequests() == 0 && info.getScheduler().getQueuedRequests() == 0) {
                return info;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the sidecar did not go idle");
    }

    @Test
    void aCompletionComesBackWithItsStats() throws Exception {
        DenoiseResult r = shared.denoise(DenoiseRequestSpec.infill("int x = ", 8, ";")
                .withDeadline(Duration.ofSeconds(30))).get(30, TimeUnit.SECONDS);
        assertEquals(1, r.canvases().size());
        assertTrue(r.stats().getSteps() >= 1);
        assertTrue(r.canvases().get(0).getSpans(0).getTokens() <= 8);
        InfoResponse info = info(shared);
        assertEquals("cpu", info.getBackend());
        assertTrue(info.getScheduler().getCompletedRequests() >= 1);
    }

    @Test
    void twoClientsShareOneBatch() throws Exception {
        try (SidecarClient second = SidecarClient.connect(shared.address(), TOKEN)) {
            second.awaitReady(Duration.ofSeconds(10));
            CountDownLatch started = new CountDownLatch(1);
            // a is as long as the model allows (480 steps) so that b, 40 steps, joins and finishes inside it
            // even when this thread is slow to send b on a loaded machine.
            CompletableFuture<DenoiseResult> a = shared.denoise(longRequest(480).withProgressEvery(1),
                    p -> started.countDown());
            assertTrue(started.await(30, TimeUnit.SECONDS));
            CompletableFuture<DenoiseResult> b = second.denoise(longRequest(40));
            DenoiseResult rb = b.get(60, TimeUnit.SECONDS);
            DenoiseResult ra = a.get(60, TimeUnit.SECONDS);
            assertEquals(480, ra.canvases().get(0).getSpans(0).getTokens());
            assertEquals(40, rb.canvases().get(0).getSpans(0).getTokens());
            // b ran entirely inside a's run: every one of its forwards carried both canvases.
            assertEquals(2, rb.stats().getMaxBatch());
            assertEquals(2, ra.stats().getMaxBatch());
        }
    }

    @Test
    void cancellingTheFutureStopsTheRequestWithinOneForward() throws Exception {
        InfoResponse before = awaitIdle(shared);
        CountDownLatch fiveSteps = new CountDownLatch(5);
        CompletableFuture<DenoiseResult> f = shared.denoise(longRequest(400).withProgressEvery(1),
                p -> fiveSteps.countDown());
        assertTrue(fiveSteps.await(30, TimeUnit.SECONDS));
        assertTrue(f.cancel(true));
        InfoResponse after = awaitIdle(shared);
        assertEquals(before.getScheduler().getCancelledRequests() + 1, after.getScheduler().getCancelledRequests());
        assertTrue(after.getScheduler().getMaxForwardsAfterCancel() <= 1,
                "forwards after the cancel: " + after.getScheduler().getMaxForwardsAfterCancel());
        // It really stopped: 400 steps were asked for, far fewer ran, and nothing runs now.
        long ran = after.getScheduler().getForwards() - before.getScheduler().getForwards();
        assertTrue(ran < 400, "forwards run: " + ran);
        Thread.sleep(200);
        assertEquals(after.getScheduler().getForwards(), info(shared).getScheduler().getForwards());
        assertThrows(CancellationException.class, f::join);
    }

    @Test
    void aPassedDeadlineEndsTheRequestOnBothSides() throws Exception {
        InfoResponse before = awaitIdle(shared);
        CompletableFuture<DenoiseResult> f = shared.denoise(slowRequest(480).withDeadline(Duration.ofMillis(300)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        SidecarException s = assertInstanceOf(SidecarException.class, e.getCause());
        assertEquals(SidecarException.Kind.DEADLINE_EXCEEDED, s.kind());
        InfoResponse after = awaitIdle(shared);
        assertEquals(before.getScheduler().getCancelledRequests() + 1, after.getScheduler().getCancelledRequests());
        assertTrue(after.getScheduler().getMaxForwardsAfterCancel() <= 1);
    }

    @Test
    void aBadRequestGetsOneSentenceAndTheSidecarGoesOn() throws Exception {
        DenoiseRequestSpec bad = DenoiseRequestSpec.infill("x", 0, "");
        ExecutionException e = assertThrows(ExecutionException.class, () -> shared.denoise(bad).get(30, TimeUnit.SECONDS));
        SidecarException s = assertInstanceOf(SidecarException.class, e.getCause());
        assertEquals(SidecarException.Kind.INVALID_REQUEST, s.kind());
        assertTrue(s.getMessage().contains("canvases[0].spans[0].max_tokens"), s.getMessage());
        DenoiseRequestSpec badOption = DenoiseRequestSpec.infill("x", 4, "")
                .withOptions(DecodeOptions.newBuilder().setThreshold(2).build());
        e = assertThrows(ExecutionException.class, () -> shared.denoise(badOption).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("options.threshold"), e.getCause().getMessage());
        DenoiseRequestSpec tooLong = DenoiseRequestSpec.infill("x ".repeat(600), 8, "");
        e = assertThrows(ExecutionException.class, () -> shared.denoise(tooLong).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("at most 512"), e.getCause().getMessage());
        assertNotNull(shared.denoise(DenoiseRequestSpec.infill("x", 4, "")).get(30, TimeUnit.SECONDS).text());
    }

    /** A span with candidates comes back as one of them, with every candidate's score; misuse gets one sentence. */
    @Test
    void aSpanWithCandidatesIsChosenAmongThem() throws Exception {
        List<String> candidates = List.of("count", "\"none\"", "total + count");
        var canvas = dev.quicksilver.protocol.v1.Canvas.newBuilder().setPrefix("int count = 0;\nint total = 1;\nint sum = ")
                .setSuffix(";\n").addSpans(dev.quicksilver.protocol.v1.Span.newBuilder().addAllCandidates(candidates));
        DenoiseResult r = shared.denoise(DenoiseRequestSpec.of(DenoiseRequest.newBuilder().addCanvases(canvas).build(),
                Duration.ofSeconds(30))).get(30, TimeUnit.SECONDS);
        var span = r.canvases().get(0).getSpans(0);
        assertEquals(3, span.getCandidateScoresCount());
        assertEquals(candidates.get(span.getChosenCandidate()), span.getText());
        for (double score : span.getCandidateScoresList()) assertTrue(score < 0, "a sum of log-probabilities: " + score);
        double best = span.getCandidateScoresList().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(best, span.getCandidateScores(span.getChosenCandidate()));
        assertTrue(r.stats().getSteps() >= 2, "a forward per position of the longest candidate, and its EOS: " + r.stats().getSteps());

        var twoSpans = canvas.clone().addSpans(dev.quicksilver.protocol.v1.Span.newBuilder().setMaxTokens(4));
        ExecutionException e = assertThrows(ExecutionException.class, () -> shared.denoise(DenoiseRequestSpec.of(
                DenoiseRequest.newBuilder().addCanvases(twoSpans).build(), Duration.ofSeconds(30))).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("must be its canvas's only span"), e.getCause().getMessage());
    }

    /** end_penalty reaches the sampler: far below zero every answer ends at once, far above none ends early. */
    @Test
    void theEndPenaltyDecidesWhereAnswersEnd() throws Exception {
        DenoiseRequestSpec base = DenoiseRequestSpec.infill("public class A {", 8, "}");
        DenoiseResult ending = shared.denoise(base.withOptions(DecodeOptions.newBuilder().setEndPenalty(-1000).build()))
                .get(30, TimeUnit.SECONDS);
        assertEquals("", ending.text());
        DenoiseResult going = shared.denoise(base.withOptions(DecodeOptions.newBuilder().setEndPenalty(1000).build()))
                .get(30, TimeUnit.SECONDS);
        assertEquals(8, going.canvases().get(0).getSpans(0).getTokens(), going.text());
        DenoiseRequestSpec nan = base.withOptions(DecodeOptions.newBuilder().setEndPenalty(Double.NaN).build());
        ExecutionException e = assertThrows(ExecutionException.class, () -> shared.denoise(nan).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("end_penalty"), e.getCause().getMessage());
    }

    /**
     * The canvas of the bad-request test that is refused for its length (this model takes 512 positions),
     * asked with fit_to_model: the far text is cut, the completion comes back, and the stats say how much
     * was cut; a canvas that fits is not cut.
     */
    @Test
    void aCanvasTooLongForTheModelIsCutWhenTheRequestAsksToFit() throws Exception {
        DecodeOptions fit = DecodeOptions.newBuilder().setFitToModel(true).build();
        DenoiseResult r = shared.denoise(DenoiseRequestSpec.infill("x ".repeat(600), 8, "\n}".repeat(300))
                .withOptions(fit)).get(30, TimeUnit.SECONDS);
        assertTrue(r.stats().getTokensCut() > 600, "cut " + r.stats().getTokensCut());
        assertTrue(r.canvases().get(0).getSpans(0).getTokens() <= 8);
        DenoiseResult small = shared.denoise(DenoiseRequestSpec.infill("int x = ", 4, ";").withOptions(fit))
                .get(30, TimeUnit.SECONDS);
        assertEquals(0, small.stats().getTokensCut());
    }

    /** {@link #longRequest} with no cache: every step is a full forward, so it runs as long as a request can. */
    static DenoiseRequestSpec slowRequest(int tokens) {
        DenoiseRequestSpec r = longRequest(tokens);
        return r.withOptions(r.request().getOptions().toBuilder().setCache("none").build());
    }

    @Test
    void aFullQueueAnswersResourceExhausted() throws Exception {
        // --max-batch=2 --max-queue=1: two run, one waits, the fourth is refused. That needs a and b still
        // running while c and d arrive; on a loaded machine this thread can be slower than their ~500 full
        // forwards, which leaves nothing to queue behind. Then the scene is set up again (the refusal itself
        // is never retried).
        for (int attempt = 1; ; attempt++) {
            awaitIdle(shared);
            CountDownLatch aRunning = new CountDownLatch(1);
            CountDownLatch bRunning = new CountDownLatch(1);
            CompletableFuture<DenoiseResult> a = shared.denoise(slowRequest(480).withProgressEvery(1),
                    p -> aRunning.countDown());
            CompletableFuture<DenoiseResult> b = shared.denoise(slowRequest(480).withProgressEvery(1),
                    p -> bRunning.countDown());
            assertTrue(aRunning.await(30, TimeUnit.SECONDS), () -> "a: " + outcome(a));
            assertTrue(bRunning.await(30, TimeUnit.SECONDS), () -> "b: " + outcome(b));
            CompletableFuture<DenoiseResult> c = shared.denoise(longRequest(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (info(shared).getScheduler().getQueuedRequests() == 0 && !a.isDone() && !b.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            CompletableFuture<DenoiseResult> d = null;
            if (!a.isDone() && !b.isDone()) {
                assertEquals(1, info(shared).getScheduler().getQueuedRequests(), "c waits behind a and b");
                d = shared.denoise(longRequest(10));
                try {
                    d.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException expected) {
                    // checked below
                }
            }
            boolean sceneHeld = d != null && !a.isDone() && !b.isDone();
            a.cancel(true);
            b.cancel(true);
            assertEquals(10, c.get(60, TimeUnit.SECONDS).canvases().get(0).getSpans(0).getTokens());
            if (!sceneHeld && attempt < 3) {
                continue;
            }
            assertTrue(sceneHeld, "a and b finished before c and d arrived, three times");
            CompletableFuture<DenoiseResult> refused = d;
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
            SidecarException s = assertInstanceOf(SidecarException.class, e.getCause());
            assertEquals(SidecarException.Kind.BUSY, s.kind());
            assertTrue(s.getMessage().contains("--max-queue"), s.getMessage());
            return;
        }
    }

    /** A future's state, with the failure's message when it failed (for assertion messages). */
    static String outcome(CompletableFuture<?> f) {
        if (!f.isCompletedExceptionally()) {
            return f.toString();
        }
        try {
            f.join();
            return f.toString();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "failed: " + cause;
        }
    }

    @Test
    void aWrongTokenIsUnauthenticated() throws Exception {
        String address = shared.address();
        ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> SidecarGrpc
                    .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).info(InfoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            var it = SidecarGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .denoise(DenoiseRequest.getDefaultInstance());
            e = assertThrows(StatusRuntimeException.class, it::hasNext);
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        } finally {
            channel.shutdownNow();
        }
        List<SidecarState> states = new CopyOnWriteArrayList<>();
        try (SidecarClient wrong = SidecarClient.connect(address, "not-the-token", (s, r) -> states.add(s))) {
            SidecarException e = assertThrows(SidecarException.class, () -> wrong.awaitReady(Duration.ofSeconds(10)));
            assertEquals(SidecarException.Kind.UNAUTHENTICATED, e.kind());
            assertEquals(SidecarState.FAILED, wrong.state());
        }
    }

    @Test
    void killMinus9MidRequestFailsThatCallAndTheNextOneWorksAfterTheRestart() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (SidecarClient client = SidecarClient.spawn(
                options().backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build(),
                (s, r) -> events.add(s + ": " + r))) {
            client.awaitReady(Duration.ofSeconds(60));
            long pid = client.pid();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<DenoiseResult> pending = client.denoise(longRequest(500).withProgressEvery(1),
                    p -> started.countDown());
            assertTrue(started.await(30, TimeUnit.SECONDS));
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
            assertEquals(0, kill.waitFor());
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
            SidecarException s = assertInstanceOf(SidecarException.class, e.getCause());
            assertEquals(SidecarException.Kind.UNAVAILABLE, s.kind());
            assertTrue(s.getMessage().contains("died during this request (exit code 137)"), s.getMessage());

            DenoiseResult next = client.denoise(DenoiseRequestSpec.infill("int y = ", 6, ";")
                    .withDeadline(Duration.ofSeconds(60))).get(60, TimeUnit.SECONDS);
            assertNotNull(next.text());
            assertNotEquals(pid, client.pid());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertTrue(events.stream().anyMatch(ev -> ev.startsWith("RESTARTING: the sidecar exited with code 137")),
                    events.toString());
            assertEquals(SidecarState.READY, client.state());
        }
        assertTrue(events.getLast().startsWith("CLOSED"), events.toString());
    }
}
