package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.DecoderModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What caching may and may not change.
 *
 * <p>A cached step reuses the keys/values computed at the block-start refresh for every position outside
 * its window. In a one-layer model a position's keys/values depend on its own token only (embedding, norm,
 * projection, RoPE), and the positions outside the window do not change between refreshes (committed text,
 * or masks of later blocks), so the cached keys/values are exactly the ones a full forward would compute:
 * prefix and dual caching must give the same generation as no cache, token for token. With two or more
 * layers they are not exact (deeper keys/values see the tokens committed since the refresh), so there we
 * only check what is exact: every refresh forward is a full forward.
 */
class CacheExactnessTest {

    @TempDir
    static Path dir;

    static DecodeOptions greedy(double threshold, int block, CacheMode cache) {
        return DecodeOptions.defaults().withThreshold(threshold).withBlock(block).withCache(cache);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen2", "llada"})
    void oneLayerModelsGiveTheSameGenerationWithEveryCacheMode(String family) {
        Path modelDir = family.equals("qwen2") ? TinyModels.qwen2(dir.resolve("q1"), 1, 11)
                : TinyModels.llada(dir.resolve("l1"), 1, 12);
        try (DecoderModel model = Models.at(modelDir)) {
            List<CanvasRequest> canvases = List.of(
                    CanvasRequest.completion(Models.prompt(1, 9, 60), 24),
                    CanvasRequest.infill(Models.prompt(2, 7, 60), 20, Models.prompt(3, 5, 60)),
                    CanvasRequest.builder().text(Models.prompt(4, 6, 60)).hole(10).text(Models.prompt(5, 4, 60))
                            .hole(9).text(Models.prompt(6, 3, 60)).build());
            for (double threshold : new double[] {0.7, 0.95}) {
                Decoder.Generation none = Decoder.generate(model, greedy(threshold, 8, CacheMode.NONE), canvases);
                Decoder.Generation prefix = Decoder.generate(model, greedy(threshold, 8, CacheMode.PREFIX), canvases);
                Decoder.Generation dual = Decoder.generate(model, greedy(threshold, 8, CacheMode.DUAL), canvases);
                for (int i = 0; i < canvases.size(); i++) {
                    assertArrayEquals(none.results().get(i).canvas(), prefix.results().get(i).canvas(),
                            family + " prefix cache, canvas " + i + ", threshold " + threshold);
                    assertArrayEquals(none.results().get(i).canvas(), dual.results().get(i).canvas(),
                            family + " dual cache, canvas " + i + ", threshold " + threshold);
                }
                assertEquals(none.stats().forwards(), dual.stats().forwards());
                // 7 blocks in the batch's longest canvas: more forwards than that means cached steps ran.
                assertTrue(none.stats().forwards() > 7, "several steps per block: " + none.stats().forwards());
                // The point of caching: fewer positions recomputed per forward.
                assertTrue(dual.stats().rowsComputed() < prefix.stats().rowsComputed());
                assertTrue(prefix.stats().rowsComputed() < none.stats().rowsComputed());
            }
        }
    }

    @Test
    void dualCacheRecomputesTheBlockAndForShiftedModelsThePositionBeforeIt() {
        try (DecoderModel model = Models.at(TinyModels.qwen2(dir.resolve("q1b"), 1, 11));
             DenoisingSession session = new DenoisingSession(model, greedy(0.99, 8, CacheMode.DUAL))) {
            int[] prompt = Models.prompt(1, 10, 60);
            CanvasHandle h = session.submit(CanvasRequest.infill(prompt, 16, Models.prompt(2, 6, 60)));
            StepReport first = session.step();
            assertEquals(10 + 16 + 6, first.rows(), "the block-start refresh is a full forward");
            StepReport second = session.step();
            assertEquals(8 + 1, second.rows(), "a dual-cache step: the block plus the position before it");
            session.runToCompletion();
            assertTrue(h.done());
        }
    }

    @Test
    void prefixCacheRecomputesFromTheBlockToTheEnd() {
        try (DecoderModel model = Models.at(TinyModels.llada(dir.resolve("l1b"), 1, 12));
             DenoisingSession session = new DenoisingSession(model, greedy(0.99, 8, CacheMode.PREFIX))) {
            session.submit(CanvasRequest.infill(Models.prompt(1, 10, 60), 16, Models.prompt(2, 6, 60)));
            assertEquals(32, session.step().rows());
            assertEquals(16 + 6, session.step().rows(), "unshifted: from the block start to the canvas end");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen2-gqa-f32", "llada-f32", "dream-tied-bf16"})
    void deeperModelsStillAgreeOnEveryRefreshForward(String fixture) {
        // The first forward of each canvas is a full forward in every mode: the same logits, the same commits.
        try (DecoderModel model = Models.fixture(fixture)) {
            CanvasRequest canvas = CanvasRequest.infill(Models.prompt(9, 12, 280), 16, Models.prompt(8, 4, 280));
            int[][] afterFirstStep = new int[3][];
            for (CacheMode mode : CacheMode.values()) {
                try (DenoisingSession session = new DenoisingSession(model, greedy(0.04, 8, mode))) {
                    CanvasHandle h = session.submit(canvas);
                    session.step();
                    afterFirstStep[mode.ordinal()] = h.snapshot();
                }
            }
            assertArrayEquals(afterFirstStep[0], afterFirstStep[1]);
            assertArrayEquals(afterFirstStep[0], afterFirstStep[2]);
        }
    }
}
