package dev.quicksilver.transformer;

/**
 * A {@link KvCache} that knows the model that made it: what every {@link LanguageModel} implementation
 * checks before a forward reads it. {@link #checkWindow} is that check, shared by the host and device
 * models so both refuse a bad request with the same sentence before any work starts.
 */
public interface OwnedKvCache extends KvCache {

    boolean ownedBy(Object model);

    boolean isClosed();

    /** First position in [from, to) that holds nothing, or -1. */
    int firstMissing(int from, int to);

    /**
     * The cache request {@code i} attends through, of {@code model}'s own cache type, or null when the
     * window is everything it attends to and it has no cache.
     *
     * @throws IllegalArgumentException naming the request and what is wrong with its window or cache
     */
    static <C extends OwnedKvCache> C checkWindow(Object model, Class<C> type, int i, ForwardRequest r,
                                                  AttentionKind kind, int keyCount) {
        boolean needsCachedKeys = r.windowStart() > 0 || r.windowEnd() < keyCount;
        if (r.cache() == null) {
            if (needsCachedKeys) {
                throw new IllegalArgumentException("request " + i + ": window [" + r.windowStart() + ", "
                        + r.windowEnd() + ") of a " + r.tokens().length + "-position canvas attends ("
                        + kind + ") to positions outside it, so it needs a KvCache holding them");
            }
            return null;
        }
        if (!type.isInstance(r.cache()) || !type.cast(r.cache()).ownedBy(model)) {
            throw new IllegalArgumentException("request " + i + ": its KvCache was made by another model;"
                    + " use this model's newCache");
        }
        C cache = type.cast(r.cache());
        if (cache.isClosed()) {
            throw new IllegalArgumentException("request " + i + ": its KvCache is closed");
        }
        if (keyCount > cache.capacity()) {
            throw new IllegalArgumentException("request " + i + ": attends to " + keyCount
                    + " positions but its KvCache holds only " + cache.capacity());
        }
        int missing = cache.firstMissing(0, r.windowStart());
        if (missing < 0) {
            missing = cache.firstMissing(r.windowEnd(), keyCount);
        }
        if (missing >= 0) {
            throw new IllegalArgumentException("request " + i + ": position " + missing
                    + " is outside the window [" + r.windowStart() + ", " + r.windowEnd()
                    + ") but its KvCache does not hold it; run a forward that stores it first");
        }
        return cache;
    }
}
