package dev.quicksilver.lsp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's side of the phased cold index, with the real server process: completions may use the index once
 * the declarations are read, refactors wait for the resolved facts (a refactor that found only some
 * implementations would be wrong, not slow), and the resolving phase shows as {@code $/progress}.
 */
class IndexPhasesTest {
    @TempDir
    Path tmp;

    /** A shape interface whose new method none of its three implementations has, among many other files. */
    private static Path workspace(Path root, int fillerFiles) throws Exception {
        Path src = root.resolve("src/main/java/p");
        Files.createDirectories(src.resolve("gen"));
        Files.writeString(src.resolve("Shape.java"), """
                package p;

                public interface Shape {
                    double area();

                    double perimeter();
                }
                """);
        for (String name : List.of("Circle", "Square", "Triangle")) {
            Files.writeString(src.resolve(name + ".java"), """
                    package p;

                    public class %s implements Shape {
                        public double area() { return 1; }
                    }
                    """.formatted(name));
        }
        // Enough files that resolving them takes seconds: the code action below is asked for in the meantime.
        for (int i = 0; i < fillerFiles; i++) {
            Files.writeString(src.resolve("gen/F" + i + ".java"), """
                    package p.gen;

                    import p.Circle;

                    public class F%d {
                        private final Circle c = new Circle();
                        public double twice() { return c.area() * 2 + F%d.helper(%d); }
                        static int helper(int x) { return x + %d; }
                    }
                    """.formatted(i, (i + 1) % fillerFiles, i, i));
        }
        return src.resolve("Shape.java");
    }

    @Test
    void aRefactorAskedForWhileJavaIsResolvingWaitsForEveryImplementation() throws Exception {
        Path shape = workspace(tmp.resolve("ws"), 2500);
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            s.initialize(tmp.resolve("ws"), Caps.modern());
            waitForLog(s, "files for similar code", 60);
            boolean resolvedBefore = s.logs.stream().anyMatch(m -> m.getMessage().startsWith("resolved "));
            int line = Files.readAllLines(shape).indexOf("    double perimeter();");
            var pending = ServerProtocolTest.actions(s, shape, line, 12);
            assertFalse(resolvedBefore, "the code action must be asked for while the index is resolving: " + logs(s));

            var list = pending.get(120, TimeUnit.SECONDS);
            CodeAction implement = list.stream().map(e -> e.getRight()).filter(a -> a.getTitle().startsWith("Implement Shape.perimeter()"))
                    .findFirst().orElseThrow(() -> new AssertionError("no implement action in " + list + "; " + logs(s)));
            assertTrue(implement.getTitle().endsWith("in its 3 implementations"), implement.getTitle());

            // The order in the log: declarations first, then similar code, then resolved.
            List<String> messages = s.logs.stream().map(MessageParams::getMessage).toList();
            int declarations = indexOf(messages, "read the declarations of 2504 Java files");
            int similar = indexOf(messages, "files for similar code");
            int resolved = indexOf(messages, "resolved 2504 Java files");
            assertTrue(declarations >= 0 && declarations < similar && similar < resolved, messages.toString());

            // The resolving phase as $/progress: begin, reports, end, all on one server-made token.
            List<ProgressParams> indexing = s.progress.stream()
                    .filter(p -> p.getToken().isLeft() && p.getToken().getLeft().startsWith("quicksilver/index/")).toList();
            assertTrue(indexing.size() >= 3, indexing.toString());
            assertTrue(indexing.getFirst().getValue().getLeft() instanceof WorkDoneProgressBegin b
                    && b.getTitle().equals("Quicksilver: resolving Java") && !b.getCancellable(), indexing.getFirst().toString());
            assertTrue(indexing.stream().anyMatch(p -> p.getValue().getLeft() instanceof WorkDoneProgressReport r
                    && r.getMessage().endsWith("/2504 files")), indexing.toString());
            assertTrue(indexing.getLast().getValue().getLeft() instanceof WorkDoneProgressEnd e && e.getMessage().startsWith("resolved "),
                    indexing.getLast().toString());
        }
    }

    private static void waitForLog(ServerProcess s, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (s.logs.stream().noneMatch(m -> m.getMessage().contains(text))) {
            if (System.nanoTime() > deadline) throw new AssertionError("no log containing \"" + text + "\": " + logs(s));
            Thread.sleep(5);
        }
    }

    private static int indexOf(List<String> messages, String text) {
        for (int i = 0; i < messages.size(); i++) if (messages.get(i).contains(text)) return i;
        return -1;
    }

    private static List<String> logs(ServerProcess s) {
        return s.logs.stream().map(MessageParams::getMessage).toList();
    }

    @Test
    void aRestartResolvesOnlyWhatChangedSinceTheLastStart() throws Exception {
        Path ws = tmp.resolve("ws");
        workspace(ws, 20);
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        try (ServerProcess s = new ServerProcess(tmp.resolve("server1.log"), env)) {
            s.initialize(ws, Caps.modern());
            waitForLog(s, "resolved 24 Java files", 60);
            assertTrue(logs(s).stream().noneMatch(m -> m.contains("unchanged since the last start")), logs(s).toString());
        }
        Path circle = ws.resolve("src/main/java/p/Circle.java");
        Files.writeString(circle, Files.readString(circle).replace("return 1;", "return 2;"));
        Files.setLastModifiedTime(circle, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
        try (ServerProcess s = new ServerProcess(tmp.resolve("server2.log"), env)) {
            s.initialize(ws, Caps.modern());
            waitForLog(s, "resolved 24 Java files", 60);
            // Only Circle is resolved again: the change is inside a method body, so the 20 files that use Circle
            // keep their persisted facts, as do Shape, Square and Triangle.
            assertTrue(logs(s).stream().anyMatch(m -> m.contains("; 23 files unchanged since the last start")), logs(s).toString());
        }
    }
}
