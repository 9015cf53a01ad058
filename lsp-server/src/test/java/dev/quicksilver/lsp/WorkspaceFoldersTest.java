package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.DidChangeWorkspaceFoldersParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.WorkspaceFoldersChangeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-root workspaces whose folders change while the server runs ({@code workspace/didChangeWorkspaceFolders}):
 * an added folder is indexed and refactors find its code; a removed one is out of the index and of the folders
 * edits may touch.
 */
class WorkspaceFoldersTest {
    @TempDir
    Path tmp;

    /** An interface with a method none of its implementations has yet, in its own folder. */
    private static Path folder(Path root, String pkg, String type, List<String> implementations) throws Exception {
        Path src = root.resolve("src/main/java/" + pkg);
        Files.createDirectories(src);
        Files.writeString(src.resolve(type + ".java"), """
                package %s;

                public interface %s {
                    String describe();

                    String name();
                }
                """.formatted(pkg, type));
        for (String impl : implementations) {
            Files.writeString(src.resolve(impl + ".java"), """
                    package %s;

                    public class %s implements %s {
                        public String describe() { return "%s"; }
                    }
                    """.formatted(pkg, impl, type, impl));
        }
        return src.resolve(type + ".java");
    }

    private static List<String> titles(ServerProcess s, Path file) throws Exception {
        int line = Files.readAllLines(file).indexOf("    String name();");
        return ServerProtocolTest.actions(s, file, line, 12).get(120, TimeUnit.SECONDS).stream()
                .map(e -> e.getRight()).map(CodeAction::getTitle).toList();
    }

    private static void change(ServerProcess s, List<Path> added, List<Path> removed) {
        WorkspaceFoldersChangeEvent event = new WorkspaceFoldersChangeEvent(
                added.stream().map(p -> new WorkspaceFolder(Uris.toUri(p), p.getFileName().toString())).toList(),
                removed.stream().map(p -> new WorkspaceFolder(Uris.toUri(p), p.getFileName().toString())).toList());
        s.server.getWorkspaceService().didChangeWorkspaceFolders(new DidChangeWorkspaceFoldersParams(event));
    }

    @Test
    void anAddedFolderIsIndexedAndARemovedOneIsLeft() throws Exception {
        Path shapes = tmp.resolve("shapes");
        Path animals = tmp.resolve("animals");
        Path shape = folder(shapes, "geo", "Shape", List.of("Circle", "Square", "Triangle"));
        Path animal = folder(animals, "zoo", "Animal", List.of("Cat", "Dog"));
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            InitializeResult init = s.initialize(shapes, Caps.modern());
            var folders = init.getCapabilities().getWorkspace().getWorkspaceFolders();
            assertTrue(folders.getSupported() && folders.getChangeNotifications().getRight(), folders.toString());
            assertTrue(titles(s, shape).contains("Implement Shape.name() in its 3 implementations"), titles(s, shape).toString());
            assertTrue(titles(s, animal).stream().noneMatch(t -> t.startsWith("Implement")), "animals is not a workspace folder yet");

            change(s, List.of(animals), List.of());
            // Asked right after the change: refactors wait for the index of the new folders.
            List<String> afterAdding = titles(s, animal);
            assertTrue(afterAdding.contains("Implement Animal.name() in its 2 implementations"), afterAdding + "; " + logs(s));
            assertTrue(titles(s, shape).contains("Implement Shape.name() in its 3 implementations"), "the first folder stays");

            change(s, List.of(), List.of(shapes));
            List<String> afterRemoving = titles(s, shape);
            assertTrue(afterRemoving.stream().noneMatch(t -> t.startsWith("Implement")), afterRemoving.toString());
            assertTrue(titles(s, animal).contains("Implement Animal.name() in its 2 implementations"));
            assertTrue(logs(s).stream().anyMatch(m -> m.startsWith("workspace folders are now [" + animals)), logs(s).toString());
            assertFalse(s.shown.stream().anyMatch(m -> m.getMessage().contains("failed")), s.shown.toString());
        }
    }

    private static List<String> logs(ServerProcess s) {
        return s.logs.stream().map(m -> m.getMessage()).toList();
    }
}
