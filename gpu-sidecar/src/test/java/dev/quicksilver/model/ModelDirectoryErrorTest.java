package dev.quicksilver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quicksilver.tensor.ReferenceBackend;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.transformer.Fixtures;
import dev.quicksilver.transformer.ModelLoader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken model directories fail at load with one sentence that names the file, the field or tensor, and
 * the way out. Each test breaks a copy of a fixture in one way.
 */
class ModelDirectoryErrorTest {

    @TempDir
    Path temp;

    Path copy(String fixture) throws IOException {
        Path dir = temp.resolve(fixture);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Fixtures.model(fixture))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    static ModelLoadException loadFails(Path dir) {
        return assertThrows(ModelLoadException.class, () -> ModelLoader.load(dir, new ReferenceBackend()).close());
    }

    /** One sentence: no line break, a single final period, and every fragment named. */
    static void assertOneSentenceNaming(ModelLoadException e, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.endsWith("."), m);
        assertTrue(m.contains("; "), "a way out after the cause: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message should name " + f + ": " + m);
        }
    }

    /** Rewrites a safetensors file's JSON header, keeping its data bytes. */
    static void rewriteHeader(Path file, Consumer<JsonObject> edit) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(
                new String(all, 8, (int) headerLength, StandardCharsets.UTF_8)).getAsJsonObject();
        edit.accept(header);
        byte[] text = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(all, 8 + (int) headerLength, all.length);
        ByteBuffer out = ByteBuffer.allocate(8 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(text.length).put(text).put(data);
        Files.write(file, out.array());
    }

    static void editConfig(Path dir, Consumer<JsonObject> edit) throws IOException {
        Path config = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        edit.accept(c);
        Files.writeString(config, new Gson().toJson(c));
    }

    static JsonArray offsets(long begin, long end) {
        JsonArray a = new JsonArray();
        a.add(begin);
        a.add(end);
        return a;
    }

    @Test
    void truncatedWeights() throws IOException {
        Path dir = copy("llada-f32");
        Path weights = dir.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "data_offsets", "truncated");
    }

    @Test
    void fileShorterThanItsHeaderLength() throws IOException {
        Path dir = copy("llada-f32");
        Path weights = dir.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(64);
        }
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "header length", "truncated");

        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(5);
        }
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "too short");
    }

    @Test
    void headerOffsetsPastTheEnd() throws IOException {
        Path dir = copy("llada-f32");
        Path weights = dir.resolve("model.safetensors");
        rewriteHeader(weights, h -> {
            JsonObject t = h.getAsJsonObject("model.transformer.ln_f.weight");
            t.add("data_offsets", offsets(10_000_000L, 10_000_256L));
        });
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "model.transformer.ln_f.weight", "data_offsets");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path dir = copy("llada-f32");
        Path weights = dir.resolve("model.safetensors");
        rewriteHeader(weights, h -> {
            JsonArray wte = h.getAsJsonObject("model.transformer.wte.weight").getAsJsonArray("data_offsets");
            long begin = wte.get(0).getAsLong() + 4;
            h.getAsJsonObject("model.transformer.ln_f.weight").add("data_offsets", offsets(begin, begin + 64 * 4));
        });
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "overlap", "model.transformer.ln_f.weight");
    }

    @Test
    void shapeDisagreesWithItsBytes() throws IOException {
        Path dir = copy("llada-f32");
        Path weights = dir.resolve("model.safetensors");
        rewriteHeader(weights, h -> {
            JsonArray shape = new JsonArray();
            shape.add(65);
            h.getAsJsonObject("model.transformer.ln_f.weight").add("shape", shape);
        });
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "model.transformer.ln_f.weight", "shape",
                "data_offsets");
    }

    @Test
    void unknownDtype() throws IOException {
        Path dir = copy("llada-f32");
        Path weights = dir.resolve("model.safetensors");
        rewriteHeader(weights, h -> h.getAsJsonObject("model.transformer.ln_f.weight").addProperty("dtype", "F8_E4M3"));
        assertOneSentenceNaming(loadFails(dir), weights.toString(), "dtype", "F8_E4M3", "model.transformer.ln_f.weight");
    }

    @Test
    void missingTensor() throws IOException {
        Path dir = copy("llada-f32");
        rewriteHeader(dir.resolve("model.safetensors"), h -> h.remove("model.transformer.blocks.1.up_proj.weight"));
        assertOneSentenceNaming(loadFails(dir), dir.toString(), "model.transformer.blocks.1.up_proj.weight",
                "model.safetensors");
    }

    @Test
    void tensorShapeDisagreesWithConfig() throws IOException {
        Path dir = copy("qwen2-gqa-f32");
        editConfig(dir, c -> c.addProperty("intermediate_size", 128));
        assertOneSentenceNaming(loadFails(dir), "model.safetensors", "model.layers.0.mlp.gate_proj.weight",
                "[128, 64]", "config.json");
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = copy("qwen2-gqa-f32");
        Files.delete(dir.resolve("config.json"));
        assertOneSentenceNaming(loadFails(dir), dir.toString(), "config.json");
    }

    @Test
    void missingConfigField() throws IOException {
        Path dir = copy("llada-f32");
        editConfig(dir, c -> c.remove("d_model"));
        assertOneSentenceNaming(loadFails(dir), dir.resolve("config.json").toString(), "\"d_model\"");
    }

    @Test
    void wrongTypedConfigField() throws IOException {
        Path dir = copy("qwen2-gqa-f32");
        editConfig(dir, c -> c.addProperty("num_attention_heads", "four"));
        assertOneSentenceNaming(loadFails(dir), "config.json", "\"num_attention_heads\"", "integer");
    }

    @Test
    void unknownArchitecture() throws IOException {
        Path dir = copy("qwen2-gqa-f32");
        editConfig(dir, c -> {
            JsonArray archs = new JsonArray();
            archs.add("GPT2LMHeadModel");
            c.add("architectures", archs);
            c.addProperty("model_type", "gpt2");
        });
        assertOneSentenceNaming(loadFails(dir), "config.json", "\"architectures\"", "GPT2LMHeadModel", "LLaDAModelLM");
    }

    @Test
    void unsupportedOption() throws IOException {
        Path dir = copy("llada-f32");
        editConfig(dir, c -> c.addProperty("include_bias", true));
        assertOneSentenceNaming(loadFails(dir), "config.json", "\"include_bias\"");
    }

    @Test
    void noWeightsAtAll() throws IOException {
        Path dir = copy("llada-f32");
        Files.delete(dir.resolve("model.safetensors"));
        assertOneSentenceNaming(loadFails(dir), dir.toString(), "*.safetensors");
    }

    @Test
    void shardIndexLoadsEveryShard() {
        try (WeightStore store = WeightStore.open(Fixtures.model("qwen2-ar-sharded-f16"))) {
            assertEquals(3, store.files().size());
            long files = store.all().values().stream().map(t -> t.file()).distinct().count();
            assertEquals(3, files);
            assertTrue(store.find("lm_head.weight").isPresent());
            assertTrue(store.find("model.embed_tokens.weight").isPresent());
            // Memory-mapped views of the files, not heap copies.
            assertTrue(store.all().values().stream().allMatch(t -> t.data().isMapped() && t.data().isNative()));
        }
    }

    @Test
    void shardIndexNamesAMissingShard() throws IOException {
        Path dir = copy("qwen2-ar-sharded-f16");
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        assertOneSentenceNaming(loadFails(dir), "model.safetensors.index.json", "\"weight_map\"",
                "model-00002-of-00003.safetensors");
    }

    @Test
    void shardIndexPointsAtTheWrongShard() throws IOException {
        Path dir = copy("qwen2-ar-sharded-f16");
        Path index = dir.resolve("model.safetensors.index.json");
        JsonObject root = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
        root.getAsJsonObject("weight_map").addProperty("lm_head.weight", "model-00001-of-00003.safetensors");
        Files.writeString(index, new Gson().toJson(root));
        assertOneSentenceNaming(loadFails(dir), "model.safetensors.index.json", "lm_head.weight",
                "model-00001-of-00003.safetensors");
    }
}
