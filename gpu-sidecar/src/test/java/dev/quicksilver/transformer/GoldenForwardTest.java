package dev.quicksilver.transformer;

import static dev.quicksilver.transformer.Fixtures.allPositions;
import static dev.quicksilver.transformer.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.tensor.ReferenceBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java forward against reference_model.py's golden tensors: the hidden state after the embedding
 * and after every layer, and the logits, for every fixture model, both attention kinds, both backends.
 */
class GoldenForwardTest {

    /** Both sides compute in float32 from the same stored values, so all dtypes match tightly. */
    static final double TOLERANCE = 1e-4;

    static final Backend REFERENCE = new ReferenceBackend();
    static final Backend CPU = new CpuBackend(2);

    @AfterAll
    static void closeBackends() {
        CPU.close();
    }

    static Stream<Arguments> modelsAndBackends() {
        return Fixtures.MODELS.stream().flatMap(m -> Stream.of(Arguments.of(m, "reference"), Arguments.of(m, "cpu")));
    }

    static Backend backend(String name) {
        return name.equals("cpu") ? CPU : REFERENCE;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("modelsAndBackends")
    void everyLayerAndTheLogitsMatchTheReference(String modelName, String backendName) {
        try (DecoderModel model = ModelLoader.load(Fixtures.model(modelName), backend(backendName))) {
            for (Fixtures.GoldenCase c : Fixtures.golden(modelName)) {
                int t = c.tokens().length;
                Map<Integer, float[]> hidden = new HashMap<>();
                var request = new ForwardRequest(c.tokens(), 0, t, null, false, allPositions(0, t));
                float[][] logits = model.forward(List.of(request),
                        c.causal() ? AttentionKind.CAUSAL : AttentionKind.BIDIRECTIONAL,
                        (index, x, rows, dim) -> hidden.put(index, Arrays.copyOf(x, rows * dim)));

                assertEquals(model.config().numLayers() + 1, hidden.size());
                assertClose(c.tensors().get("embed").data(), hidden.get(0), TOLERANCE, c.name() + " embed");
                for (int l = 0; l < model.config().numLayers(); l++) {
                    assertClose(c.tensors().get("layer." + l).data(), hidden.get(l + 1), TOLERANCE,
                            c.name() + " after layer " + l);
                }
                assertClose(c.tensors().get("logits").data(), logits[0], TOLERANCE, c.name() + " logits");
            }
        }
    }

    /** All bidirectional cases in one call: batching must not mix canvases. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("modelsAndBackends")
    void aBatchOfCanvasesMatchesEachCanvasAlone(String modelName, String backendName) {
        try (DecoderModel model = ModelLoader.load(Fixtures.model(modelName), backend(backendName))) {
            List<Fixtures.GoldenCase> cases = Fixtures.golden(modelName).stream().filter(c -> !c.causal()).toList();
            List<ForwardRequest> batch = new ArrayList<>();
            for (Fixtures.GoldenCase c : cases) {
                int t = c.tokens().length;
                // Ask for a subset of positions, out of order, to check the logit gathering too.
                int[] asked = {t - 1, 0, t / 2};
                batch.add(new ForwardRequest(c.tokens(), 0, t, null, false, asked));
            }
            float[][] logits = model.forward(batch, AttentionKind.BIDIRECTIONAL);
            int vocab = model.config().vocabSize();
            for (int i = 0; i < cases.size(); i++) {
                float[] golden = cases.get(i).tensors().get("logits").data();
                int[] asked = batch.get(i).logitPositions();
                for (int j = 0; j < asked.length; j++) {
                    assertClose(Arrays.copyOfRange(golden, asked[j] * vocab, (asked[j] + 1) * vocab),
                            Arrays.copyOfRange(logits[i], j * vocab, (j + 1) * vocab), TOLERANCE,
                            cases.get(i).name() + " position " + asked[j]);
                }
            }
        }
    }

    @Test
    void noLogitPositionsGiveEmptyRows() {
        try (DecoderModel model = ModelLoader.load(Fixtures.model("llada-f32"), CPU)) {
            float[][] logits = model.forward(List.of(new ForwardRequest(new int[] {1, 2, 3}, 0, 3, null, false,
                    new int[0])), AttentionKind.BIDIRECTIONAL);
            assertEquals(0, logits[0].length);
        }
    }
}
