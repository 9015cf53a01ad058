package dev.quicksilver.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.transformer.Fixtures;
import java.nio.file.Path;
import java.util.Optional;

/** What the gpu-tagged test classes share: opening device 0 (or skipping with the probe's sentence), uploading a fixture. */
final class GpuTests {

    private GpuTests() {}

    static Gpu openOrSkip() {
        Optional<String> why = CudaBackend.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "no CUDA device here: " + why.orElse(""));
        return Gpu.open(0);
    }

    static CudaDecoderModel upload(String fixture, Gpu gpu) {
        Path dir = Fixtures.model(fixture);
        try (WeightStore w = WeightStore.open(dir)) {
            return CudaDecoderModel.upload(ModelConfig.read(dir), w, gpu);
        }
    }
}
