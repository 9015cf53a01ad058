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
     * Runs one forward pass over the windows of all requests together (their rows share each weight
     * read: that is what makes batching and multi-site edits cheap).
     *
     * @return per request, the logits at its {@code logitPositions}, flattened: {@code [i * vocab + v]}
     */
    float[][] forward(List<ForwardRequest> batch, AttentionKind attention);

    @Override
    default void close() {}
}
