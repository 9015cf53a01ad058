package dev.quicksilver.tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a host model keeps its weight matrices: as the checkpoint stores them (memory-mapped, bf16, f16 or
 * f32), or quantized to int8 at load ({@link Int8Quantizer}). The embedding table itself is never quantized
 * (a head tied to it gets an int8 copy).
 */
public enum WeightFormat {
    CHECKPOINT("checkpoint"),
    INT8("int8");

    private final String label;

    WeightFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The format named {@code name} (case-insensitive); one sentence naming the choices otherwise. */
    public static WeightFormat parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (WeightFormat f : values()) {
            if (f.label.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown weight format \"" + name + "\"; choose one of "
                + Arrays.stream(values()).map(WeightFormat::label).collect(Collectors.joining(", ")) + ".");
    }

    @Override
    public String toString() {
        return label;
    }
}
