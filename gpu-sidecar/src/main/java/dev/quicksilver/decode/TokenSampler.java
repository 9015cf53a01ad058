package dev.quicksilver.decode;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Turns one position's logits into a {@link Candidate}: the proposed token and how sure the model is.
 *
 * <p>The end penalty ({@link SamplingOptions#endPenalty()}) comes first: it is subtracted from the end
 * tokens' logits, as a logit bias would be, so every later step (and the confidence) sees the biased row.
 *
 * <p>Follows Dream's {@code sample_tokens} (DreamLM/Dream, {@code generation_utils.py}): divide by the
 * temperature, keep the top-p nucleus (the first token past the mass is kept too), keep the top-k, softmax
 * over what is left; greedy takes the argmax, otherwise one categorical draw. The confidence is the
 * probability of the proposed token, the top-1/top-2 margin, or the negative entropy, all over the
 * filtered distribution.
 *
 * <p>One deliberate difference: the mask token is never proposed (its logit is treated as -inf). An
 * untrained or small model can rank [MASK] first, and committing it would leave a hole that looks filled.
 * The PyTorch reference sampler in the tests does the same.
 *
 * <p>Greedy decoding without top-p/top-k (the default, and every diffusion step's case) takes a vectorized
 * path in float ({@link #pickGreedy}): the same token, and probabilities within float rounding of the
 * general path's doubles; it matters because a step scores every masked position over the whole
 * vocabulary, which in doubles with {@code Math.exp} cost about a fifth of a CPU step.
 *
 * <p>Not thread-safe: it keeps a scratch buffer of vocabulary size. One per decoding session.
 */
public final class TokenSampler {

    private final SamplingOptions options;
    private final int excludedToken;
    private final int[] endTokens; // the end penalty applies to these; empty when it is 0
    private double[] scratch = new double[0];
    private long[] order = new long[0];

    /** @param excludedToken a token never proposed (the mask id), or -1 for none */
    public TokenSampler(SamplingOptions options, int excludedToken) {
        this(options, excludedToken, new int[0]);
    }

    /**
     * @param excludedToken a token never proposed (the mask id), or -1 for none
     * @param endTokens     the tokens that end an answer (EOS ids, pad), which the end penalty lowers
     */
    public TokenSampler(SamplingOptions options, int excludedToken, int[] endTokens) {
        this.options = options;
        this.excludedToken = excludedToken;
        this.endTokens = options.endPenalty() == 0 ? new int[0]
                : Arrays.stream(endTokens).filter(t -> t >= 0).distinct().toArray();
    }

    public SamplingOptions options() {
        return options;
    }

    /** Whether {@link #pick} takes the argmax (temperature 0 and no filter that could change it). */
    public boolean picksGreedily(int vocab) {
        return options.greedy() && options.topP() >= 1 && (options.topK() <= 0 || options.topK() >= vocab);
    }

    /** Whether the argmax of the raw logits is this sampler's pick: greedy, and no end penalty to apply. */
    public boolean picksRawArgmax(int vocab) {
        return picksGreedily(vocab) && endTokens.length == 0;
    }

    /** Lowers the end tokens in a copy of one position's logits by {@code penalty}. */
    private void penalizeEnds(float[] z, int vocab, float penalty) {
        for (int t : endTokens) {
            if (t < vocab) {
                z[t] -= penalty;
            }
        }
    }

    /**
     * @param logits flattened logits; this position's row is {@code logits[offset, offset + vocab)}
     * @param rng    used only when sampling (temperature > 0)
     */
    public Candidate pick(float[] logits, int offset, int vocab, RandomGenerator rng) {
        if (picksGreedily(vocab)) {
            return pickGreedy(logits, offset, vocab);
        }
        return pickGeneral(logits, offset, vocab, rng);
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private float[] row = new float[0];

    /**
     * The greedy candidate in three vector passes over a float copy of the row: the maximum, the second
     * value (the maximum with the argmax's slot lowered), then the softmax statistics. The mask token is
     * lowered to -Float.MAX_VALUE rather than -inf so that its e^(z-m) (z-m) term is 0, not NaN.
     */
    Candidate pickGreedy(float[] logits, int offset, int vocab) {
        if (row.length < vocab) {
            row = new float[vocab];
        }
        float[] z = row;
        System.arraycopy(logits, offset, z, 0, vocab);
        penalizeEnds(z, vocab, (float) options.endPenalty());
        if (excludedToken >= 0 && excludedToken < vocab) {
            z[excludedToken] = -Float.MAX_VALUE;
        }
        float max = maxOf(z, vocab);
        if (!Float.isFinite(max) || max == -Float.MAX_VALUE) {
            throw new IllegalStateException("every token was filtered out or had a non-finite logit");
        }
        int best = 0;
        while (z[best] != max) {
            best++; // the first occurrence: ties go to the lowest id, as in the general path
        }
        z[best] = -Float.MAX_VALUE;
        float second = maxOf(z, vocab);
        z[best] = max;

        int upper = F.loopBound(vocab);
        FloatVector sums = FloatVector.zero(F);
        FloatVector weighted = FloatVector.zero(F);
        for (int v = 0; v < upper; v += F.length()) {
            FloatVector d = FloatVector.fromArray(F, z, v).sub(max);
            FloatVector e = d.lanewise(VectorOperators.EXP);
            sums = sums.add(e);
            weighted = e.fma(d, weighted);
        }
        double sum = sums.reduceLanes(VectorOperators.ADD);
        double weightedSum = weighted.reduceLanes(VectorOperators.ADD);
        for (int v = upper; v < vocab; v++) {
            double d = (double) z[v] - max;
            double e = Math.exp(d);
            sum += e;
            weightedSum += e * d;
        }
        double topProbability = 1.0 / sum;
        double secondProbability = second == -Float.MAX_VALUE ? 0 : Math.exp((double) second - max) / sum;
        double negativeEntropy = weightedSum / sum - Math.log(sum);
        return new Candidate(best, topProbability, topProbability - secondProbability, negativeEntropy);
    }

    private static float maxOf(float[] z, int n) {
        int upper = F.loopBound(n);
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int v = 0; v < upper; v += F.length()) {
            m = m.max(FloatVector.fromArray(F, z, v));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (int v = upper; v < n; v++) {
            max = Math.max(max, z[v]);
        }
        return max;
    }

    /** Every option: temperature, top-p, top-k, a draw; in doubles (see the class comment). */
    Candidate pickGeneral(float[] logits, int offset, int vocab, RandomGenerator rng) {
        if (scratch.length < vocab) {
            scratch = new double[vocab];
        }
        double[] z = scratch; // working logits: scaled, filtered (-inf = dropped)
        double invTemperature = options.greedy() ? 1.0 : 1.0 / options.temperature();
        for (int v = 0; v < vocab; v++) {
            z[v] = logits[offset + v] * invTemperature;
        }
        for (int t : endTokens) {
            if (t < vocab) {
                z[t] -= options.endPenalty() * invTemperature; // (logit - penalty) / temperature
            }
        }
        if (excludedToken >= 0 && excludedToken < vocab) {
            z[excludedToken] = Double.NEGATIVE_INFINITY;
        }
        if (options.topP() < 1) {
            keepNucleus(z, vocab, options.topP());
        }
        if (options.topK() > 0 && options.topK() < vocab) {
            keepTopK(z, vocab, options.topK());
        }

        // Softmax statistics in one pass after the max: Z = sum e^(z-m), S = sum e^(z-m) (z-m).
        int best = -1;
        double max = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            double x = z[v];
            if (x > max) {
                second = max;
                max = x;
                best = v;
            } else if (x > second) {
                second = x;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("every token was filtered out or had a non-finite logit");
        }
        double sum = 0;
        double weighted = 0;
        for (int v = 0; v < vocab; v++) {
            double d = z[v] - max;
            if (d > Double.NEGATIVE_INFINITY) {
                double e = Math.exp(d);
                sum += e;
                weighted += e * d;
            }
        }
        double logSum = Math.log(sum);
        double topProbability = 1.0 / sum;
        double secondProbability = second == Double.NEGATIVE_INFINITY ? 0 : Math.exp(second - max) / sum;
        double negativeEntropy = weighted / sum - logSum; // sum p log p, with log p = (z - m) - log Z

        int token = best;
        double probability = topProbability;
        if (!options.greedy()) {
            token = draw(z, vocab, max, sum, rng);
            probability = Math.exp(z[token] - max) / sum;
        }
        return new Candidate(token, probability, topProbability - secondProbability, negativeEntropy);
    }

    /** Inverse-CDF draw from softmax(z); the last token with mass absorbs rounding. */
    private static int draw(double[] z, int vocab, double max, double sum, RandomGenerator rng) {
        double target = rng.nextDouble() * sum;
        double acc = 0;
        int last = -1;
        for (int v = 0; v < vocab; v++) {
            double d = z[v] - max;
            if (d > Double.NEGATIVE_INFINITY) {
                acc += Math.exp(d);
                last = v;
                if (acc > target) {
                    return v;
                }
            }
        }
        return last;
    }

    /**
     * Dream's {@code top_p_logits}: sort descending, drop every token whose preceding cumulative mass
     * already exceeds p (so the token that crosses p is kept, and the top token always is).
     */
    private void keepNucleus(double[] z, int vocab, double topP) {
        int n = sortDescending(z, vocab);
        double max = z[(int) order[0]];
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.exp(z[(int) order[i]] - max);
        }
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            int v = (int) order[i];
            if (cumulative / total > topP) {
                z[v] = Double.NEGATIVE_INFINITY;
            } else {
                cumulative += Math.exp(z[v] - max);
            }
        }
    }

    /** Dream's {@code top_k_logits}: drop every token strictly below the k-th largest value (ties stay). */
    private void keepTopK(double[] z, int vocab, int k) {
        int n = sortDescending(z, vocab);
        if (k >= n) {
            return;
        }
        double kth = z[(int) order[k - 1]];
        for (int v = 0; v < vocab; v++) {
            if (z[v] < kth) {
                z[v] = Double.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Fills {@link #order}'s low 32 bits with the indices of the finite entries, largest value first
     * (equal values: lower index first). Returns how many there are.
     */
    private int sortDescending(double[] z, int vocab) {
        if (order.length < vocab) {
            order = new long[vocab];
        }
        int n = 0;
        for (int v = 0; v < vocab; v++) {
            if (z[v] > Double.NEGATIVE_INFINITY) {
                // Key: descending float value in the high half, ascending index in the low half.
                int bits = Float.floatToIntBits((float) z[v]);
                int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // order-preserving int for floats
                long key = ((long) ~ascending << 32) | (v & 0xffffffffL);
                order[n++] = key;
            }
        }
        Arrays.sort(order, 0, n);
        for (int i = 0; i < n; i++) {
            order[i] = order[i] & 0xffffffffL;
        }
        return n;
    }
}
