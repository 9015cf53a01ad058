package dev.quicksilver.lsp.completion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.SampleWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** Where the completions go: the start of {@code Cart.totalCents}'s body. */
    private static final String BODY = "public long totalCents(PriceRule rule) {\n        ";

    /** The copy of the sample workspace {@link #cart} made. */
    private Path workspace;

    /** The sample workspace's Cart.java, in a copy of the sample. */
    private Path cart() throws java.io.IOException {
        workspace = SampleWorkspace.copy(tmp);
        return SampleWorkspace.shop(workspace, "Cart.java");
    }

    /** The index of the copy {@link #cart} made, built. */
    private WorkspaceIndex index() {
        WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(workspace).dataDirectory(tmp.resolve("data")).build());
        index.build();
        return index;
    }

    @Test
    void aNameTheTypeDoesNotHaveIsFoundWhereItIsInTheCompletion() throws Exception {
        Path cart = cart();
        String buffer = Files.readString(cart);
        int offset = buffer.indexOf(BODY) + BODY.length();
        try (WorkspaceIndex index = index()) {
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

    /**
     * A completion that names types the buffer does not import ({@code new TreeSet<>()}, {@code Objects.hash}) gets
     * the imports, inserted among the file's own and before the completion; with them it compiles. One that also
     * invents a name gets none (it is repaired or dropped as before), and one that needs none gets none.
     */
    @Test
    void theImportsACompletionNeedsAreOneInsertionBeforeIt() throws Exception {
        Path cart = cart();
        String buffer = Files.readString(cart);
        int offset = buffer.indexOf(BODY) + BODY.length();
        try (WorkspaceIndex index = index()) {
            String completion = "Set<Integer> seen = new TreeSet<>(); seen.add(Objects.hash(rule)); return seen.size();";
            var imports = CompletionCheck.imports(index, cart, buffer, offset, completion).orElseThrow();
            assertEquals(List.of("import java.util.Objects;", "import java.util.Set;", "import java.util.TreeSet;"), imports.lines());
            assertTrue(imports.offset() < offset);
            String imported = buffer.substring(0, imports.offset()) + imports.text() + buffer.substring(imports.offset());
            int shifted = offset + imports.text().length();
            assertEquals(Optional.empty(), CompletionCheck.unknownName(index, cart, imported, shifted, completion), imported);
            assertEquals(Optional.empty(), CompletionCheck.imports(index, cart, buffer, offset, "Set<Integer> seen = new TreeSet<>(); return seen.nope();"));
            assertEquals(Optional.empty(), CompletionCheck.imports(index, cart, buffer, offset, "return rule.apply(totalCents());"));
        }
    }
}
