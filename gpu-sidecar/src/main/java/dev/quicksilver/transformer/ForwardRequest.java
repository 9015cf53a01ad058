package dev.quicksilver.transformer;

/**
 * One canvas's part of a batched forward.
 *
 * @param tokens         the whole canvas (length T); only the window's tokens are read
 * @param windowStart    first position computed in this call
 * @param windowEnd      one past the last position computed in this call
 * @param cache          keys/values of the positions outside the window; null only when the window is
 *                       the whole canvas (bidirectional) or starts at 0 (causal)
 * @param storeInCache   write the window's keys/values into {@code cache} (block-start refresh, AR steps)
 * @param logitPositions positions in [windowStart, windowEnd) whose output logits are wanted, in order
 */
public record ForwardRequest(int[] tokens, int windowStart, int windowEnd, KvCache cache,
                             boolean storeInCache, int[] logitPositions) {
    public ForwardRequest {
        if (windowStart < 0 || windowEnd > tokens.length || windowStart >= windowEnd) {
            throw new IllegalArgumentException("window [" + windowStart + ", " + windowEnd
                    + ") does not fit a canvas of " + tokens.length + " positions");
        }
        for (int p : logitPositions) {
            if (p < windowStart || p >= windowEnd) {
                throw new IllegalArgumentException("logit position " + p + " is outside the window ["
                        + windowStart + ", " + windowEnd + ")");
            }
        }
        if (storeInCache && cache == null) {
            throw new IllegalArgumentException("storeInCache needs a cache");
        }
    }

    public int windowLength() {
        return windowEnd - windowStart;
    }
}
