package dev.quicksilver.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One named tensor of a checkpoint: a view into the memory-mapped file, never a copy, except where the
 * model was loaded with int8 weights ({@link Int8Quantizer}: then a matrix is a {@link DType#Q8} copy in
 * native memory, in panel order). Matrices of the checkpoint's dtypes keep the Hugging Face layout
 * {@code [out, in]} (row o holds the weights of output o), so a matmul reads each row contiguously;
 * {@link #getFloat} takes row-major indices for every dtype.
 *
 * @param file   the .safetensors file it lives in (for messages)
 * @param data   exactly the tensor's bytes, little-endian (for Q8: one int8 per element, in the panel
 *               order {@link Int8Quantizer} describes)
 * @param scales for Q8, one float32 per group of {@link Int8Quantizer#GROUP} elements of a row (same
 *               order); null for the other dtypes
 */
public record WeightTensor(String name, DType dtype, long[] shape, MemorySegment data, Path file,
                           MemorySegment scales) {

    /** A tensor of a checkpoint's dtype (no scales). */
    public WeightTensor(String name, DType dtype, long[] shape, MemorySegment data, Path file) {
        this(name, dtype, shape, data, file, null);
    }

    public WeightTensor {
        if ((dtype == DType.Q8) != (scales != null)) {
            throw new IllegalArgumentException("tensor " + name + ": a " + dtype + " tensor "
                    + (dtype == DType.Q8 ? "needs" : "takes no") + " group scales");
        }
    }

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Rows of a matrix ({@code out} features); 1 for a vector. */
    public int rows() {
        return shape.length == 1 ? 1 : Math.toIntExact(shape[0]);
    }

    /** Columns of a matrix ({@code in} features), or the length of a vector. */
    public int cols() {
        return Math.toIntExact(shape[shape.length - 1]);
    }

    /** Element {@code index} (row-major) widened to float. Scalar and slow: for the reference backend and tests. */
    public float getFloat(long index) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, index);
            case BF16 -> DType.bf16ToFloat(data.getAtIndex(I16, index));
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, index));
            case Q8 -> {
                int cols = cols();
                long row = index / cols;
                long col = index % cols;
                yield data.get(ValueLayout.JAVA_BYTE, Int8Quantizer.valueOffset(row, col, cols))
                        * scales.getAtIndex(F32, Int8Quantizer.scaleIndex(row, col, cols));
            }
        };
    }

    /** The whole tensor widened to float (tests and small vectors such as norms and biases). */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString() + " in " + file.getFileName();
    }
}
