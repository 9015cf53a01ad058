package dev.quicksilver.tensor;

import static dev.quicksilver.transformer.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each cpu kernel against the reference on shapes that are not multiples of the vector width. */
class KernelParityTest {

    static final CpuBackend CPU = new CpuBackend(2);
    static final ReferenceBackend REF = new ReferenceBackend();
    static final double TOL = 2e-5;

    @AfterAll
    static void close() {
        CPU.close();
    }

    static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /**
     * A weight tensor in native memory holding {@code values} rounded to {@code dtype} (for Q8: quantized from
     * float32 by {@link Int8Quantizer}).
     */
    static WeightTensor weight(DType dtype, float[] values, long... shape) {
        if (dtype == DType.Q8) {
            return Int8Quantizer.quantize(weight(DType.F32, values, shape), Arena.ofAuto());
        }
        MemorySegment seg = Arena.ofAuto().allocate((long) values.length * dtype.bytes(), 64);
        var f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        var i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case F32 -> seg.setAtIndex(f32, i, values[i]);
                case BF16 -> seg.setAtIndex(i16, i, (short) (Float.floatToRawIntBits(values[i]) >>> 16));
                case F16 -> seg.setAtIndex(i16, i, Float.floatToFloat16(values[i]));
            }
        }
        return new WeightTensor("test", dtype, shape, seg, Path.of("memory"));
    }

    /** The build's reruns at narrower vectors ask for a lane count: make sure the JVM gave it. */
    @Test
    void runsAtTheVectorWidthTheBuildAsked() {
        String expected = System.getProperty("quicksilver.expectedLanes");
        if (expected != null) {
            assertEquals(Integer.parseInt(expected), CpuBackend.lanes(), "float lanes of SPECIES_PREFERRED");
        }
    }

    static Stream<Arguments> matmulShapes() {
        // rows, in, out: single rows (AR decode) and two (the dot-product path), row counts around the
        // tile of 8 rows (6 at 8 lanes; partial tiles of 3+ rows padded, 1-2 leftover rows one at a
        // time), `in` around the 256-long panel chunk and not a multiple of any lane count, `out` around
        // the panel width (two vectors: 16, 32 or 64 columns) and past it; `in` a multiple of 2L below,
        // at and past the chunk (the staged bf16 panels: 64, 320, 384, 896 = 3.5 chunks).
        int[][] shapes = {{1, 1, 1}, {1, 7, 3}, {3, 17, 5}, {4, 16, 4}, {5, 33, 9}, {7, 100, 13},
                {9, 513, 11}, {13, 1029, 7}, {4, 64, 260}, {17, 300, 301}, {6, 257, 33}, {8, 255, 64},
                {12, 520, 97}, {4, 256, 31}, {11, 129, 65}, {33, 384, 128}, {2, 40, 70}, {10, 64, 64},
                {9, 896, 96}, {5, 320, 70}};
        // Q8 needs `in` in whole groups of 32: the shapes above that have it, and more around the panel
        // chunk and the byte loads (1-2 rows stream weight rows; 4096 inputs: a 7B model's hidden size).
        int[][] q8Shapes = {{1, 32, 5}, {2, 64, 17}, {1, 4096, 33}, {3, 96, 40}, {8, 288, 70}, {13, 544, 33}};
        return Stream.concat(
                Stream.of(DType.values()).flatMap(d -> Stream.of(shapes)
                        .filter(s -> d != DType.Q8 || s[1] % Int8Quantizer.GROUP == 0).map(s -> new Object[] {d, s})),
                Stream.of(q8Shapes).map(s -> new Object[] {DType.Q8, s}))
                .flatMap(c -> {
                    int[] s = (int[]) c[1];
                    return Stream.of(Arguments.of(c[0], s[0], s[1], s[2], false), Arguments.of(c[0], s[0], s[1], s[2], true));
                });
    }

    @ParameterizedTest(name = "{0} rows={1} in={2} out={3} bias={4}")
    @MethodSource("matmulShapes")
    void matmul(DType dtype, int rows, int in, int out, boolean withBias) {
        Random rnd = new Random(rows * 31L + in * 7L + out);
        float[] x = random(rnd, rows * in);
        WeightTensor w = weight(dtype, random(rnd, in * out), out, in);
        float[] bias = withBias ? random(rnd, out) : null;
        float[] expected = new float[rows * out];
        float[] actual = new float[rows * out];
        REF.matmul(x, rows, w, bias, expected);
        CPU.matmul(x, rows, w, bias, actual);
        assertClose(expected, actual, TOL, "matmul");
    }

    @Test
    void matmulLargeEnoughToRunOnThePool() {
        Random rnd = new Random(5);
        int rows = 6, in = 700, out = 333;
        float[] x = random(rnd, rows * in);
        WeightTensor w = weight(DType.BF16, random(rnd, in * out), out, in);
        float[] expected = new float[rows * out];
        float[] actual = new float[rows * out];
        REF.matmul(x, rows, w, null, expected);
        CPU.matmul(x, rows, w, null, actual);
        assertClose(expected, actual, TOL, "matmul");
    }

    @Test
    void halfToFloatIsExactForEveryBitPattern() {
        VectorSpecies<Short> s = VectorSpecies.of(short.class,
                jdk.incubator.vector.VectorShape.forBitSize(CpuBackend.lanes() * 16));
        short[] bits = new short[s.length()];
        float[] out = new float[s.length()];
        for (int base = 0; base < 65536; base += bits.length) {
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (short) (base + i);
            }
            CpuBackend.f16ToFloat(ShortVector.fromArray(s, bits, 0)).intoArray(out, 0);
            for (int i = 0; i < bits.length; i++) {
                float expected = Float.float16ToFloat(bits[i]);
                if (Float.isNaN(expected)) {
                    assertEquals(true, Float.isNaN(out[i]), "half " + Integer.toHexString(bits[i] & 0xFFFF));
                } else {
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i]),
                            "half " + Integer.toHexString(bits[i] & 0xFFFF));
                }
            }
        }
    }

    @Test
    void bf16ToFloatIsTheUpperHalf() {
        VectorSpecies<Short> s = VectorSpecies.of(short.class,
                jdk.incubator.vector.VectorShape.forBitSize(CpuBackend.lanes() * 16));
        short[] bits = new short[s.length()];
        float[] out = new float[s.length()];
        for (int base = 0; base < 65536; base += bits.length) {
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (short) (base + i);
            }
            CpuBackend.bf16ToFloat(ShortVector.fromArray(s, bits, 0)).intoArray(out, 0);
            for (int i = 0; i < bits.length; i++) {
                assertEquals((bits[i] & 0xFFFF) << 16, Float.floatToRawIntBits(out[i]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("oddSizes")
    void rmsNorm(int rows, int dim) {
        Random rnd = new Random(dim);
        float[] x = random(rnd, rows * dim);
        float[] w = random(rnd, dim);
        float[] expected = new float[rows * dim];
        float[] actual = new float[rows * dim];
        REF.rmsNorm(x, rows, dim, w, 1e-6f, expected);
        CPU.rmsNorm(x, rows, dim, w, 1e-6f, actual);
        assertClose(expected, actual, TOL, "rmsNorm");
    }

    @ParameterizedTest
    @MethodSource("oddSizes")
    void ropeSwigluAddSoftmax(int rows, int dim) {
        Random rnd = new Random(dim * 3L);
        int heads = 3;
        int headDim = 2 * dim;
        float[] x = random(rnd, rows * heads * headDim);
        float[] cos = random(rnd, rows * dim);
        float[] sin = random(rnd, rows * dim);
        float[] expected = x.clone();
        float[] actual = x.clone();
        REF.rope(expected, rows, heads, headDim, cos, sin);
        CPU.rope(actual, rows, heads, headDim, cos, sin);
        assertClose(expected, actual, TOL, "rope");

        float[] gate = random(rnd, rows * dim);
        float[] up = random(rnd, rows * dim);
        expected = gate.clone();
        actual = gate.clone();
        REF.swiglu(expected, up, rows * dim);
        CPU.swiglu(actual, up, rows * dim);
        assertClose(expected, actual, TOL, "swiglu");

        expected = gate.clone();
        actual = gate.clone();
        REF.add(expected, up, rows * dim);
        CPU.add(actual, up, rows * dim);
        assertClose(expected, actual, TOL, "add");

        float[] logits = random(rnd, rows * dim + 3);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 10;
        }
        expected = logits.clone();
        actual = logits.clone();
        REF.softmax(expected, 3, rows * dim);
        CPU.softmax(actual, 3, rows * dim);
        assertClose(expected, actual, TOL, "softmax");
    }

    static Stream<Arguments> oddSizes() {
        // the last two are large enough (over 64K elements) for the kernels to split the rows over the team
        return Stream.of(Arguments.of(1, 1), Arguments.of(2, 7), Arguments.of(3, 17), Arguments.of(1, 64),
                Arguments.of(5, 67), Arguments.of(2, 200), Arguments.of(1100, 67), Arguments.of(700, 97));
    }

    @Test
    void embedEveryDtype() {
        Random rnd = new Random(9);
        int vocab = 23;
        int[] tokens = {0, 22, 5, 5, 17};
        for (DType d : DType.values()) {
            int dim = d == DType.Q8 ? 64 : 37;
            WeightTensor table = weight(d, random(rnd, vocab * dim), vocab, dim);
            float[] expected = new float[tokens.length * dim];
            float[] actual = new float[tokens.length * dim];
            REF.embed(table, tokens, expected);
            CPU.embed(table, tokens, actual);
            assertClose(expected, actual, 0, "embed " + d);
        }
    }

    static Stream<Arguments> attentionShapes() {
        // heads, kvHeads, headDim, nKeys, nQ, firstPosition
        return Stream.of(Arguments.of(1, 1, 1, 1, 1, 0), Arguments.of(4, 2, 12, 19, 19, 0),
                Arguments.of(6, 2, 17, 33, 5, 11), Arguments.of(5, 5, 8, 40, 7, 33),
                Arguments.of(8, 1, 64, 130, 130, 0), Arguments.of(4, 4, 128, 70, 3, 20),
                // one query position (autoregressive steps take their own path): grouped heads, a head size
                // that is not a whole number of vectors, a causal limit before the last key
                Arguments.of(14, 2, 64, 450, 1, 449), Arguments.of(6, 2, 17, 33, 1, 20), Arguments.of(4, 4, 128, 70, 1, 69));
    }

    /**
     * A batch of one-position jobs (autoregressive steps of several canvases), each reading its newest key
     * from the forward's own row: every job gets what the reference gives it.
     */
    @Test
    void onePositionJobsReadTheirOwnRowAndTheCache() {
        AttentionShape shape = new AttentionShape(6, 2, 64);
        int kvDim = shape.kvDim();
        Random rnd = new Random(5);
        List<AttentionJob> jobs = new ArrayList<>();
        int canvases = 3;
        float[] own = random(rnd, canvases * kvDim);
        float[] ownValues = random(rnd, canvases * kvDim);
        for (int c = 0; c < canvases; c++) {
            int nKeys = 20 + 37 * c;
            float[] keys = random(rnd, nKeys * kvDim);
            float[] values = random(rnd, nKeys * kvDim);
            java.util.Arrays.fill(keys, (nKeys - 1) * kvDim, nKeys * kvDim, Float.NaN); // read from the own row
            java.util.Arrays.fill(values, (nKeys - 1) * kvDim, nKeys * kvDim, Float.NaN);
            jobs.add(new AttentionJob(c, 1, nKeys - 1, MemorySegment.ofArray(keys), MemorySegment.ofArray(values), nKeys, own, ownValues));
        }
        float[] q = random(rnd, canvases * shape.qDim());
        for (boolean causal : new boolean[] {false, true}) {
            float[] expected = new float[q.length];
            float[] actual = new float[q.length];
            REF.attention(q, expected, jobs, shape, causal);
            CPU.attention(q, actual, jobs, shape, causal);
            assertClose(expected, actual, TOL, "one-position batch, causal=" + causal);
        }
    }

    @ParameterizedTest(name = "heads={0} kv={1} hd={2} keys={3} q={4} from={5}")
    @MethodSource("attentionShapes")
    void attention(int heads, int kvHeads, int headDim, int nKeys, int nQ, int first) {
        AttentionShape shape = new AttentionShape(heads, kvHeads, headDim);
        Random rnd = new Random(heads * 100L + nKeys);
        int qRow0 = 2; // queries sit after two unrelated rows, as the second request of a batch does
        float[] q = random(rnd, (qRow0 + nQ) * shape.qDim());
        MemorySegment keys = MemorySegment.ofArray(random(rnd, nKeys * shape.kvDim()));
        MemorySegment values = MemorySegment.ofArray(random(rnd, nKeys * shape.kvDim()));
        for (boolean causal : new boolean[] {false, true}) {
            float[] expected = new float[q.length];
            float[] actual = new float[q.length];
            List<AttentionJob> job = List.of(new AttentionJob(qRow0, nQ, first, keys, values, nKeys));
            REF.attention(q, expected, job, shape, causal);
            CPU.attention(q, actual, job, shape, causal);
            assertClose(expected, actual, TOL, "attention causal=" + causal);
        }
    }

    /**
     * A denoising step's job: the window's keys and values read from the forward's own rows, the rest
     * from the cache segment (whose window rows hold stale values that must not be read), and a job with
     * no segment at all (every position its own). Each must equal the same attention with every key in one
     * segment, in both backends.
     */
    @Test
    void attentionReadsTheWindowFromTheForwardsOwnRows() {
        AttentionShape shape = new AttentionShape(6, 2, 64);
        int kvDim = shape.kvDim();
        Random rnd = new Random(11);
        int nKeys = 90, windowStart = 40, nQ = 33, qRow0 = 5;
        float[] all = random(rnd, nKeys * kvDim);
        float[] allValues = random(rnd, nKeys * kvDim);
        float[] own = new float[(qRow0 + nQ) * kvDim];
        float[] ownValues = new float[(qRow0 + nQ) * kvDim];
        System.arraycopy(all, windowStart * kvDim, own, qRow0 * kvDim, nQ * kvDim);
        System.arraycopy(allValues, windowStart * kvDim, ownValues, qRow0 * kvDim, nQ * kvDim);
        float[] stale = all.clone();
        float[] staleValues = allValues.clone();
        java.util.Arrays.fill(stale, windowStart * kvDim, (windowStart + nQ) * kvDim, Float.NaN);
        java.util.Arrays.fill(staleValues, windowStart * kvDim, (windowStart + nQ) * kvDim, Float.NaN);
        float[] q = random(rnd, (qRow0 + nQ) * shape.qDim());
        AttentionJob inSegments = new AttentionJob(qRow0, nQ, windowStart, MemorySegment.ofArray(all),
                MemorySegment.ofArray(allValues), nKeys);
        AttentionJob windowOwn = new AttentionJob(qRow0, nQ, windowStart, MemorySegment.ofArray(stale),
                MemorySegment.ofArray(staleValues), nKeys, own, ownValues);

        int wholeKeys = nQ; // a canvas computed whole, without a cache
        float[] wholeOwn = random(rnd, (qRow0 + wholeKeys) * kvDim);
        float[] wholeOwnValues = random(rnd, (qRow0 + wholeKeys) * kvDim);
        AttentionJob wholeInSegments = new AttentionJob(qRow0, wholeKeys, 0,
                MemorySegment.ofArray(java.util.Arrays.copyOfRange(wholeOwn, qRow0 * kvDim, wholeOwn.length)),
                MemorySegment.ofArray(
                        java.util.Arrays.copyOfRange(wholeOwnValues, qRow0 * kvDim, wholeOwnValues.length)),
                wholeKeys);
        AttentionJob wholeOwnOnly = new AttentionJob(qRow0, wholeKeys, 0, null, null, wholeKeys, wholeOwn,
                wholeOwnValues);

        for (Backend backend : new Backend[] {REF, CPU}) {
            for (boolean causal : new boolean[] {false, true}) {
                float[] expected = new float[q.length];
                float[] actual = new float[q.length];
                backend.attention(q, expected, List.of(inSegments), shape, causal);
                backend.attention(q, actual, List.of(windowOwn), shape, causal);
                assertClose(expected, actual, 1e-6, backend.name() + " window from own rows, causal=" + causal);
                backend.attention(q, expected, List.of(wholeInSegments), shape, causal);
                backend.attention(q, actual, List.of(wholeOwnOnly), shape, causal);
                assertClose(expected, actual, 1e-6, backend.name() + " every key its own, causal=" + causal);
            }
        }
    }

    /**
     * One call for a batch of canvases of different lengths (as a denoising step with several requests
     * makes): every canvas gets what the reference gives it, and what it gets when called alone, whether
     * the batch is small enough to run on one thread or large enough to be split over the team. "What it
     * gets alone" is to within a few float ulps, not bit for bit: the vector exp of the softmax rounds
     * differently before and after the JIT compiles it, and the two calls may straddle that moment.
     */
    @ParameterizedTest(name = "canvases={0}")
    @ValueSource(ints = {2, 16})
    void attentionOverABatchOfCanvases(int canvases) {
        AttentionShape shape = new AttentionShape(6, 2, 64);
        Random rnd = new Random(canvases);
        List<AttentionJob> jobs = new ArrayList<>();
        int rows = 0;
        for (int c = 0; c < canvases; c++) {
            int nKeys = 20 + rnd.nextInt(300);
            int nQ = 1 + rnd.nextInt(Math.min(nKeys, 40));
            int first = rnd.nextInt(nKeys - nQ + 1);
            jobs.add(new AttentionJob(rows, nQ, first, MemorySegment.ofArray(random(rnd, nKeys * shape.kvDim())),
                    MemorySegment.ofArray(random(rnd, nKeys * shape.kvDim())), nKeys));
            rows += nQ;
        }
        float[] q = random(rnd, rows * shape.qDim());
        for (boolean causal : new boolean[] {false, true}) {
            float[] expected = new float[q.length];
            float[] batched = new float[q.length];
            float[] alone = new float[q.length];
            REF.attention(q, expected, jobs, shape, causal);
            CPU.attention(q, batched, jobs, shape, causal);
            for (AttentionJob job : jobs) {
                CPU.attention(q, alone, List.of(job), shape, causal);
            }
            assertClose(expected, batched, TOL, "batched attention causal=" + causal);
            assertClose(alone, batched, 1e-6, "a canvas's attention does not depend on its batch");
        }
    }
}
