package dev.quicksilver.index;

/**
 * An error the Java compiler reports for a text, as {@code [start, end)} character offsets into that text, the
 * compiler's problem id (stable across texts, so two versions of a file can be compared), its message, and
 * whether it is a name the compiler cannot find (a method, field, variable or type that does not exist where it
 * is used: what a model invents; a call with arguments no overload takes is not one).
 */
public record CompileError(int start, int end, int id, String message, boolean unknownName) {
    /**
     * Whether the error starts within {@code [from, to)}, or at {@code from} for an empty range: where text put there
     * is to blame (an unterminated string starting there runs on past its end).
     */
    public boolean startsWithin(int from, int to) {
        return start >= from && (start < to || start == from);
    }
}
