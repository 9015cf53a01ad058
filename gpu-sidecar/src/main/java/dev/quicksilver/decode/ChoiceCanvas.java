package dev.quicksilver.decode;

import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A canvas whose hole is chosen among candidates rather than written ({@link CanvasRequest.Choice}): where the
 * caller knows what may go there (the variables in scope of a parameter's type, say) and wants the model's
 * preference among them, not its invention.
 *
 * <p><b>Score.</b> The hole is masked to the longest candidate's length plus one. A candidate is read as the hole
 * filled with its tokens and then EOS, and scored by the chain rule, left to right: the log-probability of its
 * first token with the whole hole masked, plus that of its second with the first revealed and the rest masked,
 * and so on through its EOS. Revealing matters: with every position masked at once the model's guesses for the
 * positions are independent, so a name of three tokens pays for each as if the others were unknown and loses to
 * any one-token candidate (the embedded model then preferred {@code sku} to {@code customerId} as a customer id);
 * revealed one by one, a name's later tokens cost next to nothing once its first is there. (This is the
 * any-order autoregressive reading of a masked diffusion model's likelihood, taken in the left-to-right order:
 * Shih et al. 2022, Ou et al. 2024 "Your absorbing discrete diffusion secretly models the conditional
 * distributions of clean data".)
 *
 * <p><b>Cost.</b> The first forward covers the canvas with the hole masked, stores its keys and values, and
 * gives every candidate its first token's score (the canvas is the same for all). Each later step reads the
 * cache and recomputes only the hole, once per candidate still being read, all in one batched forward: the
 * context's keys and values stay those of the all-masked hole (the approximation of Fast-dLLM's dual cache).
 * Steps: the longest candidate's length plus one. Greedy picks never suffice (it reads whole rows).
 */
final class ChoiceCanvas implements CanvasWork {
    private final LanguageModel model;
    private final SpecialTokens special;
    private final int[] tokens;
    private final int holeStart;
    private final int holeEnd;
    private final List<int[]> filled = new ArrayList<>(); // each candidate as the hole would hold it
    private final int[] ends;                             // where each candidate's EOS is, in the hole
    private final double[] scores;
    private int step;                                      // the hole position scored by the next forward
    private int[] reading = new int[0];                    // the candidates the last forward's requests were for
    private KvCache cache;
    private int chosen = -1;
    private boolean cancelled;
    private boolean closed;
    private int forwards;
    private long rowsComputed;

    ChoiceCanvas(CanvasRequest request, LanguageModel model, SpecialTokens special) {
        if (special.mask() < 0) {
            throw new IllegalArgumentException("this model's config names no mask_token_id, so it cannot score candidates");
        }
        int end = special.eosIds().length > 0 ? special.eosIds()[0] : special.pad();
        int pad = special.pad() >= 0 ? special.pad() : end;
        if (end < 0) {
            throw new IllegalArgumentException("this model names no EOS or pad token, so a candidate's end cannot be marked");
        }
        this.model = model;
        this.special = special;
        this.tokens = new int[request.length()];
        int at = 0;
        int start = -1;
        int length = 0;
        CanvasRequest.Choice choice = null;
        for (CanvasRequest.Segment segment : request.segments()) {
            switch (segment) {
                case CanvasRequest.Text text -> System.arraycopy(text.tokens(), 0, tokens, at, text.length());
                case CanvasRequest.Choice c -> {
                    choice = c;
                    start = at;
                    length = c.length();
                    Arrays.fill(tokens, at, at + length, special.mask());
                }
                case CanvasRequest.Hole hole -> throw new IllegalArgumentException("a choice canvas has no other hole");
            }
            at += segment.length();
        }
        if (choice == null) {
            throw new IllegalArgumentException("a choice canvas needs a choice");
        }
        if (special.logitsShifted() && start == 0) {
            throw new IllegalArgumentException("this model reads each token's logits from the position before it, so a "
                    + "canvas cannot start with a choice: give a prefix (or a BOS token) first");
        }
        this.holeStart = start;
        this.holeEnd = start + length;
        this.ends = new int[choice.candidates().size()];
        for (int c = 0; c < ends.length; c++) {
            int[] candidate = choice.candidates().get(c);
            int[] hole = new int[length];
            Arrays.fill(hole, pad);
            System.arraycopy(candidate, 0, hole, 0, candidate.length);
            hole[candidate.length] = end;
            filled.add(hole);
            ends[c] = candidate.length;
        }
        this.scores = new double[ends.length];
    }

    @Override
    public List<ForwardRequest> nextForwards() {
        int[] logitAt = {special.logitSource(holeStart + step)};
        if (step == 0) {
            // The hole all masked: the same canvas for every candidate, once, into the cache.
            reading = new int[] {-1};
            cache = model.newCache(tokens.length);
            return List.of(new ForwardRequest(tokens, 0, tokens.length, cache, true, logitAt));
        }
        List<ForwardRequest> requests = new ArrayList<>();
        List<Integer> candidates = new ArrayList<>();
        for (int c = 0; c < ends.length; c++) {
            if (step > ends[c]) continue; // read through its EOS already
            int[] canvas = tokens.clone();
            System.arraycopy(filled.get(c), 0, canvas, holeStart, step);
            // The hole is the window: from the logit source of its first position (the position before it, for
            // shifted models) to its end; the context around it comes from the cache.
            int windowStart = Math.min(holeStart, special.logitSource(holeStart));
            requests.add(new ForwardRequest(canvas, windowStart, holeEnd, cache, false, logitAt));
            candidates.add(c);
        }
        reading = candidates.stream().mapToInt(Integer::intValue).toArray();
        return requests;
    }

    @Override
    public int accept(List<StepScores> stepScores) {
        forwards++;
        for (int i = 0; i < stepScores.size(); i++) {
            if (!(stepScores.get(i) instanceof StepScores.Logits(float[] logits, int rowLength))) {
                throw new IllegalStateException("a choice canvas reads whole rows of logits, not greedy picks");
            }
            double logNormalizer = logSumExp(logits, 0, rowLength);
            if (reading[i] < 0) {
                rowsComputed += tokens.length;
                for (int c = 0; c < ends.length; c++) scores[c] += logits[filled.get(c)[0]] - logNormalizer;
            } else {
                rowsComputed += holeEnd - Math.min(holeStart, special.logitSource(holeStart));
                scores[reading[i]] += logits[filled.get(reading[i])[step]] - logNormalizer;
            }
        }
        step++;
        if (done()) {
            chosen = 0;
            for (int c = 1; c < scores.length; c++) if (scores[c] > scores[chosen]) chosen = c;
            System.arraycopy(filled.get(chosen), 0, tokens, holeStart, holeEnd - holeStart);
            close();
            return holeEnd - holeStart;
        }
        return 0;
    }

    private static double logSumExp(float[] logits, int from, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + count; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = from; i < from + count; i++) sum += Math.exp(logits[i] - max);
        return max + Math.log(sum);
    }

    @Override
    public boolean greedyPicksSuffice() {
        return false;
    }

    @Override
    public boolean done() {
        return cancelled || step > Arrays.stream(ends).max().orElse(0);
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
        int[] raw = Arrays.copyOfRange(tokens, holeStart, holeEnd);
        HoleResult hole = chosen < 0
                ? new HoleResult(new int[0], raw, false, -1, new double[0])
                : new HoleResult(DiffusionCanvas.completion(raw, special), raw, true, chosen, scores.clone());
        return new CanvasResult(List.of(hole), tokens.clone(), forwards, chosen < 0 ? 0 : holeEnd - holeStart, rowsComputed, cancelled);
    }

    @Override
    public void close() {
        if (cache != null && !closed) cache.close();
        closed = true;
    }
}
