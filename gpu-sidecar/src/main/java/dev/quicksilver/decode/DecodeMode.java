package dev.quicksilver.decode;

import java.util.Locale;

/** Diffusion (bidirectional, many tokens per forward) or the autoregressive baseline on the same weights. */
public enum DecodeMode {
    DIFFUSION, AUTOREGRESSIVE;

    public String cliName() {
        return this == DIFFUSION ? "diffusion" : "ar";
    }

    public static DecodeMode parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "diffusion" -> DIFFUSION;
            case "ar", "autoregressive" -> AUTOREGRESSIVE;
            default -> throw new IllegalArgumentException("unknown --mode '" + name + "'; choose diffusion or ar");
        };
    }

    @Override
    public String toString() {
        return cliName();
    }
}
