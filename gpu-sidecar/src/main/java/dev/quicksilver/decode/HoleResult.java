package dev.quicksilver.decode;

/**
 * What one hole was filled with.
 *
 * @param tokens          the completion: the hole's tokens before its first EOS, pads removed
 * @param raw             every position of the hole as it ended (EOS and pads included)
 * @param endedByEos      whether decoding of the hole stopped at an EOS (otherwise it used its whole budget)
 * @param chosen          for a {@link CanvasRequest.Choice}: the index of the chosen candidate; else -1
 * @param candidateScores for a choice: every candidate's score (see {@link ChoiceCanvas}); else empty
 */
public record HoleResult(int[] tokens, int[] raw, boolean endedByEos, int chosen, double[] candidateScores) {
    /** A hole the model wrote. */
    public HoleResult(int[] tokens, int[] raw, boolean endedByEos) {
        this(tokens, raw, endedByEos, -1, new double[0]);
    }
}
