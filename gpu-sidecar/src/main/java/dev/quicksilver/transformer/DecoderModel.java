package dev.quicksilver.transformer;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.AttentionJob;
import dev.quicksilver.tensor.AttentionShape;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.tensor.WeightTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What the two architectures share: the batched forward skeleton (embed, layers, final norm and head on
 * the asked rows only) and attention with the KV cache. Each subclass writes its own block, top to
 * bottom, in {@link #layer}: that is where the families differ (names, biases).
 *
 * <p>Batching: the window rows of all requests are stacked into one {@code [R, hidden]} activation, so
 * each weight matrix is read once per forward for the whole batch; only attention runs per request.
 *
 * <p>Threads: {@link #forward} may be called from several threads at once (each call has its own
 * buffers; the backend's pool is shared), provided no KvCache is used by two calls at the same time.
 */
public abstract sealed class DecoderModel implements LanguageModel permits Qwen2Model, LladaModel {

    protected final ModelConfig config;
    protected final Backend backend;
    protected final WeightStore weights;
    protected final AttentionShape shape;
    protected final float eps;
    private final RotaryEmbedding rope;

    protected DecoderModel(ModelConfig config, WeightStore weights, Backend backend) {
        this.config = config;
        this.weights = weights;
        this.backend = backend;
        this.shape = new AttentionShape(config.numHeads(), config.numKvHeads(), config.headDim());
        this.eps = (float) config.normEps();
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
    }

    /** Input embeddings {@code [vocab, hidden]}. */
    protected abstract WeightTensor embedding();

    /** Final norm weight {@code [hidden]}. */
    protected abstract float[] finalNorm();

    /** Output head {@code [vocab, hidden]} (the embedding matrix when tied). */
    protected abstract WeightTensor head();

    /** One transformer block on the residual stream {@code x [R, hidden]}, in place. */
    protected abstract void layer(int index, float[] x, ForwardPass pass);

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public String backendName() {
        return backend.name();
    }

    public WeightStore weights() {
        return weights;
    }

    @Override
    public KvCache newCache(int capacity) {
        return new HostKvCache(this, config.numLayers(), capacity, config.kvDim());
    }

    @Override
    public float[][] forward(List<ForwardRequest> batch, AttentionKind attention) {
        return forward(batch, attention, LayerObserver.NONE);
    }

    /** {@link #forward(List, AttentionKind)} that also shows the residual stream to {@code observer}. */
    public float[][] forward(List<ForwardRequest> batch, AttentionKind attention, LayerObserver observer) {
        ForwardPass pass = new ForwardPass(this, config, batch, attention, rope, embedding().rows());
        int rows = pass.rows;
        int hidden = config.hiddenSize();

        // Embedding gather: x [R, hidden]
        float[] x = new float[rows * hidden];
        backend.embed(embedding(), pass.tokens, x);
        observer.hiddenState(0, x, rows, hidden);

        // The blocks, in place on the residual stream.
        for (int l = 0; l < config.numLayers(); l++) {
            layer(l, x, pass);
            observer.hiddenState(l + 1, x, rows, hidden);
        }

        // The window's keys/values are now in the caches that asked to store them.
        for (int i = 0; i < batch.size(); i++) {
            ForwardRequest r = batch.get(i);
            if (r.storeInCache()) {
                pass.caches[i].markHeld(r.windowStart(), r.windowEnd());
            }
        }
        return logits(x, pass);
    }

    /** Final norm and output head on the asked rows only: per request {@code [logitPositions, vocab]}. */
    private float[][] logits(float[] x, ForwardPass pass) {
        int hidden = config.hiddenSize();
        int total = 0;
        for (ForwardRequest r : pass.requests) {
            total += r.logitPositions().length;
        }
        float[][] result = new float[pass.requests.size()][];
        if (total == 0) {
            for (int i = 0; i < result.length; i++) {
                result[i] = new float[0];
            }
            return result;
        }
        // Gather the asked rows: picked [N, hidden]
        float[] picked = new float[total * hidden];
        int n = 0;
        for (int i = 0; i < pass.requests.size(); i++) {
            ForwardRequest r = pass.requests.get(i);
            for (int position : r.logitPositions()) {
                int row = pass.rowStart[i] + position - r.windowStart();
                System.arraycopy(x, row * hidden, picked, n * hidden, hidden);
                n++;
            }
        }
        // Final norm, then the head: logits [N, vocab]
        backend.rmsNorm(picked, total, hidden, finalNorm(), eps, picked);
        WeightTensor head = head();
        int vocab = head.rows();
        float[] logits = new float[Math.multiplyExact(total, vocab)];
        backend.matmul(picked, total, head, null, logits);
        n = 0;
        for (int i = 0; i < pass.requests.size(); i++) {
            int count = pass.requests.get(i).logitPositions().length;
            result[i] = new float[count * vocab];
            System.arraycopy(logits, n * vocab, result[i], 0, count * vocab);
            n += count;
        }
        return result;
    }

    /**
     * Attention of every request over its canvas: {@code pass.q} (RoPE applied) against the keys of the
     * positions it sees, into {@code pass.attn}. The window's keys/values were just computed into
     * {@code pass.k}/{@code pass.v}; the others come from the request's cache, read where they lie (the
     * backend reads each key once; a step's window is never copied next to its cached neighbours). One
     * backend call for the whole batch, so the backend can spread the canvases over its threads together.
     */
    protected final void attend(int layer, ForwardPass pass) {
        List<AttentionJob> jobs = new ArrayList<>(pass.requests.size());
        for (int i = 0; i < pass.requests.size(); i++) {
            ForwardRequest r = pass.requests.get(i);
            int row0 = pass.rowStart[i];
            int rows = r.windowLength();
            int keyCount = pass.keyCount(i);
            HostKvCache cache = pass.caches[i];
            if (r.storeInCache()) {
                // Refresh or AR step: the window goes into the cache, which then holds every attended position.
                cache.write(layer, r.windowStart(), pass.k, pass.v, row0, rows);
                jobs.add(new AttentionJob(row0, rows, r.windowStart(), cache.keys(layer), cache.values(layer),
                        keyCount));
            } else {
                // The window from this forward's rows; the cached keys around it, if any (without a cache the
                // window is every position: see ForwardRequest).
                jobs.add(new AttentionJob(row0, rows, r.windowStart(), cache == null ? null : cache.keys(layer),
                        cache == null ? null : cache.values(layer), keyCount, pass.k, pass.v));
            }
        }
        backend.attention(pass.q, pass.attn, jobs, shape, pass.causal);
    }

    /** Widens a small vector (norm weight, bias) once at load. */
    protected static float[] vector(WeightTensor t) {
        return t.toFloatArray();
    }

    /** Closes the weights (unmapping them); the backend belongs to the caller. */
    @Override
    public void close() {
        weights.close();
    }
}
