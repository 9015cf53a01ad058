package dev.quicksilver.transformer;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.tensor.WeightTensor;

/**
 * Qwen2 decoder blocks with bidirectional attention: Dream-v0, Dream-Coder, DiffuCoder (DreamLM/Dream
 * {@code modeling_dream.py}, itself Hugging Face's {@code modeling_qwen2.py} without the causal mask)
 * and Quicksilver's own model. Pre-norm residual blocks: RMSNorm, q/k/v projections with bias, RoPE,
 * grouped-query attention, o_proj without bias; RMSNorm, SwiGLU MLP. Logits are shifted by one (the
 * decoder's business, see {@link ModelConfig#logitsShifted()}).
 */
public final class Qwen2Model extends DecoderModel {

    /** The token embedding table, gathered by row (never quantized: {@link dev.quicksilver.tensor.WeightFormat#INT8}). */
    public static final String EMBEDDING = "model.embed_tokens.weight";

    /** One block's weights: matrices in the mapped file, vectors widened to float. */
    record Block(float[] inputNorm, WeightTensor q, float[] qBias, WeightTensor k, float[] kBias,
                 WeightTensor v, float[] vBias, WeightTensor o, float[] postAttentionNorm,
                 WeightTensor gate, WeightTensor up, WeightTensor down) {}

    private final WeightTensor embedTokens;
    private final Block[] blocks;
    private final float[] norm;
    private final WeightTensor lmHead;

    public Qwen2Model(ModelConfig c, WeightStore w, Backend backend) {
        super(c, w, backend);
        long hidden = c.hiddenSize();
        long qDim = c.qDim();
        long kvDim = c.kvDim();
        long inter = c.intermediateSize();
        this.embedTokens = w.tensor(EMBEDDING, c.vocabSize(), hidden);
        this.blocks = new Block[c.numLayers()];
        for (int l = 0; l < blocks.length; l++) {
            String p = "model.layers." + l + ".";
            blocks[l] = new Block(
                    vector(w.tensor(p + "input_layernorm.weight", hidden)),
                    w.tensor(p + "self_attn.q_proj.weight", qDim, hidden),
                    vector(w.tensor(p + "self_attn.q_proj.bias", qDim)),
                    w.tensor(p + "self_attn.k_proj.weight", kvDim, hidden),
                    vector(w.tensor(p + "self_attn.k_proj.bias", kvDim)),
                    w.tensor(p + "self_attn.v_proj.weight", kvDim, hidden),
                    vector(w.tensor(p + "self_attn.v_proj.bias", kvDim)),
                    w.tensor(p + "self_attn.o_proj.weight", hidden, qDim),
                    vector(w.tensor(p + "post_attention_layernorm.weight", hidden)),
                    w.tensor(p + "mlp.gate_proj.weight", inter, hidden),
                    w.tensor(p + "mlp.up_proj.weight", inter, hidden),
                    w.tensor(p + "mlp.down_proj.weight", hidden, inter));
        }
        this.norm = vector(w.tensor("model.norm.weight", hidden));
        this.lmHead = c.tiedEmbeddings() ? w.tiedHead().orElse(embedTokens)
                : w.tensor("lm_head.weight", c.vocabSize(), hidden);
    }

    @Override
    protected void layer(int index, float[] x, ForwardPass p) {
        Block b = blocks[index];
        int rows = p.rows;
        int hidden = config.hiddenSize();

        // Attention input: normed = RMSNorm(x) * input_layernorm                         [R, hidden]
        backend.rmsNorm(x, rows, hidden, b.inputNorm(), eps, p.normed);

        // Projections, with bias: q [R, heads*hd], k and v [R, kvHeads*hd]
        backend.matmul(p.normed, rows, b.q(), b.qBias(), p.q);
        backend.matmul(p.normed, rows, b.k(), b.kBias(), p.k);
        backend.matmul(p.normed, rows, b.v(), b.vBias(), p.v);

        // Rotary positions on queries and keys, at absolute canvas positions
        backend.rope(p.q, rows, shape.heads(), shape.headDim(), p.cos, p.sin);
        backend.rope(p.k, rows, shape.kvHeads(), shape.headDim(), p.cos, p.sin);

        // Attention per canvas (bidirectional or causal; keys outside the window from the cache)  [R, heads*hd]
        attend(index, p);

        // Output projection, no bias, and the first residual: x += o_proj(attn)        [R, hidden]
        backend.matmul(p.attn, rows, b.o(), null, p.proj);
        backend.add(x, p.proj, rows * hidden);

        // MLP input: normed = RMSNorm(x) * post_attention_layernorm                      [R, hidden]
        backend.rmsNorm(x, rows, hidden, b.postAttentionNorm(), eps, p.normed);

        // SwiGLU: gate = silu(gate_proj(normed)) * up_proj(normed)                       [R, intermediate]
        backend.matmul(p.normed, rows, b.gate(), null, p.gate);
        backend.matmul(p.normed, rows, b.up(), null, p.up);
        backend.swiglu(p.gate, p.up, rows * config.intermediateSize());

        // Down projection and the second residual: x += down_proj(gate)                  [R, hidden]
        backend.matmul(p.gate, rows, b.down(), null, p.proj);
        backend.add(x, p.proj, rows * hidden);
    }

    @Override
    protected WeightTensor embedding() {
        return embedTokens;
    }

    @Override
    protected float[] finalNorm() {
        return norm;
    }

    @Override
    protected WeightTensor head() {
        return lmHead;
    }
}
