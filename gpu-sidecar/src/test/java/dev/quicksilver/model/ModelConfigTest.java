package dev.quicksilver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

    @TempDir
    Path temp;

    @Test
    void qwen2FixtureWithGqaAndBiases() {
        ModelConfig c = ModelConfig.read(Fixtures.model("qwen2-gqa-f32"));
        assertEquals(Architecture.QWEN2_BIDIRECTIONAL, c.architecture());
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.numLayers());
        assertEquals(4, c.numHeads());
        assertEquals(2, c.numKvHeads());
        assertEquals(16, c.headDim());
        assertEquals(120, c.intermediateSize());
        assertEquals(300, c.vocabSize());
        assertEquals(293, c.maskTokenId());
        assertEquals(292, c.eosTokenId());
        assertEquals(292, c.padTokenId());
        assertEquals(292, c.bosTokenId());
        assertTrue(c.logitsShifted());
        assertFalse(c.tiedEmbeddings());
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(1e-6, c.normEps());
        assertEquals(512, c.maxPositions());
        assertTrue(c.modelId().startsWith("qwen2-gqa-f32@"), c.modelId());
        assertEquals("entropy", c.generationDefaults().stringValue("alg").orElseThrow());
        assertEquals(8, c.generationDefaults().intValue("block_length").orElseThrow());
        assertEquals(0.9, c.generationDefaults().doubleValue("threshold").orElseThrow());
    }

    @Test
    void dreamFixtureIsTiedAndShiftedByDefault() {
        ModelConfig c = ModelConfig.read(Fixtures.model("dream-tied-bf16"));
        assertEquals(Architecture.QWEN2_BIDIRECTIONAL, c.architecture());
        assertTrue(c.tiedEmbeddings());
        assertTrue(c.logitsShifted());
        assertEquals(1, c.numKvHeads());
        assertEquals(4, c.kvGroupSize());
        assertEquals(1_000_000.0, c.ropeTheta());
    }

    @Test
    void lladaFixtureUsesOlmoNamesAndIsNotShifted() {
        ModelConfig c = ModelConfig.read(Fixtures.model("llada-tied-bf16"));
        assertEquals(Architecture.LLADA, c.architecture());
        assertEquals(40, c.hiddenSize());
        assertEquals(5, c.numHeads());
        assertEquals(5, c.numKvHeads());
        assertEquals(8, c.headDim());
        assertEquals(72, c.intermediateSize());
        assertFalse(c.logitsShifted());
        assertTrue(c.tiedEmbeddings());
        assertEquals(1e-5, c.normEps());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(-1, c.bosTokenId());
    }

    @Test
    void modelIdChangesWithTheWeights() {
        assertNotEquals(ModelConfig.read(Fixtures.model("llada-f32")).modelId(),
                ModelConfig.read(Fixtures.model("qwen2-gqa-f32")).modelId());
        assertEquals(ModelConfig.read(Fixtures.model("llada-f32")).modelId(),
                ModelConfig.read(Fixtures.model("llada-f32")).modelId());
    }

    /** The fields of Dream-v0-Base-7B's config.json (DreamLM/Dream on the Hugging Face hub). */
    @Test
    void dreamSevenBConfig() throws IOException {
        Path dir = temp.resolve("Dream-v0-Base-7B");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["DreamModel"], "attention_dropout": 0.0, "bos_token_id": 151643,
                 "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 3584, "initializer_range": 0.02,
                 "intermediate_size": 18944, "mask_token_id": 151666, "max_position_embeddings": 131072,
                 "max_window_layers": 28, "model_type": "Dream", "num_attention_heads": 28,
                 "num_hidden_layers": 28, "num_key_value_heads": 4, "pad_token_id": 151643,
                 "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000.0, "sliding_window": null,
                 "tie_word_embeddings": false, "torch_dtype": "bfloat16", "use_cache": true,
                 "use_sliding_window": false, "vocab_size": 152064}
                """);
        Files.writeString(dir.resolve("generation_config.json"), """
                {"bos_token_id": 151643, "eos_token_id": [151643, 151645], "pad_token_id": 151643,
                 "alg": "entropy", "temperature": null}
                """);
        ModelConfig c = ModelConfig.read(dir);
        assertEquals(Architecture.QWEN2_BIDIRECTIONAL, c.architecture());
        assertEquals(128, c.headDim());
        assertEquals(7, c.kvGroupSize());
        assertEquals(152064, c.vocabSize());
        assertEquals(151666, c.maskTokenId());
        assertEquals(151643, c.eosTokenId());
        assertEquals(List.of(151643, 151645), c.eosTokenIds());
        assertTrue(c.isEos(151645));
        assertTrue(c.logitsShifted());
        assertFalse(c.generationDefaults().has("temperature"), "JSON null is absent");
    }

    /** The fields of LLaDA-8B-Instruct's config.json (GSAI-ML on the Hugging Face hub). */
    @Test
    void lladaEightBConfig() throws IOException {
        Path dir = temp.resolve("LLaDA-8B-Instruct");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"activation_type": "silu", "alibi": false, "alibi_bias_max": 8.0,
                 "architectures": ["LLaDAModelLM"], "attention_dropout": 0.0, "attention_layer_norm": false,
                 "attention_layer_norm_with_affine": true, "bias_for_layer_norm": false, "block_group_size": 1,
                 "block_type": "llama", "d_model": 4096, "embedding_dropout": 0.0, "embedding_size": 126464,
                 "eos_token_id": 126081, "flash_attention": false, "include_bias": false,
                 "include_qkv_bias": false, "init_cutoff_factor": null, "init_device": "meta",
                 "init_fn": "mitchell", "init_std": 0.02, "input_emb_norm": false, "layer_norm_type": "rms",
                 "layer_norm_with_affine": true, "mask_token_id": 126336, "max_sequence_length": 4096,
                 "mlp_hidden_size": 12288, "mlp_ratio": 4, "model_type": "llada", "multi_query_attention": null,
                 "n_heads": 32, "n_kv_heads": 32, "n_layers": 32, "pad_token_id": 126081, "precision": "amp_bf16",
                 "residual_dropout": 0.0, "rms_norm_eps": 1e-05, "rope": true, "rope_full_precision": true,
                 "rope_theta": 500000.0, "scale_logits": false, "use_cache": false, "vocab_size": 126464,
                 "weight_tying": false}
                """);
        ModelConfig c = ModelConfig.read(dir);
        assertEquals(Architecture.LLADA, c.architecture());
        assertEquals(4096, c.hiddenSize());
        assertEquals(32, c.numLayers());
        assertEquals(128, c.headDim());
        assertEquals(12288, c.intermediateSize());
        assertEquals(126464, c.vocabSize());
        assertEquals(126336, c.maskTokenId());
        assertEquals(126081, c.eosTokenId());
        assertEquals(4096, c.maxPositions());
        assertFalse(c.logitsShifted());
        assertFalse(c.tiedEmbeddings());
        assertTrue(c.generationDefaults().values().isEmpty());
    }
}
