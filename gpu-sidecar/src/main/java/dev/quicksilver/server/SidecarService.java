package dev.quicksilver.server;

import dev.quicksilver.cli.LoadedModel;
import dev.quicksilver.decode.CacheMode;
import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.CanvasResult;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.HoleResult;
import dev.quicksilver.decode.LineEnds;
import dev.quicksilver.decode.SamplingOptions;
import dev.quicksilver.decode.SpecialTokens;
import dev.quicksilver.decode.Strategy;
import dev.quicksilver.decode.TextFit;
import dev.quicksilver.protocol.v1.Canvas;
import dev.quicksilver.protocol.v1.CanvasText;
import dev.quicksilver.protocol.v1.ContextSegment;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.DenoiseResponse;
import dev.quicksilver.protocol.v1.InfoRequest;
import dev.quicksilver.protocol.v1.InfoResponse;
import dev.quicksilver.protocol.v1.Progress;
import dev.quicksilver.protocol.v1.RequestStats;
import dev.quicksilver.protocol.v1.Result;
import dev.quicksilver.protocol.v1.SidecarGrpc;
import dev.quicksilver.protocol.v1.Span;
import dev.quicksilver.protocol.v1.SpanResult;
import dev.quicksilver.store.KvStore;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of the sidecar: turns a {@link DenoiseRequest} into token canvases, hands them to the
 * {@link Scheduler}, and streams progress and the result back. Every bad request ends with
 * INVALID_ARGUMENT and one sentence naming the field and the way out; nothing a client sends can throw out
 * of here (unexpected failures become INTERNAL with the message, and the sidecar goes on).
 */
final class SidecarService extends SidecarGrpc.SidecarImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarService.class);

    private final LoadedModel loaded;
    private final String modelId;
    private final Scheduler scheduler;
    private final KvStore store;
    private final int chunkTokens;
    private final SpecialTokens special;
    private volatile LineEnds lineEnds; // built from the tokenizer on the first one-line span

    SidecarService(LoadedModel loaded, String modelId, Scheduler scheduler, KvStore store, int chunkTokens) {
        this.loaded = loaded;
        this.modelId = modelId;
        this.scheduler = scheduler;
        this.store = store;
        this.chunkTokens = chunkTokens;
        this.special = SpecialTokens.of(loaded.config());
    }

    /** A canvas in tokens, where its spans are, and how many tokens of its text were cut to fit the model. */
    private record Layout(CanvasRequest request, int[][] spans, int tokensCut) {}

    @Override
    public void denoise(DenoiseRequest request, StreamObserver<DenoiseResponse> observer) {
        ServerCallStreamObserver<DenoiseResponse> call = (ServerCallStreamObserver<DenoiseResponse>) observer;
        List<Layout> layouts;
        DecodeOptions options;
        try {
            options = resolve(request.getOptions());
            layouts = layouts(request, options.mode(),
                    request.getOptions().hasFitToModel() && request.getOptions().getFitToModel());
        } catch (IllegalArgumentException e) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.error("request {} could not be prepared", request.getRequestId(), e);
            observer.onError(Status.INTERNAL.withDescription("the sidecar failed to prepare the request: " + e)
                    .asRuntimeException());
            return;
        }
        AtomicBoolean closed = new AtomicBoolean();
        Scheduler.Listener listener = new Scheduler.Listener() {
            @Override
            public void progress(Scheduler.Job job, int step, List<int[]> canvases) {
                Progress.Builder p = Progress.newBuilder().setStep(step);
                int committed = 0;
                for (int i = 0; i < canvases.size(); i++) {
                    CanvasText.Builder t = CanvasText.newBuilder();
                    for (int[] span : layouts.get(i).spans()) {
                        t.addSpans(text(Arrays.copyOfRange(canvases.get(i), span[0], span[1])));
                        for (int q = span[0]; q < span[1]; q++) {
                            if (canvases.get(i)[q] != special.mask()) {
                                committed++;
                            }
                        }
                    }
                    p.addCanvases(t);
                }
                p.setCommittedTokens(committed);
                send(DenoiseResponse.newBuilder().setProgress(p).build(), false);
            }

            @Override
            public void finished(Scheduler.Job job, List<CanvasResult> results) {
                Result.Builder r = Result.newBuilder();
                long committed = 0;
                int reused = 0;
                int contextTokens = 0;
                int cut = 0;
                for (int i = 0; i < results.size(); i++) {
                    dev.quicksilver.protocol.v1.CanvasResult.Builder c =
                            dev.quicksilver.protocol.v1.CanvasResult.newBuilder();
                    for (HoleResult h : results.get(i).holes()) {
                        SpanResult.Builder span = SpanResult.newBuilder().setText(loaded.decode(h.tokens()))
                                .setTokens(h.tokens().length).setEndedByEos(h.endedByEos());
                        if (h.chosen() >= 0) {
                            // The candidate as sent (its tokens carry the spaces moved from the prefix).
                            span.setText(request.getCanvases(i).getSpans(0).getCandidates(h.chosen()));
                            span.setChosenCandidate(h.chosen());
                            for (double score : h.candidateScores()) span.addCandidateScores(score);
                        }
                        c.addSpans(span);
                    }
                    r.addCanvases(c);
                    committed += results.get(i).tokensCommitted();
                    reused += job.contextReused().get(i);
                    contextTokens += layouts.get(i).spans()[0][0];
                    cut += layouts.get(i).tokensCut();
                }
                r.setStats(RequestStats.newBuilder().setSteps(job.steps()).setTokensCommitted(committed)
                        .setContextTokensReused(reused).setContextTokens(contextTokens)
                        .setQueueMs(job.queueMs()).setDecodeMs(job.decodeMs()).setMaxBatch(job.maxBatch())
                        .setTokensCut(cut));
                send(DenoiseResponse.newBuilder().setResult(r).build(), true);
            }

            @Override
            public void cancelled(Scheduler.Job job, String reason) {
                error(Status.CANCELLED.withDescription(reason));
            }

            @Override
            public void shuttingDown(Scheduler.Job job, String reason) {
                error(Status.UNAVAILABLE.withDescription(reason));
            }

            @Override
            public void failed(Scheduler.Job job, RuntimeException error) {
                error(error instanceof IllegalArgumentException
                        ? Status.INVALID_ARGUMENT.withDescription(error.getMessage())
                        : Status.INTERNAL.withDescription("the denoising step failed: " + error));
            }

            private void send(DenoiseResponse response, boolean last) {
                if (closed.get() || call.isCancelled()) {
                    return;
                }
                call.onNext(response);
                if (last && closed.compareAndSet(false, true)) {
                    call.onCompleted();
                }
            }

            private void error(Status status) {
                if (closed.compareAndSet(false, true) && !call.isCancelled()) {
                    call.onError(status.asRuntimeException());
                }
            }
        };
        Scheduler.Job job;
        try {
            job = scheduler.submit(layouts.stream().map(Layout::request).toList(), options,
                    request.getProgressEverySteps(), listener);
        } catch (IllegalArgumentException e) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (Scheduler.QueueFullException e) {
            observer.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        // Client cancel, a passed deadline and a vanished client all cancel the call's context.
        Context context = Context.current();
        call.setOnCancelHandler(() -> scheduler.cancel(job, reason(context)));
        context.addListener(c -> scheduler.cancel(job, reason(c)), Runnable::run);
    }

    private static String reason(Context c) {
        Throwable cause = c.cancellationCause();
        if (c.getDeadline() != null && c.getDeadline().isExpired()) {
            return "the request passed its deadline";
        }
        return cause == null ? "the client cancelled the request" : "the call ended: " + cause.getMessage();
    }

    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
        observer.onNext(info());
        observer.onCompleted();
    }

    InfoResponse info() {
        KvStore.Stats s = store.stats();
        Scheduler.Stats q = scheduler.stats();
        return InfoResponse.newBuilder()
                .setModelId(modelId).setModelDir(loaded.dir().toString()).setBackend(loaded.model().backendName())
                .setWeights(loaded.weights().label())
                .setMaxPositions(special.maxPositions())
                .setMaxBatchCanvases(scheduler.config().maxBatchCanvases())
                .setMaxQueue(scheduler.config().maxQueue())
                .setVersion("0.1.0")
                .setPid(ProcessHandle.current().pid())
                .setCache(dev.quicksilver.protocol.v1.CacheStats.newBuilder()
                        .setContextCacheEnabled(scheduler.contextCacheEnabled()).setChunkTokens(chunkTokens)
                        .setBudgetBytes(s.budgetBytes()).setLiveBytes(s.liveBytes())
                        .setPeakLiveBytes(s.peakLiveBytes()).setEntries(s.entries()).setHits(s.hits())
                        .setMisses(s.misses()).setHitRate(s.hitRate()).setEvictions(s.evictions()))
                .setScheduler(dev.quicksilver.protocol.v1.SchedulerStats.newBuilder()
                        .setForwards(q.forwards()).setActiveRequests(q.activeRequests())
                        .setQueuedRequests(q.queuedRequests()).setCompletedRequests(q.completedRequests())
                        .setCancelledRequests(q.cancelledRequests())
                        .setMaxForwardsAfterCancel(q.maxForwardsAfterCancel())
                        .setRejectedRequests(q.rejectedRequests()))
                .build();
    }

    // ---------------------------------------------------------------- requests to canvases

    private List<Layout> layouts(DenoiseRequest request, DecodeMode mode, boolean fitToModel) {
        if (request.getCanvasesCount() == 0) {
            throw new IllegalArgumentException("canvases is empty; send at least one canvas with a span to fill");
        }
        List<Layout> layouts = new ArrayList<>();
        for (int i = 0; i < request.getCanvasesCount(); i++) {
            layouts.add(layout(request.getCanvases(i), "canvases[" + i + "]", mode, fitToModel));
        }
        return layouts;
    }

    private Layout layout(Canvas canvas, String name, DecodeMode mode, boolean fitToModel) {
        if (canvas.getSpansCount() == 0) {
            throw new IllegalArgumentException(name + ".spans is empty; add at least one span with max_tokens > 0");
        }
        int max = special.maxPositions();
        // The spaces that end the prefix go to the front of every candidate: the tokenizer writes " name" as one
        // token where "name" after a lone space would be split oddly (a boundary the model rarely saw).
        String prefix = canvas.getPrefix();
        String moved = "";
        if (canvas.getSpansList().stream().anyMatch(sp -> sp.getCandidatesCount() > 0)) {
            int cut = prefix.length();
            while (cut > 0 && (prefix.charAt(cut - 1) == ' ' || prefix.charAt(cut - 1) == '\t')) cut--;
            moved = prefix.substring(cut);
            prefix = prefix.substring(0, cut);
        }
        CanvasRequest.Choice choice = choice(canvas, name, mode, moved);
        for (int j = 0; j < canvas.getSpansCount(); j++) {
            int budget = canvas.getSpans(j).getMaxTokens();
            if (choice == null && (budget < 1 || budget > max)) {
                throw new IllegalArgumentException(name + ".spans[" + j + "].max_tokens is " + budget
                        + "; give a budget between 1 and " + max + " tokens");
            }
        }
        StringBuilder context = new StringBuilder();
        for (ContextSegment segment : canvas.getContextList()) {
            context.append("// ").append(segment.getPath()).append('\n').append(segment.getText());
            if (!segment.getText().endsWith("\n")) {
                context.append('\n');
            }
        }
        if (mode == DecodeMode.AUTOREGRESSIVE) {
            if (canvas.getSpansCount() != 1) {
                throw new IllegalArgumentException(name + " has " + canvas.getSpansCount() + " spans but mode ar "
                        + "fills one span per canvas; send one canvas per span, or use mode diffusion");
            }
            Span span = canvas.getSpans(0);
            CanvasRequest r = loaded.canvas(context + canvas.getPrefix(), span.getMaxTokens(),
                    span.getTextAfter() + canvas.getSuffix(), DecodeMode.AUTOREGRESSIVE);
            int end = r.length();
            return new Layout(r, new int[][] {{end - span.getMaxTokens(), end}}, 0);
        }
        // Context and prefix are tokenized apart, so the context's tokens (and chunks) do not depend on
        // what is typed after it: that is what lets the context cache hit across keystrokes.
        int[] lead = concat(context.isEmpty() ? new int[0] : loaded.encode(context.toString()),
                loaded.encode(prefix));
        int[][] afters = new int[canvas.getSpansCount()][];
        int fixed = 1; // a BOS, if the lead ends up empty
        for (int j = 0; j < canvas.getSpansCount(); j++) {
            afters[j] = canvas.getSpans(j).getTextAfter().isEmpty() ? new int[0]
                    : loaded.encode(canvas.getSpans(j).getTextAfter());
            fixed += (choice != null ? choice.length() : canvas.getSpans(j).getMaxTokens()) + afters[j].length;
        }
        int[] suffix = canvas.getSuffix().isEmpty() ? new int[0] : loaded.encode(canvas.getSuffix());
        int tokensCut = 0;
        if (fitToModel) {
            int room = max - fixed;
            if (lead.length + suffix.length > room && room < 2) {
                throw new IllegalArgumentException(name + "'s spans take " + (fixed - 1) + " of the model's " + max
                        + " positions, leaving no room for text around them; lower spans.max_tokens");
            }
            TextFit fit = TextFit.keepNearest(lead, suffix, room);
            lead = fit.lead();
            suffix = fit.suffix();
            tokensCut = fit.tokensCut();
        }
        if (lead.length == 0 && special.bos() >= 0) {
            lead = new int[] {special.bos()};
        }
        if (lead.length == 0 && special.logitsShifted()) {
            throw new IllegalArgumentException(name + " has no context and an empty prefix, and this model reads a "
                    + "span's first token from the position before it; give a prefix");
        }
        CanvasRequest.Builder b = CanvasRequest.builder().text(lead);
        int at = lead.length;
        int[][] spans = new int[canvas.getSpansCount()][];
        for (int j = 0; j < canvas.getSpansCount(); j++) {
            Span span = canvas.getSpans(j);
            int length = span.getMaxTokens();
            if (choice != null) {
                b.choice(choice);
                length = choice.length();
            } else if (span.getSingleLine()) {
                b.lineHole(span.getMaxTokens(), lineEnds());
            } else {
                b.hole(span.getMaxTokens());
            }
            spans[j] = new int[] {at, at + length};
            at += length;
            b.text(afters[j]);
            at += afters[j].length;
        }
        b.text(suffix);
        return new Layout(b.build(), spans, tokensCut);
    }

    /** The choice a canvas's span makes among its tokenized candidates, or null when it has none (the span is written). */
    private CanvasRequest.Choice choice(Canvas canvas, String name, DecodeMode mode, String lead) {
        boolean any = canvas.getSpansList().stream().anyMatch(s -> s.getCandidatesCount() > 0);
        if (!any) return null;
        if (canvas.getSpansCount() != 1) {
            throw new IllegalArgumentException(name + " has " + canvas.getSpansCount() + " spans and candidates; a span with "
                    + "candidates must be its canvas's only span: send the others as canvases of their own");
        }
        if (mode != DecodeMode.DIFFUSION) {
            throw new IllegalArgumentException(name + ".spans[0] has candidates, which are scored with the whole span masked "
                    + "at once: that needs mode diffusion");
        }
        Span span = canvas.getSpans(0);
        if (span.getCandidatesCount() > CanvasRequest.Choice.MAX_CANDIDATES) {
            throw new IllegalArgumentException(name + ".spans[0] has " + span.getCandidatesCount() + " candidates; send at most "
                    + CanvasRequest.Choice.MAX_CANDIDATES);
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < span.getCandidatesCount(); i++) {
            if (span.getCandidates(i).isEmpty()) {
                throw new IllegalArgumentException(name + ".spans[0].candidates[" + i + "] is empty; every candidate needs some text");
            }
            out.add(loaded.encode(lead + span.getCandidates(i)));
        }
        return new CanvasRequest.Choice(out);
    }

    /** The tokens that end a line, from each token's text (once; a few milliseconds for the vocabulary). */
    private LineEnds lineEnds() {
        LineEnds l = lineEnds;
        if (l == null) {
            l = LineEnds.of(special.vocabSize(), id -> loaded.decode(new int[] {id}));
            lineEnds = l;
        }
        return l;
    }

    private String text(int[] tokens) {
        int[] kept = Arrays.stream(tokens)
                .filter(t -> t != special.mask() && t != special.pad() && !special.isEos(t)).toArray();
        return loaded.decode(kept);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------- options

    /** The request's options over the model's defaults; each bad value is named. */
    DecodeOptions resolve(dev.quicksilver.protocol.v1.DecodeOptions o) {
        DecodeOptions d = loaded.defaults().options();
        DecodeMode mode = DecodeMode.DIFFUSION;
        if (o.hasMode()) {
            mode = switch (o.getMode().trim().toLowerCase(java.util.Locale.ROOT)) {
                case "diffusion", "" -> DecodeMode.DIFFUSION;
                case "ar", "autoregressive" -> DecodeMode.AUTOREGRESSIVE;
                default -> throw new IllegalArgumentException("options.mode '" + o.getMode()
                        + "' is unknown; use diffusion or ar");
            };
        }
        Strategy strategy = d.strategy();
        if (o.hasSampler()) {
            try {
                strategy = Strategy.parse(o.getSampler());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("options.sampler '" + o.getSampler() + "' is unknown; use one of "
                        + Strategy.names());
            }
        }
        CacheMode cache = d.cache();
        if (o.hasCache()) {
            try {
                cache = CacheMode.parse(o.getCache());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("options.cache '" + o.getCache() + "' is unknown; use none, prefix "
                        + "or dual");
            }
        }
        double threshold = o.hasThreshold() ? o.getThreshold() : d.threshold();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("options.threshold is " + threshold + "; give a value in [0, 1]");
        }
        double factor = o.hasFactor() ? o.getFactor() : d.factor();
        if (!(factor > 0)) {
            throw new IllegalArgumentException("options.factor is " + factor + "; give a value above 0");
        }
        int block = o.hasBlockLength() ? o.getBlockLength() : d.blockLength();
        if (block < 1 || block > special.maxPositions()) {
            throw new IllegalArgumentException("options.block_length is " + block + "; give 1 to "
                    + special.maxPositions());
        }
        int steps;
        if (o.hasStepsPerBlock()) {
            steps = o.getStepsPerBlock();
            if (steps < 1) {
                throw new IllegalArgumentException("options.steps_per_block is 0; give at least 1");
            }
        } else {
            steps = block == d.blockLength() ? d.stepsPerBlock()
                    : Math.max(1, (int) Math.round((double) d.stepsPerBlock() * block / d.blockLength()));
        }
        SamplingOptions s = d.sampling();
        SamplingOptions sampling;
        try {
            sampling = new SamplingOptions(o.hasTemperature() ? o.getTemperature() : s.temperature(),
                    o.hasTopP() ? o.getTopP() : s.topP(), o.hasTopK() ? o.getTopK() : s.topK(),
                    o.hasEndPenalty() ? o.getEndPenalty() : s.endPenalty());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("options.temperature/top_p/top_k/end_penalty: " + e.getMessage());
        }
        try {
            return new DecodeOptions(mode, strategy, threshold, factor, block, steps, cache, sampling,
                    o.hasSeed() ? o.getSeed() : d.seed(), !(o.hasIgnoreEos() && o.getIgnoreEos()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("options: " + e.getMessage());
        }
    }
}
