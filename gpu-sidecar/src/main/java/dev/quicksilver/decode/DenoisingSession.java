package dev.quicksilver.decode;

import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.IntStream;

/**
 * The decoding loop, one step at a time, over a batch of canvases that changes as it runs.
 *
 * <p><b>Design.</b> A step is: every unfinished canvas says which window of its tokens it needs computed
 * and at which positions it wants logits ({@link CanvasWork#nextForwards()}: one request, or one per candidate
 * of a {@link ChoiceCanvas}); all of those go to the model as
 * one batched forward (each weight is read once for every canvas in the batch); then every canvas commits
 * tokens from its logits ({@link CanvasWork#accept(StepScores)}), or from the model's own greedy picks
 * when every canvas of the step decodes greedily by probability and the model prefers picking on its side
 * ({@link LanguageModel#prefersGreedyPicks()}: the cuda model). Everything particular to a canvas (its
 * blocks, cache refreshes, early stop, random generator) lives in the canvas, so canvases at different
 * points of their decoding share a forward: a canvas that joins starts with its own full forward while
 * the others carry on with cached steps.
 *
 * <p><b>Threads.</b> One thread drives {@link #step()} (the scheduler's). {@link #submit} and
 * {@link #cancel} may be called from any thread: new canvases join, and cancellations land, at the start of
 * the next step, so a cancelled request stops within one step. Bad requests are rejected by {@code submit}
 * itself, in the caller's thread. After the forward, the canvases of a batch commit in parallel (a
 * parallel stream over the common pool, the stepping thread taking part): scoring every masked position
 * over the vocabulary is per canvas and would otherwise leave the other cores idle between forwards. That
 * is safe because a canvas touches only its own state, its own {@link TokenSampler} and random generator,
 * and the thread-safe store; the step waits for all of them before it looks at the results.
 *
 * <p>A session decodes in one {@link DecodeMode}: the attention kind is per forward call, so diffusion and
 * autoregressive canvases never share a batch.
 */
public final class DenoisingSession implements AutoCloseable {

    private static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private final LanguageModel model;
    private final DecodeOptions options;
    private final SpecialTokens special;
    private final AttentionKind attention;

    private final AtomicLong nextId = new AtomicLong();
    private final Queue<CanvasHandle> joining = new ConcurrentLinkedQueue<>();
    private final Set<CanvasHandle> cancelRequests = ConcurrentHashMap.newKeySet();
    private final List<CanvasHandle> active = new ArrayList<>();

    private int forwards;
    private long tokensCommitted;
    private long rowsComputed;
    private double forwardMs;
    private double totalMs;

    public DenoisingSession(LanguageModel model, DecodeOptions options) {
        this.model = model;
        this.options = options;
        this.special = SpecialTokens.of(model.config());
        this.attention = options.mode() == DecodeMode.DIFFUSION ? AttentionKind.BIDIRECTIONAL : AttentionKind.CAUSAL;
    }

    public DecodeOptions options() {
        return options;
    }

    public SpecialTokens specialTokens() {
        return special;
    }

    /**
     * Adds a canvas; it joins the batch at the next step.
     *
     * @throws IllegalArgumentException when the canvas does not fit the model or the mode
     */
    public CanvasHandle submit(CanvasRequest request) {
        return submit(request, options, null);
    }

    /**
     * Adds a canvas decoded with its own options (threshold, block, cache, sampling, seed...), so requests
     * with different options still share each batched forward; only the mode must be the session's (the
     * attention kind is per forward). With a {@link ContextCache}, the canvas's leading context is frozen
     * and shared across requests (diffusion with a cache mode other than none; ignored otherwise).
     *
     * @throws IllegalArgumentException when the canvas does not fit the model or the mode
     */
    public CanvasHandle submit(CanvasRequest request, DecodeOptions canvasOptions, ContextCache contextCache) {
        if (canvasOptions.mode() != options.mode()) {
            throw new IllegalArgumentException("this session decodes in " + options.mode().cliName()
                    + " mode; a " + canvasOptions.mode().cliName() + " canvas needs a session of its own");
        }
        if (request.length() > special.maxPositions()) {
            throw new IllegalArgumentException("the canvas has " + request.length() + " positions but the model "
                    + "takes at most " + special.maxPositions() + "; shorten the context or the token budget");
        }
        long seed = request.seed() != null ? request.seed() : canvasOptions.seed();
        RandomGenerator rng = RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed);
        // One per canvas: see Threads.
        TokenSampler canvasSampler = new TokenSampler(canvasOptions.sampling(), special.mask(), special.endTokens());
        if (request.isChoice() && canvasOptions.mode() != DecodeMode.DIFFUSION) {
            throw new IllegalArgumentException("choosing among candidates reads the whole span at once, which needs "
                    + "mode diffusion (bidirectional attention); send it without mode ar");
        }
        CanvasWork work = request.isChoice() ? new ChoiceCanvas(request, model, special)
                : canvasOptions.mode() == DecodeMode.DIFFUSION
                ? new DiffusionCanvas(request, model, special, canvasOptions, canvasSampler, rng, contextCache)
                : new AutoregressiveCanvas(request, model, special, canvasOptions.cache() != CacheMode.NONE,
                        canvasOptions.stopAtEos(), canvasSampler, rng);
        CanvasHandle handle = new CanvasHandle(nextId.getAndIncrement(), work);
        joining.add(handle);
        return handle;
    }

    /** Stops a canvas at the start of the next step; its result keeps what was committed. */
    public void cancel(CanvasHandle handle) {
        cancelRequests.add(handle);
    }

    /** Whether a step would do anything. */
    public boolean hasWork() {
        return !active.isEmpty() || !joining.isEmpty();
    }

    /** Runs one batched forward over every unfinished canvas and commits tokens in each. */
    public StepReport step() {
        long start = System.nanoTime();
        List<CanvasHandle> finished = new ArrayList<>();
        for (CanvasHandle h; (h = joining.poll()) != null; ) {
            active.add(h);
        }
        for (Iterator<CanvasHandle> it = active.iterator(); it.hasNext(); ) {
            CanvasHandle h = it.next();
            if (cancelRequests.remove(h)) {
                h.work().cancel();
                h.finish();
                finished.add(h);
                it.remove();
            }
        }
        if (active.isEmpty()) {
            return finished.isEmpty() ? StepReport.IDLE : new StepReport(0, 0, 0, 0, finished);
        }

        // Canvas i's requests are batch[first[i], first[i + 1]).
        List<ForwardRequest> batch = new ArrayList<>(active.size());
        int[] first = new int[active.size() + 1];
        int rows = 0;
        for (int i = 0; i < active.size(); i++) {
            first[i] = batch.size();
            for (ForwardRequest r : active.get(i).work().nextForwards()) {
                rows += r.windowLength();
                batch.add(r);
            }
        }
        first[active.size()] = batch.size();
        long forwardStart = System.nanoTime();
        StepScores[] scores = new StepScores[batch.size()];
        if (model.prefersGreedyPicks() && active.stream().allMatch(h -> h.work().greedyPicksSuffice())) {
            LanguageModel.Greedy[] picks = model.forwardGreedy(batch, attention);
            for (int i = 0; i < scores.length; i++) {
                scores[i] = new StepScores.Picks(picks[i]);
            }
        } else {
            float[][] logits = model.forward(batch, attention);
            for (int i = 0; i < scores.length; i++) {
                scores[i] = new StepScores.Logits(logits[i], model.config().vocabSize());
            }
        }
        double stepForwardMs = (System.nanoTime() - forwardStart) / 1e6;

        int[] committedBy = new int[active.size()];
        IntStream canvases = IntStream.range(0, active.size());
        (active.size() == 1 ? canvases : canvases.parallel()).forEach(i -> committedBy[i] =
                active.get(i).work().accept(Arrays.asList(scores).subList(first[i], first[i + 1])));
        int committed = Arrays.stream(committedBy).sum();
        int batchSize = active.size();
        for (Iterator<CanvasHandle> it = active.iterator(); it.hasNext(); ) {
            CanvasHandle h = it.next();
            if (h.work().done()) {
                h.finish();
                finished.add(h);
                it.remove();
            }
        }

        forwards++;
        tokensCommitted += committed;
        rowsComputed += rows;
        forwardMs += stepForwardMs;
        totalMs += (System.nanoTime() - start) / 1e6;
        return new StepReport(batchSize, rows, committed, stepForwardMs, List.copyOf(finished));
    }

    /** Steps until every submitted canvas is finished. */
    public void runToCompletion() {
        while (hasWork()) {
            step();
        }
    }

    public DecodeStats stats() {
        String cache = options.mode() == DecodeMode.AUTOREGRESSIVE
                ? (options.cache() == CacheMode.NONE ? "none" : "kv")
                : options.cache().cliName();
        return new DecodeStats(forwards, tokensCommitted, rowsComputed, forwardMs, totalMs, options.mode().cliName(),
                cache, model.backendName());
    }

    /** Cancels whatever is left and frees its caches (the model stays open: the caller owns it). */
    @Override
    public void close() {
        for (CanvasHandle h; (h = joining.poll()) != null; ) {
            active.add(h);
        }
        for (CanvasHandle h : active) {
            h.work().cancel();
            h.finish();
        }
        active.clear();
    }
}
