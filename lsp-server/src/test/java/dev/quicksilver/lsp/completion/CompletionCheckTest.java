package dev.quicksilver.lsp.completion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.SampleWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names a completion invents, found by compiling it in the buffer (JDT through the index). */
class CompletionCheckTest {
    @TempDir
    Path tmp;

    @Test
    void aRemaskedNameIsTheNameAtTheStartOfWhatTheModelWrote() {
        assertEquals("get", CompletionCheck.leadingName("get(this);\n        this.get"));
        assertEquals("items.size", CompletionCheck.leadingName(" items.size()"));
        assertEquals("total", CompletionCheck.leadingName("total;"));
        assertEquals("items", CompletionCheck.leadingName("items."));
        assertEquals("", CompletionCheck.leadingName("(this)"));
        assertEquals("", CompletionCheck.leadingName(""));
    }

    @Test
    void aNameTheTypeDoesNotHaveIsFoundWhereItIsInTheCompletion() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path cart = SampleWorkspace.shop(ws, "Cart.java");
        String buffer = Files.readString(cart);
        int offset = buffer.indexOf("public long totalCents(PriceRule rule) {\n        ") + "public long totalCents(PriceRule rule) {\n        ".length();
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("data")).build())) {
            index.build();
            Optional<CompileError> invented = CompletionCheck.unknownName(index, cart, buffer, offset, "return this.get(this);");
            assertTrue(invented.isPresent());
            assertEquals("get", "return this.get(this);".substring(invented.get().start(), invented.get().end()));

            assertEquals(Optional.empty(), CompletionCheck.unknownName(index, cart, buffer, offset, "return rule.apply(totalCents());"),
                    "methods that exist");
            assertEquals(Optional.empty(), CompletionCheck.unknownName(index, cart, buffer, offset, "return rule.apply("),
                    "half a line: its syntax errors are not invented names");
            Optional<CompileError> local = CompletionCheck.unknownName(index, cart, buffer, offset, "return discount;");
            assertEquals("discount", "return discount;".substring(local.get().start(), local.get().end()), "an undefined variable");
            assertEquals(Optional.empty(), CompletionCheck.unknownName(index, cart, buffer, offset, "long discount = 0; return discount;"),
                    "a name the completion declares itself");

            // A name the user had begun before the cursor is the user's, not the completion's.
            String typed = buffer.substring(0, offset) + "return this.ge" + buffer.substring(offset);
            int cursor = offset + "return this.ge".length();
            assertEquals(Optional.empty(), CompletionCheck.unknownName(index, cart, typed, cursor, "t(this);"));
        }
    }
}
