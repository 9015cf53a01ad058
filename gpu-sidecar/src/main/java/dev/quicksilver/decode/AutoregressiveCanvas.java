package dev.quicksilver.decode;

import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.LanguageModel;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The autoregressive baseline on the same weights: causal attention, one token per forward, left to right,
 * until EOS or the budget.
 *
 * <p>With the KV cache each forward computes only the positions whose keys/values are not stored yet and
 * stores them (the first forward computes the whole prompt). Under causal attention a stored position never
 * changes, so the cache is exact. Without it every forward recomputes the canvas from position 0: the
 * oracle the cached path is tested against.
 *
 * <p>Shift rule. For shifted-logits models (Dream family) the next token p is read from the output at
 * p - 1, the last token written: ordinary next-token prediction. For LLaDA-style models the token at p is
 * read from the output at p itself, so p holds [MASK] while it is predicted; its stored keys/values are
 * those of the mask, which is why the next forward recomputes p with the committed token.
 *
 * <p>Only {@code [prompt][hole]} canvases: to fill in the middle, put the suffix into the prompt in FIM
 * order first ({@code FimFormat}).
 */
final class AutoregressiveCanvas implements OneRequestWork {

    private final SpecialTokens special;
    private final TokenSampler sampler;
    private final RandomGenerator rng;
    private final int[] tokens;
    private final int promptLength;
    private final boolean stopAtEos;
    private final LanguageModel model;
    private final boolean cached;
    private KvCache cache; // allocated at the first forward; never when recomputing everything each step

    private int next;     // the position predicted by the next forward
    private int storedUpTo; // positions [0, storedUpTo) hold their final keys/values in the cache
    private boolean endedByEos;
    private boolean cancelled;
    private boolean closed;
    private int pendingRows;
    private int forwards;
    private int tokensCommitted;
    private long rowsComputed;

    AutoregressiveCanvas(CanvasRequest request, LanguageModel model, SpecialTokens special, boolean useCache,
                         boolean stopAtEos, TokenSampler sampler, RandomGenerator rng) {
        this.special = special;
        this.stopAtEos = stopAtEos;
        this.sampler = sampler;
        this.rng = rng;
        List<CanvasRequest.Segment> segments = request.segments();
        if (segments.size() != 2 || !(segments.get(0) instanceof CanvasRequest.Text prompt)
                || !(segments.get(1) instanceof CanvasRequest.Hole hole)) {
            throw new IllegalArgumentException("autoregressive mode fills one hole after a prompt; for a suffix "
                    + "use FIM order (prefix and suffix in the prompt), for several holes use diffusion mode");
        }
        promptLength = prompt.length();
        if (special.logitsShifted() && promptLength == 0) {
            throw new IllegalArgumentException("this model reads each token's logits from the position before "
                    + "it, so autoregressive mode needs a prompt of at least one token (a BOS token will do)");
        }
        tokens = new int[promptLength + hole.budget()];
        System.arraycopy(prompt.tokens(), 0, tokens, 0, promptLength);
        Arrays.fill(tokens, promptLength, tokens.length, special.placeholder());
        next = promptLength;
        this.model = model;
        this.cached = useCache;
    }

    @Override
    public ForwardRequest nextForward() {
        int source = special.logitSource(next);
        if (cached && cache == null) {
            cache = model.newCache(tokens.length);
        }
        int windowStart = cached ? storedUpTo : 0;
        ForwardRequest request = new ForwardRequest(tokens, windowStart, source + 1, cache, cached,
                new int[] {source});
        pendingRows = request.windowLength();
        return request;
    }

    @Override
    public boolean greedyPicksSuffice() {
        return sampler.picksRawArgmax(special.vocabSize());
    }

    @Override
    public int accept(StepScores scores) {
        forwards++;
        rowsComputed += pendingRows;
        Candidate c = scores.candidate(0, sampler, rng);
        tokens[next] = c.token();
        // Positions before `next` were computed with their final tokens; `next` itself only for the
        // unshifted rule, and then as [MASK], so it is recomputed next time.
        storedUpTo = next;
        next++;
        tokensCommitted++;
        if (stopAtEos && special.isEos(c.token())) {
            endedByEos = true;
            Arrays.fill(tokens, next, tokens.length, special.pad());
        }
        if (done()) {
            close();
        }
        return 1;
    }

    @Override
    public boolean done() {
        return cancelled || endedByEos || next >= tokens.length;
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
        int[] raw = Arrays.copyOfRange(tokens, promptLength, tokens.length);
        HoleResult hole = new HoleResult(DiffusionCanvas.completion(raw, special), raw, endedByEos);
        return new CanvasResult(List.of(hole), tokens.clone(), forwards, tokensCommitted, rowsComputed, cancelled);
    }

    @Override
    public void close() {
        if (cache != null && !closed) {
            cache.close();
        }
        closed = true;
    }
}
