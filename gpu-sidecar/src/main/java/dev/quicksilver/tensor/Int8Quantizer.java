package dev.quicksilver.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * Weight matrices quantized to int8 at load ({@code --weights int8}): each row is cut into groups of
 * {@link #GROUP} consecutive inputs, and each group keeps one float32 scale, its largest magnitude / 127,
 * with every element rounded to the nearest multiple of it (symmetric absmax quantization in blocks, the
 * scheme of ggml/llama.cpp's Q8_0; written here from that description). A group's error is at most half
 * its scale, so a weight far from its group's largest moves by under 0.4% of that largest.
 *
 * <p>Layout: the copy is stored in the cpu backend's panel order, not row-major: the rows (output columns)
 * are taken {@link #PANEL} at a time, and within such a panel element (o, i) sits at
 * {@code (panel * in + i) * PANEL + o % PANEL} ({@link #valueOffset}); the scales likewise, one per
 * (panel row, group) ({@link #scaleIndex}); a last partial panel is padded with zeros. A matmul then reads a
 * panel's weights as one sequential stream, and its inner loop gets PANEL consecutive output columns per
 * input element from one contiguous load, with no transpose: widening int8 takes more work than widening
 * bf16, and transposing it as well made 3-33-row products 1.5-2.3x slower than bf16 ones on a 330 MB model
 * (AMD Zen 5, 2026-11-27).
 *
 * <p>Why: an autoregressive step reads every weight once for one row, so it is bound by memory bandwidth,
 * and int8 streams 1.125 bytes a weight (with the scales) where bf16 streams 2; the weights of a 7B
 * checkpoint also take about 0.56 of their bf16 memory. The price is a copy (the checkpoint stays mapped,
 * its pages of these matrices released) and a small loss of accuracy, measured in
 * {@code docs/benchmarks.md}. Denoising steps of 33 rows and more are bound by the float multiply-adds
 * on a CPU, so int8 gains them little.
 */
public final class Int8Quantizer {

    /** Elements per scale; a matrix's {@code in} size must be a multiple of it. */
    public static final int GROUP = 32;

    /** Rows per panel of the layout: the cpu backend's panel width (two float vectors). */
    static final int PANEL = CpuBackend.NR;

    private Int8Quantizer() {}

    /** True for a matrix whose rows split into whole groups and that is not already quantized. */
    public static boolean canQuantize(WeightTensor t) {
        return t.shape().length == 2 && t.cols() % GROUP == 0 && t.dtype() != DType.Q8;
    }

    /**
     * The {@link DType#Q8} copy of matrix {@code t}, in memory owned by {@code arena}. Rows are quantized in
     * parallel (a 7B checkpoint has billions of weights).
     *
     * @throws IllegalArgumentException when {@link #canQuantize} is false
     */
    public static WeightTensor quantize(WeightTensor t, Arena arena) {
        if (!canQuantize(t)) {
            throw new IllegalArgumentException("tensor " + t.name() + " " + t.dtype() + t.shapeString()
                    + " cannot be quantized to int8: it needs two dimensions and rows of a multiple of " + GROUP
                    + " elements");
        }
        int rows = t.rows();
        int cols = t.cols();
        long panels = (rows + PANEL - 1) / PANEL;
        MemorySegment values = arena.allocate(panels * PANEL * cols, 64); // zeroed: the padding
        MemorySegment scales = arena.allocate(panels * PANEL * (cols / GROUP) * Float.BYTES, 64);
        // Rows in a few contiguous ranges, one widened-row buffer each (a buffer per row would fill the young
        // generation with garbage during the load of a large checkpoint).
        int tasks = Math.min(rows, 4 * Runtime.getRuntime().availableProcessors());
        IntStream.range(0, tasks).parallel().forEach(task -> {
            float[] row = new float[cols];
            for (int r = (int) ((long) rows * task / tasks); r < (int) ((long) rows * (task + 1) / tasks); r++) {
                quantizeRow(t, r, row, values, scales);
            }
        });
        return new WeightTensor(t.name(), DType.Q8, t.shape(), values, t.file(), scales);
    }

    /** Row {@code r} of {@code t} into the copy, using {@code row} (cols floats) as scratch. */
    private static void quantizeRow(WeightTensor t, int r, float[] row, MemorySegment values, MemorySegment scales) {
        int cols = row.length;
        CpuBackend.widen(t, (long) r * cols, cols, row, 0);
        for (int g = 0; g < cols; g += GROUP) {
            float largest = 0f;
            for (int i = g; i < g + GROUP; i++) {
                largest = Math.max(largest, Math.abs(row[i]));
            }
            float scale = largest / 127f;
            float inverse = scale == 0f ? 0f : 1f / scale;
            scales.setAtIndex(WeightTensor.F32, scaleIndex(r, g, cols), scale);
            for (int i = g; i < g + GROUP; i++) {
                int q = Math.round(row[i] * inverse);
                values.set(ValueLayout.JAVA_BYTE, valueOffset(r, i, cols), (byte) Math.max(-127, Math.min(127, q)));
            }
        }
    }

    /** Byte offset of element (row, col) of a quantized matrix with {@code cols} columns. */
    static long valueOffset(long row, long col, int cols) {
        return ((row / PANEL) * cols + col) * PANEL + row % PANEL;
    }

    /** Index (in floats) of the scale of element (row, col). */
    static long scaleIndex(long row, long col, int cols) {
        return ((row / PANEL) * (cols / GROUP) + col / GROUP) * PANEL + row % PANEL;
    }
}
