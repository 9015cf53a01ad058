package dev.quicksilver.transformer;

import dev.quicksilver.model.ModelConfig;
import java.util.List;

/**
 * The seam between decoding and the forward pass. A decoder (diffusion or autoregressive) only ever
 * asks: "for each canvas in this batch, run positions [windowStart, windowEnd) and give me the output
 * logits at these positions". Everything about weights, backends and kernels stays behind it, so the
 * cuda backend of a later issue is another implementation of this interface.
 *
 * <p>Attention inside one call: a position p of request r attends to every position of its canvas
 * (bidirectional) or to positions 0..p (causal). Keys and values of positions inside the window are
 * computed in this call; those outside come from the request's {@link KvCache}, which must hold them.
 *
 * <p>Shift rule: the returned logits are the model's raw outputs at the asked positions. Whether the
 * token at position i is read from the output at i-1 (Dream, Qwen2 layout) or at i (LLaDA) is the
 * decoder's business, given by {@link ModelConfig#logitsShifted()}.
 */
public interface LanguageModel extends AutoCloseable {

    ModelConfig config();

    /** Name of the tensor backend doing the work ("reference", "cpu", "cuda"). */
    String backendName();

    /** A cache able to hold keys and values for {@code capacity} positions of one canvas. */
    KvCache newCache(int capacity);

    /**
     * The memory the KV/context store should keep this model's chunks in: where its caches copy to and
     * from fastest. Host memory unless the model lives on a device.
     */
    default KvMemory storeMemory() {
        return HostKvMemory.INSTANCE;
    }

    /**
     * Runs one forward pass over the windows of all requests together (their rows share each weight
     * read: that is what makes batching and multi-site edits cheap).
     *
     * @return per request, the logits at its {@code logitPositions}, flattened: {@code [i * vocab + v]}
     */
    float[][] forward(List<ForwardRequest> batch, AttentionKind attention);

    /**
     * Per request, the most likely token at each of its {@code logitPositions} and that token's probability
     * (the maximum of the softmax over the vocabulary; ties go to the lowest id).
     */
    record Greedy(int[] tokens, float[] confidence) {}

    /**
     * {@link #forward} reduced to {@link Greedy} picks. The mask token ({@link ModelConfig#maskTokenId()})
     * is never picked and counts as probability 0, as the decoder's sampler never proposes it. This default
     * computes them on the host from the logits; the cuda model does it on the device and returns only 8
     * bytes per position.
     */
    default Greedy[] forwardGreedy(List<ForwardRequest> batch, AttentionKind attention) {
        float[][] logits = forward(batch, attention);
        int vocab = config().vocabSize();
        int mask = config().maskTokenId();
        Greedy[] out = new Greedy[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int n = logits[i].length / vocab;
            int[] tokens = new int[n];
            float[] confidence = new float[n];
            for (int p = 0; p < n; p++) {
                int base = p * vocab;
                int best = -1;
                float max = Float.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    if (v != mask && (best < 0 || logits[i][base + v] > max)) {
                        max = logits[i][base + v];
                        best = v;
                    }
                }
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    sum += v == mask ? 0 : Math.exp(logits[i][base + v] - max);
                }
                tokens[p] = best;
                confidence[p] = (float) (1.0 / sum);
            }
            out[i] = new Greedy(tokens, confidence);
        }
        return out;
    }

    /**
     * Whether a greedy decoding step should ask {@link #forwardGreedy} instead of {@link #forward}: true
     * where picking on the model's side saves work (the cuda model: no row of logits to copy back and score
     * on the host); the host default here would only redo what the decoder's vectorized sampler does.
     */
    default boolean prefersGreedyPicks() {
        return false;
    }

    @Override
    default void close() {}
}
