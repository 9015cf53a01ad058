package dev.quicksilver.lsp.completion;

/**
 * Pure text rules around one completion: where the masked span starts ("boundary healing") and how the model's
 * text is cut to fit what the user already has (healed indentation, closing text already in the suffix).
 *
 * <p>Boundary healing. The tokenizer merges a line break with the following indentation, and the model learned
 * lines that start after such a token; a canvas whose prefix ends in the middle of that whitespace asks it to
 * continue from a token boundary it rarely saw. So when the cursor is at the start of a line or inside its
 * leading indentation, the prefix is cut back to the end of the previous line, the model writes the line break
 * and indentation itself, and {@link #finish} strips what the user had already typed.
 */
public final class CompletionText {
    private CompletionText() {
    }

    /**
     * @param prefix    what the model sees before the hole
     * @param healed    whether the boundary moved back to the end of the previous line
     * @param userTyped the text between the new boundary and the cursor (line break plus indentation), empty if not healed
     */
    public record Plan(String prefix, boolean healed, String userTyped) {
    }

    /** The canvas prefix for a cursor right after {@code prefix}. */
    public static Plan plan(String prefix) {
        int nl = prefix.lastIndexOf('\n');
        int cr = prefix.lastIndexOf('\r');
        int lineBreak = Math.max(nl, cr);
        if (lineBreak < 0) return new Plan(prefix, false, "");
        String linePrefix = prefix.substring(lineBreak + 1);
        if (!linePrefix.chars().allMatch(c -> c == ' ' || c == '\t')) return new Plan(prefix, false, "");
        int cut = lineBreak;
        if (prefix.charAt(cut) == '\n' && cut > 0 && prefix.charAt(cut - 1) == '\r') cut--;
        return new Plan(prefix.substring(0, cut), true, prefix.substring(cut));
    }

    /**
     * The text to insert at the cursor: the model's output with healing undone, cut to its first line when
     * {@code singleLine} (the sidecar stops decoding at the token that holds the line break, which may carry the
     * next line's indentation or more), and the suffix's overlap removed.
     */
    public static String finish(Plan plan, String modelText, String suffix, boolean singleLine) {
        String text = modelText;
        if (plan.healed()) text = stripHealed(text, indentOf(plan.userTyped()));
        if (singleLine) text = firstLine(text);
        // A one-line completion that starts a new line offers the next line; with text after the cursor on this
        // one, accepting it would split the line in two.
        if (singleLine && startsWithLineBreak(text) && !restOfLine(suffix).isBlank()) return "";
        text = trimAgainstSuffix(text, suffix);
        return stripTrailingWhitespace(text);
    }

    /** The suffix up to the end of the cursor's line. */
    private static String restOfLine(String suffix) {
        int end = 0;
        while (end < suffix.length() && suffix.charAt(end) != '\n' && suffix.charAt(end) != '\r') end++;
        return suffix.substring(0, end);
    }

    private static boolean startsWithLineBreak(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') return true;
            if (c != ' ' && c != '\t') return false;
        }
        return false;
    }

    /** The text up to its first line break that follows non-blank text (a leading line break is kept). */
    static String firstLine(String text) {
        boolean seenText = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '\n' || c == '\r') && seenText) return text.substring(0, i);
            if (!Character.isWhitespace(c)) seenText = true;
        }
        return text;
    }

    /**
     * The first lines of {@code suffix} that fit in {@code maxChars}, always at least the rest of the cursor's
     * line (with its line break); the whole suffix when it fits.
     */
    public static String leadingLines(String suffix, int maxChars) {
        if (suffix.length() <= maxChars) return suffix;
        int firstBreak = suffix.indexOf('\n');
        if (firstBreak < 0) return suffix;
        int end = firstBreak + 1;
        while (true) {
            int next = suffix.indexOf('\n', end);
            if (next < 0 || next + 1 > maxChars) return suffix.substring(0, end);
            end = next + 1;
        }
    }

    static String indentOf(String userTyped) {
        int i = userTyped.length();
        while (i > 0 && (userTyped.charAt(i - 1) == ' ' || userTyped.charAt(i - 1) == '\t')) i--;
        return userTyped.substring(i);
    }

    /** Removes the line break the model wrote for the healed boundary, and the indentation the user already has. */
    static String stripHealed(String text, String userIndent) {
        int i = 0;
        if (text.startsWith("\r\n")) i = 2;
        else if (text.startsWith("\n") || text.startsWith("\r")) i = 1;
        else {
            // The model continued the previous line instead of starting a new one: keep only what follows its
            // first line break, or the text itself when it has none.
            int nl = text.indexOf('\n');
            if (nl < 0) return text.strip();
            i = nl + 1;
        }
        String rest = text.substring(i);
        if (rest.startsWith(userIndent)) return rest.substring(userIndent.length());
        int ws = 0;
        while (ws < rest.length() && (rest.charAt(ws) == ' ' || rest.charAt(ws) == '\t')) ws++;
        return rest.substring(ws);
    }

    /**
     * Removes the end of {@code text} that repeats the start of {@code suffix} (whitespace ignored), such as the
     * closing parenthesis or brace the editor already inserted. A short overlap is removed only when it leaves the
     * text with fewer unmatched closing brackets (so {@code foo(a)} before a suffix {@code )} is left alone when it
     * is balanced, but {@code a)} loses its parenthesis); an overlap of four or more non-blank characters always.
     */
    public static String trimAgainstSuffix(String text, String suffix) {
        String s = suffix.length() > 400 ? suffix.substring(0, 400) : suffix;
        StringBuilder tn = new StringBuilder();
        int[] tIdx = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                tIdx[tn.length()] = i;
                tn.append(text.charAt(i));
            }
        }
        StringBuilder sn = new StringBuilder();
        for (int i = 0; i < s.length(); i++) if (!Character.isWhitespace(s.charAt(i))) sn.append(s.charAt(i));
        for (int k = Math.min(tn.length(), sn.length()); k >= 1; k--) {
            if (!tn.substring(tn.length() - k).contentEquals(sn.subSequence(0, k))) continue;
            String stripped = text.substring(0, tIdx[tn.length() - k]);
            if (k >= 4 || unmatchedClosers(stripped) < unmatchedClosers(text)) return stripped;
        }
        return text;
    }

    static int unmatchedClosers(String text) {
        int depth = 0;
        int unmatched = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                if (depth > 0) depth--;
                else unmatched++;
            }
        }
        return unmatched;
    }

    static String stripTrailingWhitespace(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        return text.substring(0, end);
    }
}
