package dev.quicksilver.decode;

import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A canvas {@code [text][MASK x n][text]...} denoised block by block.
 *
 * <p><b>Blocks.</b> Each hole is cut into blocks of {@code blockLength} positions, decoded left to right
 * (semi-autoregressive decoding, LLaDA §2.4 and Fast-dLLM). Only the current block of each hole may be
 * committed at a step; the holes of one canvas advance in parallel, each through its own blocks.
 *
 * <p><b>Refresh and cached steps</b> (Fast-dLLM's prefix and dual caches). A canvas's first forward, and
 * the first one after any hole moves to a new block or finishes, is a full forward over the canvas that
 * also stores every position's keys/values. The steps in between recompute only a window and read the
 * rest from that store: with {@link CacheMode#PREFIX} from the first current block to the end of the
 * canvas, with {@link CacheMode#DUAL} from the first to the last current block. For shifted-logits models
 * the window also takes the position just before the first block, whose output predicts the block's first
 * token, so that prediction sees the block as it is now. With {@link CacheMode#NONE} every step is a full
 * forward. A refresh is a decoding step too: its logits commit tokens like any other.
 *
 * <p><b>Early stop.</b> Once a hole has a committed EOS and every position before it is committed, the
 * hole is done: its remaining masked positions become pad and are never decoded. The canvas is done when
 * every hole is. A one-line hole ({@link CanvasRequest.Hole#lineEnds()}) stops earlier: as soon as an EOS or
 * a line end is committed anywhere in it, the masked positions after it become pad (the answer ends there
 * whatever they would hold) and its block shrinks to end there, so an answer of a few tokens costs about as
 * many steps as it has tokens, over a window no wider than it, instead of decoding the whole budget.
 */
final class DiffusionCanvas implements OneRequestWork {

    /** One hole's progress through its blocks. Positions are canvas positions. */
    private static final class Hole {
        final int start;
        final int end;
        final LineEnds lineEnds; // null: the hole may span lines
        int blockStart;
        int blockEnd;
        int stepInBlock;
        int maskedAtBlockStart;
        boolean done;
        boolean endedByEos;

        Hole(int start, int end, LineEnds lineEnds) {
            this.start = start;
            this.end = end;
            this.lineEnds = lineEnds;
        }
    }

    private final SpecialTokens special;
    private final CacheMode cacheMode;
    private final CommitRule rule;
    private final Strategy.Confidence confidenceKind;
    private final TokenSampler sampler;
    private final RandomGenerator rng;
    private final int blockLength;
    private final boolean stopAtEos;

    private final int[] tokens;
    private final boolean[] masked; // still to be decoded
    private final List<Hole> holes = new ArrayList<>();
    private final LanguageModel model;
    private final boolean cached;
    private KvCache cache; // allocated at the first forward, on the session's thread; none with CacheMode.NONE

    private final ContextCache contextCache; // null: the context is recomputed at every block start
    private final int frozenLimit;           // positions that may be frozen: everything before the first logit
    private int frozen;                      // leading positions never recomputed after the first refresh
    private int reused;                      // of those, how many came from the store
    private boolean firstRefreshDone;
    private boolean pendingRefresh;

    private boolean refreshDue = true;
    private boolean cancelled;
    private int[] pendingTargets; // positions whose logits the last nextForward() asked for
    private int pendingRows;      // positions that forward recomputes
    private boolean closed;

    private int forwards;
    private int tokensCommitted;
    private long rowsComputed;

    DiffusionCanvas(CanvasRequest request, LanguageModel model, SpecialTokens special, DecodeOptions options,
                    TokenSampler sampler, RandomGenerator rng) {
        this(request, model, special, options, sampler, rng, null);
    }

    DiffusionCanvas(CanvasRequest request, LanguageModel model, SpecialTokens special, DecodeOptions options,
                    TokenSampler sampler, RandomGenerator rng, ContextCache contextCache) {
        this.special = special;
        this.cacheMode = options.cache();
        this.rule = options.commitRule();
        this.confidenceKind = options.strategy().confidence();
        this.sampler = sampler;
        this.rng = rng;
        this.blockLength = options.blockLength();
        this.stopAtEos = options.stopAtEos();

        if (special.mask() < 0) {
            throw new IllegalArgumentException("this model's config names no mask_token_id, so it cannot run "
                    + "diffusion decoding; use --mode ar");
        }
        int length = request.length();
        tokens = new int[length];
        masked = new boolean[length];
        int at = 0;
        for (CanvasRequest.Segment segment : request.segments()) {
            switch (segment) {
                case CanvasRequest.Text text -> System.arraycopy(text.tokens(), 0, tokens, at, text.length());
                case CanvasRequest.Hole hole -> {
                    Arrays.fill(tokens, at, at + hole.budget(), special.mask());
                    Arrays.fill(masked, at, at + hole.budget(), true);
                    Hole h = new Hole(at, at + hole.budget(), hole.lineEnds());
                    enterBlock(h, h.start);
                    holes.add(h);
                }
                case CanvasRequest.Choice choice -> throw new IllegalArgumentException("a choice is scored, not denoised (ChoiceCanvas)");
            }
            at += segment.length();
        }
        if (special.logitsShifted() && masked[0]) {
            throw new IllegalArgumentException("this model reads each token's logits from the position before "
                    + "it, so a canvas cannot start with a hole: give a prefix (or a BOS token) first");
        }
        this.model = model;
        this.cached = cacheMode != CacheMode.NONE;
        // Without a cache there is nothing to freeze into; with one, everything before the first position
        // whose logits are read may be frozen.
        this.contextCache = cached ? contextCache : null;
        int firstHole = holes.getFirst().start;
        this.frozenLimit = Math.max(0, special.logitsShifted() ? firstHole - 1 : firstHole);
    }

    /** Leading positions whose keys/values came from the cross-request store. */
    @Override
    public int contextReused() {
        return reused;
    }

    @Override
    public ForwardRequest nextForward() {
        List<Integer> targets = new ArrayList<>();
        int firstBlockStart = Integer.MAX_VALUE;
        int lastBlockEnd = 0;
        for (Hole h : holes) {
            if (h.done) {
                continue;
            }
            for (int p = h.blockStart; p < h.blockEnd; p++) {
                if (masked[p]) {
                    targets.add(p);
                }
            }
            firstBlockStart = Math.min(firstBlockStart, h.blockStart);
            lastBlockEnd = Math.max(lastBlockEnd, h.blockEnd);
        }
        pendingTargets = targets.stream().mapToInt(Integer::intValue).toArray();
        int[] logitPositions = new int[pendingTargets.length];
        for (int i = 0; i < logitPositions.length; i++) {
            logitPositions[i] = special.logitSource(pendingTargets[i]);
        }

        ForwardRequest request;
        if (cacheMode == CacheMode.NONE) {
            request = new ForwardRequest(tokens, 0, tokens.length, null, false, logitPositions);
        } else if (refreshDue) {
            int start = 0;
            if (contextCache != null) {
                if (!firstRefreshDone) {
                    frozen = contextCache.frozenLength(frozenLimit);
                    reused = frozen > 0 ? contextCache.prefill(tokens, frozen, cache()) : 0;
                    start = reused;
                } else {
                    start = frozen;
                }
            }
            request = new ForwardRequest(tokens, start, tokens.length, cache(), true, logitPositions);
        } else {
            int windowStart = special.logitSource(firstBlockStart);
            int windowEnd = cacheMode == CacheMode.PREFIX ? tokens.length : lastBlockEnd;
            request = new ForwardRequest(tokens, windowStart, windowEnd, cache(), false, logitPositions);
        }
        pendingRows = request.windowLength();
        pendingRefresh = request.storeInCache();
        return request;
    }

    @Override
    public boolean greedyPicksSuffice() {
        return sampler.picksRawArgmax(special.vocabSize())
                && (confidenceKind == Strategy.Confidence.PROBABILITY || confidenceKind == Strategy.Confidence.RANDOM);
    }

    @Override
    public int accept(StepScores scores) {
        forwards++;
        rowsComputed += pendingRows;
        refreshDue = false;
        if (pendingRefresh && !firstRefreshDone) {
            firstRefreshDone = true;
            if (contextCache != null && frozen > reused) {
                contextCache.publish(tokens, reused, frozen, cache);
            }
        }
        int vocab = special.vocabSize();
        int row = 0;
        int committed = 0;
        for (Hole h : holes) {
            if (h.done) {
                continue;
            }
            // The pending targets of this hole are its masked positions in [blockStart, blockEnd), in order.
            int count = 0;
            for (int p = h.blockStart; p < h.blockEnd; p++) {
                if (masked[p]) {
                    count++;
                }
            }
            int[] positions = new int[count];
            Candidate[] candidates = new Candidate[count];
            double[] confidence = new double[count];
            for (int i = 0; i < count; i++) {
                positions[i] = pendingTargets[row];
                candidates[i] = scores.candidate(row, sampler, rng);
                confidence[i] = switch (confidenceKind) {
                    case PROBABILITY -> candidates[i].probability();
                    case MARGIN -> candidates[i].margin();
                    case NEGATIVE_ENTROPY -> candidates[i].negativeEntropy();
                    case RANDOM -> rng.nextDouble();
                };
                row++;
            }
            boolean[] chosen = new boolean[count];
            int runEos = -1;
            for (int i : rule.choose(confidence, h.stepInBlock, h.maskedAtBlockStart, rng)) {
                chosen[i] = true;
            }
            if (h.lineEnds != null && h.blockEnd == h.end) {
                // The model's own length estimate: where its first choice is the end (pad or EOS) at every
                // masked position from some point to the end of the hole, commit that whole run at once. One at
                // a time, the confidence rule takes the hole's tail right to left, a step per position, before
                // it reaches the few tokens of an actual line. The run's first position is written as EOS: the
                // model learned holes as text, EOS, then pads, so a pad there (the likelier of the two "end"
                // tokens at most positions) would leave EOS nowhere to go but the hole's first position, and
                // the answer empty.
                int runStart = count;
                while (runStart > 0 && isEnd(candidates[runStart - 1].token())) {
                    runStart--;
                }
                for (int i = runStart; i < count; i++) {
                    chosen[i] = true;
                }
                int before = runStart < count ? positions[runStart] - 1 : -1;
                boolean endsBefore = before >= h.start && !masked[before] && isEnd(tokens[before]);
                if (runStart < count && !endsBefore && special.eosIds().length > 0) {
                    runEos = runStart;
                }
            }
            for (int i = 0; i < count; i++) {
                if (!chosen[i]) {
                    continue;
                }
                tokens[positions[i]] = i == runEos ? special.eosIds()[0] : candidates[i].token();
                masked[positions[i]] = false;
                committed++;
            }
            h.stepInBlock++;
            if (h.lineEnds != null) {
                cutAtFirstEnd(h);
            }
            checkEndOfSequence(h);
            if (!h.done && !hasMasked(h.blockStart, h.blockEnd)) {
                enterBlock(h, h.blockEnd);
                refreshDue = true; // the next block starts with a full forward
            }
            if (h.done) {
                refreshDue = true; // its final tokens would otherwise stay stale in the cache
            }
        }
        tokensCommitted += committed;
        if (done()) {
            close();
        }
        return committed;
    }

    /** Moves a hole's current block to start at {@code from} (skipping blocks with nothing masked). */
    private void enterBlock(Hole h, int from) {
        int start = from;
        while (start < h.end && !hasMasked(start, Math.min(start + blockLength, h.end))) {
            start += blockLength;
        }
        if (start >= h.end) {
            h.done = true;
            return;
        }
        h.blockStart = start;
        h.blockEnd = Math.min(start + blockLength, h.end);
        h.stepInBlock = 0;
        h.maskedAtBlockStart = countMasked(h.blockStart, h.blockEnd);
    }

    private boolean isEnd(int token) {
        return token == special.pad() || special.isEos(token);
    }

    /** One-line holes: pads the masked positions after the first committed end (pad, EOS, line end) and ends the block there. */
    private void cutAtFirstEnd(Hole h) {
        for (int p = h.start; p < h.end; p++) {
            if (masked[p] || !(isEnd(tokens[p]) || h.lineEnds.endsLine(tokens[p], p - h.start))) {
                continue;
            }
            for (int q = p + 1; q < h.end; q++) {
                if (masked[q]) {
                    tokens[q] = special.pad();
                    masked[q] = false;
                }
            }
            if (p + 1 < h.blockEnd && p + 1 > h.blockStart) {
                h.blockEnd = p + 1;
            }
            return;
        }
    }

    /** Early stop: a committed EOS with everything before it committed ends the hole; the rest is pad. */
    private void checkEndOfSequence(Hole h) {
        for (int p = h.start; p < h.end; p++) {
            if (masked[p]) {
                return; // an undecided position comes before any EOS
            }
            if (h.lineEnds != null && !special.isEos(tokens[p])
                    && (tokens[p] == special.pad() || h.lineEnds.endsLine(tokens[p], p - h.start))) {
                h.done = true; // the line (or the answer) ended; what follows is pad
                return;
            }
            if ((stopAtEos || h.lineEnds != null) && special.isEos(tokens[p])) {
                for (int q = p + 1; q < h.end; q++) {
                    if (masked[q]) {
                        tokens[q] = special.pad();
                        masked[q] = false;
                    }
                }
                h.done = true;
                h.endedByEos = true;
                return;
            }
        }
        h.done = true; // nothing masked left and no EOS: the whole budget was used
    }

    private boolean hasMasked(int from, int to) {
        for (int p = from; p < to; p++) {
            if (masked[p]) {
                return true;
            }
        }
        return false;
    }

    private int countMasked(int from, int to) {
        int n = 0;
        for (int p = from; p < to; p++) {
            if (masked[p]) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean done() {
        if (cancelled) {
            return true;
        }
        for (Hole h : holes) {
            if (!h.done) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void cancel() {
        cancelled = true;
        close();
    }

    @Override
    public int[] snapshot() {
        return tokens.clone();
    }

    @Override
    public CanvasResult result() {
        List<HoleResult> results = new ArrayList<>();
        for (Hole h : holes) {
            int[] raw = Arrays.copyOfRange(tokens, h.start, h.end);
            results.add(new HoleResult(completion(raw, special), raw, h.endedByEos));
        }
        return new CanvasResult(results, tokens.clone(), forwards, tokensCommitted, rowsComputed, cancelled);
    }

    /** The tokens before the first EOS, with pads (and never-decoded masks, after a cancel) removed. */
    static int[] completion(int[] raw, SpecialTokens special) {
        int[] out = new int[raw.length];
        int n = 0;
        for (int t : raw) {
            if (special.isEos(t)) {
                break;
            }
            if (t != special.pad() && t != special.mask()) {
                out[n++] = t;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private KvCache cache() {
        if (cache == null && cached && !closed) {
            cache = model.newCache(tokens.length);
        }
        return cache;
    }

    @Override
    public void close() {
        if (cache != null && !closed) {
            cache.close();
        }
        closed = true;
    }
}
