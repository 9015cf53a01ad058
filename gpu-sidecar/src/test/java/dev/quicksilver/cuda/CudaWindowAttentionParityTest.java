package dev.quicksilver.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.model.Architecture;
import dev.quicksilver.model.GenerationDefaults;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every test of {@link CudaParityTest} again with the one-launch window attention kernel on (windows of up
 * to {@link CudaDecoderModel#WINDOW_ROWS_MAX} rows take it; longer ones keep the GEMM path, so the mixed
 * batches mix both), and the kernel against the GEMM path at the head shapes of real checkpoints, whose
 * head sizes (64 to 256) the tiny fixtures (8 to 20) do not reach: every lane's second to fourth pair of
 * dimensions, several key phases per thread, up to 7 query heads per kv head.
 */
@Tag("gpu")
class CudaWindowAttentionParityTest extends CudaParityTest {

    @Override
    boolean windowAttention() {
        return true;
    }

    /**
     * A random model of one head shape (two layers, 512 tokens), the same batches with the kernel off and on:
     * a short bidirectional canvas, a read-only window of 33 rows against a cache that a whole-canvas forward
     * filled, the two in one batch, and a causal step that stores into its cache (its keys padded to the
     * key bucket).
     */
    @ParameterizedTest(name = "heads {0}, kv heads {1}, head size {2}")
    @CsvSource({"28, 4, 128", "6, 2, 64", "12, 2, 128", "32, 32, 128", "8, 1, 256", "4, 4, 96"})
    void theKernelMatchesTheGemmPathAtRealHeadShapes(int heads, int kvHeads, int headDim) {
        int hidden = heads * headDim;
        ModelConfig c = new ModelConfig("random-" + heads + "x" + headDim, Architecture.QWEN2_BIDIRECTIONAL, 512,
                hidden, 2, heads, kvHeads, headDim, 1024, 10000.0, 1e-6, 4096, 511, 1, List.of(1), 0, -1, true, false,
                GenerationDefaults.NONE);
        assertTrue(CudaDecoderModel.windowKeysCap(heads, kvHeads, headDim) >= 300, "the shape fits the kernel");
        try (CudaDecoderModel m = CudaDecoderModel.random(c, gpu, 7);
             KvCache canvasCache = m.newCache(300);
             KvCache arCache = m.newCache(128)) {
            int[] shortCanvas = canvas(40, 1, 512);
            int[] longCanvas = canvas(300, 2, 512);
            int[] arTokens = canvas(90, 3, 512);
            // fill both caches (300 and 70 rows: the GEMM path either way)
            m.forward(List.of(new ForwardRequest(longCanvas, 0, 300, canvasCache, true, new int[] {0})),
                    AttentionKind.BIDIRECTIONAL);
            m.forward(List.of(new ForwardRequest(arTokens, 0, 70, arCache, true, new int[] {69})), AttentionKind.CAUSAL);
            ForwardRequest shortFull = new ForwardRequest(shortCanvas, 0, 40, null, false, range(0, 40));
            ForwardRequest readOnly = new ForwardRequest(longCanvas, 150, 183, canvasCache, false, range(150, 183));
            ForwardRequest arStep = new ForwardRequest(arTokens, 70, 71, arCache, true, new int[] {70});
            List<List<ForwardRequest>> batches = List.of(List.of(shortFull), List.of(readOnly),
                    List.of(shortFull, readOnly));
            List<float[][]> gemm = new ArrayList<>();
            List<float[][]> kernel = new ArrayList<>();
            for (boolean on : new boolean[] {false, true}) {
                m.windowAttention(on);
                int before = m.windowKernelForwards();
                for (List<ForwardRequest> batch : batches) {
                    m.poisonBuffers();
                    (on ? kernel : gemm).add(m.forward(batch, AttentionKind.BIDIRECTIONAL));
                }
                m.poisonBuffers();
                (on ? kernel : gemm).add(m.forward(List.of(arStep), AttentionKind.CAUSAL));
                int used = m.windowKernelForwards() - before;
                assertTrue(on ? used == 4 : used == 0, "window kernel forwards with it " + (on ? "on" : "off") + ": " + used);
            }
            for (int b = 0; b < gemm.size(); b++) {
                for (int i = 0; i < gemm.get(b).length; i++) {
                    assertClose(gemm.get(b)[i], kernel.get(b)[i], c.modelId() + " batch " + b + " request " + i);
                }
            }
        }
    }
}
