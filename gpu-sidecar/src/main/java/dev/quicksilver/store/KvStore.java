package dev.quicksilver.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.quicksilver.transformer.HostKvMemory;
import dev.quicksilver.transformer.KvMemory;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's KV/context store: chunks of keys/values in host native or device memory, bounded by one
 * byte budget that also covers the working caches of the canvases being decoded.
 *
 * <p><b>Design.</b> A Caffeine cache maps a {@link ChunkKey} (model id, chunk index, hash chain over the
 * tokens up to and including the chunk) to an {@link Entry} that owns one {@link KvMemory.Block} of the
 * store's {@link KvMemory}: host memory on the CPU path (a segment of its own shared arena, freed at once),
 * device memory with the cuda model (allocated, poisoned and freed on the GPU thread, in submission order,
 * so a free always follows the copies submitted before it). Freeing is explicit, never left to the GC. Caffeine does
 * the policy: a weigher in KiB and {@code maximumWeight} from the budget (Caffeine's docs, "Eviction: size
 * based": the weight is computed once, at insertion; entries are evicted by W-TinyLFU, which keeps the
 * context prefixes that recur across keystrokes over one-off ones). Its {@code removalListener} only drops
 * the cache's reference; memory is freed when the last reference goes.
 *
 * <p><b>Leases.</b> An entry is reference-counted: the cache holds one reference while it is resident and
 * each {@link Lease} holds one. A reader leases an entry before it copies from it and closes the lease
 * after, so an eviction during the copy frees nothing under it: the entry leaves the cache at once and its
 * memory goes when the lease closes. A lease is taken only while the count is above zero (a CAS loop), so
 * an entry whose last reference is being dropped can never be resurrected.
 *
 * <p><b>One budget.</b> Working caches of running canvases (Fast-dLLM prefix/dual caches within a
 * request) are allocated by the engine, but their bytes are reserved here first ({@link #reserveWorking}):
 * a reservation shrinks Caffeine's maximum by as much (Caffeine's {@code Policy.Eviction.setMaximum}), so
 * the cached chunks make room for work in progress, and a request whose working caches do not fit waits.
 * {@code liveBytes} counts everything this store answers for: resident chunks, evicted chunks still leased,
 * and reservations; every allocation checks it first, so it never exceeds the budget (tested with a
 * randomized multi-threaded workload, with freed memory poisoned so that a read after free shows).
 *
 * <p><b>Keys.</b> Keys of a chunk chain the hash of every earlier chunk, so chunk i of two canvases
 * shares an entry only if their first i + 1 chunks are equal, and keys are positional (RoPE is already in
 * the keys). The entry keeps its chunk's tokens and a lease checks them, so a 64-bit collision on the
 * last chunk costs a miss, never wrong keys/values.
 *
 * <p><b>Threads.</b> Leases and releases may happen on any thread. Allocation, eviction bookkeeping and
 * reservations are serialized on {@code this}; Caffeine runs its maintenance and removal listener on the
 * calling thread ({@code executor(Runnable::run)}), so an eviction is complete when the call returns
 * (for device memory: its poison and free are queued on the GPU thread by then, ahead of any later
 * allocation, which also runs there, so the budget holds on the device as well). A device block is
 * allocated by a blocking call to the GPU thread under {@code this}; nothing on the GPU thread ever takes
 * this store's monitor, so that wait cannot deadlock.
 */
public final class KvStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KvStore.class);

    /** Identifies chunk {@code index} of a token chain of {@code modelId}. */
    public record ChunkKey(String modelId, int index, long chainHash) {}

    /** A stored chunk: its memory block and the tokens it was computed for. */
    public static final class Entry {
        private final ChunkKey key;
        private final int[] tokens;
        private final KvMemory.Block block;
        private final long bytes;
        private final KvStore store;
        private final AtomicInteger refs = new AtomicInteger(1); // the cache's reference
        private volatile boolean freed;

        private Entry(KvStore store, ChunkKey key, int[] tokens, long bytes) {
            this.store = store;
            this.key = key;
            this.tokens = tokens;
            this.bytes = bytes;
            this.block = store.memory.allocate(bytes);
        }

        public long bytes() {
            return bytes;
        }

        public ChunkKey key() {
            return key;
        }

        boolean tryAcquire() {
            for (int r; (r = refs.get()) > 0; ) {
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
            return false;
        }

        void release() {
            int r = refs.decrementAndGet();
            if (r == 0) {
                free();
            } else if (r < 0) {
                throw new IllegalStateException("entry " + key + " released more often than acquired");
            }
        }

        private void free() {
            freed = true;
            try {
                if (store.poisonFreed) {
                    block.poison(); // NaN in every float: a read after free cannot pass for data
                }
                block.free();
            } finally {
                store.freed(bytes);
            }
        }
    }

    /** A reader's hold on an entry: its memory stays valid until {@link #close()}. */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        /** The entry's memory block; valid until this lease is closed. */
        public KvMemory.Block block() {
            if (closed) {
                throw new IllegalStateException("this lease on " + entry.key + " is closed");
            }
            if (entry.freed) {
                throw new IllegalStateException("entry " + entry.key + " was freed under a lease: a store bug");
            }
            return entry.block;
        }

        /** The entry's host memory (a store of host memory only); valid until this lease is closed. */
        public MemorySegment memory() {
            return HostKvMemory.segmentOf(block());
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                entry.release();
            }
        }
    }

    /** Bytes set aside for working caches; give them back with {@link #close()}. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private boolean closed;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            synchronized (KvStore.this) {
                if (!closed) {
                    closed = true;
                    workingBytes -= bytes;
                    liveBytes.addAndGet(-bytes);
                    resize();
                }
            }
        }
    }

    /** Counters for Info and the benchmark. */
    public record Stats(long budgetBytes, long liveBytes, long peakLiveBytes, long workingBytes, long entries,
                        long hits, long misses, long evictions) {
        public double hitRate() {
            return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        }
    }

    private final KvMemory memory;
    private final long budgetBytes;
    private final boolean poisonFreed;
    private final Cache<ChunkKey, Entry> cache;
    private final Policy.Eviction<ChunkKey, Entry> eviction;

    // Decremented without the lock (a free may run inside Caffeine's maintenance, under its eviction lock,
    // so taking this store's monitor there could deadlock); incremented only under this store's monitor
    // after a check, so frees only ever make the check pessimistic.
    private final AtomicLong liveBytes = new AtomicLong();
    // Guarded by this.
    private long peakLiveBytes;
    private long workingBytes;
    private boolean closed;
    private final AtomicLong allocationFailures = new AtomicLong();
    private boolean allocationFailureLogged;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /** A store of host memory (the CPU path). */
    public KvStore(long budgetBytes, boolean poisonFreed) {
        this(HostKvMemory.INSTANCE, budgetBytes, poisonFreed);
    }

    /**
     * @param memory      where entries live (the model's {@code storeMemory()})
     * @param budgetBytes the most memory this store answers for (from {@code --kv-cache-mb}, capped by
     *                    {@link KvMemory#budget})
     * @param poisonFreed overwrite memory before freeing it (tests: a read after free shows as NaN)
     */
    public KvStore(KvMemory memory, long budgetBytes, boolean poisonFreed) {
        if (budgetBytes < 1024) {
            throw new IllegalArgumentException("the KV cache budget must be at least 1 KiB, got " + budgetBytes
                    + " bytes; raise --kv-cache-mb");
        }
        this.memory = memory;
        this.budgetBytes = budgetBytes;
        this.poisonFreed = poisonFreed;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(budgetBytes / 1024)
                .weigher((ChunkKey k, Entry e) -> kib(e.bytes))
                .executor(Runnable::run)
                .removalListener((ChunkKey k, Entry e, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.incrementAndGet();
                    }
                    if (e != null) {
                        e.release(); // the cache's reference; readers may still hold theirs
                    }
                })
                .build();
        this.eviction = cache.policy().eviction().orElseThrow();
    }

    public static KvStore ofMegabytes(long mb) {
        return new KvStore(mb * 1024 * 1024, false);
    }

    public KvMemory memory() {
        return memory;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    private static int kib(long bytes) {
        return (int) Math.max(1, (bytes + 1023) / 1024);
    }

    /**
     * Leases the entry of {@code key} if it is resident and was computed for {@code tokens}.
     *
     * @return the lease (close it after reading), or empty on a miss
     */
    public Optional<Lease> lease(ChunkKey key, int[] tokens) {
        Entry e = cache.getIfPresent(key);
        if (e != null && e.tryAcquire()) {
            if (Arrays.equals(e.tokens, tokens)) {
                hits.incrementAndGet();
                return Optional.of(new Lease(e));
            }
            e.release();
        }
        misses.incrementAndGet();
        return Optional.empty();
    }

    /**
     * Stores a chunk of {@code bytes} bytes, written by {@code fill} into a fresh block, unless it is
     * resident already or does not fit the budget even after evicting every resident chunk.
     *
     * @return whether the chunk is resident after the call
     */
    public boolean put(ChunkKey key, int[] tokens, long bytes, Consumer<KvMemory.Block> fill) {
        if (cache.getIfPresent(key) != null) {
            return true;
        }
        Entry entry;
        synchronized (this) {
            if (closed || !makeRoom(bytes)) {
                return false;
            }
            try {
                entry = new Entry(this, key, tokens.clone(), bytes);
            } catch (RuntimeException e) {
                // The store is a cache: memory it cannot get (device memory taken by activations beyond the
                // headroom) means a chunk not kept, not a failed request.
                allocationFailures.incrementAndGet();
                if (!allocationFailureLogged) {
                    allocationFailureLogged = true;
                    LOG.warn("KV/context store: could not allocate {} bytes of {} memory ({}); the chunk is not "
                            + "cached (logged once; allocationFailures() counts them)", bytes, memory.describe(), e.getMessage());
                }
                return false;
            }
            peakLiveBytes = Math.max(peakLiveBytes, liveBytes.addAndGet(bytes));
        }
        try {
            fill.accept(entry.block);
        } catch (RuntimeException e) {
            entry.release();
            throw e;
        }
        Entry previous = cache.asMap().putIfAbsent(key, entry);
        if (previous != null) {
            entry.release(); // another thread stored it first
        }
        cache.cleanUp();
        return cache.getIfPresent(key) != null;
    }

    /**
     * Sets aside {@code bytes} for working caches, evicting resident chunks to make room.
     *
     * @return the reservation, or empty when work in progress (and chunks still leased) leave no room now
     * @throws IllegalArgumentException when {@code bytes} exceeds the whole budget: it could never run
     */
    public synchronized Optional<Reservation> reserveWorking(long bytes) {
        if (bytes > budgetBytes) {
            throw new IllegalArgumentException("this request needs " + mib(bytes) + " MiB of KV cache but the "
                    + "whole budget is " + mib(budgetBytes) + " MiB; send fewer or shorter canvases, or start the "
                    + "sidecar with a larger --kv-cache-mb");
        }
        if (closed || !makeRoom(bytes)) {
            return Optional.empty();
        }
        workingBytes += bytes;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes.addAndGet(bytes));
        resize();
        return Optional.of(new Reservation(bytes));
    }

    /** Evicts resident chunks, coldest first, until {@code bytes} more fit; false if they cannot. */
    private boolean makeRoom(long bytes) {
        while (liveBytes.get() + bytes > budgetBytes) {
            Map<ChunkKey, Entry> coldest = eviction.coldest(1);
            if (coldest.isEmpty()) {
                return false; // what remains is work in progress or chunks still leased
            }
            // An eviction for room, though Caffeine records it as an explicit removal: count it here.
            cache.invalidate(coldest.keySet().iterator().next());
            evictions.incrementAndGet();
            cache.cleanUp();
        }
        return true;
    }

    /** Caffeine's maximum is what the reservations leave of the budget. */
    private void resize() {
        eviction.setMaximum(Math.max(0, (budgetBytes - workingBytes) / 1024));
        cache.cleanUp();
    }

    private void freed(long bytes) {
        liveBytes.addAndGet(-bytes);
    }

    /** Bytes this store answers for now (resident and leased chunks, reservations). */
    public long liveBytes() {
        return liveBytes.get();
    }

    /** Chunks not cached because their memory could not be allocated. */
    public long allocationFailures() {
        return allocationFailures.get();
    }

    public synchronized Stats stats() {
        return new Stats(budgetBytes, liveBytes.get(), peakLiveBytes, workingBytes, cache.estimatedSize(), hits.get(),
                misses.get(), evictions.get());
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** Drops every resident chunk (leased ones are freed when their leases close). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        cache.invalidateAll();
        cache.cleanUp();
    }
}
