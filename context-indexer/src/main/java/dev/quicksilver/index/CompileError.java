package dev.quicksilver.index;

/**
 * An error the Java compiler reports for a text, as {@code [start, end)} character offsets into that text, the
 * compiler's problem id (stable across texts, so two versions of a file can be compared), its message, and what
 * sort of error it is ({@link Kind}).
 */
public record CompileError(int start, int end, int id, String message, Kind kind) {
    /** What sort of error the compiler reports, as far as code that is being written tells them apart. */
    public enum Kind {
        /**
         * A name the compiler cannot find: a method, field, variable or type that does not exist where it is used
         * (what a model invents; a call with arguments no overload takes is not one).
         */
        UNKNOWN_NAME,
        /**
         * Syntax that stops before it is done ({@code Syntax error, insert ")" to complete Expression}, a comment not
         * yet closed): what half a line has by nature.
         */
        UNFINISHED_SYNTAX,
        /** Other syntax errors: a token where none of its kind may stand, a string not closed on its line. */
        SYNTAX,
        /**
         * What finished code still has while its author goes on writing it: an exception not yet caught or declared,
         * a local not yet assigned, a method not yet returning.
         */
        PENDING,
        /** The rest: a type mismatch, arguments no method takes, and so on. */
        OTHER
    }

    /** Whether it is a name that does not exist where it is used ({@link Kind#UNKNOWN_NAME}). */
    public boolean unknownName() {
        return kind == Kind.UNKNOWN_NAME;
    }

    /** Whether it is a string literal not closed on its line (JDT's UnterminatedString). */
    public boolean unterminatedString() {
        return id == UNTERMINATED_STRING;
    }

    private static final int UNTERMINATED_STRING = 1610612995; // JDT's IProblem.UnterminatedString

    /**
     * Whether the error starts within {@code [from, to)}, or at {@code from} for an empty range: where text put there
     * is to blame (an unterminated string starting there runs on past its end).
     */
    public boolean startsWithin(int from, int to) {
        return start >= from && (start < to || start == from);
    }
}
