package dev.quicksilver.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How {@code bench lsp} scores a completion against what the file has after the cursor. */
class BenchOutcomeTest {

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
