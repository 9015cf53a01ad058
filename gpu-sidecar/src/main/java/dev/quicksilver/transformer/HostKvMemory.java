package dev.quicksilver.transformer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Store entries in host native memory: each block is a segment of its own shared {@link Arena}, so
 * freeing is immediate and explicit (the arena is closed) rather than left to the GC, and any access
 * through the segment after that throws. Blocks may be used and freed on any thread.
 */
public final class HostKvMemory implements KvMemory {

    public static final HostKvMemory INSTANCE = new HostKvMemory();

    private HostKvMemory() {}

    @Override
    public String describe() {
        return "host";
    }

    @Override
    public Budget budget(long requestedBytes) {
        return new Budget(requestedBytes, "--kv-cache-mb");
    }

    @Override
    public Block allocate(long bytes) {
        return new HostBlock(bytes);
    }

    /**
     * The host segment of {@code block}.
     *
     * @throws IllegalArgumentException when the block is not host memory: the store was given another
     *                                  model's memory kind
     */
    public static MemorySegment segmentOf(KvMemory.Block block) {
        if (block instanceof HostBlock h) {
            return h.segment;
        }
        throw new IllegalArgumentException("this KvCache copies only to and from host memory, not " + block
                + "; make the KV/context store with the model's storeMemory()");
    }

    /** A host block: a 64-byte aligned segment of its own arena. */
    static final class HostBlock implements KvMemory.Block {
        private final long bytes;
        private final Arena arena;
        private final MemorySegment segment;

        HostBlock(long bytes) {
            this.bytes = bytes;
            this.arena = Arena.ofShared();
            this.segment = arena.allocate(Math.max(1, bytes), 64);
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void poison() {
            segment.fill((byte) 0xFF);
        }

        @Override
        public void free() {
            arena.close();
        }

        @Override
        public String toString() {
            return "a host block of " + bytes + " bytes";
        }
    }
}
