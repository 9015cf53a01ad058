package dev.quicksilver.transformer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

/**
 * Keys and values of one canvas in native memory: per layer, two float32 matrices
 * {@code [capacity, kvDim]} (row p is canvas position p, RoPE already applied to keys), plus which
 * positions hold valid entries. Memory comes from its own shared {@link Arena}, so {@link #close()} frees
 * it at once rather than at the next GC, which is what a size-bounded cache store needs.
 *
 * <p>Not thread-safe: one forward at a time may use a cache (a canvas is decoded by one request).
 */
final class HostKvCache implements OwnedKvCache {

    /** Kernels read keys and values as little-endian float32, whatever the platform. */
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Object owner;
    private final int layers;
    private final int capacity;
    private final int kvDim;
    private final Arena arena;
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    private final BitSet held;
    private boolean closed;

    HostKvCache(Object owner, int layers, int capacity, int kvDim) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a cache needs a positive capacity, got " + capacity);
        }
        this.owner = owner;
        this.layers = layers;
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.arena = Arena.ofShared();
        this.keys = new MemorySegment[layers];
        this.values = new MemorySegment[layers];
        long bytesPerLayer = (long) capacity * kvDim * Float.BYTES;
        for (int l = 0; l < layers; l++) {
            keys[l] = arena.allocate(bytesPerLayer, 64);
            values[l] = arena.allocate(bytesPerLayer, 64);
        }
        this.held = new BitSet(capacity);
    }

    @Override
    public boolean ownedBy(Object model) {
        return owner == model;
    }

    MemorySegment keys(int layer) {
        checkOpen();
        return keys[layer];
    }

    MemorySegment values(int layer) {
        checkOpen();
        return values[layer];
    }

    /** Writes rows [srcRow, srcRow + count) of a {@code [*, kvDim]} array to positions [position, position + count). */
    void write(int layer, int position, float[] k, float[] v, int srcRow, int count) {
        checkOpen();
        long at = (long) position * kvDim * Float.BYTES;
        MemorySegment.copy(k, srcRow * kvDim, keys[layer], FLOAT_LE, at, count * kvDim);
        MemorySegment.copy(v, srcRow * kvDim, values[layer], FLOAT_LE, at, count * kvDim);
    }

    /** Copies positions [from, to) of a layer into {@code [*, kvDim]} arrays at the same row numbers. */
    void markHeld(int from, int to) {
        held.set(from, to);
    }

    /** The first position in [from, to) not held, or -1. */
    @Override
    public int firstMissing(int from, int to) {
        int missing = held.nextClearBit(from);
        return missing < to ? missing : -1;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public boolean holds(int position) {
        return !closed && position >= 0 && position < capacity && held.get(position);
    }

    @Override
    public void clear() {
        held.clear();
    }

    @Override
    public long bytes() {
        return closed ? 0 : 2L * layers * capacity * kvDim * Float.BYTES;
    }

    @Override
    public long bytesPerPosition() {
        return 2L * layers * kvDim * Float.BYTES;
    }

    /** Layout: per layer, the keys of the positions, then their values (float32 rows of kvDim). */
    @Override
    public void exportPositions(int from, int to, MemorySegment dst, long offset) {
        checkOpen();
        checkRange(from, to);
        if (firstMissing(from, to) >= 0) {
            throw new IllegalStateException("position " + firstMissing(from, to) + " holds no keys/values to export");
        }
        long rowBytes = (long) kvDim * Float.BYTES;
        long span = (to - from) * rowBytes;
        long at = offset;
        for (int l = 0; l < layers; l++) {
            MemorySegment.copy(keys[l], from * rowBytes, dst, at, span);
            at += span;
            MemorySegment.copy(values[l], from * rowBytes, dst, at, span);
            at += span;
        }
    }

    @Override
    public void importPositions(MemorySegment src, long offset, int from, int to) {
        checkOpen();
        checkRange(from, to);
        long rowBytes = (long) kvDim * Float.BYTES;
        long span = (to - from) * rowBytes;
        long at = offset;
        for (int l = 0; l < layers; l++) {
            MemorySegment.copy(src, at, keys[l], from * rowBytes, span);
            at += span;
            MemorySegment.copy(src, at, values[l], from * rowBytes, span);
            at += span;
        }
        markHeld(from, to);
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > capacity || from > to) {
            throw new IllegalArgumentException("positions [" + from + ", " + to + ") do not fit a cache of "
                    + capacity);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this KV cache was closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            held.clear();
            arena.close();
        }
    }
}
