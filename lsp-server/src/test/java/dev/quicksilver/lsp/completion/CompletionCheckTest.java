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
     * Wrong code in a completion: a syntax error inside it, arguments no method takes, a type mismatch; where it
     * starts is where the completion may be cut. Not wrong: half a line (syntax the completion leaves unfinished,
     * where the compiler's type errors are its recovery's), a block opened, what code being written has (a local
     * not yet assigned), an unknown name (the remask's), and what the compiler says after the completion. Arguments
     * that do not fit the call begun before the completion are wrong from its start.
     */
    @Test
    void wrongCodeInACompletionIsFoundWhereItStarts() throws Exception {
        Path cart = cart();
        String buffer = Files.readString(cart);
        int offset = buffer.indexOf(BODY) + BODY.length();
        try (WorkspaceIndex index = index()) {
            java.util.function.BiFunction<String, String, String> wrong = (typed, completion) -> {
                String b = buffer.substring(0, offset) + typed + buffer.substring(offset);
                return CompletionCheck.wrongCode(index, cart, b, offset + typed.length(), completion)
                        .map(e -> completion.substring(0, e.start()) + "|" + completion.substring(e.start()))
                        .orElse("");
            };
            assertEquals("return |(this);", wrong.apply("", "return (this);"), "Cart is no long");
            assertEquals("return items.|contains(this, null);", wrong.apply("", "return items.contains(this, null);"));
            assertEquals("return rule.|apply(items.get(0));", wrong.apply("", "return rule.apply(items.get(0));"));
            assertEquals("|class.get(null, null);", wrong.apply("if (items == ", "class.get(null, null);"));
            assertEquals("return totalCents() |rule;", wrong.apply("", "return totalCents() rule;"));
            assertEquals("))|);", wrong.apply("return rule.apply(items.size(", ")));"), "one parenthesis too many");
            assertEquals("return |\"cents;", wrong.apply("", "return \"cents;"), "a string not closed on its line is no half line");

            for (String fine : List.of("return rule.apply(totalCents());", "return rule.apply(", "return rule.apply(totalCents(), ",
                    "return rule.apply(items.size())", "long cents = totalCents() *", "if (items.isEmpty()) {", "items.forEach(i -> {",
                    "/** the total", "long x; return x;", "return missing;", "}")) {
                assertEquals("", wrong.apply("", fine), fine);
            }
            assertEquals("", wrong.apply("return rule.apply(items.size(", "));"), "the user's half line, finished");
            // Arguments passed to a call begun before the completion: the compiler's error is at the method's name.
            assertEquals("|this);", wrong.apply("items.add(", "this);"), "List<Item>.add takes no Cart");
            assertEquals("", wrong.apply("items.add(", "items.get(0));"));
            assertEquals("", wrong.apply("items.add(", "items.get(0)"), "not yet closed");

            // At the class's level: a method's header that stops at its name reads as a field of type void, which
            // the parenthesis the user types next makes a method; a field of type void it stays is wrong.
            String member = "new ArrayList<>();\n";
            int field = buffer.indexOf(member) + member.length();
            assertEquals(Optional.empty(), CompletionCheck.wrongCode(index, cart, buffer, field, "    public void clear"));
            assertEquals(Optional.of("clear"), CompletionCheck.wrongCode(index, cart, buffer, field, "    public void clear = null;")
                    .map(e -> "    public void clear = null;".substring(e.start(), e.end())));
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
