package dev.quicksilver.decode;

import java.util.List;

/**
 * A finished canvas.
 *
 * @param holes           one result per hole, left to right
 * @param canvas          the final canvas, fixed text included
 * @param forwards        forward passes this canvas took part in
 * @param tokensCommitted tokens the sampler committed (EOS included; pads written by early stop not)
 * @param rowsComputed    positions recomputed for this canvas over all its forwards
 * @param cancelled       whether it was cancelled before it finished
 */
public record CanvasResult(List<HoleResult> holes, int[] canvas, int forwards, int tokensCommitted,
                           long rowsComputed, boolean cancelled) {

    /** The tokens of the only (or first) hole. */
    public int[] tokens() {
        return holes.getFirst().tokens();
    }
}
