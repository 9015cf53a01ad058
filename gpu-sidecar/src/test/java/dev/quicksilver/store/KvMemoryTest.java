package dev.quicksilver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.tensor.ReferenceBackend;
import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.Fixtures;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.HostKvMemory;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.KvMemory;
import dev.quicksilver.transformer.LanguageModel;
import dev.quicksilver.transformer.ModelLoader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Host store memory on its own and behind a store, and the block overloads of a host KvCache. */
class KvMemoryTest {

    @Test
    void aHostBlockIsPoisonedWithNaNsAndUnreadableOnceFreed() {
        KvMemory.Block block = HostKvMemory.INSTANCE.allocate(1000);
        assertEquals(1000, block.bytes());
        MemorySegment m = HostKvMemory.segmentOf(block);
        m.fill((byte) 1);
        block.poison();
        for (long off = 0; off + 4 <= 1000; off += 4) {
            assertTrue(Float.isNaN(m.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off)), "byte " + off);
        }
        assertEquals((byte) 0xFF, m.get(ValueLayout.JAVA_BYTE, 999));
        block.free();
        assertThrows(IllegalStateException.class, () -> m.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void hostMemoryGivesTheStoreWhatWasAskedFor() {
        KvMemory.Budget b = HostKvMemory.INSTANCE.budget(512L << 20);
        assertEquals(512L << 20, b.bytes());
        assertEquals("host", HostKvMemory.INSTANCE.describe());
        try (KvStore store = new KvStore(1 << 20, false)) {
            assertEquals(HostKvMemory.INSTANCE, store.memory());
        }
    }

    @Test
    void aHostCacheRefusesABlockOfAnotherKindWithTheWayOut() {
        KvMemory.Block foreign = new KvMemory.Block() {
            public long bytes() {
                return 64;
            }

            public void poison() {}

            public void free() {}

            @Override
            public String toString() {
                return "a test block";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostKvMemory.segmentOf(foreign));
        assertTrue(e.getMessage().contains("storeMemory()"), e.getMessage());
    }

    /** Export through a store entry, import into a fresh cache: the same bytes as the segment path. */
    @Test
    void aChunkRoundTripsThroughAStoreEntryExactly() {
        try (LanguageModel model = ModelLoader.load(Fixtures.model("dream-tied-bf16"), new ReferenceBackend());
             KvCache a = model.newCache(24);
             KvCache b = model.newCache(24);
             KvStore store = new KvStore(model.storeMemory(), 1 << 22, true);
             Arena arena = Arena.ofConfined()) {
            int[] tokens = new Random(3).ints(20, 0, 250).toArray();
            model.forward(List.of(new ForwardRequest(tokens, 0, 20, a, true, IntStream.range(0, 20).toArray())),
                    AttentionKind.BIDIRECTIONAL);
            long bytes = 8 * a.bytesPerPosition();
            MemorySegment direct = arena.allocate(bytes);
            a.exportPositions(4, 12, direct, 0);
            KvStore.ChunkKey key = new KvStore.ChunkKey("m", 0, 1);
            int[] chunk = {1, 2, 3};
            assertTrue(store.put(key, chunk, bytes, block -> a.exportPositions(4, 12, block, 0)));
            try (KvStore.Lease lease = store.lease(key, chunk).orElseThrow()) {
                assertArrayEquals(direct.toArray(ValueLayout.JAVA_BYTE), lease.memory().toArray(ValueLayout.JAVA_BYTE));
                assertFalse(b.holds(4));
                b.importPositions(lease.block(), 0, 4, 12);
            }
            assertTrue(b.holds(4) && b.holds(11) && !b.holds(12));
            MemorySegment back = arena.allocate(bytes);
            b.exportPositions(4, 12, back, 0);
            assertArrayEquals(direct.toArray(ValueLayout.JAVA_BYTE), back.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /**
     * Memory that runs out: host blocks for the first {@code limit} allocations, then a failure the way a
     * device allocation fails when activations took the headroom.
     */
    private static final class RunningOutMemory implements KvMemory {
        private final int limit;
        private int allocated;

        RunningOutMemory(int limit) {
            this.limit = limit;
        }

        @Override
        public String describe() {
            return "running-out host";
        }

        @Override
        public Budget budget(long requestedBytes) {
            return new Budget(requestedBytes, "test");
        }

        @Override
        public synchronized Block allocate(long bytes) {
            if (allocated == limit) {
                throw new IllegalStateException("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY");
            }
            allocated++;
            return HostKvMemory.INSTANCE.allocate(bytes);
        }
    }

    @Test
    void aChunkWhoseMemoryCannotBeAllocatedIsNotCachedAndTheStoreGoesOn() {
        try (KvStore store = new KvStore(new RunningOutMemory(2), 1 << 20, true)) {
            int[] tokens = {1, 2, 3};
            for (int i = 0; i < 3; i++) {
                int chunk = i;
                boolean kept = store.put(new KvStore.ChunkKey("m", i, 100 + i), tokens, 64,
                        block -> HostKvMemory.segmentOf(block).fill((byte) chunk));
                assertEquals(i < 2, kept, "chunk " + i);
            }
            assertEquals(1, store.allocationFailures());
            assertEquals(2, store.stats().entries());
            assertEquals(128, store.liveBytes(), "the failed chunk's bytes were counted");
            try (KvStore.Lease lease = store.lease(new KvStore.ChunkKey("m", 1, 101), tokens).orElseThrow()) {
                assertEquals((byte) 1, lease.memory().get(ValueLayout.JAVA_BYTE, 63));
            }
            assertTrue(store.lease(new KvStore.ChunkKey("m", 2, 102), tokens).isEmpty());
        }
    }
}
