package dev.quicksilver.decode;

import java.util.Locale;

/**
 * How much of the canvas a denoising step recomputes (Fast-dLLM, NVlabs/Fast-dLLM: {@code generate},
 * {@code generate_with_prefix_cache}, {@code generate_with_dual_cache}). Every mode starts each block with a
 * full forward; the modes differ in what the steps inside a block recompute.
 */
public enum CacheMode {
    /** Every step is a full forward over the canvas. Exact, and the slowest. */
    NONE,
    /** Steps recompute from the current block to the end of the canvas; the prefix's keys/values come from
     *  the block-start forward. */
    PREFIX,
    /** Steps recompute only the current block (and, for shifted-logits models, the position before it);
     *  everything else comes from the block-start forward. */
    DUAL;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CacheMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --cache '" + name + "'; choose one of none, prefix, dual");
        }
    }

    @Override
    public String toString() {
        return cliName();
    }
}
