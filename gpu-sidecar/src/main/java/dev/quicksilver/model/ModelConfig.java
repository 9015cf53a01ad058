package dev.quicksilver.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything the engine needs to know about a model, read from its directory's config.json (and
 * generation_config.json), never from constants in code. The two families name their fields
 * differently; this record is the one vocabulary the rest of Quicksilver uses.
 *
 * <p>Field names, per family (read from the public checkpoints' config files):
 * <ul>
 *   <li>Qwen2 / Dream / DiffuCoder (DreamLM/Dream {@code configuration_dream.py}, HF {@code Qwen2Config}):
 *       {@code hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads,
 *       intermediate_size, vocab_size, rope_theta, rms_norm_eps, max_position_embeddings,
 *       tie_word_embeddings, mask_token_id, pad_token_id, bos_token_id, eos_token_id}, and our own
 *       optional {@code logits_shifted} (default true).</li>
 *   <li>LLaDA (GSAI-ML/LLaDA {@code configuration_llada.py}, OLMo's ModelConfig): {@code d_model,
 *       n_layers, n_heads, n_kv_heads, mlp_hidden_size, embedding_size} or {@code vocab_size},
 *       {@code rope_theta, rms_norm_eps} or {@code layer_norm_eps}, {@code weight_tying,
 *       max_sequence_length, mask_token_id, eos_token_id, pad_token_id}.</li>
 * </ul>
 *
 * @param modelId            stable identity: directory name plus a hash of config and weights (see {@link ModelFingerprint})
 * @param vocabSize          number of logits per position (rows of the output head; may exceed the tokenizer's vocabulary)
 * @param maskTokenId        the [MASK] token, or -1 when the model names none (autoregressive-only models)
 * @param eosTokenId         the end-of-sequence id of config.json (else generation_config.json), or -1
 * @param eosTokenIds        every id that ends a sequence: config.json's, then generation_config.json's
 * @param padTokenId         padding id, or -1
 * @param bosTokenId         beginning-of-sequence id, or -1
 * @param logitsShifted      true when the token at position i is predicted by the output at i-1 (Qwen2 family)
 * @param tiedEmbeddings     the output head reuses the input embedding matrix
 */
public record ModelConfig(
        String modelId,
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        double ropeTheta,
        double normEps,
        int maxPositions,
        int maskTokenId,
        int eosTokenId,
        List<Integer> eosTokenIds,
        int padTokenId,
        int bosTokenId,
        boolean logitsShifted,
        boolean tiedEmbeddings,
        GenerationDefaults generationDefaults) {

    public static final String CONFIG_FILE = "config.json";
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";

    /** architectures[] values laid out as Qwen2 blocks. */
    static final Set<String> QWEN2_ARCHITECTURES =
            Set.of("DreamModel", "QuicksilverDiffusionModel", "QuicksilverArModel", "Qwen2ForCausalLM");
    static final Set<String> QWEN2_MODEL_TYPES = Set.of("dream", "qwen2");
    static final Set<String> LLADA_ARCHITECTURES = Set.of("LLaDAModelLM");

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Number of query heads that share one key/value head (grouped-query attention). */
    public int kvGroupSize() {
        return numHeads / numKvHeads;
    }

    /** Width of the key (and value) rows: numKvHeads * headDim. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Width of the query and attention-output rows: numHeads * headDim. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Whether {@code token} ends a sequence for this model. */
    public boolean isEos(int token) {
        return eosTokenIds.contains(token);
    }

    /** Reads {@code dir}/config.json and the optional generation_config.json; the weights are only fingerprinted. */
    public static ModelConfig read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("Model directory " + dir
                    + " does not exist or is not a directory; pass the folder that holds config.json.");
        }
        JsonFile config = JsonFile.read(dir.resolve(CONFIG_FILE),
                "copy config.json from the checkpoint (a Hugging Face model directory needs one)");
        Path genPath = dir.resolve(GENERATION_CONFIG_FILE);
        JsonFile generation = Files.exists(genPath) ? JsonFile.read(genPath, "") : null;
        return parse(config, generation, ModelFingerprint.of(dir));
    }

    static ModelConfig parse(JsonFile c, JsonFile generation, String modelId) {
        Architecture arch = architectureOf(c);
        GenerationDefaults defaults = generation == null ? GenerationDefaults.NONE
                : new GenerationDefaults(generation.toPlainMap());

        int vocab, hidden, layers, heads, kvHeads, inter, maxPositions;
        double eps;
        boolean tied, shifted;
        if (arch == Architecture.LLADA) {
            rejectUnsupportedLladaOptions(c);
            hidden = c.requireInt("d_model");
            layers = c.requireInt("n_layers");
            heads = c.requireInt("n_heads");
            kvHeads = c.optInt("n_kv_heads", heads);
            inter = c.requireInt("mlp_hidden_size");
            // OLMo pads the embedding matrix to embedding_size >= vocab_size; the head has that many rows.
            vocab = c.requireInt("embedding_size", "vocab_size");
            eps = c.has("rms_norm_eps") ? c.optDouble("rms_norm_eps", 1e-5) : c.optDouble("layer_norm_eps", 1e-5);
            tied = c.optBoolean("weight_tying", false);
            maxPositions = c.optInt("max_sequence_length", 4096);
            shifted = c.optBoolean("logits_shifted", false);
        } else {
            rejectUnsupportedQwen2Options(c);
            hidden = c.requireInt("hidden_size");
            layers = c.requireInt("num_hidden_layers");
            heads = c.requireInt("num_attention_heads");
            kvHeads = c.optInt("num_key_value_heads", heads);
            inter = c.requireInt("intermediate_size");
            vocab = c.requireInt("vocab_size");
            eps = c.optDouble("rms_norm_eps", 1e-6);
            tied = c.optBoolean("tie_word_embeddings", false);
            maxPositions = c.optInt("max_position_embeddings", 32768);
            shifted = c.optBoolean("logits_shifted", true);
        }
        double theta = c.optDouble("rope_theta", 10000.0);
        int headDim = c.optInt("head_dim", -1);
        if (headDim < 0) {
            if (heads <= 0 || hidden % heads != 0) {
                throw c.invalid(arch == Architecture.LLADA ? "n_heads" : "num_attention_heads",
                        "is " + heads + ", which does not divide the hidden size " + hidden,
                        "the config does not match its checkpoint");
            }
            headDim = hidden / heads;
        }
        String kvField = arch == Architecture.LLADA ? "n_kv_heads" : "num_key_value_heads";
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw c.invalid(kvField, "is " + kvHeads + ", which does not divide the " + heads + " query heads",
                    "the config does not match its checkpoint");
        }
        if (headDim % 2 != 0) {
            throw c.invalid("head_dim", "is " + headDim + ", but rotary embeddings need an even head size",
                    "the config does not match its checkpoint");
        }
        requirePositive(c, "hidden size", hidden);
        requirePositive(c, "layer count", layers);
        requirePositive(c, "intermediate size", inter);
        requirePositive(c, "vocabulary size", vocab);

        // Token ids: config.json first, generation_config.json second (Dream keeps some only there).
        int mask = firstId(c, generation, "mask_token_id");
        // End of sequence: config.json's first, then any further stop ids generation_config.json lists
        // (Qwen-family checkpoints put <|im_end|> there), without repeats.
        List<Integer> eos = new java.util.ArrayList<>(c.optIntOrInts("eos_token_id"));
        if (generation != null) {
            for (int id : generation.optIntOrInts("eos_token_id")) {
                if (!eos.contains(id)) {
                    eos.add(id);
                }
            }
        }
        int pad = firstId(c, generation, "pad_token_id");
        int bos = firstId(c, generation, "bos_token_id");
        return new ModelConfig(modelId, arch, vocab, hidden, layers, heads, kvHeads, headDim, inter, theta, eps,
                maxPositions, mask, eos.isEmpty() ? -1 : eos.getFirst(), eos, pad, bos, shifted, tied, defaults);
    }

    private static void requirePositive(JsonFile c, String what, int value) {
        if (value <= 0) {
            throw new ModelLoadException(c.path + " gives a " + what + " of " + value
                    + "; correct it to describe a non-empty model.");
        }
    }

    private static int firstId(JsonFile c, JsonFile generation, String field) {
        var id = c.optFirstInt(field);
        if (id.isEmpty() && generation != null) {
            id = generation.optFirstInt(field);
        }
        return id.orElse(-1);
    }

    private static Architecture architectureOf(JsonFile c) {
        List<String> archs = c.optStrings("architectures");
        String modelType = c.optString("model_type", "").toLowerCase(Locale.ROOT);
        for (String a : archs) {
            if (LLADA_ARCHITECTURES.contains(a)) {
                return Architecture.LLADA;
            }
            if (QWEN2_ARCHITECTURES.contains(a)) {
                return Architecture.QWEN2_BIDIRECTIONAL;
            }
        }
        if (archs.isEmpty()) {
            if (modelType.equals("llada")) {
                return Architecture.LLADA;
            }
            if (QWEN2_MODEL_TYPES.contains(modelType)) {
                return Architecture.QWEN2_BIDIRECTIONAL;
            }
        }
        throw c.invalid("architectures", "is " + archs + " (model_type \"" + modelType
                        + "\"), an architecture Quicksilver does not run",
                "use a model whose architectures is one of " + String.join(", ", QWEN2_ARCHITECTURES)
                        + " or LLaDAModelLM");
    }

    /** Options of Qwen2Config that change the math and that this engine does not implement. */
    private static void rejectUnsupportedQwen2Options(JsonFile c) {
        if (c.has("rope_scaling")) {
            throw c.invalid("rope_scaling", "is set, but Quicksilver implements only plain RoPE",
                    "remove it or use a checkpoint without RoPE scaling");
        }
        if (c.optBoolean("use_sliding_window", false)) {
            throw c.invalid("use_sliding_window", "is true, but Quicksilver attends over the whole canvas",
                    "set it to false or use a checkpoint without sliding-window attention");
        }
        String act = c.optString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw c.invalid("hidden_act", "is \"" + act + "\", but Qwen2 blocks here use SwiGLU (silu)",
                    "use a checkpoint with hidden_act \"silu\"");
        }
    }

    /** OLMo ModelConfig switches that change the math; LLaDA-8B uses none of them. */
    private static void rejectUnsupportedLladaOptions(JsonFile c) {
        requireValue(c, "block_type", "llama");
        requireValue(c, "layer_norm_type", "rms");
        String act = c.optString("activation_type", "silu");
        if (!act.equals("silu")) {
            throw c.invalid("activation_type", "is \"" + act + "\", but LLaDA blocks here use silu(ff_proj) * up_proj",
                    "use a checkpoint with activation_type \"silu\"");
        }
        for (String flag : List.of("include_bias", "alibi", "scale_logits", "input_emb_norm", "attention_layer_norm")) {
            if (c.optBoolean(flag, false)) {
                throw c.invalid(flag, "is true, which Quicksilver's LLaDA forward does not implement",
                        "use a checkpoint with " + flag + " false");
            }
        }
        if (!c.optBoolean("rope", true)) {
            throw c.invalid("rope", "is false, but Quicksilver's LLaDA forward uses rotary positions",
                    "use a checkpoint with rope true");
        }
    }

    private static void requireValue(JsonFile c, String field, String expected) {
        String v = c.optString(field, expected);
        if (!v.equals(expected)) {
            throw c.invalid(field, "is \"" + v + "\", but Quicksilver's LLaDA forward implements only \"" + expected + "\"",
                    "use a checkpoint with " + field + " \"" + expected + "\"");
        }
    }
}
