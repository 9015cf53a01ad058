package dev.quicksilver.transformer;

import dev.quicksilver.cuda.CudaBackend;
import dev.quicksilver.cuda.CudaDecoderModel;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.WeightFormat;
import dev.quicksilver.tensor.WeightStore;
import java.nio.file.Path;
import java.util.Set;
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
        return open(dir, backend, WeightFormat.CHECKPOINT);
    }

    /**
     * {@link #open(Path, Backend)} with the host model's matrices in {@code format}; the cuda backend keeps
     * bf16 on the device and refuses int8 with one sentence.
     */
    public static LanguageModel open(Path dir, Backend backend, WeightFormat format) {
        if (backend instanceof CudaBackend cuda) {
            if (format != WeightFormat.CHECKPOINT) {
                throw new IllegalArgumentException("--weights " + format + " is for the cpu and reference backends:"
                        + " the cuda backend keeps the weights in bf16 on the device; drop --weights or pass"
                        + " --backend cpu.");
            }
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
        return load(dir, backend, format);
    }

    /** The name of the architecture's token embedding table (gathered by row, so never quantized). */
    public static String embeddingName(ModelConfig config) {
        return switch (config.architecture()) {
            case QWEN2_BIDIRECTIONAL -> Qwen2Model.EMBEDDING;
            case LLADA -> LladaModel.EMBEDDING;
        };
    }

    /**
     * What {@code --weights int8} does to a store, before the model looks its tensors up: every matrix but the
     * embedding table to int8, and for a tied head an int8 copy of the table. Logs progress and the sizes.
     */
    public static void quantizeToInt8(WeightStore weights, ModelConfig config) {
        long start = System.nanoTime();
        // A 7B checkpoint takes tens of seconds on a few cores: say how far it is every five.
        long[] lastReport = {start};
        WeightStore.Quantized q = weights.quantizeMatricesToInt8(Set.of(embeddingName(config)), (done, total) -> {
            long now = System.nanoTime();
            if (now - lastReport[0] > 5_000_000_000L && done < total) {
                lastReport[0] = now;
                LOG.info("weights: quantizing to int8, {} of {} matrices", done, total);
            }
        });
        if (config.tiedEmbeddings()) {
            // The head multiplies by the tied table at every step: give it an int8 copy of its own.
            weights.quantizeTiedHead(embeddingName(config));
        }
        LOG.info("weights: {} matrices quantized to int8 in {} ms ({} MB as stored -> {} MB){}", q.matrices(),
                (System.nanoTime() - start) / 1_000_000, q.checkpointBytes() >> 20, q.int8Bytes() >> 20,
                weights.tiedHead().isPresent() ? ", and an int8 copy of the tied embedding for the head" : "");
    }

    public static DecoderModel load(Path dir, Backend backend) {
        return load(dir, backend, WeightFormat.CHECKPOINT);
    }

    /** A host model on {@code backend}, its matrices in {@code format}. */
    public static DecoderModel load(Path dir, Backend backend, WeightFormat format) {
        ModelConfig config = ModelConfig.read(dir);
        WeightStore weights = WeightStore.open(dir);
        try {
            if (format == WeightFormat.INT8) {
                quantizeToInt8(weights, config);
            }
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
