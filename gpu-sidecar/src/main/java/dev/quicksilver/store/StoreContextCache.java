package dev.quicksilver.store;

import dev.quicksilver.decode.ContextCache;
import dev.quicksilver.transformer.KvCache;
import java.util.Arrays;
import java.util.Optional;

/**
 * The engine's {@link ContextCache} on a {@link KvStore}: a canvas's leading positions, cut into chunks of
 * {@code chunkTokens}, each keyed by the model id and a hash chain over the tokens up to its end.
 * Stateless apart from the store, so one instance serves every canvas; it runs on the scheduler thread.
 * Chunks are copied through the {@link dev.quicksilver.transformer.KvMemory.Block} overloads of
 * {@link KvCache}, so with the cuda model and a store of device memory they never leave the device.
 */
public final class StoreContextCache implements ContextCache {

    private final KvStore store;
    private final String modelId;
    private final int chunkTokens;

    public StoreContextCache(KvStore store, String modelId, int chunkTokens) {
        if (chunkTokens < 1) {
            throw new IllegalArgumentException("--context-chunk must be at least 1 token, got " + chunkTokens);
        }
        this.store = store;
        this.modelId = modelId;
        this.chunkTokens = chunkTokens;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    @Override
    public int frozenLength(int limit) {
        return limit / chunkTokens * chunkTokens;
    }

    @Override
    public int prefill(int[] tokens, int frozen, KvCache cache) {
        long chain = seed();
        int filled = 0;
        for (int i = 0; (i + 1) * chunkTokens <= frozen; i++) {
            int from = i * chunkTokens;
            int[] chunk = Arrays.copyOfRange(tokens, from, from + chunkTokens);
            chain = chain(chain, chunk);
            Optional<KvStore.Lease> lease = store.lease(new KvStore.ChunkKey(modelId, i, chain), chunk);
            if (lease.isEmpty()) {
                break; // chunks after a miss cannot be used: their keys/values assumed this one
            }
            try (KvStore.Lease l = lease.get()) {
                cache.importPositions(l.block(), 0, from, from + chunkTokens);
            }
            filled = from + chunkTokens;
        }
        return filled;
    }

    @Override
    public void publish(int[] tokens, int from, int frozen, KvCache cache) {
        long chain = seed();
        long bytes = cache.bytesPerPosition() * chunkTokens;
        for (int i = 0; (i + 1) * chunkTokens <= frozen; i++) {
            int start = i * chunkTokens;
            int[] chunk = Arrays.copyOfRange(tokens, start, start + chunkTokens);
            chain = chain(chain, chunk);
            if (start < from) {
                continue; // came from the store: resident already
            }
            int s = start;
            if (!store.put(new KvStore.ChunkKey(modelId, i, chain), chunk, bytes,
                    block -> cache.exportPositions(s, s + chunkTokens, block, 0))) {
                return; // no room: later chunks would be unreachable anyway
            }
        }
    }

    private long seed() {
        return mix(modelId.hashCode() * 0x9E3779B97F4A7C15L);
    }

    /** The hash of a chain extended by one chunk (splitmix64 steps over the tokens). */
    static long chain(long previous, int[] chunk) {
        long h = previous;
        for (int t : chunk) {
            h = mix(h ^ (t & 0xFFFFFFFFL) * 0xBF58476D1CE4E5B9L);
        }
        return mix(h + chunk.length);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
