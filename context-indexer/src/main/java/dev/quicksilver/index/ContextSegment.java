package dev.quicksilver.index;

import java.nio.file.Path;

/**
 * One piece of the model's context, with where it came from.
 *
 * @param startLine first line, zero-based (for PREFIX the window's first line, for SUFFIX the cursor line)
 * @param endLine   last line, inclusive
 * @param tokens    its size as counted by the caller's {@link TokenCounter}
 */
public record ContextSegment(Kind kind, Path path, int startLine, int endLine, String text, int tokens) {
    public enum Kind {
        /** Text of the document right before the cursor, ending at the cursor. */
        PREFIX,
        /** Text of the document right after the cursor, starting at the cursor. */
        SUFFIX,
        /** A declaration (signature, javadoc summary, members) of a symbol used near the cursor. */
        DECLARATION,
        /** A snippet from another file that looks like the code around the cursor. */
        SIMILAR
    }
}
