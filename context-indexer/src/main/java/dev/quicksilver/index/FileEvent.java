package dev.quicksilver.index;

import java.nio.file.Path;
import java.util.List;

/** A watched-file event (LSP's workspace/didChangeWatchedFiles, or a file watcher). A rename is DELETED + CREATED. */
public record FileEvent(Kind kind, Path path) {
    public enum Kind { CREATED, CHANGED, DELETED }

    public FileEvent {
        path = path.toAbsolutePath().normalize();
    }

    public static List<FileEvent> renamed(Path from, Path to) {
        return List.of(new FileEvent(Kind.DELETED, from), new FileEvent(Kind.CREATED, to));
    }
}
