package dev.quicksilver.index;

import java.nio.file.Path;

/** A range in one file of the workspace. */
public record SourceLocation(Path path, TextRange range) {
    public int line() {
        return range.startLine();
    }
}
