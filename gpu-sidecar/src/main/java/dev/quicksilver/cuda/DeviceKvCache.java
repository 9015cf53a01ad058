package dev.quicksilver.cuda;

import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.transformer.KvCache;
import java.util.BitSet;

/**
 * Keys and values of one canvas in device memory: per layer, keys then values, each bf16
 * {@code [capacity, kvDim]}, in one allocation. Made and read only by the {@link CudaQwen2Model} that owns
 * it. Closing frees the memory on the GPU thread (queued, so a cache evicted from any thread is freed
 * after the device work already submitted); the held positions are tracked on the host.
 */
final class DeviceKvCache implements KvCache {

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

    boolean ownedBy(Object model) {
        return owner == model;
    }

    boolean isClosed() {
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
    synchronized int firstMissing(int from, int to) {
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
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gpu.thread().post(() -> gpu.driver().memFree(base));
    }
}
