package dev.quicksilver.cuda;

import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.transformer.KvMemory;
import dev.quicksilver.transformer.OwnedKvCache;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * Keys and values of one canvas in device memory: per layer, keys then values, each bf16
 * {@code [capacity, kvDim]}, in one allocation. Made and read only by the {@link CudaDecoderModel} that owns
 * it. Closing frees the memory on the GPU thread (queued, so a cache evicted from any thread is freed
 * after the device work already submitted); the held positions are tracked on the host.
 *
 * <p>Export and import come in two kinds, in one layout (per layer, the keys then the values of the
 * positions, bf16 rows): to host memory (a {@link MemorySegment}, or a host store block) through
 * cuMemcpyDtoH/HtoD, and to a {@link DeviceKvMemory.DeviceBlock} of the same GPU through
 * cuMemcpyDtoDAsync on the model's stream. The store asks the model which kind to allocate
 * ({@code CudaDecoderModel.storeMemory()}); the host kind stays available so a host store works too.
 * Every copy is finished when the call returns (the GPU thread synchronizes the stream), so the caller's
 * lease on a store entry may be closed right after.
 */
final class DeviceKvCache implements OwnedKvCache {

    private final Object owner;
    private final Gpu gpu;
    private final int layers;
    private final int capacity;
    private final int kvDim;
    private final long base;
    private final BitSet held;
    private volatile boolean closed;

    DeviceKvCache(Object owner, Gpu gpu, int layers, int capacity, int kvDim) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a cache needs a positive capacity, got " + capacity);
        }
        this.owner = owner;
        this.gpu = gpu;
        this.layers = layers;
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.held = new BitSet(capacity);
        long bytes = bytes();
        // Zeroed, not left as cuMemAlloc gives it: a causal step attends over a key count rounded up
        // (CudaDecoderModel.KEY_BUCKET), and the probability 0 of a position past the window only
        // cancels its value row if that row is finite (0 x NaN is NaN in the P.V product).
        this.base = gpu.thread().call(() -> {
            long at = gpu.driver().memAlloc(bytes);
            try {
                gpu.driver().memsetD8Async(at, (byte) 0, bytes, gpu.stream());
                gpu.synchronize();
            } catch (RuntimeException e) {
                gpu.driver().memFree(at);
                throw e;
            }
            return at;
        });
    }

    @Override
    public boolean ownedBy(Object model) {
        return owner == model;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Device address of layer {@code l}'s keys, bf16 {@code [capacity, kvDim]}. */
    long keys(int l) {
        return base + (2L * l) * capacity * kvDim * 2;
    }

    long values(int l) {
        return base + (2L * l + 1) * capacity * kvDim * 2;
    }

    synchronized void markHeld(int from, int to) {
        held.set(from, to);
    }

    /** First position in [from, to) not held, or -1. */
    @Override
    public synchronized int firstMissing(int from, int to) {
        int p = held.nextClearBit(from);
        return p < to ? p : -1;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public synchronized boolean holds(int position) {
        return position >= 0 && position < capacity && held.get(position);
    }

    @Override
    public synchronized void clear() {
        held.clear();
    }

    @Override
    public long bytes() {
        return 2L * layers * capacity * kvDim * 2;
    }

    @Override
    public long bytesPerPosition() {
        return 2L * layers * kvDim * 2;
    }

    /**
     * Copies positions [from, to) to the host, per layer keys then values (bf16 rows), for the
     * cross-request context store. Runs on the GPU thread after the device is idle, so the copy sees
     * every step already submitted.
     */
    @Override
    public void exportPositions(int from, int to, MemorySegment dst, long offset) {
        checkHeld(from, to);
        if (!gpu.thread().canAccess(dst)) {
            // The caller's segment is confined to its own thread: copy out through a shared one.
            long bytes = (to - from) * bytesPerPosition();
            try (Arena staging = Arena.ofShared()) {
                MemorySegment shared = staging.allocate(bytes);
                exportPositions(from, to, shared, 0);
                MemorySegment.copy(shared, 0, dst, offset, bytes);
            }
            return;
        }
        gpu.thread().run(() -> {
            gpu.driver().ctxSynchronize();
            eachSpan(from, to, (device, at, span) -> gpu.driver().memcpyDtoH(dst.asSlice(offset + at, span), device, span));
        });
    }

    /** The reverse of {@link #exportPositions}: uploads positions [from, to) and marks them held. */
    @Override
    public void importPositions(MemorySegment src, long offset, int from, int to) {
        checkRange(from, to);
        if (!gpu.thread().canAccess(src)) {
            // The caller's segment is confined to its own thread: upload through a shared copy.
            long bytes = (to - from) * bytesPerPosition();
            try (Arena staging = Arena.ofShared()) {
                MemorySegment shared = staging.allocate(bytes);
                MemorySegment.copy(src, offset, shared, 0, bytes);
                importPositions(shared, 0, from, to);
            }
            return;
        }
        gpu.thread().run(() -> {
            gpu.driver().ctxSynchronize();
            eachSpan(from, to, (device, at, span) -> gpu.driver().memcpyHtoD(device, src.asSlice(offset + at, span), span));
        });
        markHeld(from, to);
    }

    /** Into a device block of this GPU: device-to-device copies on the model's stream; else the host path. */
    @Override
    public void exportPositions(int from, int to, KvMemory.Block dst, long offset) {
        if (!(dst instanceof DeviceKvMemory.DeviceBlock block) || !block.on(gpu)) {
            OwnedKvCache.super.exportPositions(from, to, dst, offset);
            return;
        }
        checkHeld(from, to);
        long target = block.at(offset, (to - from) * bytesPerPosition());
        gpu.thread().run(() -> {
            eachSpan(from, to, (device, at, span) -> gpu.driver().memcpyDtoDAsync(target + at, device, span, gpu.stream()));
            gpu.synchronize();
        });
    }

    /** The reverse of {@link #exportPositions(int, int, KvMemory.Block, long)}; marks the positions held. */
    @Override
    public void importPositions(KvMemory.Block src, long offset, int from, int to) {
        if (!(src instanceof DeviceKvMemory.DeviceBlock block) || !block.on(gpu)) {
            OwnedKvCache.super.importPositions(src, offset, from, to);
            return;
        }
        checkRange(from, to);
        long source = block.at(offset, (to - from) * bytesPerPosition());
        gpu.thread().run(() -> {
            eachSpan(from, to, (device, at, span) -> gpu.driver().memcpyDtoDAsync(device, source + at, span, gpu.stream()));
            gpu.synchronize();
        });
        markHeld(from, to);
    }

    /** One contiguous run of the export layout: {@code span} bytes at {@code device}, at byte {@code at} of the layout. */
    private interface SpanCopy {
        void copy(long device, long at, long span);
    }

    /** The export layout of positions [from, to): per layer, the keys' rows then the values' rows. */
    private void eachSpan(int from, int to, SpanCopy copy) {
        long rowBytes = (long) kvDim * 2;
        long span = (to - from) * rowBytes;
        long at = 0;
        for (int l = 0; l < layers; l++) {
            copy.copy(keys(l) + from * rowBytes, at, span);
            at += span;
            copy.copy(values(l) + from * rowBytes, at, span);
            at += span;
        }
    }

    private void checkHeld(int from, int to) {
        checkRange(from, to);
        int missing = firstMissing(from, to);
        if (missing >= 0) {
            throw new IllegalStateException("position " + missing + " holds no keys/values to export");
        }
    }

    private void checkRange(int from, int to) {
        if (closed) {
            throw new IllegalStateException("this device KvCache is closed");
        }
        if (from < 0 || to > capacity || from > to) {
            throw new IllegalArgumentException("positions [" + from + ", " + to + ") do not fit a cache of " + capacity);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gpu.thread().post("freeing a device KV cache of " + bytes() + " bytes", () -> gpu.driver().memFree(base));
    }
}
