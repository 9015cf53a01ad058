package dev.quicksilver.lsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies samples/java-shop (the committed sample workspace) into a test's temporary folder. */
public final class SampleWorkspace {
    public static final Path REPO = Path.of("").toAbsolutePath().getParent();
    public static final Path SAMPLE = REPO.resolve("samples/java-shop");

    public static Path copy(Path dir) throws IOException {
        Path ws = dir.resolve("java-shop");
        try (Stream<Path> files = Files.walk(SAMPLE)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = ws.resolve(SAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return ws;
    }

    public static Path shop(Path ws, String file) {
        return ws.resolve("src/main/java/shop").resolve(file);
    }
}
