package dev.quicksilver.model;

/**
 * The transformer layouts Quicksilver runs. Which one a directory holds is read from config.json
 * ({@code architectures}, {@code model_type}), never guessed from tensor names.
 */
public enum Architecture {
    /**
     * Qwen2 decoder blocks with attention left bidirectional: Dream-v0, Dream-Coder, DiffuCoder,
     * DreamOn, and Quicksilver's own embedded model. q/k/v projections carry biases; logits are shifted
     * by one (the token at position i is read from the output at i-1).
     */
    QWEN2_BIDIRECTIONAL,
    /** LLaDA's OLMo-style Llama blocks ({@code model.transformer.blocks.N}); no biases, logits not shifted. */
    LLADA
}
