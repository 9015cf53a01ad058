package dev.quicksilver.transformer;

/**
 * Keys and values of one canvas, per layer, for positions 0..capacity-1. Made by
 * {@link LanguageModel#newCache(int)}; the model that made it is the only one that reads or writes its
 * contents. Owns memory (native on the CPU path, device memory on the cuda one), so it is closed when done.
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

    /**
     * {@link #exportPositions(int, int, java.lang.foreign.MemorySegment, long)} into a store block, in the
     * same layout. This default handles host blocks only (the host path); a cache whose memory is elsewhere
     * overrides it to copy straight into blocks of its own kind (the device cache: device to device) and
     * falls back here for host blocks, so a store of either kind works with it.
     *
     * @throws IllegalArgumentException when the block is of a kind this cache cannot reach
     */
    default void exportPositions(int from, int to, KvMemory.Block dst, long offset) {
        exportPositions(from, to, HostKvMemory.segmentOf(dst), offset);
    }

    /** The reverse of {@link #exportPositions(int, int, KvMemory.Block, long)}. */
    default void importPositions(KvMemory.Block src, long offset, int from, int to) {
        importPositions(HostKvMemory.segmentOf(src), offset, from, to);
    }

    @Override
    void close();
}
