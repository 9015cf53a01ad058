package dev.quicksilver.index.workspace;

import dev.quicksilver.index.IndexProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspaceScannerTest {
    @TempDir
    Path ws;

    private Path write(String relative, String text) throws IOException {
        Path p = ws.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void skipsOutputsVcsIgnoredAndOversizedFilesButKeepsPackagesNamedLikeOutputs() throws IOException {
        write("pom.xml", "<project/>");
        Path kept = write("src/main/java/org/acme/build/Builder.java", "package org.acme.build; class Builder {}");
        write("target/classes/Out.java", "class Out {}");
        write("sub/build.gradle", "");
        write("sub/build/tmp/Gen.java", "class Gen {}");
        Path subSource = write("sub/src/main/java/S.java", "class S {}");
        write(".git/HEAD", "ref");
        write("node_modules/x/index.js", "x");
        write(".gitignore", "*.tmp\nnested/\n");
        write("a.tmp", "x");
        write("nested/file.txt", "x");
        write("lib/.gitignore", "!keep.tmp\n");
        Path reincluded = write("lib/keep.tmp", "x");
        write("image.png", "not really a png");
        Path big = write("big.txt", "x".repeat(2000));

        WorkspaceModel model = new WorkspaceScanner(1000, List.of()).scan(List.of(ws));
        List<Path> files = model.files();
        assertTrue(files.contains(kept), "a package named build is source, not output");
        assertTrue(files.contains(subSource));
        assertTrue(files.contains(reincluded), "a deeper .gitignore re-includes");
        for (String skipped : List.of("target/classes/Out.java", "sub/build/tmp/Gen.java", ".git/HEAD",
                "node_modules/x/index.js", "a.tmp", "nested/file.txt", "image.png", "big.txt")) {
            assertFalse(files.contains(ws.resolve(skipped)), skipped);
        }
        assertEquals(List.of(new IndexProblem(big, IndexProblem.Reason.TOO_LARGE, "2000 bytes, limit 1000")), model.skipped());
        assertEquals(List.of(ws, ws.resolve("sub")), model.projectDirectories());
    }

    @Test
    void aSymlinkLoopIsRecordedOnceAndTheWalkEnds() throws IOException {
        Path file = write("a/b/File.java", "class File {}");
        Files.createSymbolicLink(ws.resolve("a/b/up"), ws.resolve("a"));
        Files.createSymbolicLink(ws.resolve("alias"), ws.resolve("a/b"));
        WorkspaceModel model = new WorkspaceScanner(1 << 20, List.of()).scan(List.of(ws));
        assertEquals(1, model.files().size(), "the file reached through a link is listed once: " + model.files());
        assertTrue(model.files().getFirst().endsWith("File.java"));
        assertTrue(model.skipped().stream().anyMatch(p -> p.reason() == IndexProblem.Reason.SYMLINK_LOOP), model.skipped().toString());
        assertTrue(Files.exists(file));
    }

    @Test
    void sourceRootsComeFromConventionsAndPackageDeclarations() throws IOException {
        write("pom.xml", "<project/>");
        Files.createDirectories(ws.resolve("src/test/java"));
        Path plain = write("scripts/tools/x/Tool.java", "/* header */\n@Deprecated\npackage tools.x;\nclass Tool {}");
        Path mismatched = write("misc/Odd.java", "package not.here;\nclass Odd {}");
        Path defaultPackage = write("Top.java", "class Top {}");
        SourceRoots roots = new SourceRoots(List.of(ws));
        assertEquals(ws.resolve("scripts"), roots.addFile(plain, Files.readString(plain)));
        assertEquals(ws.resolve("misc"), roots.addFile(mismatched, Files.readString(mismatched)));
        assertEquals(ws, roots.addFile(defaultPackage, Files.readString(defaultPackage)));
        assertEquals(List.of(ws.resolve("src/test/java"), ws.resolve("scripts"), ws.resolve("misc"), ws), roots.roots());
    }

    @Test
    void binaryContentIsDetectedWhenRead() throws IOException {
        Path fake = ws.resolve("Fake.java");
        Files.write(fake, new byte[]{'c', 'l', 'a', 0, 's', 's'});
        Path latin1 = ws.resolve("Latin.java");
        Files.write(latin1, new byte[]{'/', '/', ' ', (byte) 0xE9, '\n'});
        assertTrue(FileText.read(fake, 100) instanceof FileText.NotText(IndexProblem.Reason reason, String d)
                && reason == IndexProblem.Reason.BINARY);
        assertEquals(new FileText.Text("// \u00e9\n"), FileText.read(latin1, 100));
    }
}
