package dev.quicksilver.decode;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes small random models in the real on-disk format (config.json + float32 safetensors) with any
 * number of layers, for tests that need a shape the shared fixtures do not have (a single layer makes the
 * cached keys/values exact: see CacheExactnessTest).
 */
final class TinyModels {

    static final int VOCAB = 64;
    static final int MASK = 63;
    static final int EOS = 62;
    static final int BOS = 61;

    private TinyModels() {}

    /** A Qwen2-layout (Dream family, shifted logits) model in {@code dir}. */
    static Path qwen2(Path dir, int layers, long seed) {
        int hidden = 32, heads = 4, kvHeads = 2, inter = 48, headDim = hidden / heads, kv = kvHeads * headDim;
        JsonObject c = new JsonObject();
        var archs = new com.google.gson.JsonArray();
        archs.add("QuicksilverDiffusionModel");
        c.add("architectures", archs);
        c.addProperty("model_type", "qwen2");
        c.addProperty("hidden_size", hidden);
        c.addProperty("intermediate_size", inter);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("num_attention_heads", heads);
        c.addProperty("num_key_value_heads", kvHeads);
        c.addProperty("vocab_size", VOCAB);
        c.addProperty("max_position_embeddings", 256);
        c.addProperty("rope_theta", 10000.0);
        c.addProperty("rms_norm_eps", 1e-6);
        c.addProperty("hidden_act", "silu");
        c.addProperty("tie_word_embeddings", false);
        c.addProperty("mask_token_id", MASK);
        c.addProperty("eos_token_id", EOS);
        c.addProperty("pad_token_id", EOS);
        c.addProperty("bos_token_id", BOS);
        Random r = new Random(seed);
        Map<String, float[][]> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", matrix(r, VOCAB, hidden, 1.0));
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", ones(hidden));
            w.put(p + "self_attn.q_proj.weight", matrix(r, hidden, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "self_attn.q_proj.bias", matrix(r, 1, hidden, 0.1));
            w.put(p + "self_attn.k_proj.weight", matrix(r, kv, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "self_attn.k_proj.bias", matrix(r, 1, kv, 0.1));
            w.put(p + "self_attn.v_proj.weight", matrix(r, kv, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "self_attn.v_proj.bias", matrix(r, 1, kv, 0.1));
            w.put(p + "self_attn.o_proj.weight", matrix(r, hidden, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "post_attention_layernorm.weight", ones(hidden));
            w.put(p + "mlp.gate_proj.weight", matrix(r, inter, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "mlp.up_proj.weight", matrix(r, inter, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "mlp.down_proj.weight", matrix(r, hidden, inter, 1 / Math.sqrt(inter)));
        }
        w.put("model.norm.weight", ones(hidden));
        // A sharper head than 1/sqrt(d) so that some positions are confident and steps commit several tokens.
        w.put("lm_head.weight", matrix(r, VOCAB, hidden, 0.6));
        return write(dir, c, w);
    }

    /** A LLaDA-layout (unshifted logits) model in {@code dir}. */
    static Path llada(Path dir, int layers, long seed) {
        int hidden = 32, heads = 4, inter = 48;
        JsonObject c = new JsonObject();
        var archs = new com.google.gson.JsonArray();
        archs.add("LLaDAModelLM");
        c.add("architectures", archs);
        c.addProperty("model_type", "llada");
        c.addProperty("d_model", hidden);
        c.addProperty("n_heads", heads);
        c.addProperty("n_kv_heads", heads);
        c.addProperty("n_layers", layers);
        c.addProperty("mlp_hidden_size", inter);
        c.addProperty("vocab_size", VOCAB);
        c.addProperty("embedding_size", VOCAB);
        c.addProperty("max_sequence_length", 256);
        c.addProperty("rope", true);
        c.addProperty("rope_theta", 10000.0);
        c.addProperty("block_type", "llama");
        c.addProperty("activation_type", "silu");
        c.addProperty("layer_norm_type", "rms");
        c.addProperty("rms_norm_eps", 1e-5);
        c.addProperty("weight_tying", false);
        c.addProperty("mask_token_id", MASK);
        c.addProperty("eos_token_id", EOS);
        c.addProperty("pad_token_id", EOS);
        Random r = new Random(seed);
        Map<String, float[][]> w = new LinkedHashMap<>();
        w.put("model.transformer.wte.weight", matrix(r, VOCAB, hidden, 1.0));
        for (int i = 0; i < layers; i++) {
            String p = "model.transformer.blocks." + i + ".";
            w.put(p + "attn_norm.weight", ones(hidden));
            w.put(p + "q_proj.weight", matrix(r, hidden, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "k_proj.weight", matrix(r, hidden, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "v_proj.weight", matrix(r, hidden, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "attn_out.weight", matrix(r, hidden, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "ff_norm.weight", ones(hidden));
            w.put(p + "ff_proj.weight", matrix(r, inter, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "up_proj.weight", matrix(r, inter, hidden, 1 / Math.sqrt(hidden)));
            w.put(p + "ff_out.weight", matrix(r, hidden, inter, 1 / Math.sqrt(inter)));
        }
        w.put("model.transformer.ln_f.weight", ones(hidden));
        w.put("model.transformer.ff_out.weight", matrix(r, VOCAB, hidden, 0.6));
        return write(dir, c, w);
    }

    private static float[][] matrix(Random r, int rows, int cols, double scale) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (r.nextGaussian() * scale);
            }
        }
        return m;
    }

    private static float[][] ones(int n) {
        float[][] m = new float[1][n];
        java.util.Arrays.fill(m[0], 1f);
        return m;
    }

    /** safetensors: u64 little-endian header length, JSON header (names, dtype, shape, offsets), raw data. */
    private static Path write(Path dir, JsonObject config, Map<String, float[][]> tensors) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), new Gson().toJson(config), StandardCharsets.UTF_8);
            JsonObject header = new JsonObject();
            long offset = 0;
            for (var e : tensors.entrySet()) {
                float[][] m = e.getValue();
                boolean vector = e.getKey().endsWith("norm.weight") || e.getKey().endsWith(".bias")
                        || e.getKey().endsWith("ln_f.weight");
                JsonObject t = new JsonObject();
                t.addProperty("dtype", "F32");
                var shape = new com.google.gson.JsonArray();
                if (vector) {
                    shape.add(m[0].length);
                } else {
                    shape.add(m.length);
                    shape.add(m[0].length);
                }
                t.add("shape", shape);
                long bytes = (long) m.length * m[0].length * 4;
                var offsets = new com.google.gson.JsonArray();
                offsets.add(offset);
                offsets.add(offset + bytes);
                t.add("data_offsets", offsets);
                header.add(e.getKey(), t);
                offset += bytes;
            }
            byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
            int padded = (headerBytes.length + 7) / 8 * 8;
            ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(padded);
            buf.put(headerBytes);
            for (int i = headerBytes.length; i < padded; i++) {
                buf.put((byte) ' ');
            }
            for (float[][] m : tensors.values()) {
                for (float[] row : m) {
                    for (float v : row) {
                        buf.putFloat(v);
                    }
                }
            }
            Files.write(dir.resolve("model.safetensors"), buf.array());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
