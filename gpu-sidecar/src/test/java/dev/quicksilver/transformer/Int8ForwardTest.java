package dev.quicksilver.transformer;

import static dev.quicksilver.transformer.Fixtures.allPositions;
import static dev.quicksilver.transformer.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.tensor.DType;
import dev.quicksilver.tensor.ReferenceBackend;
import dev.quicksilver.tensor.WeightFormat;
import dev.quicksilver.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Models loaded with {@code --weights int8} against their checkpoint's weights (the cpu backend against the
 * reference on int8 weights is in {@link CpuForwardParityTest}).
 */
class Int8ForwardTest {

    static final Path EMBEDDED = Path.of("").toAbsolutePath().getParent().resolve("models/quicksilver-coder-mini");

    /** Quantization changes the logits, a little: the same fixture model with and without it. */
    @Test
    void int8LogitsDifferFromTheCheckpointsButLittle() {
        try (CpuBackend cpu = new CpuBackend(2);
             DecoderModel checkpoint = ModelLoader.load(Fixtures.model("qwen2-gqa-f32"), cpu);
             DecoderModel int8 = ModelLoader.load(Fixtures.model("qwen2-gqa-f32"), cpu, WeightFormat.INT8)) {
            int[] tokens = new Random(8).ints(30, 0, 296).toArray();
            List<ForwardRequest> batch = List.of(new ForwardRequest(tokens, 0, tokens.length, null, false,
                    allPositions(0, tokens.length)));
            float[] a = checkpoint.forward(batch, AttentionKind.BIDIRECTIONAL)[0];
            float[] b = int8.forward(batch, AttentionKind.BIDIRECTIONAL)[0];
            assertNotEquals(0, maxAbsDifference(a, b), "int8 weights are not the checkpoint's");
            assertTrue(maxAbsDifference(a, b) < 0.02 * maxAbs(a), "int8 logits far from the checkpoint's: "
                    + maxAbsDifference(a, b) + " against a largest logit of " + maxAbs(a));
        }
    }

    /**
     * On the embedded model and a real Java file, the int8 model's most likely token at each masked position
     * of an infill canvas is almost always the checkpoint's.
     */
    @Test
    void embeddedModelInt8PicksTheCheckpointsTokens() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/quicksilver/tensor/Int8Quantizer.java"));
        int cut = source.indexOf("for (int g = 0;");
        try (Tokenizer tokenizer = Tokenizer.open(EMBEDDED);
             CpuBackend cpu = new CpuBackend(2);
             DecoderModel checkpoint = ModelLoader.load(EMBEDDED, cpu);
             DecoderModel int8 = ModelLoader.load(EMBEDDED, cpu, WeightFormat.INT8)) {
            int[] prefix = tokenizer.encode(source.substring(Math.max(0, cut - 1200), cut));
            int[] suffix = tokenizer.encode(source.substring(cut + 200, cut + 500));
            int holes = 48;
            int[] canvas = IntStream.concat(IntStream.concat(Arrays.stream(prefix),
                    IntStream.generate(() -> checkpoint.config().maskTokenId()).limit(holes)), Arrays.stream(suffix))
                    .toArray();
            // Shifted logits: the token at position p is read at p - 1.
            int[] asked = IntStream.range(prefix.length - 1, prefix.length - 1 + holes).toArray();
            List<ForwardRequest> batch = List.of(new ForwardRequest(canvas, 0, canvas.length, null, false, asked));
            float[] a = checkpoint.forward(batch, AttentionKind.BIDIRECTIONAL)[0];
            float[] b = int8.forward(batch, AttentionKind.BIDIRECTIONAL)[0];
            int vocab = checkpoint.config().vocabSize();
            int same = 0;
            for (int i = 0; i < holes; i++) {
                if (argmax(a, i * vocab, vocab) == argmax(b, i * vocab, vocab)) {
                    same++;
                }
            }
            assertTrue(same >= holes * 9 / 10, same + " of " + holes + " positions pick the checkpoint's token");
        }
    }

    /**
     * The embedded model ties its head to the embedding: with int8 weights the embedding is gathered as stored
     * and the head multiplies by an int8 copy, on both backends alike.
     */
    @Test
    void embeddedModelsTiedHeadGetsAnInt8CopyOnBothBackends() {
        try (CpuBackend cpu = new CpuBackend(2);
             DecoderModel fast = ModelLoader.load(EMBEDDED, cpu, WeightFormat.INT8);
             DecoderModel slow = ModelLoader.load(EMBEDDED, new ReferenceBackend(), WeightFormat.INT8)) {
            assertTrue(fast.config().tiedEmbeddings());
            assertEquals(DType.Q8, fast.weights().tiedHead().orElseThrow().dtype());
            assertEquals(DType.BF16, fast.weights().tensor(Qwen2Model.EMBEDDING).dtype());
            int[] tokens = new Random(3).ints(12, 7, 8000).toArray();
            int[] asked = {0, 5, 11};
            List<ForwardRequest> batch = List.of(new ForwardRequest(tokens, 0, tokens.length, null, false, asked));
            assertClose(slow.forward(batch, AttentionKind.BIDIRECTIONAL)[0],
                    fast.forward(batch, AttentionKind.BIDIRECTIONAL)[0], 1e-4, "embedded int8");
        }
    }

    @Test
    void anUnknownWeightFormatIsNamedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightFormat.parse("int4"));
        assertEquals("Unknown weight format \"int4\"; choose one of checkpoint, int8.", e.getMessage());
    }

    static int argmax(float[] x, int from, int n) {
        int best = from;
        for (int i = from + 1; i < from + n; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best - from;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static double maxAbs(float[] a) {
        double d = 0;
        for (float v : a) {
            d = Math.max(d, Math.abs(v));
        }
        return d;
    }
}
