package dev.quicksilver.transformer;

import dev.quicksilver.cuda.CudaBackend;
import dev.quicksilver.cuda.CudaDecoderModel;
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

    /**
     * The model for {@code backend}: on "cuda", device-resident as a {@link CudaDecoderModel} (Qwen2 family
     * and LLaDA); on the other backends a host {@link DecoderModel} on the backend's kernels.
     */
    public static LanguageModel open(Path dir, Backend backend) {
        if (backend instanceof CudaBackend cuda) {
            // Both architectures share the block; CudaDecoderModel reads either checkpoint's names.
            ModelConfig config = ModelConfig.read(dir);
            try (WeightStore weights = WeightStore.open(dir)) {
                LanguageModel model = CudaDecoderModel.upload(config, weights, cuda.gpu());
                LOG.info("model {}: {} with {} layers, hidden {}, {} heads ({} kv), vocab {}, on the cuda backend ({})",
                        config.modelId(), config.architecture(), config.numLayers(), config.hiddenSize(),
                        config.numHeads(), config.numKvHeads(), config.vocabSize(), cuda.gpu().deviceName());
                return model;
            }
        }
        return load(dir, backend);
    }

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
