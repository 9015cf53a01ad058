package dev.quicksilver.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The models written by src/test/python/make_fixtures.py and their golden outputs. */
public final class Fixtures {

    public static final List<String> MODELS =
            List.of("qwen2-gqa-f32", "dream-tied-bf16", "qwen2-ar-sharded-f16", "llada-f32", "llada-tied-bf16");

    private Fixtures() {}

    public static Path root() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path model(String name) {
        return root().resolve(name);
    }

    /** One golden case: the tokens, the attention kind and the reference tensors by key. */
    public record GoldenCase(String name, int[] tokens, boolean causal, Map<String, Tensor> tensors) {}

    public record Tensor(int[] shape, float[] data) {}

    public static List<GoldenCase> golden(String model) {
        Path dir = model(model).resolve("golden");
        try {
            JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("index.json"))).getAsJsonObject();
            List<GoldenCase> cases = new ArrayList<>();
            for (JsonElement e : index.getAsJsonArray("cases")) {
                JsonObject c = e.getAsJsonObject();
                int[] tokens = toInts(c.getAsJsonArray("tokens"));
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (var t : c.getAsJsonObject("tensors").entrySet()) {
                    JsonObject info = t.getValue().getAsJsonObject();
                    int[] shape = toInts(info.getAsJsonArray("shape"));
                    byte[] raw = Files.readAllBytes(dir.resolve(info.get("file").getAsString()));
                    float[] data = new float[raw.length / 4];
                    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
                    tensors.put(t.getKey(), new Tensor(shape, data));
                }
                cases.add(new GoldenCase(c.get("name").getAsString(), tokens, c.get("causal").getAsBoolean(), tensors));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] toInts(com.google.gson.JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    public static int[] allPositions(int from, int to) {
        int[] p = new int[to - from];
        for (int i = 0; i < p.length; i++) {
            p[i] = from + i;
        }
        return p;
    }

    /**
     * Max absolute difference, relative to the expected tensor's largest magnitude, at most {@code tol}.
     * (Element-wise relative error is meaningless near zero; this is the scale a reader of the logits sees.)
     */
    public static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxAbs = 0;
        for (float e : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                worstAt = i;
            }
        }
        double relative = worst / Math.max(maxAbs, 1e-12);
        if (!(relative <= tol)) {
            fail(what + ": max |difference| " + worst + " at " + worstAt + " (expected " + expected[worstAt]
                    + ", got " + actual[worstAt] + ") is " + relative + " of the largest magnitude " + maxAbs
                    + ", above " + tol);
        }
    }
}
