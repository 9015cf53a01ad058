package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.SampleWorkspace;
import dev.quicksilver.lsp.ServerSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile check of refactor answers, with the real compiler (JDT through the index) on the sample workspace:
 * answers that compile are kept, answers that do not give way to the site's fallback with a note, and an error
 * that is there whatever the answer blames nobody.
 */
class CompileCheckTest {
    @TempDir
    Path tmp;

    @Test
    void answersThatDoNotCompileGiveWayToTheFallback() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inventory = SampleWorkspace.shop(ws, "Inventory.java");
        Files.writeString(inventory, Files.readString(inventory).replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, int priority)"));
        try (WorkspaceIndex index = index(ws)) {
            RefactorPlan plan = plan(index, inventory, "public boolean reserve");
            assertEquals(5, plan.sites().size());
            // The model's raw answer at each call, by the text of the call's line.
            Map<String, String> raw = Map.of(
                    "return inventory.reserve(item.sku(), item.quantity());", "\"high\")",     // a String for an int
                    "return inventory.reserve(first.sku(), first.quantity())", "first.quantity())",
                    "&& inventory.reserve(second.sku(), second.quantity());", "second.quantity() * 2)",
                    "if (!from.reserve(sku, quantity)) {", "quantity)",
                    "if (!inventory.reserve(item.sku(), item.quantity())) {", "+ \" + \" + \" + null)"); // unterminated
            Map<Path, List<CompileCheck.Answer>> byFile = new java.util.LinkedHashMap<>();
            for (Site s : plan.sites()) {
                String text = Files.readString(s.file());
                String line = lineAt(text, s.start());
                String answer = raw.entrySet().stream().filter(e -> line.contains(e.getKey())).map(Map.Entry::getValue).findFirst()
                        .orElseThrow(() -> new AssertionError(line));
                byFile.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(new CompileCheck.Answer(s, s.finish().apply(answer), answer));
            }
            Map<String, CompileCheck.Choice> byLine = new java.util.HashMap<>();
            for (var e : byFile.entrySet()) {
                String text = Files.readString(e.getKey());
                List<CompileCheck.Choice> choices = CompileCheck.choose(e.getKey(), text, e.getValue(), index::compileErrors);
                for (int i = 0; i < choices.size(); i++) byLine.put(lineAt(text, e.getValue().get(i).site().start()).strip(), choices.get(i));
            }
            CompileCheck.Choice string = byLine.get("return inventory.reserve(item.sku(), item.quantity());");
            assertEquals("0", string.text(), "no variable named priority is in sight: the int's default");
            assertTrue(string.note().contains("`\"high\"` does not compile here") && string.note().contains("used `0`"), string.note());
            CompileCheck.Choice unterminated = byLine.get("if (!inventory.reserve(item.sku(), item.quantity())) {");
            assertEquals("0", unterminated.text());
            assertTrue(unterminated.note().contains("does not compile"), unterminated.note());
            for (String kept : List.of("return inventory.reserve(first.sku(), first.quantity())", "&& inventory.reserve(second.sku(), second.quantity());",
                    "if (!from.reserve(sku, quantity)) {")) {
                assertNull(byLine.get(kept).note(), kept + ": " + byLine.get(kept).note());
                assertTrue(byLine.get(kept).text().contains("quantity"), byLine.get(kept).text());
            }
        }
    }

    /**
     * A syntax error in one answer keeps JDT from resolving the rest of the file: an unknown method in another
     * answer of the same file goes unreported in that compile. After the first gives way, the file is compiled again
     * and the second is caught too.
     */
    @Test
    void anAnswerWhoseErrorASyntaxErrorElsewhereHidIsCaughtInTheNextRound() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        Files.writeString(rule, Files.readString(rule).replace("long apply(long cents);", "long apply(long cents);\n\n    String describe();"));
        Path rules = SampleWorkspace.shop(ws, "Rules.java");
        String anonymous = """
                    static final PriceRule %s = new PriceRule() {
                        @Override
                        public long apply(long cents) {
                            return cents;
                        }
                    };
                """;
        Files.writeString(rules, "package shop;\n\nclass Rules {\n" + anonymous.formatted("FIRST") + "\n" + anonymous.formatted("SECOND") + "}\n");
        try (WorkspaceIndex index = index(ws)) {
            RefactorPlan plan = plan(index, rule, "describe();", "implement-method");
            List<Site> inRules = plan.sites().stream().filter(s -> s.file().equals(rules)).sorted((a, b) -> Integer.compare(a.start(), b.start())).toList();
            assertEquals(2, inRules.size(), plan.toString());
            List<CompileCheck.Answer> answers = List.of(
                    new CompileCheck.Answer(inRules.get(0), inRules.get(0).finish().apply("return this.get();"), "return this.get();"),
                    new CompileCheck.Answer(inRules.get(1), inRules.get(1).finish().apply("return this.get"), "return this.get"));
            List<CompileCheck.Choice> choices = CompileCheck.choose(rules, Files.readString(rules), answers, index::compileErrors);
            for (CompileCheck.Choice c : choices) {
                assertTrue(c.text().startsWith("throw new UnsupportedOperationException"), c.toString());
                assertTrue(c.note().contains("does not compile here"), c.note());
            }
            assertTrue(choices.get(0).note().contains("get()"), choices.get(0).note());
        }
    }

    @Test
    void anErrorThatIsThereWhateverTheAnswerBlamesNoAnswer() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path restock = SampleWorkspace.shop(ws, "Restock.java");
        try (WorkspaceIndex index = index(ws)) {
            // Inventory.reserve still takes two arguments: a third is "not applicable" whatever it is, so the
            // error is in both compiles and the answer stays (the declaration the user edited may be unsaved).
            String text = Files.readString(restock);
            int close = text.indexOf("quantity)) {") + "quantity".length();
            int call = text.indexOf("from.reserve(");
            Site site = new Site(restock, close, close, ", ", "", "", 12, t -> t.strip(), new Site.Fallback("0", call, close + 1, false));
            List<CompileCheck.Choice> kept = CompileCheck.choose(restock, text, List.of(new CompileCheck.Answer(site, "quantity", "quantity")), index::compileErrors);
            assertEquals("quantity", kept.getFirst().text());
            assertNull(kept.getFirst().note());
            assertTrue(index.compileErrors(restock, CompileCheck.apply(text, List.of(new CompileCheck.Answer(site, "quantity", "")), List.of("quantity")))
                    .stream().anyMatch(e -> e.startsWithin(call, close + "quantity".length() + 3)), "the call is an error either way");
            // An answer that adds an error of its own (an undefined name) still gives way.
            List<CompileCheck.Choice> replaced = CompileCheck.choose(restock, text, List.of(new CompileCheck.Answer(site, "quantityy", "quantityy")), index::compileErrors);
            assertEquals("0", replaced.getFirst().text());
            assertTrue(replaced.getFirst().note().startsWith("the model's `quantityy` does not compile"), replaced.getFirst().note());
            // The same answer decided without the model (the one candidate of its site) says so in its note.
            List<CompileCheck.Choice> decided = CompileCheck.choose(restock, text, List.of(new CompileCheck.Answer(site, "quantityy", "quantityy", false)),
                    index::compileErrors);
            assertEquals("0", decided.getFirst().text());
            assertTrue(decided.getFirst().note().startsWith("`quantityy` (passed without the model) does not compile"), decided.getFirst().note());
        }
    }

    @Test
    void anOptionalSiteWhereNeitherTheAnswerNorTheFallbackCompilesIsLeftAsItWas() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path checkout = SampleWorkspace.shop(ws, "Checkout.java");
        try (WorkspaceIndex index = index(ws)) {
            // Two similar places for "quantity()" -> "quantity(), customerId": reserve takes two arguments here, so
            // the edit breaks the first call (left as it was); the second place is a plain expression, where a
            // compiling answer is kept.
            String text = Files.readString(checkout).replace("public boolean buyTwo(String customerId, Item first, Item second) {",
                    "public boolean buyTwo(String customerId, Item first, Item second) {\n        int n = first.quantity();");
            Files.writeString(checkout, text);
            int call = text.indexOf("inventory.reserve(item.sku(), item.quantity())");
            int inCall = text.indexOf("quantity()", call);
            int plain = text.indexOf("first.quantity();") + "first.".length();
            java.util.function.UnaryOperator<String> keep = t -> t;
            Site broken = new Site(checkout, inCall, inCall + "quantity()".length(), "", "", "", 8, keep,
                    new Site.Fallback("quantity(), customerId", text.lastIndexOf('\n', inCall) + 1, text.indexOf('\n', inCall), true));
            Site fine = new Site(checkout, plain, plain + "quantity()".length(), "", "", "", 8, keep,
                    new Site.Fallback("quantity(), customerId", text.lastIndexOf('\n', plain) + 1, text.indexOf('\n', plain), true));
            List<CompileCheck.Choice> choices = CompileCheck.choose(checkout, text, List.of(
                    new CompileCheck.Answer(broken, "quantity(), customerId", "quantity(), customerId"),
                    new CompileCheck.Answer(fine, "quantity() + 1", "quantity() + 1")), index::compileErrors);
            assertNull(choices.get(0).text(), "left as it was");
            assertTrue(choices.get(0).note().startsWith("left as it was: `quantity(), customerId` does not compile here (The method reserve"),
                    choices.get(0).note());
            assertEquals("quantity() + 1", choices.get(1).text());
            assertNull(choices.get(1).note());
        }
    }

    @Test
    void anOptionalSiteDecidedWithoutTheModelIsCheckedToo() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path checkout = SampleWorkspace.shop(ws, "Checkout.java");
        try (WorkspaceIndex index = index(ws)) {
            // Every answer is its site's fallback (apply-similar-edit's renamed word, passed without the model):
            // no answer to judge, but a place where the edit does not compile is still no place for it.
            String text = Files.readString(checkout);
            int call = text.indexOf("inventory.reserve(item.sku(), item.quantity())");
            int inCall = text.indexOf("quantity()", call);
            Site broken = new Site(checkout, inCall, inCall + "quantity()".length(), "", "", "", 8, t -> t,
                    new Site.Fallback("quantity(), customerId", text.lastIndexOf('\n', inCall) + 1, text.indexOf('\n', inCall), true));
            List<CompileCheck.Choice> choices = CompileCheck.choose(checkout, text, List.of(
                    new CompileCheck.Answer(broken, "quantity(), customerId", "quantity(), customerId", false)), index::compileErrors);
            assertNull(choices.get(0).text(), "left as it was");
            assertTrue(choices.get(0).note().startsWith("left as it was: `quantity(), customerId` does not compile here"), choices.get(0).note());
        }
    }

    @Test
    void anAnswerThatIsNotUsableIsNotedAndOneThatIsTheFallbackIsNot() {
        Path file = Path.of("/w/A.java");
        Site site = new Site(file, 5, 5, "", "", "", 12, t -> t.isBlank() || t.contains(")") ? "x" : t.strip(), new Site.Fallback("x", 0, 10, false));
        List<CompileCheck.Answer> answers = List.of(new CompileCheck.Answer(site, "x", "))"), new CompileCheck.Answer(site, "x", "x);"),
                new CompileCheck.Answer(site, "x", " "));
        List<CompileCheck.Choice> choices = CompileCheck.choose(file, "0123456789", answers, (f, t) -> { throw new AssertionError("nothing to compile"); });
        assertEquals("the model's answer `))` was not usable here; used `x`", choices.get(0).note());
        assertNull(choices.get(1).note(), "the model wrote the fallback itself");
        assertEquals("the model wrote nothing here; used `x`", choices.get(2).note());
    }

    @Test
    void regionsMoveWithTheEditsBeforeThem() {
        Path file = Path.of("/w/A.java");
        String text = "f(a); f(b);";
        Site first = new Site(file, 3, 3, ", ", "", "", 4, t -> t, new Site.Fallback("0", 0, 4, false));
        Site second = new Site(file, 9, 9, ", ", "", "", 4, t -> t, new Site.Fallback("0", 6, 10, false));
        List<CompileCheck.Answer> answers = List.of(new CompileCheck.Answer(first, "xyz", ""), new CompileCheck.Answer(second, "q", ""));
        List<String> texts = List.of("xyz", "q");
        String applied = CompileCheck.apply(text, answers, texts);
        assertEquals("f(a, xyz); f(b, q);", applied);
        int[] r1 = CompileCheck.region(answers, texts, 0);
        int[] r2 = CompileCheck.region(answers, texts, 1);
        assertEquals("f(a, xyz)", applied.substring(r1[0], r1[1]));
        assertEquals("f(b, q)", applied.substring(r2[0], r2[1]));
    }

    /**
     * A parameter of a generic class's type variable ({@code T fallback} added to {@code Adapter<T>.read}) in a
     * cold index: each override declares it with the type its class binds (a clause after a Javadoc and a line
     * comment that say "class", an anonymous class, a return type narrower than the binding), and a call inside an
     * override passes it on where its type fits (a delegate of the same T), else gets the fallback ({@code null}).
     * With the decided answers through the compile check, every file compiles.
     */
    @Test
    void aTypeVariableParameterIsBoundInEachOverrideAndPassedOnWhereItFits() throws Exception {
        Path ws = tmp.resolve("generic");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path adapter = dir.resolve("Adapter.java");
        Files.writeString(adapter, """
                package p;

                public abstract class Adapter<T> {
                    public abstract T read(String in, T fallback);
                }
                """);
        Path adapters = dir.resolve("Adapters.java");
        Files.writeString(adapters, """
                package p;

                public class Adapters {
                    /** A class that reads numbers; this class is not generic. */
                    // a class Note<X> of the comment, not the header
                    static class NumberAdapter extends Adapter<Number> {
                        @Override
                        public Double read(String in) {
                            return Double.valueOf(in);
                        }
                    }

                    static class Same<T> extends Adapter<T> {
                        final Adapter<T> delegate;

                        Same(Adapter<T> delegate) {
                            this.delegate = delegate;
                        }

                        @Override
                        public T read(String in) {
                            return delegate.read(in);
                        }
                    }

                    static Adapter<Integer> length(Adapter<String> text) {
                        return new Adapter<Integer>() {
                            @Override
                            public Integer read(String in) {
                                return text.read(in).length();
                            }
                        };
                    }
                }
                """);
        try (WorkspaceIndex index = index(ws)) {
            RefactorPlan plan = plan(index, adapter, "read(");
            List<CompileCheck.Answer> answers = new ArrayList<>();
            for (Site s : plan.sites()) {
                List<String> decided = s.candidates().get();
                String raw = decided.size() == 1 ? decided.getFirst() : s.fallback().text();
                answers.add(new CompileCheck.Answer(s, s.finish().apply(raw), raw, false));
            }
            String text = Files.readString(adapters);
            List<CompileCheck.Answer> inAdapters = answers.stream().filter(a -> a.site().file().equals(adapters)).toList();
            List<CompileCheck.Choice> choices = CompileCheck.choose(adapters, text, inAdapters, index::compileErrors);
            String result = CompileCheck.apply(text, inAdapters, choices.stream().map(CompileCheck.Choice::text).toList());
            for (String line : List.of("public Double read(String in, Number fallback) {", "public T read(String in, T fallback) {",
                    "return delegate.read(in, fallback);", "public Integer read(String in, Integer fallback) {",
                    "return text.read(in, null).length();")) {
                assertTrue(result.contains(line), line + " in\n" + result);
            }
            assertEquals(List.of(), index.compileErrors(adapters, result).stream().map(e -> e.message()).toList(), result);
        }
    }

    /**
     * A model's answer that names types its file does not import ({@code new ArrayList<>(...)}, {@code
     * Objects.requireNonNull}, a workspace type of another package) compiles once the imports are added: one import
     * answer is put among the file's answers, and only the types the kept answers use stay in it. A type of a name
     * two packages declare is not guessed, and an answer that fails for another reason still falls back.
     */
    @Test
    void importsTheModelsAnswersNeedAreAdded() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path dir = Files.createDirectories(ws.resolve("src/main/java/shop/util"));
        Files.writeString(dir.resolve("Ledger.java"), "package shop.util;\n\npublic class Ledger {\n    public static int count() {\n        return 1;\n    }\n}\n");
        Files.writeString(dir.resolve("Date.java"), "package shop.util;\n\npublic class Date {\n}\n");
        Path file = SampleWorkspace.shop(ws, "Counts.java");
        String text = """
                package shop;

                import java.util.Map;

                class Counts {
                    int a(Map<String, Integer> m) {
                        return 0;
                    }

                    int b() {
                        return 0;
                    }

                    int c() {
                        return 0;
                    }

                    int d() {
                        return 0;
                    }
                }
                """;
        Files.writeString(file, text);
        try (WorkspaceIndex index = index(ws)) {
            List<String> raw = List.of("new ArrayList<>(m.keySet()).size()", "Objects.requireNonNull(Ledger.count())", "new Date().hashCode()",
                    "new LinkedList<String>().size() + nope");
            List<CompileCheck.Answer> answers = new ArrayList<>();
            int from = 0;
            for (String answer : raw) {
                int at = text.indexOf("return 0;", from) + "return ".length();
                from = at;
                Site site = new Site(file, at, at + 1, "", "", "", 16, t -> t, new Site.Fallback("0", at, at + 1, false));
                answers.add(new CompileCheck.Answer(site, answer, answer));
            }
            CompileCheck.Answer imports = CompileCheck.importsFor(file, text, answers, index::compileErrors, n -> ImportableTypes.of(index, n)).orElseThrow();
            // Date: java.util's and shop.util's, not guessed; nope is no type.
            assertEquals("import java.util.ArrayList;\nimport java.util.LinkedList;\nimport java.util.Objects;\nimport shop.util.Ledger;\n", imports.finished());
            answers.add(imports);
            List<CompileCheck.Choice> choices = CompileCheck.choose(file, text, answers, index::compileErrors);
            assertNull(choices.get(0).note(), choices.get(0).note());
            assertNull(choices.get(1).note(), choices.get(1).note());
            assertEquals("0", choices.get(2).text(), "Date is not imported: " + choices.get(2).note());
            assertEquals("0", choices.get(3).text(), "nope is unknown: " + choices.get(3).note());
            String result = CompileCheck.apply(text, answers, choices.stream().map(CompileCheck.Choice::text).toList());
            assertEquals(List.of(), index.compileErrors(file, result).stream().map(e -> e.message()).toList(), result);
            // The refactor keeps the lines the code still uses (LinkedList's answer fell back).
            assertEquals("import java.util.ArrayList;\nimport java.util.Objects;\nimport shop.util.Ledger;\n", Imports.used(imports.finished(), result));
        }
    }

    private WorkspaceIndex index(Path ws) {
        WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("data")).build());
        index.build();
        return index;
    }

    private static RefactorPlan plan(WorkspaceIndex index, Path file, String needle) throws Exception {
        return plan(index, file, needle, "add-parameter");
    }

    private static RefactorPlan plan(WorkspaceIndex index, Path file, String needle, String refactor) throws Exception {
        ServerSession session = new ServerSession(s -> { throw new AssertionError("no model call while planning"); });
        try {
            List<String> lines = Files.readAllLines(file);
            int line = 0;
            while (!lines.get(line).contains(needle)) line++;
            return new RefactorService(session).plans(index, file, new TextPosition(line, lines.get(line).indexOf(needle) + 1), Optional.empty())
                    .stream().filter(p -> p.name().equals(refactor)).findFirst().orElseThrow();
        } finally {
            session.close();
        }
    }

    private static String lineAt(String text, int offset) {
        int start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        int end = text.indexOf('\n', offset);
        return text.substring(start, end < 0 ? text.length() : end);
    }
}
