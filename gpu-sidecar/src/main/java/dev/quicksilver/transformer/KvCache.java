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

    /** Bytes one position takes: keys and values of every layer. */
    long bytesPerPosition();

    /**
     * Copies the keys and values of positions [from, to) out, every layer, into {@code dst} at
     * {@code offset}: {@code (to - from) * bytesPerPosition()} bytes in a layout only {@link #importPositions}
     * reads. The positions must be held. This is how the cross-request context store keeps a chunk.
     */
    void exportPositions(int from, int to, java.lang.foreign.MemorySegment dst, long offset);

    /** The reverse of {@link #exportPositions}: writes positions [from, to) and marks them held. */
    void importPositions(java.lang.foreign.MemorySegment src, long offset, int from, int to);

    @Override
    void close();
}
