package dev.quicksilver.transformer;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.tensor.WeightTensor;

/**
 * LLaDA (GSAI-ML/LLaDA {@code modeling_llada.py}, class {@code LLaDALlamaBlock}, OLMo naming): pre-norm
 * Llama blocks with bidirectional attention and no biases. {@code ff_proj} is the SwiGLU gate and
 * {@code up_proj} its linear half, {@code ff_out} the down projection; the head is
 * {@code transformer.ff_out}, or the embedding {@code wte} when {@code weight_tying}. Logits are not
 * shifted: the output at position i predicts the token at i.
 */
public final class LladaModel extends DecoderModel {

    /** The token embedding table, gathered by row (never quantized: {@link dev.quicksilver.tensor.WeightFormat#INT8}). */
    public static final String EMBEDDING = "model.transformer.wte.weight";

    /** One block's weights: matrices in the mapped file, norm vectors widened to float. */
    record Block(float[] attnNorm, WeightTensor q, WeightTensor k, WeightTensor v, WeightTensor attnOut,
                 float[] ffNorm, WeightTensor ffProj, WeightTensor up, WeightTensor ffOut) {}

    private final WeightTensor wte;
    private final Block[] blocks;
    private final float[] lnF;
    private final WeightTensor head;

    public LladaModel(ModelConfig c, WeightStore w, Backend backend) {
        super(c, w, backend);
        long hidden = c.hiddenSize();
        long qDim = c.qDim();
        long kvDim = c.kvDim();
        long inter = c.intermediateSize();
        this.wte = w.tensor(EMBEDDING, c.vocabSize(), hidden);
        this.blocks = new Block[c.numLayers()];
        for (int l = 0; l < blocks.length; l++) {
            String p = "model.transformer.blocks." + l + ".";
            blocks[l] = new Block(
                    vector(w.tensor(p + "attn_norm.weight", hidden)),
                    w.tensor(p + "q_proj.weight", qDim, hidden),
                    w.tensor(p + "k_proj.weight", kvDim, hidden),
                    w.tensor(p + "v_proj.weight", kvDim, hidden),
                    w.tensor(p + "attn_out.weight", hidden, qDim),
                    vector(w.tensor(p + "ff_norm.weight", hidden)),
                    w.tensor(p + "ff_proj.weight", inter, hidden),
                    w.tensor(p + "up_proj.weight", inter, hidden),
                    w.tensor(p + "ff_out.weight", hidden, inter));
        }
        this.lnF = vector(w.tensor("model.transformer.ln_f.weight", hidden));
        this.head = c.tiedEmbeddings() ? w.tiedHead().orElse(wte)
                : w.tensor("model.transformer.ff_out.weight", c.vocabSize(), hidden);
    }

    @Override
    protected void layer(int index, float[] x, ForwardPass p) {
        Block b = blocks[index];
        int rows = p.rows;
        int hidden = config.hiddenSize();

        // Attention input: normed = RMSNorm(x) * attn_norm                               [R, hidden]
        backend.rmsNorm(x, rows, hidden, b.attnNorm(), eps, p.normed);

        // Projections, no bias: q [R, heads*hd], k and v [R, kvHeads*hd]
        backend.matmul(p.normed, rows, b.q(), null, p.q);
        backend.matmul(p.normed, rows, b.k(), null, p.k);
        backend.matmul(p.normed, rows, b.v(), null, p.v);

        // Rotary positions on queries and keys, at absolute canvas positions
        backend.rope(p.q, rows, shape.heads(), shape.headDim(), p.cos, p.sin);
        backend.rope(p.k, rows, shape.kvHeads(), shape.headDim(), p.cos, p.sin);

        // Attention per canvas (bidirectional or causal; keys outside the window from the cache)  [R, heads*hd]
        attend(index, p);

        // attn_out and the first residual: x += attn_out(attn)                          [R, hidden]
        backend.matmul(p.attn, rows, b.attnOut(), null, p.proj);
        backend.add(x, p.proj, rows * hidden);

        // Feed-forward input: normed = RMSNorm(x) * ff_norm                              [R, hidden]
        backend.rmsNorm(x, rows, hidden, b.ffNorm(), eps, p.normed);

        // SwiGLU: gate = silu(ff_proj(normed)) * up_proj(normed)                         [R, mlp_hidden]
        backend.matmul(p.normed, rows, b.ffProj(), null, p.gate);
        backend.matmul(p.normed, rows, b.up(), null, p.up);
        backend.swiglu(p.gate, p.up, rows * config.intermediateSize());

        // ff_out and the second residual: x += ff_out(gate)                              [R, hidden]
        backend.matmul(p.gate, rows, b.ffOut(), null, p.proj);
        backend.add(x, p.proj, rows * hidden);
    }

    @Override
    protected WeightTensor embedding() {
        return wte;
    }

    @Override
    protected float[] finalNorm() {
        return lnF;
    }

    @Override
    protected WeightTensor head() {
        return head;
    }
}
