package dev.quicksilver.transformer;

import static dev.quicksilver.transformer.Fixtures.allPositions;
import static dev.quicksilver.transformer.Fixtures.assertClose;

import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.tensor.ReferenceBackend;
import dev.quicksilver.tensor.WeightFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole forward on the cpu backend against the reference backend, on a canvas longer than the goldens,
 * with the checkpoint's weights and with int8 ones.
 */
class CpuForwardParityTest {

    /** Every fixture model, with its checkpoint's weights and with int8 ones (both backends read the same). */
    static Stream<Arguments> modelsAndWeights() {
        return Fixtures.MODELS.stream().flatMap(m -> Stream.of(WeightFormat.values()).map(f -> Arguments.of(m, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modelsAndWeights")
    void cpuForwardEqualsReferenceForward(String name, WeightFormat weights) {
        try (CpuBackend cpu = new CpuBackend(2);
             DecoderModel fast = ModelLoader.load(Fixtures.model(name), cpu, weights);
             DecoderModel slow = ModelLoader.load(Fixtures.model(name), new ReferenceBackend(), weights)) {
            Random rnd = new Random(name.hashCode());
            int[] a = rnd.ints(61, 0, 296).toArray();
            int[] b = rnd.ints(23, 0, 296).toArray();
            int[] two = rnd.ints(2, 0, 296).toArray(); // alone in a forward: the few-row (streaming) products
            for (AttentionKind kind : AttentionKind.values()) {
                List<ForwardRequest> batch = List.of(
                        new ForwardRequest(a, 0, a.length, null, false, allPositions(0, a.length)),
                        new ForwardRequest(b, 0, b.length, null, false, allPositions(0, b.length)));
                float[][] expected = slow.forward(batch, kind);
                float[][] actual = fast.forward(batch, kind);
                assertClose(expected[0], actual[0], 1e-4, name + " " + kind + " canvas a");
                assertClose(expected[1], actual[1], 1e-4, name + " " + kind + " canvas b");
                List<ForwardRequest> alone = List.of(new ForwardRequest(two, 0, 2, null, false, allPositions(0, 2)));
                assertClose(slow.forward(alone, kind)[0], fast.forward(alone, kind)[0], 1e-4, name + " " + kind + " 2 rows");
            }
        }
    }

    /** Forwards from several threads share one model and one pool without disturbing each other. */
    @Test
    void concurrentForwardsEqualSequentialOnes() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2);
             DecoderModel model = ModelLoader.load(Fixtures.model("dream-tied-bf16"), cpu)) {
            List<int[]> canvases = new ArrayList<>();
            Random rnd = new Random(3);
            for (int i = 0; i < 6; i++) {
                canvases.add(rnd.ints(20 + 7 * i, 0, 296).toArray());
            }
            List<float[]> sequential = new ArrayList<>();
            for (int[] c : canvases) {
                sequential.add(model.forward(List.of(new ForwardRequest(c, 0, c.length, null, false,
                        allPositions(0, c.length))), AttentionKind.BIDIRECTIONAL)[0]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int[] c : canvases) {
                    futures.add(pool.submit(() -> model.forward(List.of(new ForwardRequest(c, 0, c.length, null,
                            false, allPositions(0, c.length))), AttentionKind.BIDIRECTIONAL)[0]));
                }
                for (int i = 0; i < canvases.size(); i++) {
                    // Not bit-exact: the Vector API's reductions and exp round differently before and
                    // after C2 compiles them. Cross-talk between canvases would be orders larger.
                    assertClose(sequential.get(i), futures.get(i).get(), 1e-6, "canvas " + i);
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
