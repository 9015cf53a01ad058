package dev.quicksilver.cuda.nat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code void** kernelParams} of cuLaunchKernel: each argument's value in native memory, and an array
 * of pointers to them. The driver copies the values at launch (and at graph capture), so the arena may
 * close right after the call.
 */
public final class KernelArgs {

    private final Arena arena;
    private final List<MemorySegment> values = new ArrayList<>();

    public KernelArgs(Arena arena) {
        this.arena = arena;
    }

    /** A device pointer (CUdeviceptr) or any 64-bit integer. */
    public KernelArgs ptr(long devicePtr) {
        values.add(arena.allocateFrom(JAVA_LONG, devicePtr));
        return this;
    }

    public KernelArgs i64(long v) {
        return ptr(v);
    }

    public KernelArgs i32(int v) {
        values.add(arena.allocateFrom(JAVA_INT, v));
        return this;
    }

    public KernelArgs f32(float v) {
        values.add(arena.allocateFrom(JAVA_FLOAT, v));
        return this;
    }

    MemorySegment toPointerArray() {
        MemorySegment array = arena.allocate(ADDRESS, Math.max(1, values.size()));
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, values.get(i));
        }
        return array;
    }
}
