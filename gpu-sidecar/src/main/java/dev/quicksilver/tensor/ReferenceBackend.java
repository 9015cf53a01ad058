package dev.quicksilver.tensor;

import java.util.List;

/**
 * The oracle: every operation written as the plain loop of its definition, single-threaded, with no
 * attempt at speed. Other backends are tested against this one, so clarity wins every trade-off here.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void matmul(float[] x, int rows, WeightTensor w, float[] bias, float[] out) {
        int in = w.cols();
        int outDim = w.rows();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outDim; o++) {
                float sum = 0f;
                for (int i = 0; i < in; i++) {
                    sum += x[r * in + i] * w.getFloat((long) o * in + i);
                }
                out[r * outDim + o] = bias == null ? sum : sum + bias[o];
            }
        }
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
        for (int r = 0; r < rows; r++) {
            float sumOfSquares = 0f;
            for (int i = 0; i < dim; i++) {
                sumOfSquares += x[r * dim + i] * x[r * dim + i];
            }
            float inverseRms = (float) (1.0 / Math.sqrt(sumOfSquares / dim + eps));
            for (int i = 0; i < dim; i++) {
                out[r * dim + i] = x[r * dim + i] * inverseRms * weight[i];
            }
        }
    }

    @Override
    public void rope(float[] x, int rows, int heads, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
                int base = (r * heads + h) * headDim;
                for (int j = 0; j < half; j++) {
                    float c = cos[r * half + j];
                    float s = sin[r * half + j];
                    float first = x[base + j];
                    float second = x[base + j + half];
                    x[base + j] = first * c - second * s;
                    x[base + j + half] = second * c + first * s;
                }
            }
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            float silu = g / (1f + (float) Math.exp(-g));
            gate[i] = silu * up[i];
        }
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    @Override
    public void embed(WeightTensor table, int[] tokens, float[] out) {
        int dim = table.cols();
        for (int r = 0; r < tokens.length; r++) {
            for (int i = 0; i < dim; i++) {
                out[r * dim + i] = table.getFloat((long) tokens[r] * dim + i);
            }
        }
    }

    @Override
    public void softmax(float[] x, int offset, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, x[offset + i]);
        }
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            x[offset + i] = (float) Math.exp(x[offset + i] - max);
            sum += x[offset + i];
        }
        for (int i = 0; i < length; i++) {
            x[offset + i] /= sum;
        }
    }

    @Override
    public void attention(float[] q, float[] out, List<AttentionJob> jobs, AttentionShape shape, boolean causal) {
        for (AttentionJob job : jobs) {
            attention(q, out, job, shape, causal);
        }
    }

    /** One canvas: every query row, every head, one key at a time. */
    private void attention(float[] q, float[] out, AttentionJob job, AttentionShape shape, boolean causal) {
        int headDim = shape.headDim();
        int qDim = shape.qDim();
        int kvDim = shape.kvDim();
        float scale = shape.scale();
        float[] scores = new float[job.nKeys()];
        float[] key = new float[headDim];
        float[][] values = new float[job.nKeys()][headDim];
        for (int i = 0; i < job.nQ(); i++) {
            int position = job.firstPosition() + i;
            int visible = causal ? Math.min(position + 1, job.nKeys()) : job.nKeys();
            for (int h = 0; h < shape.heads(); h++) {
                int kvHead = h / shape.group();
                int qBase = (job.qRow0() + i) * qDim + h * headDim;
                // scores[t] = q . k_t / sqrt(headDim)
                for (int t = 0; t < visible; t++) {
                    job.copyKey(t, kvDim, kvHead * headDim, headDim, key, 0);
                    float dot = 0f;
                    for (int d = 0; d < headDim; d++) {
                        dot += q[qBase + d] * key[d];
                    }
                    scores[t] = dot * scale;
                }
                softmax(scores, 0, visible);
                // out = sum_t p_t * v_t
                for (int t = 0; t < visible; t++) {
                    job.copyValue(t, kvDim, kvHead * headDim, headDim, values[t], 0);
                }
                for (int d = 0; d < headDim; d++) {
                    float sum = 0f;
                    for (int t = 0; t < visible; t++) {
                        sum += scores[t] * values[t][d];
                    }
                    out[qBase + d] = sum;
                }
            }
        }
    }
}
