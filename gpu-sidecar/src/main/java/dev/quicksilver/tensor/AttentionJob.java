package dev.quicksilver.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One canvas's part of a batched attention call: {@code nQ} query rows against {@code nKeys} keys.
 *
 * <p>The keys and values of the queries' own positions ({@code firstPosition .. firstPosition + nQ - 1},
 * the window this forward computes) may be read straight from the forward's rows ({@code ownKeys},
 * {@code ownValues}), and every other position from the segments (a cache). So a denoising step's window
 * never has to be copied next to its cached keys: each backend reads every key once where it lies.
 *
 * @param qRow0         query i (and its output) is row {@code qRow0 + i} of the call's q and out arrays
 * @param firstPosition the canvas position of query 0 (the causal mask's reference)
 * @param keys          float32 little-endian {@code [nKeys, kvDim]}: row p is canvas position p; null when
 *                      every position is the queries' own (then {@code ownKeys} holds them all)
 * @param values        same layout as keys
 * @param ownKeys       null, or {@code [*, kvDim]} float rows: the keys of the queries' own positions at
 *                      rows {@code qRow0 ..}, read instead of those rows of {@code keys}
 * @param ownValues     same layout as ownKeys
 */
public record AttentionJob(int qRow0, int nQ, int firstPosition, MemorySegment keys, MemorySegment values,
                           int nKeys, float[] ownKeys, float[] ownValues) {

    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public AttentionJob {
        if ((ownKeys == null) != (ownValues == null) || (keys == null) != (values == null)) {
            throw new IllegalArgumentException("keys and values come from the same places");
        }
        boolean ownAreAll = ownKeys != null && firstPosition == 0 && nQ == nKeys;
        if (keys == null && !ownAreAll) {
            throw new IllegalArgumentException("positions outside the queries' own need key segments");
        }
    }

    /** Every key and value in the segments. */
    public AttentionJob(int qRow0, int nQ, int firstPosition, MemorySegment keys, MemorySegment values, int nKeys) {
        this(qRow0, nQ, firstPosition, keys, values, nKeys, null, null);
    }

    /** Copies elements {@code [from, from + count)} of the key row of canvas position {@code position}. */
    public void copyKey(int position, int kvDim, int from, int count, float[] dst, int dstOff) {
        copyRow(ownKeys, keys, position, kvDim, from, count, dst, dstOff);
    }

    /** Copies elements {@code [from, from + count)} of the value row of canvas position {@code position}. */
    public void copyValue(int position, int kvDim, int from, int count, float[] dst, int dstOff) {
        copyRow(ownValues, values, position, kvDim, from, count, dst, dstOff);
    }

    private void copyRow(float[] own, MemorySegment segment, int position, int kvDim, int from, int count,
                         float[] dst, int dstOff) {
        if (own != null && position >= firstPosition && position < firstPosition + nQ) {
            System.arraycopy(own, (qRow0 + position - firstPosition) * kvDim + from, dst, dstOff, count);
        } else {
            MemorySegment.copy(segment, FLOAT_LE, ((long) position * kvDim + from) * Float.BYTES, dst, dstOff, count);
        }
    }
}
