package dev.quicksilver.transformer;

import static dev.quicksilver.transformer.Fixtures.allPositions;
import static dev.quicksilver.transformer.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.tensor.CpuBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A window computed against cached keys/values equals the same positions of a full forward, when the
 * canvas is unchanged: the property the decoder's prefix and dual caches rely on.
 */
class KvCacheForwardTest {

    static final CpuBackend CPU = new CpuBackend(2);
    static final double TOL = 2e-5;

    @AfterAll
    static void close() {
        CPU.close();
    }

    static Stream<Arguments> modelsAndKinds() {
        return Stream.of("qwen2-gqa-f32", "dream-tied-bf16", "llada-f32").flatMap(
                m -> Stream.of(AttentionKind.values()).map(k -> Arguments.of(m, k)));
    }

    static int[] canvas(int length) {
        return new Random(length).ints(length, 0, 296).toArray();
    }

    static float[] slice(float[] logits, int vocab, int from, int to) {
        return Arrays.copyOfRange(logits, from * vocab, to * vocab);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modelsAndKinds")
    void windowAgainstTheCacheEqualsTheFullForward(String name, AttentionKind kind) {
        try (DecoderModel model = ModelLoader.load(Fixtures.model(name), CPU);
             KvCache cache = model.newCache(40)) {
            int[] tokens = canvas(29);
            int t = tokens.length;
            int vocab = model.config().vocabSize();
            float[] full = model.forward(List.of(new ForwardRequest(tokens, 0, t, cache, true, allPositions(0, t))),
                    kind)[0];
            for (int p = 0; p < t; p++) {
                assertTrue(cache.holds(p));
            }
            assertFalse(cache.holds(t));

            // A block in the middle (dual cache), then the last block, then the first (prefix-less).
            for (int[] w : new int[][] {{11, 19}, {21, 29}, {0, 5}}) {
                float[] window = model.forward(List.of(new ForwardRequest(tokens, w[0], w[1], cache, false,
                        allPositions(w[0], w[1]))), kind)[0];
                assertClose(slice(full, vocab, w[0], w[1]), window, TOL, name + " window " + Arrays.toString(w));
            }
        }
    }

    /** Autoregressive use: causal steps of one token, each stored, equal one causal forward over all. */
    @ParameterizedTest
    @MethodSource("names")
    void causalStepsEqualOneCausalForward(String name) {
        try (DecoderModel model = ModelLoader.load(Fixtures.model(name), CPU);
             KvCache cache = model.newCache(32)) {
            int[] tokens = canvas(17);
            int vocab = model.config().vocabSize();
            float[] full = model.forward(List.of(new ForwardRequest(tokens, 0, tokens.length, null, false,
                    allPositions(0, tokens.length))), AttentionKind.CAUSAL)[0];
            model.forward(List.of(new ForwardRequest(tokens, 0, 9, cache, true, new int[0])), AttentionKind.CAUSAL);
            for (int p = 9; p < tokens.length; p++) {
                float[] step = model.forward(List.of(new ForwardRequest(tokens, p, p + 1, cache, true,
                        new int[] {p})), AttentionKind.CAUSAL)[0];
                assertClose(slice(full, vocab, p, p + 1), step, TOL, name + " step " + p);
            }
        }
    }

    static List<String> names() {
        return List.of("qwen2-gqa-f32", "llada-tied-bf16");
    }

    /** A cached window and a full canvas in the same batch: the rows of one never leak into the other. */
    @Test
    void cachedAndUncachedRequestsShareABatch() {
        try (DecoderModel model = ModelLoader.load(Fixtures.model("qwen2-gqa-f32"), CPU);
             KvCache cache = model.newCache(29)) {
            int[] a = canvas(29);
            int[] b = canvas(13);
            int vocab = model.config().vocabSize();
            var kind = AttentionKind.BIDIRECTIONAL;
            float[] fullA = model.forward(List.of(new ForwardRequest(a, 0, a.length, cache, true,
                    allPositions(0, a.length))), kind)[0];
            float[] fullB = model.forward(List.of(new ForwardRequest(b, 0, b.length, null, false,
                    allPositions(0, b.length))), kind)[0];
            float[][] both = model.forward(List.of(
                    new ForwardRequest(b, 0, b.length, null, false, allPositions(0, b.length)),
                    new ForwardRequest(a, 8, 16, cache, false, allPositions(8, 16))), kind);
            assertClose(fullB, both[0], TOL, "uncached canvas");
            assertClose(slice(fullA, vocab, 8, 16), both[1], TOL, "cached window");
        }
    }

    /** Refreshing a window with new tokens changes what later cached steps see. */
    @Test
    void storingAWindowReplacesItsCachedKeys() {
        try (DecoderModel model = ModelLoader.load(Fixtures.model("llada-f32"), CPU);
             KvCache cache = model.newCache(20)) {
            int[] tokens = canvas(20);
            var kind = AttentionKind.BIDIRECTIONAL;
            model.forward(List.of(new ForwardRequest(tokens, 0, 20, cache, true, new int[0])), kind);
            float[] before = model.forward(List.of(new ForwardRequest(tokens, 0, 4, cache, false,
                    allPositions(0, 4))), kind)[0];
            int[] edited = tokens.clone();
            edited[12] = (edited[12] + 1) % 296;
            model.forward(List.of(new ForwardRequest(edited, 10, 15, cache, true, new int[0])), kind);
            float[] after = model.forward(List.of(new ForwardRequest(edited, 0, 4, cache, false,
                    allPositions(0, 4))), kind)[0];
            assertFalse(Arrays.equals(before, after), "the refreshed keys must be visible to later windows");
        }
    }

    @Test
    void misuseFailsWithAClearMessage() {
        try (DecoderModel model = ModelLoader.load(Fixtures.model("llada-f32"), CPU);
             DecoderModel other = ModelLoader.load(Fixtures.model("llada-f32"), CPU);
             KvCache cache = model.newCache(10)) {
            int[] tokens = canvas(10);
            var kind = AttentionKind.BIDIRECTIONAL;
            var noCache = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new ForwardRequest(tokens, 2, 5, null, false, new int[0])), kind));
            assertTrue(noCache.getMessage().contains("needs a KvCache"), noCache.getMessage());

            var notHeld = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new ForwardRequest(tokens, 2, 5, cache, false, new int[0])), kind));
            assertTrue(notHeld.getMessage().contains("position 0"), notHeld.getMessage());

            var foreign = assertThrows(IllegalArgumentException.class, () -> other.forward(
                    List.of(new ForwardRequest(tokens, 0, 10, cache, true, new int[0])), kind));
            assertTrue(foreign.getMessage().contains("another model"), foreign.getMessage());

            var tooLong = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new ForwardRequest(canvas(11), 0, 11, cache, true, new int[0])), kind));
            assertTrue(tooLong.getMessage().contains("holds only 10"), tooLong.getMessage());

            var badToken = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new ForwardRequest(new int[] {1, 300}, 0, 2, null, false, new int[0])), kind));
            assertTrue(badToken.getMessage().contains("token 300"), badToken.getMessage());

            // Causal attention never needs positions after the window.
            model.forward(List.of(new ForwardRequest(tokens, 0, 4, null, false, new int[] {3})), AttentionKind.CAUSAL);
        }
    }

    @Test
    void cacheReportsItsBytesAndForgets() {
        try (DecoderModel model = ModelLoader.load(Fixtures.model("qwen2-gqa-f32"), CPU)) {
            KvCache cache = model.newCache(16);
            var c = model.config();
            assertEquals(2L * c.numLayers() * 16 * c.numKvHeads() * c.headDim() * Float.BYTES, cache.bytes());
            model.forward(List.of(new ForwardRequest(canvas(8), 0, 8, cache, true, new int[0])),
                    AttentionKind.BIDIRECTIONAL);
            assertTrue(cache.holds(7));
            cache.clear();
            assertFalse(cache.holds(7));
            cache.close();
            assertEquals(0, cache.bytes());
            assertFalse(cache.holds(0));
        }
    }
}
