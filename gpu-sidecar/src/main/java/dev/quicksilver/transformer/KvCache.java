package dev.quicksilver.transformer;

/**
 * Keys and values of one canvas, per layer, for positions 0..capacity-1. Made by
 * {@link LanguageModel#newCache(int)}; the model that made it is the only one that reads or writes its
 * contents. Owns memory (native on the CPU path, device memory later), so it is closed when done.
 */
public interface KvCache extends AutoCloseable {

    int capacity();

    /** Whether keys/values for {@code position} have been stored (and not invalidated since). */
    boolean holds(int position);

    /** Forgets every stored position (the memory stays allocated). */
    void clear();

    /** Bytes of keys/values this cache owns. */
    long bytes();

    @Override
    void close();
}
