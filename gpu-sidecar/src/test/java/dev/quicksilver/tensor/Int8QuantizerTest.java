package dev.quicksilver.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.Fixtures;
import java.lang.foreign.Arena;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Int8QuantizerTest {

    @Test
    void everyElementIsWithinHalfItsGroupsScale() {
        Random rnd = new Random(4);
        int rows = 3 * Int8Quantizer.PANEL + 7, cols = 160; // several panels, the last one partial
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            // Groups of very different magnitudes, so a per-row scale would fail the bound below.
            values[i] = (float) (rnd.nextGaussian() * Math.pow(10, (i / 32) % 5 - 2));
        }
        WeightTensor f32 = KernelParityTest.weight(DType.F32, values, rows, cols);
        WeightTensor q = Int8Quantizer.quantize(f32, Arena.ofAuto());
        assertEquals(DType.Q8, q.dtype());
        // Whole panels of rows, the last one padded.
        long paddedRows = (rows + Int8Quantizer.PANEL - 1) / Int8Quantizer.PANEL * Int8Quantizer.PANEL;
        assertEquals(paddedRows * cols, q.data().byteSize());
        assertEquals(paddedRows * cols / Int8Quantizer.GROUP * Float.BYTES, q.scales().byteSize());
        for (int g = 0; g < values.length / 32; g++) {
            float largest = 0;
            for (int i = g * 32; i < g * 32 + 32; i++) {
                largest = Math.max(largest, Math.abs(values[i]));
            }
            float scale = largest / 127f;
            for (int i = g * 32; i < g * 32 + 32; i++) {
                float error = Math.abs(q.getFloat(i) - values[i]);
                assertTrue(error <= scale * 0.5f * 1.0001f, "element " + i + ": error " + error + ", scale " + scale);
            }
            // Exactly the definition: each element the nearest multiple of the scale, as Math.round has it.
            for (int i = g * 32; i < g * 32 + 32; i++) {
                float inverse = scale == 0f ? 0f : 1f / scale;
                assertEquals(Math.round(values[i] * inverse) * scale, q.getFloat(i), 0f, "element " + i);
            }
            // The largest magnitude of a group is represented (to float rounding).
            float back = 0;
            for (int i = g * 32; i < g * 32 + 32; i++) {
                back = Math.max(back, Math.abs(q.getFloat(i)));
            }
            assertEquals(largest, back, largest * 1e-6, "group " + g);
        }
    }

    @Test
    void anAllZeroGroupStaysZeroWithoutNaN() {
        float[] values = new float[64];
        values[40] = 3f;
        WeightTensor q = Int8Quantizer.quantize(KernelParityTest.weight(DType.BF16, values, 1, 64), Arena.ofAuto());
        for (int i = 0; i < 64; i++) {
            assertEquals(values[i], q.getFloat(i), 1e-6, "element " + i);
        }
    }

    @Test
    void refusesWhatItCannotQuantizeNamingTheTensor() {
        WeightTensor odd = KernelParityTest.weight(DType.F32, new float[3 * 40], 3, 40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Int8Quantizer.quantize(odd, Arena.ofAuto()));
        assertTrue(e.getMessage().contains("test") && e.getMessage().contains("multiple of 32"), e.getMessage());
        WeightTensor vector = KernelParityTest.weight(DType.F32, new float[64], 64);
        assertThrows(IllegalArgumentException.class, () -> Int8Quantizer.quantize(vector, Arena.ofAuto()));
        WeightTensor twice = Int8Quantizer.quantize(KernelParityTest.weight(DType.F32, new float[64], 2, 32),
                Arena.ofAuto());
        assertThrows(IllegalArgumentException.class, () -> Int8Quantizer.quantize(twice, Arena.ofAuto()));
    }

    @Test
    void theStoreQuantizesEveryMatrixInWholeGroupsButTheOnesKept() {
        // qwen2-gqa-f32: hidden 64 (q, k, v, o, gate, up quantize), intermediate 120 (down_proj cannot).
        try (WeightStore store = WeightStore.open(Fixtures.model("qwen2-gqa-f32"))) {
            WeightTensor embedding = store.tensor("model.embed_tokens.weight");
            WeightTensor down = store.tensor("model.layers.0.mlp.down_proj.weight");
            long expectedBytes = 0;
            for (WeightTensor t : store.all().values()) {
                if (Int8Quantizer.canQuantize(t) && !t.name().equals("model.embed_tokens.weight")) {
                    long paddedRows = (t.rows() + Int8Quantizer.PANEL - 1) / Int8Quantizer.PANEL * Int8Quantizer.PANEL;
                    expectedBytes += paddedRows * t.cols() * 9 / 8; // an int8 each and a float per 32
                }
            }
            java.util.List<String> reports = new java.util.ArrayList<>();
            WeightStore.Quantized q = store.quantizeMatricesToInt8(Set.of("model.embed_tokens.weight"),
                    (done, total) -> reports.add(done + "/" + total));
            assertSame(embedding, store.tensor("model.embed_tokens.weight"));
            assertSame(down, store.tensor("model.layers.0.mlp.down_proj.weight"));
            assertEquals(DType.Q8, store.tensor("model.layers.0.self_attn.q_proj.weight").dtype());
            assertEquals(DType.Q8, store.tensor("lm_head.weight").dtype());
            assertEquals(DType.F32, store.tensor("model.layers.0.self_attn.q_proj.bias").dtype());
            assertTrue(q.matrices() > 0);
            assertEquals(q.matrices(), reports.size(), "one progress report per matrix");
            assertEquals(q.matrices() + "/" + q.matrices(), reports.getLast());
            assertEquals(expectedBytes, q.int8Bytes());
            assertTrue(q.int8Bytes() < q.checkpointBytes() / 3, "f32 -> int8");
        }
    }
}
