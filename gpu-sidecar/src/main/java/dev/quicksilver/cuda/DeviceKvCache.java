package dev.quicksilver.cuda;

import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.transformer.OwnedKvCache;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * Keys and values of one canvas in device memory: per layer, keys then values, each bf16
 * {@code [capacity, kvDim]}, in one allocation. Made and read only by the {@link CudaQwen2Model} that owns
 * it. Closing frees the memory on the GPU thread (queued, so a cache evicted from any thread is freed
 * after the device work already submitted); the held positions are tracked on the host.
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
        this.base = gpu.thread().call(() -> gpu.driver().memAlloc(bytes));
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
        checkRange(from, to);
        int missing = firstMissing(from, to);
        if (missing >= 0) {
            throw new IllegalStateException("position " + missing + " holds no keys/values to export");
        }
        long rowBytes = (long) kvDim * 2;
        long span = (to - from) * rowBytes;
        gpu.thread().call(() -> {
            gpu.driver().ctxSynchronize();
            long at = offset;
            for (int l = 0; l < layers; l++) {
                gpu.driver().memcpyDtoH(dst.asSlice(at, span), keys(l) + from * rowBytes, span);
                at += span;
                gpu.driver().memcpyDtoH(dst.asSlice(at, span), values(l) + from * rowBytes, span);
                at += span;
            }
            return null;
        });
    }

    /** The reverse of {@link #exportPositions}: uploads positions [from, to) and marks them held. */
    @Override
    public void importPositions(MemorySegment src, long offset, int from, int to) {
        checkRange(from, to);
        long rowBytes = (long) kvDim * 2;
        long span = (to - from) * rowBytes;
        gpu.thread().call(() -> {
            gpu.driver().ctxSynchronize();
            long at = offset;
            for (int l = 0; l < layers; l++) {
                gpu.driver().memcpyHtoD(keys(l) + from * rowBytes, src.asSlice(at, span), span);
                at += span;
                gpu.driver().memcpyHtoD(values(l) + from * rowBytes, src.asSlice(at, span), span);
                at += span;
            }
            return null;
        });
        markHeld(from, to);
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
        gpu.thread().post(() -> gpu.driver().memFree(base));
    }
}
