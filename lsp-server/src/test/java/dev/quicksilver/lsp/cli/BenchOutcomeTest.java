package dev.quicksilver.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How {@code bench lsp} scores a completion against what the file has after the cursor, and its bad options. */
class BenchOutcomeTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    @Test
    void aFileOutsideTheWorkspaceOrNoStretchIsRefusedInOneSentence() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("A.java"), "class A {\n}\n");
        java.nio.file.Path other = java.nio.file.Files.createDirectory(tmp.resolve("other"));
        var err = new java.io.StringWriter();
        var cli = QuicksilverCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertEquals(2, cli.execute("bench", "lsp", "--file", file.toString(), "--workspace", other.toString()));
        org.junit.jupiter.api.Assertions.assertTrue(err.toString().contains("is not inside --workspace"), err.toString());
        assertEquals(2, cli.execute("bench", "lsp", "--file", file.toString(), "--stretches", "0"));
        org.junit.jupiter.api.Assertions.assertTrue(err.toString().contains("--stretches must be at least 1"), err.toString());
    }

    private static String verdict(String completion, String truth) {
        return new LspBenchCommand.Outcome(1, "        int ", completion, truth).verdict();
    }

    @Test
    void aPrefixOfTheRestOfTheLineIsUsableAndAllOfItIsTheWholeLine() {
        assertEquals("usable", verdict("available", "available = stock.getOrDefault(sku, 0);"));
        assertEquals("whole line", verdict("available = stock.getOrDefault(sku, 0);", "available = stock.getOrDefault(sku, 0);"));
        assertEquals("whole line", verdict("return false;  ", "return false;")); // trailing blanks do not count
    }

    @Test
    void otherTextIndentationIncludedIsAMiss() {
        assertEquals("miss", verdict("count = 0;", "available = stock.getOrDefault(sku, 0);"));
        assertEquals("miss", verdict("    }", "}")); // accepting it would indent the brace wrongly
        assertEquals("miss", verdict("\n        }", "")); // a line the user would not type here
    }

    @Test
    void emptyIsRightOnlyWhereTheLineIsDone() {
        assertEquals("empty (right)", verdict("", ""));
        assertEquals("empty", verdict("", "return false;"));
    }
}
