package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.lsp.completion.CompletionText;
import dev.quicksilver.lsp.documents.DocumentStore;
import dev.quicksilver.lsp.refactor.FileChange;
import dev.quicksilver.lsp.refactor.UnifiedDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Document sync in UTF-16 positions, the completion text rules, diffs, and the workspace-root guard. */
class DocumentsAndTextTest {
    @TempDir
    Path tmp;

    static TextDocumentContentChangeEvent change(int l1, int c1, int l2, int c2, String text) {
        return new TextDocumentContentChangeEvent(new Range(new Position(l1, c1), new Position(l2, c2)), text);
    }

    @Test
    void incrementalChangesUseUtf16ColumnsAndVersionsMayJump() {
        DocumentStore store = new DocumentStore();
        store.open("file:///a.java", 1, "String s = \"\uD83D\uDE00x\";\r\nint y;\n");
        // The emoji is two UTF-16 code units: column 14 is right after it, before x.
        var doc = store.change("file:///a.java", 7, List.of(change(0, 14, 0, 15, "z"), change(1, 4, 1, 5, "zz"))).orElseThrow();
        assertEquals("String s = \"\uD83D\uDE00z\";\r\nint zz;\n", doc.text());
        assertEquals(7, doc.version());
        // A character past the line end means the line end; a full-text change replaces everything.
        doc = store.change("file:///a.java", 9, List.of(change(1, 99, 1, 99, " // c"))).orElseThrow();
        assertEquals("int zz; // c", doc.lineText(1));
        assertEquals(-1, doc.offsetOf(5, 0));
        doc = store.change("file:///a.java", 10, List.of(new TextDocumentContentChangeEvent("x"))).orElseThrow();
        assertEquals("x", doc.text());
        assertTrue(store.change("file:///b.java", 1, List.of()).isEmpty());
    }

    @Test
    void documentUrisOfFilesAreNormalizedAndOthersAreKeptAsTheClientSpelledThem() {
        assertEquals("file:///tmp/a%20b/X.java", Uris.normalize("file:/tmp/a%20b/./X.java"));
        assertEquals(Path.of("/tmp/a b/X.java"), Uris.pathOf("file:///tmp/a%20b/X.java").orElseThrow());
        assertEquals("untitled:Untitled-1", Uris.normalize("untitled:Untitled-1"));
        assertTrue(Uris.pathOf("untitled:Untitled-1").isEmpty());
        assertTrue(Uris.pathOf("vscode-notebook-cell:/nb.ipynb#W0sZmlsZQ%3D%3D").isEmpty());
        var noScheme = assertThrows(org.eclipse.lsp4j.jsonrpc.ResponseErrorException.class, () -> Uris.normalize("/tmp/X.java"));
        assertTrue(noScheme.getMessage().contains("has no scheme"), noScheme.getMessage());
        assertThrows(org.eclipse.lsp4j.jsonrpc.ResponseErrorException.class, () -> Uris.toPath("untitled:Untitled-1"));
    }

    @Test
    void theLastEditIsTheBurstOfTypingOnTheSameLines() {
        DocumentStore store = new DocumentStore();
        store.open("u", 1, "a\nfoo(1);\nb\n");
        store.change("u", 2, List.of(change(1, 0, 1, 3, "ba")));
        store.change("u", 3, List.of(change(1, 2, 1, 2, "r")));
        var edit = store.lastEdit("u").orElseThrow();
        assertEquals("foo(1);", edit.before());
        assertEquals("bar(1);", edit.after());
        assertEquals("foo", edit.oldCore());
        assertEquals("bar", edit.newCore());
    }

    /**
     * An import the editor adds for what is typed (a completion's additional edit, far above the typing) neither
     * starts a new burst nor joins the edit: the edit stays the code's, on the line where it is now.
     */
    @Test
    void anImportAddedWithTheCodeIsNotPartOfTheEdit() {
        DocumentStore store = new DocumentStore();
        String text = "package p;\n\nimport java.util.Date;\n\nclass A {\n    int x;\n\n    Object f() {\n        return new Date();\n    }\n}\n";
        store.open("u", 1, text);
        store.change("u", 2, List.of(change(8, 15, 8, 25, "Instant.now()")));
        store.change("u", 3, List.of(change(2, 0, 2, 0, "import java.time.Instant;\n")));
        var edit = store.lastEdit("u").orElseThrow();
        assertEquals("        return new Date();", edit.before());
        assertEquals("        return Instant.now();", edit.after());
        assertEquals(9, edit.startLine(), "the line moved down by the import");
        assertEquals(9, edit.afterEndLine());
        // As the headless command sees it: the file before and after, import and code in one comparison.
        String after = text.replace("import java.util.Date;", "import java.time.Instant;\nimport java.util.Date;")
                .replace("return new Date();", "return Instant.now();");
        var whole = dev.quicksilver.lsp.documents.EditHistory.between(text, after);
        assertEquals(List.of("        return new Date();", "        return Instant.now();", "9"),
                List.of(whole.before(), whole.after(), String.valueOf(whole.startLine())));
        // Only an import changed: that is the edit.
        var importOnly = dev.quicksilver.lsp.documents.EditHistory.between(text, text.replace("import java.util.Date;", "import java.util.List;"));
        assertEquals("import java.util.List;", importOnly.after());
        // Two code lines apart, a blank line between them that did not change: one edit over both, the blank kept inside.
        var twoLines = dev.quicksilver.lsp.documents.EditHistory.between(text, text.replace("int x;", "int y;").replace("Object f()", "Object g()"));
        assertEquals("    int x;\n\n    Object f() {", twoLines.before());
    }

    @Test
    void boundaryHealingMovesThePrefixToTheEndOfThePreviousLineAndStripsTheIndentation() {
        var plan = CompletionText.plan("int f() {\n        ");
        assertTrue(plan.healed());
        assertEquals("int f() {", plan.prefix());
        assertEquals("return 1;", CompletionText.finish(plan, "\n        return 1;", "\n}", false));
        assertEquals("    return 1;", CompletionText.finish(plan, "\n            return 1;", "\n}", false), "deeper indentation than the user's is kept");
        assertEquals("return 1;", CompletionText.finish(plan, "\n    return 1;", "\n}", false));
        assertFalse(CompletionText.plan("int f() { ret").healed());
        assertTrue(CompletionText.plan("a\r\n").healed());
        assertEquals("a", CompletionText.plan("a\r\n").prefix());
    }

    @Test
    void theSuffixIsNotDuplicated() {
        var plan = CompletionText.plan("foo(");
        assertEquals("x", CompletionText.finish(plan, "x)", ")", false));
        assertEquals("bar(x)", CompletionText.finish(plan, "bar(x)", ")", false), "balanced text keeps its parenthesis");
        assertEquals("return count;", CompletionText.finish(plan, "return count;\n    }", "\n    }\n}", false));
        assertEquals("a + b", CompletionText.finish(plan, "a + b);\n", ");\n", false));
    }

    @Test
    void aOneLineCompletionThatStartsANewLineIsOfferedOnlyWhereNothingFollowsOnThisLine() {
        var plan = CompletionText.plan("        int n = count(");
        assertEquals("", CompletionText.finish(plan, "\n        return n;", "items);\n", true), "it would split `count(|items);`");
        var atEnd = CompletionText.plan("        int n = count(items);");
        assertEquals("\n        return n;", CompletionText.finish(atEnd, "\n        return n;", "\n    }\n", true), "the next line, at a line's end");
        assertEquals("\n        return n;", CompletionText.finish(atEnd, "\n        return n;", "   \n    }\n", true), "blanks after the cursor");
        assertEquals("\n        return n;", CompletionText.finish(atEnd, "\n        return n;", "", true), "at the end of the file");
        assertEquals("x", CompletionText.finish(plan, "x", "items);\n", true), "a completion on this line stays");
        assertEquals("\n        return n;", CompletionText.finish(plan, "\n        return n;", "items);\n", false), "multi-line mode is left alone");
    }

    @Test
    void aSingleLineCompletionEndsWithItsLineAndTheSuffixWindowKeepsWholeLines() {
        var healed = CompletionText.plan("    void f() {\n        ");
        assertEquals("return 1;", CompletionText.finish(healed, "\n        return 1;\n    ", "\n    }", true),
                "the leading line break is the healed one; the line ends at the next");
        var midLine = CompletionText.plan("        int total = ");
        assertEquals("price * count;", CompletionText.finish(midLine, "price * count;\n        return", "\n", true));
        assertEquals("a;\n b;", CompletionText.finish(midLine, "a;\n b;", "", false), "multiline keeps the lines");
        assertEquals("rest();\n", CompletionText.leadingLines("rest();\n    next();\n}\n", 10), "at least the cursor's line");
        assertEquals("rest();\n    next();\n", CompletionText.leadingLines("rest();\n    next();\n}\n", 21));
        assertEquals("short\n", CompletionText.leadingLines("short\n", 3), "a suffix that fits is kept whole");
    }

    @Test
    void unifiedDiffOfTwoEdits() {
        String text = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
        FileChange c = new FileChange(Path.of("/w/F.java"), text, List.of(
                new FileChange.Replacement(2, 3, "B"), new FileChange.Replacement(22, 23, "L2")));
        String diff = UnifiedDiff.of("F.java", c);
        assertEquals("""
                --- a/F.java
                +++ b/F.java
                @@ -1,5 +1,5 @@
                 a
                -b
                +B
                 c
                 d
                 e
                @@ -9,4 +9,4 @@
                 i
                 j
                 k
                -l
                +L2
                """, diff.replace(" \n", " \n"));
    }

    @Test
    void editsNeverLeaveTheWorkspaceEvenThroughASymlink() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(ws.resolve("link"), outside);
        WorkspaceRoots roots = new WorkspaceRoots(List.of(ws));
        assertTrue(roots.contains(ws.resolve("src/A.java")));
        assertFalse(roots.contains(ws.resolve("link/A.java")));
        assertFalse(roots.contains(ws.resolve("../outside/A.java")));
    }
}
