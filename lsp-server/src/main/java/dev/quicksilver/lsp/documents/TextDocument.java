package dev.quicksilver.lsp.documents;

import java.util.Arrays;

/**
 * An immutable snapshot of one open document: its text, version and line starts. Positions are LSP positions:
 * zero-based line, and character in UTF-16 code units, which is exactly a Java {@code char} index.
 * Line breaks are {@code \n}, {@code \r\n} and {@code \r}, as LSP defines them.
 */
public record TextDocument(String uri, int version, String text, int[] lineStarts) {

    public static TextDocument of(String uri, int version, String text) {
        return new TextDocument(uri, version, text, lineStarts(text));
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** Whether the text looks binary (NUL characters): such documents are kept but never sent to the model. */
    public boolean isBinary() {
        return text.indexOf('\0') >= 0;
    }

    /** Offset of the end of {@code line}'s content (before its line break). */
    public int lineEnd(int line) {
        int end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
        while (end > lineStarts[line] && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
        return end;
    }

    public String lineText(int line) {
        return text.substring(lineStarts[line], lineEnd(line));
    }

    /**
     * Offset of a position, or -1 when the line is past the end. A character past the end of its line means the
     * end of the line (LSP: "defaults back to the line length").
     */
    public int offsetOf(int line, int character) {
        if (line < 0 || character < 0) return -1;
        if (line >= lineStarts.length) return -1;
        return Math.min(lineStarts[line] + character, lineEnd(line));
    }

    /** Like {@link #offsetOf} but clamps a line past the end to the end of the text (for edits from the client). */
    public int clampedOffsetOf(int line, int character) {
        if (line >= lineStarts.length) return text.length();
        return offsetOf(Math.max(0, line), Math.max(0, character));
    }

    /** The line of an offset. */
    public int lineOf(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i : -i - 2;
    }

    public int columnOf(int offset) {
        return offset - lineStarts[lineOf(offset)];
    }

    public TextDocument withText(int newVersion, String newText) {
        return of(uri, newVersion, newText);
    }

    private static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
            if (c == '\n' || c == '\r') {
                if (n == starts.length) starts = Arrays.copyOf(starts, n * 2);
                starts[n++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextDocument d && d.uri.equals(uri) && d.version == version && d.text.equals(text);
    }

    @Override
    public int hashCode() {
        return uri.hashCode() * 31 + version;
    }

    @Override
    public String toString() {
        return uri + "@" + version + " (" + text.length() + " chars)";
    }
}
