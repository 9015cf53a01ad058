package dev.quicksilver.index;

/** A position in a text document: zero-based line, zero-based column in UTF-16 code units (as in LSP). */
public record TextPosition(int line, int column) {
    public TextPosition {
        if (line < 0 || column < 0) throw new IllegalArgumentException("position must be non-negative: " + line + ":" + column);
    }
}
