package dev.quicksilver.transformer;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.WeightStore;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a Hugging Face model directory as a {@link LanguageModel}: config.json decides the architecture,
 * the safetensors files are memory-mapped and every tensor the architecture needs is looked up and
 * shape-checked before the first forward, so a bad directory fails here with one sentence.
 */
public final class ModelLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {}

    public static DecoderModel load(Path dir, Backend backend) {
        ModelConfig config = ModelConfig.read(dir);
        WeightStore weights = WeightStore.open(dir);
        try {
            DecoderModel model = switch (config.architecture()) {
                case QWEN2_BIDIRECTIONAL -> new Qwen2Model(config, weights, backend);
                case LLADA -> new LladaModel(config, weights, backend);
            };
            LOG.info("model {}: {} with {} layers, hidden {}, {} heads ({} kv), vocab {}, on the {} backend",
                    config.modelId(), config.architecture(), config.numLayers(), config.hiddenSize(),
                    config.numHeads(), config.numKvHeads(), config.vocabSize(), backend.name());
            return model;
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }
}
