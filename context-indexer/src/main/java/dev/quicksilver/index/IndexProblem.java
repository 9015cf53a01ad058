package dev.quicksilver.index;

import java.nio.file.Path;

/** A file the index skipped or indexed only in part, and why. Bad input is recorded here, never thrown. */
public record IndexProblem(Path path, Reason reason, String detail) {
    public enum Reason {
        /** Larger than {@link IndexSettings#maxFileBytes()}. */
        TOO_LARGE,
        /** Contains NUL bytes or is not valid text. */
        BINARY,
        /** Could not be read (permissions, vanished while scanning). */
        UNREADABLE,
        /** A symbolic link that leads back to one of its own parent folders. */
        SYMLINK_LOOP,
        /** Java that does not parse: indexed lexically, and with whatever JDT recovered. */
        JAVA_SYNTAX_ERRORS,
        /** JDT itself failed on this file; indexed without bindings. */
        JAVA_COMPILER_FAILURE,
        /** A jar declared by a Maven project is not in the local repository (we never download). */
        MISSING_DEPENDENCY
    }
}
