package dev.quicksilver.tensor;

import java.util.List;

/**
 * The tensor operations a transformer forward needs, and nothing else. Activations are float32 arrays
 * in row-major order (a "row" is one canvas position); weights are {@link WeightTensor}s in their
 * checkpoint dtype and Hugging Face {@code [out, in]} layout, read in place from the mapped file.
 * Small per-channel vectors (norm weights, biases) are passed already widened to float.
 *
 * <p>Every implementation must agree with {@link ReferenceBackend} to float32 rounding; the tests
 * check each kernel on odd shapes. Implementations may use their own threads inside a call, and must
 * allow calls from several threads at once (forwards of different batches may overlap); each call
 * writes only its own output arrays.
 */
public interface Backend extends AutoCloseable {

    /** "reference", "cpu", later "cuda". */
    String name();

    /**
     * {@code out[r, o] = sum_i x[r, i] * w[o, i] + bias[o]} for {@code r < rows}: x is {@code [rows, w.cols()]},
     * out is {@code [rows, w.rows()]}, bias is null or {@code [w.rows()]}.
     */
    void matmul(float[] x, int rows, WeightTensor w, float[] bias, float[] out);

    /** RMSNorm in float32: {@code out[r, :] = x[r, :] * rsqrt(mean(x[r, :]^2) + eps) * weight}. */
    void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out);

    /**
     * Rotary position embedding in place, Hugging Face's rotate-half form: in each head, element j and
     * j + headDim/2 are rotated by the angle whose cosine and sine are {@code cos[r, j]} and {@code sin[r, j]}.
     * x is {@code [rows, heads * headDim]}; cos and sin are {@code [rows, headDim / 2]}.
     */
    void rope(float[] x, int rows, int heads, int headDim, float[] cos, float[] sin);

    /** SwiGLU's gating in place: {@code gate[i] = silu(gate[i]) * up[i]} for {@code i < n}. */
    void swiglu(float[] gate, float[] up, int n);

    /** Residual add in place: {@code x[i] += y[i]} for {@code i < n}. */
    void add(float[] x, float[] y, int n);

    /** Embedding gather: {@code out[r, :] = table[tokens[r], :]} widened to float. */
    void embed(WeightTensor table, int[] tokens, float[] out);

    /** Softmax in place over {@code x[offset, offset + length)}, max-subtracted. */
    void softmax(float[] x, int offset, int length);

    /**
     * Scaled dot-product attention of every canvas of a batch, each over its own keys: for each job, query
     * i is row {@code job.qRow0() + i} of q, at canvas position {@code job.firstPosition() + i}, RoPE already
     * applied, and its output goes to the same row of out. One call per layer for the whole batch, so an
     * implementation can spread the canvases' work over its threads together.
     *
     * @param q      queries {@code [*, shape.qDim()]}
     * @param out    receives the attention output at the same rows as q
     * @param causal query at position p attends keys {@code 0..p}; otherwise all of its job's keys
     */
    void attention(float[] q, float[] out, List<AttentionJob> jobs, AttentionShape shape, boolean causal);

    /** Releases threads or device memory the backend owns. */
    @Override
    default void close() {}
}
