package dev.quicksilver.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.transformer.Fixtures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The device model's tensor names against the real fixture checkpoints of both architectures (no device
 * needed): every weight it uploads exists with the shape the upload expects, and only Qwen2 has biases.
 */
class TensorNamesTest {

    static List<String> fixtures() {
        return Fixtures.MODELS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyUploadedWeightIsInTheCheckpoint(String fixture) {
        ModelConfig c = ModelConfig.read(Fixtures.model(fixture));
        CudaDecoderModel.TensorNames n = CudaDecoderModel.TensorNames.of(c.architecture());
        long hidden = c.hiddenSize();
        try (WeightStore w = WeightStore.open(Fixtures.model(fixture))) {
            w.tensor(n.embedding(), c.vocabSize(), hidden);
            for (int l = 0; l < c.numLayers(); l++) {
                String p = n.layerPrefix(l);
                w.tensor(p + n.q(), c.qDim(), hidden);
                w.tensor(p + n.k(), c.kvDim(), hidden);
                w.tensor(p + n.v(), c.kvDim(), hidden);
                w.tensor(p + n.attentionOut(), hidden, c.qDim());
                w.tensor(p + n.gate(), c.intermediateSize(), hidden);
                w.tensor(p + n.up(), c.intermediateSize(), hidden);
                w.tensor(p + n.down(), hidden, c.intermediateSize());
                w.tensor(p + n.attentionNorm(), hidden);
                w.tensor(p + n.mlpNorm(), hidden);
                boolean biases = w.find(p + n.qBias()).isPresent();
                assertEquals(c.architecture() == dev.quicksilver.model.Architecture.QWEN2_BIDIRECTIONAL, biases,
                        fixture + " layer " + l + ": q bias");
                assertEquals(biases, w.find(p + n.kBias()).isPresent() && w.find(p + n.vBias()).isPresent());
            }
            w.tensor(n.finalNorm(), hidden);
            assertTrue(c.tiedEmbeddings() || w.find(n.head()).isPresent(), fixture + ": untied head " + n.head());
        }
    }
}
