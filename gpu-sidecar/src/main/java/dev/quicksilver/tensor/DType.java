package dev.quicksilver.tensor;

import java.util.Optional;

/** Element types of weights as safetensors names them. Activations are always float32. */
public enum DType {
    F32(4),
    F16(2),
    /** bfloat16: the upper 16 bits of an IEEE float32, so widening is a 16-bit left shift. */
    BF16(2);

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
