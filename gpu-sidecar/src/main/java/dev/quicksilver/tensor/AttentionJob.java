package dev.quicksilver.tensor;

import java.lang.foreign.MemorySegment;

/**
 * One canvas's part of a batched attention call: {@code nQ} query rows against {@code nKeys} keys.
 *
 * @param qRow0         query i (and its output) is row {@code qRow0 + i} of the call's q and out arrays
 * @param firstPosition the canvas position of query 0 (the causal mask's reference)
 * @param keys          float32 little-endian {@code [nKeys, shape.kvDim()]}: row p is canvas position p
 * @param values        same layout as keys
 */
public record AttentionJob(int qRow0, int nQ, int firstPosition, MemorySegment keys, MemorySegment values,
                           int nKeys) {}
