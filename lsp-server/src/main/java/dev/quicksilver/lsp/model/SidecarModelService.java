package dev.quicksilver.lsp.model;

import dev.quicksilver.lsp.ResponseFutures;
import dev.quicksilver.client.DenoiseRequestSpec;
import dev.quicksilver.client.DenoiseResult;
import dev.quicksilver.client.SidecarClient;
import dev.quicksilver.client.Transport;
import dev.quicksilver.client.SidecarException;
import dev.quicksilver.client.SidecarState;
import dev.quicksilver.client.SpawnOptions;
import dev.quicksilver.client.StateListener;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.protocol.SidecarConventions;
import dev.quicksilver.protocol.v1.Canvas;
import dev.quicksilver.protocol.v1.ContextSegment;
import dev.quicksilver.protocol.v1.DecodeOptions;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.Span;
import dev.quicksilver.protocol.v1.SpanResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ModelService} over the sidecar client: spawns the gpu-sidecar jar locally (or connects to an address)
 * and sends each request as one gRPC Denoise call; a multi-site refactor is one call with one canvas per site,
 * so the sidecar batches them (several calls when the sites outnumber the sidecar's batch: {@link #fillSites}). Cancelling a returned future cancels the call (the client cancels the RPC and
 * the sidecar stops within one denoising step). Restarts with backoff are the client's; its state changes are
 * passed to {@code listener} (the server logs them and shows a failure once).
 *
 * <p>Progress. The sidecar streams intermediate canvases every few steps with the count of decided positions;
 * the share reported is that count over the masked budget.
 */
public final class SidecarModelService implements ModelService {
    private final SidecarClient client;
    private final ServerSettings settings;
    private final String where;
    private final AtomicLong ids = new AtomicLong();

    /** How long a shared sidecar waits after its last editor left: long enough for a quick editor restart. */
    static final int SHARED_IDLE_EXIT_SECONDS = 120;

    private SidecarModelService(SidecarClient client, ServerSettings settings, String where) {
        this.client = client;
        this.settings = settings;
        this.where = where;
    }

    /** Starts (or reaches) the sidecar the settings name; returns at once, requests wait until it is ready. */
    public static SidecarModelService start(ServerSettings s, StateListener listener) {
        if (s.sidecarAddress() != null) {
            Transport transport = Transport.parse(s.sidecarTls());
            return new SidecarModelService(SidecarClient.connect(s.sidecarAddress(), token(s), transport, listener), s,
                    "sidecar at " + s.sidecarAddress() + (transport.tls() ? " over TLS" : ""));
        }
        if (!Files.isRegularFile(s.sidecarJar())) {
            throw new IllegalArgumentException("the sidecar jar " + s.sidecarJar() + " does not exist; build it with ./quicksilver build");
        }
        if (!Files.isRegularFile(s.modelDir().resolve("config.json"))) {
            throw new IllegalArgumentException("model directory " + s.modelDir() + " has no config.json; set modelDir to a model folder");
        }
        List<String> args = new ArrayList<>(List.of("--model=" + s.modelDir(), "--backend=" + s.backend(), "--weights=" + s.weights()));
        if (s.threads() > 0) args.add("--threads=" + s.threads());
        SpawnOptions options = SpawnOptions.builder()
                .sidecarJar(s.sidecarJar())
                .quicksilverHome(ServerSettings.home())
                .sidecarArgs(args.toArray(String[]::new))
                .build();
        if (s.shareSidecar()) {
            return new SidecarModelService(SidecarClient.share(options, null, SHARED_IDLE_EXIT_SECONDS, listener), s,
                    "shared local sidecar (" + s.modelDir().getFileName() + ", backend " + s.backend() + ", " + s.weights() + " weights)");
        }
        return new SidecarModelService(SidecarClient.spawn(options, listener), s, "local sidecar (" + s.modelDir().getFileName()
                + ", backend " + s.backend() + ", " + s.weights() + " weights"
                + (s.threads() > 0 ? ", " + s.threads() + " cpu thread" + (s.threads() == 1 ? "" : "s") : "") + ")");
    }

    /** The token of a running sidecar: from {@code sidecarTokenFile}, else {@code $QUICKSILVER_SIDECAR_TOKEN}. */
    public static String token(ServerSettings s) {
        if (s.sidecarTokenFile() == null) {
            String token = System.getenv(SidecarConventions.TOKEN_ENV);
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("sidecarAddress is set but there is no token: set sidecarTokenFile to the sidecar's "
                        + "token file, or " + SidecarConventions.TOKEN_ENV + " in the server's environment");
            }
            return token.strip();
        }
        try {
            String token = Files.readString(s.sidecarTokenFile()).strip();
            if (token.isEmpty()) throw new IllegalArgumentException("sidecarTokenFile " + s.sidecarTokenFile() + " is empty; write the sidecar's token into it");
            return token;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("sidecarTokenFile " + s.sidecarTokenFile() + " cannot be read (" + e.getMessage()
                    + "); point it at the file the sidecar was started with (serve --token-file)");
        }
    }

    public SidecarClient client() {
        return client;
    }

    public SidecarState state() {
        return client.state();
    }

    @Override
    public CompletableFuture<Infill> complete(InfillRequest request, Duration deadline, Progress progress) {
        CompletableFuture<List<Infill>> sites = fillSites(List.of(request), deadline, progress);
        CompletableFuture<Infill> one = sites.thenApply(List::getFirst);
        // A derived future's cancellation does not reach its source: bridge it, or the RPC runs on.
        ResponseFutures.cancelWith(one, sites);
        return one;
    }

    /**
     * One call for one site; for several, calls of at most the sidecar's batch size ({@code max_batch_canvases} from
     * its Info), two in flight at a time, so a refactor with more sites than one batch holds neither fails nor fills
     * the sidecar's queue: while one chunk denoises the next waits its turn there. The deadline is for all of them;
     * progress counts the tokens of all of them; cancelling the returned future cancels whatever is in flight.
     */
    @Override
    public CompletableFuture<List<Infill>> fillSites(List<InfillRequest> sites, Duration deadline, Progress progress) {
        if (sites.size() <= 1) return oneCall(sites, deadline, progress);
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        CompletableFuture<List<Infill>> out = new CompletableFuture<>();
        CompletableFuture<Integer> batch = maxBatch();
        batch.whenComplete((max, e) -> {
            if (out.isDone()) return; // cancelled while asking
            new ChunkedFill(sites, max == null ? sites.size() : max, deadlineNanos, progress, out).start();
        });
        return out;
    }

    /** The sidecar's largest batch, once it is ready; if it cannot say, every site in one call (its error then says why). */
    private CompletableFuture<Integer> maxBatch() {
        CompletableFuture<Void> ready = client.state() == SidecarState.READY ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> client.awaitReady(Duration.ofMinutes(2)));
        return ready.thenCompose(v -> client.info()).thenApply(info -> info.getMaxBatchCanvases() > 0 ? info.getMaxBatchCanvases() : null)
                .exceptionally(e -> null);
    }

    /**
     * A refactor's sites in chunks of the sidecar's batch size. Concurrency: chunk calls complete on the client's
     * threads; {@link #sendNext} and the bookkeeping it shares with completions are synchronized on this object.
     */
    private final class ChunkedFill {
        private static final int IN_FLIGHT = 2;
        private final List<List<InfillRequest>> chunks = new ArrayList<>();
        private final List<List<Infill>> results = new ArrayList<>();
        private final int[] committed;
        private final int total;
        private final long deadlineNanos;
        private final Progress progress;
        private final CompletableFuture<List<Infill>> out;
        private final java.util.Set<CompletableFuture<List<Infill>>> inFlight = new java.util.HashSet<>();
        private int next;
        private int done;

        ChunkedFill(List<InfillRequest> sites, int size, long deadlineNanos, Progress progress, CompletableFuture<List<Infill>> out) {
            for (int i = 0; i < sites.size(); i += size) {
                chunks.add(sites.subList(i, Math.min(sites.size(), i + size)));
                results.add(null);
            }
            this.committed = new int[chunks.size()];
            this.total = sites.stream().mapToInt(InfillRequest::maxTokens).sum();
            this.deadlineNanos = deadlineNanos;
            this.progress = progress;
            this.out = out;
            out.whenComplete((r, e) -> {
                if (out.isCancelled()) cancelInFlight();
            });
        }

        void start() {
            for (int i = 0; i < IN_FLIGHT; i++) sendNext();
        }

        private synchronized void sendNext() {
            if (out.isDone() || next >= chunks.size()) return;
            int i = next++;
            // What is left of the deadline; past it, a call of 1 ms fails the usual way (DEADLINE_EXCEEDED).
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
            CompletableFuture<List<Infill>> call;
            try {
                call = oneCall(chunks.get(i), left, (c, t) -> report(i, c));
            } catch (RuntimeException e) {
                if (out.completeExceptionally(e)) cancelInFlight();
                return;
            }
            inFlight.add(call);
            call.whenComplete((r, e) -> finished(call, i, r, e));
        }

        private synchronized void report(int chunk, int tokens) {
            committed[chunk] = tokens;
            progress.update(Math.min(total, java.util.Arrays.stream(committed).sum()), total);
        }

        /** Outside the lock, {@code out} completes (its callers' stages run then) and the others are cancelled. */
        private void finished(CompletableFuture<List<Infill>> call, int i, List<Infill> fills, Throwable e) {
            List<Infill> all = null;
            synchronized (this) {
                inFlight.remove(call);
                if (e == null) {
                    results.set(i, fills);
                    if (++done == chunks.size()) all = results.stream().flatMap(List::stream).toList();
                }
            }
            if (e != null) {
                if (out.completeExceptionally(e)) cancelInFlight();
            } else if (all != null) {
                out.complete(all);
            } else {
                sendNext();
            }
        }

        private synchronized void cancelInFlight() {
            for (CompletableFuture<List<Infill>> call : List.copyOf(inFlight)) call.cancel(true);
        }
    }

    /** The sites as one Denoise call (one canvas each): the sidecar batches them. */
    private CompletableFuture<List<Infill>> oneCall(List<InfillRequest> sites, Duration deadline, Progress progress) {
        DenoiseRequest.Builder b = DenoiseRequest.newBuilder()
                .setOptions(options())
                .setProgressEverySteps(2)
                .setRequestId("lsp-" + ids.incrementAndGet());
        int budget = 0;
        for (InfillRequest r : sites) {
            Canvas.Builder c = Canvas.newBuilder().setPrefix(r.prefix()).setSuffix(r.suffix())
                    .addSpans(Span.newBuilder().setMaxTokens(r.maxTokens()).setSingleLine(r.singleLine()).addAllCandidates(r.candidates()));
            if (!r.context().isEmpty()) c.addContext(ContextSegment.newBuilder().setPath("context").setText(r.context()));
            b.addCanvases(c);
            budget += r.maxTokens();
        }
        int total = budget;
        DenoiseRequestSpec spec = DenoiseRequestSpec.of(b.build(), deadline);
        java.util.function.Consumer<dev.quicksilver.client.Progress> onProgress =
                p -> progress.update(Math.min(total, p.committedTokens()), total);
        // A request's deadline is for denoising, not for starting the sidecar: wait until it is ready first
        // (on a pool thread; the caller never blocks), then send.
        CompletableFuture<DenoiseResult> call = client.state() == SidecarState.READY ? client.denoise(spec, onProgress)
                : denoiseWhenReady(spec, onProgress);
        CompletableFuture<List<Infill>> out = call.thenApply(result -> {
            List<Infill> fills = new ArrayList<>();
            var stats = result.stats();
            Cost cost = new Cost(stats.getQueueMs(), stats.getDecodeMs(), stats.getSteps(), stats.getContextTokens(),
                    stats.getContextTokensReused(), stats.getTokensCut());
            for (var canvas : result.canvases()) {
                SpanResult span = canvas.getSpans(0);
                fills.add(span.getCandidateScoresCount() > 0
                        ? new Infill(span.getText(), span.getTokens(), span.getEndedByEos(), cost, span.getChosenCandidate())
                        : new Infill(span.getText(), span.getTokens(), span.getEndedByEos(), cost));
            }
            progress.update(total, total);
            return fills;
        });
        // The caller holds `out`; cancelling it must cancel the RPC.
        ResponseFutures.cancelWith(out, call);
        return out;
    }

    /**
     * The call once the sidecar is ready. Not {@code thenCompose}: cancelling a composed future leaves the inner
     * RPC running; here cancelling the returned future cancels the RPC, or keeps it from being sent.
     */
    private CompletableFuture<DenoiseResult> denoiseWhenReady(DenoiseRequestSpec spec, java.util.function.Consumer<dev.quicksilver.client.Progress> onProgress) {
        CompletableFuture<DenoiseResult> call = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> client.awaitReady(Duration.ofMinutes(2))).whenComplete((ready, notReady) -> {
            if (notReady != null) {
                call.completeExceptionally(notReady);
                return;
            }
            if (call.isDone()) return; // cancelled while the sidecar started
            CompletableFuture<DenoiseResult> rpc = client.denoise(spec, onProgress);
            ResponseFutures.cancelWith(call, rpc);
            rpc.whenComplete((result, failure) -> {
                if (failure != null) call.completeExceptionally(failure);
                else call.complete(result);
            });
        });
        return call;
    }

    private DecodeOptions options() {
        return DecodeOptions.newBuilder()
                .setSampler(settings.sampler())
                .setThreshold(settings.threshold())
                .setBlockLength(settings.blockLength())
                .setCache(settings.cache())
                .setFitToModel(true) // a model with fewer positions than the context budget gets less far context
                .build();
    }

    /** Whether a failure is the sidecar's (unavailable, internal) rather than this request's (cancelled, deadline). */
    public static boolean isSidecarProblem(Throwable t) {
        return t instanceof SidecarException e && (e.kind() == SidecarException.Kind.UNAVAILABLE || e.kind() == SidecarException.Kind.INTERNAL
                || e.kind() == SidecarException.Kind.UNAUTHENTICATED);
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        client.close();
    }
}
