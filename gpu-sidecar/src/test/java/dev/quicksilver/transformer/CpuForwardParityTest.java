package dev.quicksilver.transformer;

import static dev.quicksilver.transformer.Fixtures.allPositions;
import static dev.quicksilver.transformer.Fixtures.assertClose;

import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.tensor.ReferenceBackend;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole forward on the cpu backend against the reference backend, on a canvas longer than the goldens. */
class CpuForwardParityTest {

    static List<String> models() {
        return Fixtures.MODELS;
    }

    @ParameterizedTest
    @MethodSource("models")
    void cpuForwardEqualsReferenceForward(String name) {
        try (CpuBackend cpu = new CpuBackend(2);
             DecoderModel fast = ModelLoader.load(Fixtures.model(name), cpu);
             DecoderModel slow = ModelLoader.load(Fixtures.model(name), new ReferenceBackend())) {
            Random rnd = new Random(name.hashCode());
            int[] a = rnd.ints(61, 0, 296).toArray();
            int[] b = rnd.ints(23, 0, 296).toArray();
            for (AttentionKind kind : AttentionKind.values()) {
                List<ForwardRequest> batch = List.of(
                        new ForwardRequest(a, 0, a.length, null, false, allPositions(0, a.length)),
                        new ForwardRequest(b, 0, b.length, null, false, allPositions(0, b.length)));
                float[][] expected = slow.forward(batch, kind);
                float[][] actual = fast.forward(batch, kind);
                assertClose(expected[0], actual[0], 1e-4, name + " " + kind + " canvas a");
                assertClose(expected[1], actual[1], 1e-4, name + " " + kind + " canvas b");
            }
        }
    }
}
