package dev.quicksilver.decode;

import java.util.function.IntFunction;

/**
 * Which tokens end a line of completion text, for holes that stop at their line's end (inline completion of one
 * line). Built once per tokenizer from each token's decoded text.
 *
 * <p>A committed token ends the line when it contains a line break and something comes before that break in the
 * hole: an earlier position of the hole, or non-blank text of its own. So a hole that starts with a line break
 * and indentation (the model starting a new line, as it does when the cursor sits at a line's start) goes on
 * to write that line, and ends at the next break.
 */
public final class LineEnds {
    private final boolean[] breaks;          // the token's text contains a line break
    private final boolean[] textBeforeBreak; // non-blank text comes before its first line break

    private LineEnds(boolean[] breaks, boolean[] textBeforeBreak) {
        this.breaks = breaks;
        this.textBeforeBreak = textBeforeBreak;
    }

    /** From the decoded text of every token id below {@code vocabSize}. */
    public static LineEnds of(int vocabSize, IntFunction<String> tokenText) {
        boolean[] breaks = new boolean[vocabSize];
        boolean[] before = new boolean[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            String text = tokenText.apply(id);
            int nl = text == null ? -1 : Math.max(text.indexOf('\n'), text.indexOf('\r'));
            if (nl >= 0) {
                int first = text.indexOf('\n') >= 0 && text.indexOf('\r') >= 0 ? Math.min(text.indexOf('\n'), text.indexOf('\r')) : nl;
                breaks[id] = true;
                before[id] = !text.substring(0, first).isBlank();
            }
        }
        return new LineEnds(breaks, before);
    }

    /** Whether {@code token} at {@code offset} positions into its hole ends the hole's line. */
    public boolean endsLine(int token, int offset) {
        if (token < 0 || token >= breaks.length || !breaks[token]) {
            return false;
        }
        return offset > 0 || textBeforeBreak[token];
    }
}
