package dev.quicksilver.index.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Size and modification time of a file: unchanged stamps mean the persisted facts are still good. */
public record FileStamp(long size, long modifiedMillis) {
    public static Optional<FileStamp> of(Path path) {
        try {
            return Optional.of(new FileStamp(Files.size(path), Files.getLastModifiedTime(path).toMillis()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
