package dev.quicksilver.index;

/** A range in a text document, zero-based lines and columns, end exclusive (as in LSP). */
public record TextRange(int startLine, int startColumn, int endLine, int endColumn) {
    public boolean containsLine(int line) {
        return line >= startLine && line <= endLine;
    }

    public boolean contains(TextPosition p) {
        if (p.line() < startLine || p.line() > endLine) return false;
        if (p.line() == startLine && p.column() < startColumn) return false;
        return p.line() != endLine || p.column() <= endColumn;
    }
}
