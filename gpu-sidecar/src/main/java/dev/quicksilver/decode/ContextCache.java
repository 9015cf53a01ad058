package dev.quicksilver.decode;

import dev.quicksilver.transformer.KvCache;

/**
 * Keys/values of a canvas's leading positions kept across requests (the sidecar's KV/context store
 * implements it). A canvas given one <em>freezes</em> its leading context: positions [0, frozen) are
 * computed at most once, at its first block-start forward, or not at all when an earlier request with the
 * same leading tokens left them in the store; later block-start forwards recompute only [frozen, T).
 *
 * <p>This is an approximation for a bidirectional model: a position's keys/values depend on every token
 * of the canvas, including the hole and the suffix that follow, and a frozen prefix does not see them
 * change. Fast-dLLM (Wu et al. 2025, §3.1) makes the same approximation inside one request for its prefix
 * and dual caches and shows the cached keys/values change little between steps; here it spans requests
 * too, so it is a setting whose effect is measured ({@code bench sidecar}).
 */
public interface ContextCache {

    /** How many leading positions to freeze, at most {@code limit} (the store rounds down to its chunks). */
    int frozenLength(int limit);

    /**
     * Fills positions [0, n) of {@code cache} from the store, for the longest run of stored chunks that
     * matches {@code tokens}, with n at most {@code frozen}.
     *
     * @return n, the positions filled (0 on a miss)
     */
    int prefill(int[] tokens, int frozen, KvCache cache);

    /** Offers positions [from, frozen) of {@code cache}, just computed, to the store. */
    void publish(int[] tokens, int from, int frozen, KvCache cache);
}
