package dev.quicksilver.transformer;

import dev.quicksilver.model.ModelConfig;
import java.util.List;

/**
 * The state of one batched forward call: which batch row belongs to which request and canvas position,
 * the RoPE tables of those positions, and the activation buffers every layer reuses. Built and validated
 * once per call, so a bad request fails before any work and the layers only compute.
 */
final class ForwardPass {

    final List<ForwardRequest> requests;
    final boolean causal;
    /** Total window rows of the batch (R). */
    final int rows;
    /** First batch row of each request. */
    final int[] rowStart;
    /** Token of each batch row [R]. */
    final int[] tokens;
    /** Absolute canvas position of each batch row [R]. */
    final int[] positions;
    /** The caches of the requests (null where a request has none). */
    final HostKvCache[] caches;
    /** RoPE tables [R, headDim/2]. */
    final float[] cos;
    final float[] sin;

    // Activation buffers, reused by every layer.
    final float[] normed;   // [R, hidden]
    final float[] q;        // [R, heads * headDim]
    final float[] k;        // [R, kvHeads * headDim]
    final float[] v;        // [R, kvHeads * headDim]
    final float[] attn;     // [R, heads * headDim]
    final float[] proj;     // [R, hidden]
    final float[] gate;     // [R, intermediate]
    final float[] up;       // [R, intermediate]

    ForwardPass(Object model, ModelConfig c, List<ForwardRequest> requests, AttentionKind kind,
                RotaryEmbedding rope, int embeddingRows) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("a forward needs at least one request");
        }
        this.requests = requests;
        this.causal = kind == AttentionKind.CAUSAL;
        this.rowStart = new int[requests.size()];
        this.caches = new HostKvCache[requests.size()];
        int total = 0;
        for (int i = 0; i < requests.size(); i++) {
            ForwardRequest r = requests.get(i);
            rowStart[i] = total;
            total += r.windowLength();
            caches[i] = OwnedKvCache.checkWindow(model, HostKvCache.class, i, r, kind,
                    kind == AttentionKind.CAUSAL ? r.windowEnd() : r.tokens().length);
        }
        this.rows = total;
        this.tokens = new int[rows];
        this.positions = new int[rows];
        for (int i = 0; i < requests.size(); i++) {
            ForwardRequest r = requests.get(i);
            for (int p = r.windowStart(); p < r.windowEnd(); p++) {
                int token = r.tokens()[p];
                if (token < 0 || token >= embeddingRows) {
                    throw new IllegalArgumentException("request " + i + ": token " + token + " at position " + p
                            + " is outside the model's " + embeddingRows + " embeddings");
                }
                tokens[rowStart[i] + p - r.windowStart()] = token;
                positions[rowStart[i] + p - r.windowStart()] = p;
            }
        }
        float[][] tables = rope.tables(positions);
        this.cos = tables[0];
        this.sin = tables[1];
        this.normed = new float[rows * c.hiddenSize()];
        this.q = new float[rows * c.qDim()];
        this.k = new float[rows * c.kvDim()];
        this.v = new float[rows * c.kvDim()];
        this.attn = new float[rows * c.qDim()];
        this.proj = new float[rows * c.hiddenSize()];
        this.gate = new float[rows * c.intermediateSize()];
        this.up = new float[rows * c.intermediateSize()];
    }

    /** Number of keys request i attends over: the whole canvas, or up to its window's end (causal). */
    int keyCount(int i) {
        ForwardRequest r = requests.get(i);
        return causal ? r.windowEnd() : r.tokens().length;
    }
}
