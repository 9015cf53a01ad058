package dev.quicksilver.index;

import java.nio.file.Path;
import java.util.Objects;

/** The live text of a document as the editor has it (may differ from the file on disk). */
public record DocumentSnapshot(Path path, String text) {
    public DocumentSnapshot {
        path = path.toAbsolutePath().normalize();
        Objects.requireNonNull(text, "text");
    }
}
