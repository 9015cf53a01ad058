package dev.quicksilver.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Big, broken and unreadable input: recorded, never fatal. */
class HostileInputTest {
    @TempDir
    Path base;

    /** A 5 MB Java file: mostly comments, with a method at the very end. */
    private Path writeFiveMegabyteJava(Path ws) throws IOException {
        StringBuilder text = new StringBuilder("package big;\n\npublic class Big {\n");
        int i = 0;
        while (text.length() < 5 * 1024 * 1024) {
            text.append("    // filler line ").append(i).append(" with ordinary words to search through\n");
            if (i++ % 1000 == 0) text.append("    int field").append(i).append(" = ").append(i).append(";\n");
        }
        text.append("    public String zanzibarTail() { return \"end\"; }\n}\n");
        Path file = ws.resolve("src/big/Big.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aFiveMegabyteFileIsSkippedUnderTheDefaultLimitAndIndexedUnderALargerOne() throws IOException {
        Path ws = Files.createDirectories(base.resolve("ws"));
        Path big = writeFiveMegabyteJava(ws);
        Files.writeString(ws.resolve("src/big/Small.java"), "package big;\nclass Small { void f() {} }\n");
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(base.resolve("d1")).build())) {
            IndexStats stats = index.build();
            assertEquals(1, stats.javaFiles());
            assertFalse(index.isIndexed(big));
            assertTrue(index.problems().stream().anyMatch(p -> p.path().equals(big) && p.reason() == IndexProblem.Reason.TOO_LARGE));
        }
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(base.resolve("d2"))
                .maxFileBytes(8 << 20).build())) {
            index.build();
            assertTrue(index.isIndexed(big));
            assertEquals(1, index.declarationsNamed("zanzibarTail").size());
            assertEquals(big, index.similarSites("public String zanzibarTail() { return \"end\"; }", 3).getFirst().path());
        }
    }

    @Test
    void anUnreadableFileIsRecordedAndSkipped() throws IOException {
        Path ws = Files.createDirectories(base.resolve("ws"));
        Path secret = Files.writeString(ws.resolve("Secret.java"), "class Secret {}");
        Files.writeString(ws.resolve("Open.java"), "class Open { void run() {} }");
        assertTrue(secret.toFile().setReadable(false, false));
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(base.resolve("d")).build())) {
            index.build();
            assertEquals(1, index.declarationsNamed("run").size());
            if (!Files.isReadable(secret)) { // root reads everything; the check only means something elsewhere
                assertTrue(index.problems().stream().anyMatch(p -> p.path().equals(secret) && p.reason() == IndexProblem.Reason.UNREADABLE));
            }
        } finally {
            secret.toFile().setReadable(true, false);
        }
    }

    @Test
    void garbageThatLooksLikeJavaNeverStopsTheIndex() throws IOException {
        Path ws = Files.createDirectories(base.resolve("ws"));
        Files.writeString(ws.resolve("A.java"), "}}}} class { ((( <<<>>> @@@ \"unterminated");
        Files.writeString(ws.resolve("B.java"), "class B extends B { B b = new B(); }"); // a cycle in the hierarchy
        Files.writeString(ws.resolve("C.java"), "enum C { X; void f() { switch (this) { case X -> g(); } } void g() {} }");
        Files.writeString(ws.resolve("D.java"), "class D { void d() { new C().toString(); } }".repeat(3));
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(base.resolve("d")).build())) {
            IndexStats stats = index.build();
            assertEquals(4, stats.javaFiles());
            assertEquals(1, index.callSites("LC;.g()V").size());
            assertTrue(index.problems().stream().anyMatch(p -> p.path().endsWith("A.java")));
        }
    }

    @Test
    void settingsAreCheckedWhenBuilt() throws IOException {
        Path ws = Files.createDirectories(base.resolve("ws"));
        IllegalArgumentException inside = assertThrows(IllegalArgumentException.class,
                () -> IndexSettings.builder(ws).dataDirectory(ws.resolve(".qs")).build());
        assertTrue(inside.getMessage().contains("never writes into the user's tree"), inside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IndexSettings.builder(base.resolve("missing")).build());
        assertThrows(IllegalArgumentException.class, () -> IndexSettings.builder(ws).maxFileBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> IndexSettings.builder(List.of()).build());
        assertEquals(2, TokenCounter.approximate().count("abcdefg"));
    }
}
