package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quicksilver.transformer.DecoderModel;
import dev.quicksilver.transformer.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java decoder against an independent PyTorch implementation of the same rules
 * (src/test/python/reference_sampler.py on reference_model.py): greedy generations must be identical token
 * for token, and take the same number of forwards. The expected sequences were written by
 * {@code /usr/bin/python3 gpu-sidecar/src/test/python/make_decode_fixtures.py}; this test never runs Python.
 */
class DecodeParityTest {

    static Stream<Arguments> cases() throws IOException {
        JsonObject golden = JsonParser.parseString(Files.readString(Fixtures.root().resolve("decode-golden.json")))
                .getAsJsonObject();
        List<Arguments> out = new ArrayList<>();
        for (JsonElement e : golden.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            String label = c.get("model").getAsString() + " " + c.get("mode").getAsString()
                    + (c.has("rule") ? " " + c.get("rule").getAsString() : "") + " budget " + c.get("budget").getAsInt()
                    + (c.getAsJsonArray("suffix").isEmpty() ? "" : " infill");
            out.add(Arguments.of(label, c));
        }
        return out.stream();
    }

    static int[] ints(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsInt();
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void greedyGenerationMatchesThePyTorchReference(String label, JsonObject c) {
        int[] prefix = ints(c.getAsJsonArray("prefix"));
        int[] suffix = ints(c.getAsJsonArray("suffix"));
        int budget = c.get("budget").getAsInt();
        int[] expected = ints(c.getAsJsonArray("expected"));
        int expectedForwards = c.get("forwards").getAsInt();
        try (DecoderModel model = Models.fixture(c.get("model").getAsString())) {
            if (c.get("mode").getAsString().equals("ar")) {
                DecodeOptions ar = DecodeOptions.defaults().withMode(DecodeMode.AUTOREGRESSIVE);
                for (CacheMode cache : new CacheMode[] {CacheMode.NONE, CacheMode.DUAL}) { // recompute, KV cache
                    Decoder.Generation g = Decoder.generate(model, ar.withCache(cache),
                            CanvasRequest.completion(prefix, budget));
                    int[] produced = java.util.Arrays.copyOf(g.first().holes().getFirst().raw(), expected.length);
                    assertArrayEquals(expected, produced, label + " with cache " + cache);
                    assertEquals(expectedForwards, g.stats().forwards(), label + " forwards");
                }
                return;
            }
            DecodeOptions options = DecodeOptions.defaults()
                    .withCache(CacheMode.NONE)
                    .withBlock(c.get("block").getAsInt());
            options = c.get("rule").getAsString().equals("threshold")
                    ? options.withStrategy(Strategy.THRESHOLD).withThreshold(c.get("threshold").getAsDouble())
                    : options.withStrategy(Strategy.LOW_CONFIDENCE).withSteps(c.get("steps").getAsInt());
            Decoder.Generation g = Decoder.generate(model, options, CanvasRequest.infill(prefix, budget, suffix));
            assertArrayEquals(expected, g.first().holes().getFirst().raw(), label);
            assertEquals(expectedForwards, g.stats().forwards(), label + " forwards");
        }
    }
}
