package dev.quicksilver.tensor;

import java.util.Optional;

/**
 * Element types of weights: the three safetensors dtypes Quicksilver reads, and {@link #Q8}, which no file
 * holds (weights are quantized to it at load, see {@link Int8Quantizer}). Activations are always float32.
 */
public enum DType {
    F32(4),
    F16(2),
    /** bfloat16: the upper 16 bits of an IEEE float32, so widening is a 16-bit left shift. */
    BF16(2),
    /**
     * int8 in groups of {@link Int8Quantizer#GROUP} consecutive elements of a row, each group with one
     * float32 scale ({@link WeightTensor#scales()}): element = int8 x scale. {@code bytes()} counts the int8
     * only.
     */
    Q8(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The dtype for a safetensors {@code dtype} string, if Quicksilver reads it. */
    public static Optional<DType> fromSafetensors(String name) {
        return switch (name) {
            case "F32" -> Optional.of(F32);
            case "F16" -> Optional.of(F16);
            case "BF16" -> Optional.of(BF16);
            default -> Optional.empty();
        };
    }

    /** bf16 bits to float: the bits are the top half of the float's bits. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
