package dev.quicksilver.lsp.documents;

import java.util.Optional;

/**
 * "The edit the user just made" in one document, for the apply-this-edit-elsewhere refactor. Keystrokes that
 * touch the same lines accumulate into one edit: the baseline is the text before the first keystroke of the
 * burst; a change outside the edited lines (one line of slack) starts a new burst. Not thread-safe: the
 * {@link DocumentStore} calls it under the document's lock.
 */
public final class EditHistory {
    /** The edited lines before and after, with the line where they start (in the current text). */
    public record Edit(String before, String after, int startLine, int afterEndLine) {
        /** The changed text without the common start and end: what was replaced, and by what. */
        public String oldCore() {
            return before.substring(commonPrefix(), before.length() - commonSuffix());
        }

        public String newCore() {
            return after.substring(commonPrefix(), after.length() - commonSuffix());
        }

        public int commonPrefix() {
            int n = Math.min(before.length(), after.length());
            int i = 0;
            while (i < n && before.charAt(i) == after.charAt(i)) i++;
            return i;
        }

        public int commonSuffix() {
            int p = commonPrefix();
            int n = Math.min(before.length(), after.length()) - p;
            int i = 0;
            while (i < n && before.charAt(before.length() - 1 - i) == after.charAt(after.length() - 1 - i)) i++;
            return i;
        }
    }

    private String baseline = "";
    private String current = "";
    private int burstStart = -1;
    private int burstEnd = -1;

    void reset(String text) {
        baseline = text;
        current = text;
        burstStart = -1;
        burstEnd = -1;
    }

    /** One change: {@code before} became {@code after} by replacing [start, oldEnd) with text ending at newEnd. */
    void record(String before, String after, int start, int oldEnd, int newEnd) {
        int line = lineAt(before, start);
        int endLine = lineAt(after, newEnd);
        if (burstStart < 0 || line > burstEnd + 1 || endLine < burstStart - 1) {
            baseline = before;
            burstStart = line;
            burstEnd = endLine;
        } else {
            burstStart = Math.min(burstStart, line);
            burstEnd = Math.max(burstEnd, endLine);
        }
        current = after;
    }

    Optional<Edit> lastEdit() {
        if (burstStart < 0 || baseline.equals(current)) return Optional.empty();
        // Whole lines that differ between baseline and current.
        String[] a = baseline.split("\n", -1);
        String[] b = current.split("\n", -1);
        int top = 0;
        while (top < a.length && top < b.length && a[top].equals(b[top])) top++;
        int bottom = 0;
        while (bottom < a.length - top && bottom < b.length - top && a[a.length - 1 - bottom].equals(b[b.length - 1 - bottom])) bottom++;
        String before = String.join("\n", java.util.Arrays.copyOfRange(a, top, a.length - bottom));
        String after = String.join("\n", java.util.Arrays.copyOfRange(b, top, b.length - bottom));
        return Optional.of(new Edit(before, after, top, b.length - bottom - 1));
    }

    private static int lineAt(String text, int offset) {
        int line = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }
}
