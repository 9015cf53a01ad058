package dev.quicksilver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.HostKvMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store under load: budget never exceeded, no read of freed memory (poisoned on free), no leak. */
class KvStoreTest {

    static final int CHUNK_BYTES = 3 * 1024 + 100; // not a multiple of a KiB: the weigher rounds up

    static KvStore.ChunkKey key(int i) {
        return new KvStore.ChunkKey("model", i % 7, i * 0x9E3779B97F4A7C15L);
    }

    static int[] tokens(int i) {
        return new int[] {i, i + 1, i * 3};
    }

    /** Each entry's content is its key number as floats, so a stale or freed read cannot pass. */
    static void fill(MemorySegment m, int i) {
        for (long off = 0; off + 4 <= m.byteSize(); off += 4) {
            m.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, i);
        }
    }

    static void check(MemorySegment m, int i) {
        for (long off = 0; off + 4 <= CHUNK_BYTES; off += 256) {
            float v = m.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off);
            if (v != i) {
                throw new AssertionError("entry " + i + " holds " + v + " at byte " + off + " (freed and poisoned?)");
            }
        }
    }

    @Test
    void aRandomizedWorkloadStaysInBudgetAndNeverReadsFreedMemory() throws Exception {
        long budget = 64 * 1024;
        KvStore store = new KvStore(budget, true);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong maxSeen = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong hitsVerified = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                long live = store.liveBytes();
                maxSeen.accumulateAndGet(live, Math::max);
                if (live > budget) {
                    errors.add(new AssertionError("live bytes " + live + " over the budget " + budget));
                }
            }
        });
        watcher.start();
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            long seed = 42 + t;
            new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                List<KvStore.Reservation> held = new ArrayList<>();
                try {
                    for (int op = 0; op < 4000; op++) {
                        int i = rnd.nextInt(60);
                        switch (rnd.nextInt(10)) {
                            case 0, 1, 2 -> store.put(key(i), tokens(i), CHUNK_BYTES, b -> fill(HostKvMemory.segmentOf(b), i));
                            case 3 -> {
                                if (held.size() < 2) {
                                    store.reserveWorking(1024L * (1 + rnd.nextInt(16))).ifPresent(held::add);
                                } else {
                                    held.remove(0).close();
                                }
                            }
                            default -> {
                                Optional<KvStore.Lease> lease = store.lease(key(i), tokens(i));
                                if (lease.isPresent()) {
                                    try (KvStore.Lease l = lease.get()) {
                                        check(l.memory(), i);
                                        Thread.onSpinWait();
                                        check(l.memory(), i); // still valid however many evictions ran meanwhile
                                        hitsVerified.incrementAndGet();
                                    }
                                }
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    held.forEach(KvStore.Reservation::close);
                    done.countDown();
                }
            }).start();
        }
        done.await();
        stop.set(true);
        watcher.join();
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.size() + " errors, first: " + errors.peek(), errors.peek());
        }
        KvStore.Stats s = store.stats();
        assertTrue(s.peakLiveBytes() <= budget, "peak " + s.peakLiveBytes());
        assertTrue(s.evictions() > 0, "the workload should overflow the budget");
        assertTrue(hitsVerified.get() > 100, "hits " + hitsVerified.get());
        assertEquals(0, s.workingBytes());
        store.close();
        assertEquals(0, store.liveBytes(), "everything freed once closed");
    }

    @Test
    void anEntryEvictedUnderALeaseIsFreedWhenTheLeaseCloses() {
        KvStore store = new KvStore(8 * 1024, true);
        store.put(key(1), tokens(1), CHUNK_BYTES, b -> fill(HostKvMemory.segmentOf(b), 1));
        KvStore.Lease lease = store.lease(key(1), tokens(1)).orElseThrow();
        MemorySegment m = lease.memory();
        // A reservation of the whole budget evicts everything resident; the leased entry cannot be freed yet,
        // so the reservation does not fit and is refused rather than going over the budget.
        assertTrue(store.reserveWorking(8 * 1024).isEmpty());
        assertTrue(store.lease(key(1), tokens(1)).isEmpty(), "evicted from the cache");
        check(m, 1); // but its memory is intact under the lease
        assertEquals(CHUNK_BYTES, store.liveBytes());
        lease.close();
        assertEquals(0, store.liveBytes());
        assertThrows(IllegalStateException.class, lease::memory);
        assertThrows(IllegalStateException.class, () -> m.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        assertTrue(store.reserveWorking(8 * 1024).isPresent());
    }

    @Test
    void chunksPushedOutForRoomCountAsEvictions() {
        int chunk = 4096; // whole KiB, so Caffeine's own weight bound matches the byte budget exactly
        KvStore store = new KvStore(2 * chunk, false);
        for (int i = 1; i <= 3; i++) {
            final int n = i;
            assertTrue(store.put(key(n), tokens(n), chunk, b -> HostKvMemory.segmentOf(b).fill((byte) n)), "chunk " + n);
        }
        assertEquals(1, store.stats().evictions(), "the third chunk pushed one out");
        try (KvStore.Reservation r = store.reserveWorking(2 * chunk).orElseThrow()) {
            assertEquals(3, store.stats().evictions(), "a reservation of the whole budget pushed out the other two");
        }
    }

    @Test
    void aLeaseChecksTheTokensSoAHashCollisionIsAMiss() {
        KvStore store = new KvStore(1 << 20, false);
        store.put(key(3), tokens(3), CHUNK_BYTES, b -> fill(HostKvMemory.segmentOf(b), 3));
        assertTrue(store.lease(key(3), new int[] {9, 9, 9}).isEmpty());
        assertTrue(store.lease(key(3), tokens(3)).isPresent());
        assertEquals(1, store.stats().hits());
        assertEquals(1, store.stats().misses());
    }

    @Test
    void aRequestBiggerThanTheWholeBudgetIsRefusedWithTheWayOut() {
        KvStore store = new KvStore(4096, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.reserveWorking(8192));
        assertTrue(e.getMessage().contains("--kv-cache-mb"), e.getMessage());
    }
}
