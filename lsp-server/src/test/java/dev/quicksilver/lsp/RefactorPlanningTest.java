package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.documents.EditHistory;
import dev.quicksilver.lsp.refactor.RefactorPlan;
import dev.quicksilver.lsp.refactor.RefactorService;
import dev.quicksilver.lsp.refactor.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refactors' discovery from the index alone (no model), on the sample workspace with known answers. */
class RefactorPlanningTest {
    @TempDir
    Path tmp;

    private List<RefactorPlan> plans(Path ws, Path file, int line, int col, Optional<EditHistory.Edit> edit) {
        ServerSession session = new ServerSession(s -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("data")).build())) {
            index.build();
            return new RefactorService(session).plans(index, file, new TextPosition(line, col), edit);
        } finally {
            session.close();
        }
    }

    @Test
    void addedParameterOnDiskIsFilledAtEveryCallSiteInOtherFiles() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        Files.writeString(inv, Files.readString(inv).replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, String customerId)"));
        int line = lineOf(inv, "public boolean reserve");
        RefactorPlan plan = plans(ws, inv, line, 22, Optional.empty()).stream().filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        assertEquals(5, plan.sites().size(), plan.toString());
        Set<String> files = plan.sites().stream().map(s -> s.file().getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("OrderService.java", "Checkout.java", "Restock.java"), files);
        assertTrue(plan.title().contains("5 call sites") && plan.title().contains("3 files"), plan.title());
        for (Site s : plan.sites()) {
            String text = Files.readString(s.file());
            assertEquals(')', text.charAt(s.start()), "inserted right before the closing parenthesis");
            assertEquals(", ", s.before());
            // The fallback for an unusable model answer is the in-scope variable of the parameter's name.
            assertEquals("customerId", s.finish().apply("))"));
            // A name the call site cannot see is as unusable: the fallback again. Names it can see, literals,
            // and type-qualified calls are kept, except a bare null where the parameter's namesake is in sight.
            assertEquals("customerId", s.finish().apply("Built);"));
            assertEquals("customerId", s.finish().apply("customerIdx"));
            assertEquals("\"web\"", s.finish().apply("\"web\")"));
            assertEquals("customerId", s.finish().apply("null);"));
            assertEquals("String.valueOf(42)", s.finish().apply("String.valueOf(42));"));
        }
        String checkout = Files.readString(SampleWorkspace.shop(ws, "Checkout.java"));
        Site inCheckout = plan.sites().stream().filter(x -> x.file().getFileName().toString().equals("Checkout.java")).findFirst().orElseThrow();
        assertTrue(checkout.substring(0, inCheckout.start()).contains("item"));
        assertEquals("item.sku()", inCheckout.finish().apply("item.sku())"), "a name seen before the site is kept");
    }

    /**
     * What an argument is chosen from: the variable named as the parameter alone when one of a passing type is in
     * sight; else the variables of a passing type, innermost first; nothing (the model writes) where no variable's
     * type passes.
     */
    @Test
    void argumentCandidatesAreTheVariablesInSightWhoseTypePasses() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String original = Files.readString(inv);
        ServerSession session = new ServerSession(s -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("data")).build())) {
            index.build();
            RefactorService refactors = new RefactorService(session);
            java.util.function.Function<String, java.util.Map<String, List<String>>> candidatesFor = param -> {
                try {
                    refactors.rememberKeys(index, inv); // the calls elsewhere are still bound to the signature before
                    Files.writeString(inv, original.replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, " + param + ")"));
                    index.reindexNow(inv);
                    RefactorPlan plan = refactors.plans(index, inv, new TextPosition(lineOf(inv, "public boolean reserve"), 22), Optional.empty())
                            .stream().filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
                    java.util.Map<String, List<String>> byFile = new java.util.TreeMap<>();
                    for (Site site : plan.sites()) byFile.putIfAbsent(site.file().getFileName().toString(), site.candidates().get());
                    return byFile;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertEquals(List.of("customerId"), candidatesFor.apply("String customerId").get("Restock.java"), "the namesake alone");
            assertEquals(List.of("customerId", "sku"), candidatesFor.apply("String channel").get("Restock.java"),
                    "the local, then the parameter of a passing type");
            var longs = candidatesFor.apply("long priority");
            assertEquals(List.of("quantity"), longs.get("Restock.java"), "an int widens to a long");
            assertEquals(List.of(), longs.get("Checkout.java"), "no number in sight at Checkout's calls: the model writes");
            assertEquals(List.of("customerId", "sku"), candidatesFor.apply("CharSequence channel").get("Restock.java"),
                    "a String passes as a CharSequence");
            assertEquals(List.of(), candidatesFor.apply("java.util.Locale locale").get("Restock.java"));
        } finally {
            session.close();
        }
    }

    @Test
    void newInterfaceMethodIsImplementedInTheThreeImplementations() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        Files.writeString(rule, Files.readString(rule).replace("long apply(long cents);", "long apply(long cents);\n\n    String describe();"));
        int line = lineOf(rule, "String describe();");
        RefactorPlan plan = plans(ws, rule, line, 12, Optional.empty()).stream().filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow();
        assertEquals(Set.of("PercentOff.java", "FixedOff.java", "BulkDiscount.java"),
                plan.sites().stream().map(s -> s.file().getFileName().toString()).collect(Collectors.toSet()));
        assertTrue(plan.title().contains("3 implementations"), plan.title());
        Site s = plan.sites().getFirst();
        assertTrue(s.before().contains("@Override") && s.before().contains("public String describe() {"), s.before());
        assertTrue(s.finish().apply("}}}").startsWith("throw new UnsupportedOperationException"));
    }

    @Test
    void anExistingMethodOffersNoImplementationAndNoParameterFill() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        List<RefactorPlan> plans = plans(ws, rule, lineOf(rule, "long apply(long cents);"), 10, Optional.empty());
        assertTrue(plans.isEmpty(), plans.toString());
    }

    @Test
    void anInsertionMadeOnOneCallIsOfferedAtTheSimilarCalls() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path checkout = SampleWorkspace.shop(ws, "Checkout.java");
        int line = lineOf(checkout, "return inventory.reserve(item.sku(), item.quantity());");
        RefactorPlan plan = similarEdit(ws, checkout, line, "item.quantity())", "item.quantity(), customerId)").orElseThrow();
        // Other calls passing a quantity(): in OrderService and in Checkout.buyTwo (the lexical index's windows
        // find one of buyTwo's two), never the edited line itself.
        assertTrue(plan.sites().size() >= 2, plan.toString());
        assertEquals(Set.of("OrderService.java", "Checkout.java"),
                plan.sites().stream().map(s -> s.file().getFileName().toString()).collect(Collectors.toSet()));
        for (Site s : plan.sites()) {
            String text = Files.readString(s.file());
            assertEquals("quantity()", text.substring(s.start(), s.end()));
            assertEquals("quantity(), customerId", s.finish().apply(""), "an empty model answer falls back to the example's text");
            assertTrue(s.file().getFileName().toString().equals("OrderService.java") || lineOfOffset(text, s.start()) != line);
        }
    }

    @Test
    void aParameterAddedToADeclarationIsNotOfferedWhereItsNameIsUsed() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inventory = SampleWorkspace.shop(ws, "Inventory.java");
        int line = lineOf(inventory, "public boolean reserve(String sku, int quantity) {");
        // "quantity" is the anchor; "if (available < quantity) {" has it before ")" too, but as an expression, not
        // after a type: no place for a parameter. Another declaration ending in "int quantity)" is one.
        List<String> similarLines = similarEdit(ws, inventory, line, "int quantity)", "int quantity, String customerId)").stream()
                .flatMap(p -> p.sites().stream()).map(s -> lineText(s)).toList();
        assertEquals(List.of("public boolean transfer(Inventory from, Inventory to, String sku, int quantity) {"), similarLines);
    }

    /** The apply-similar-edit plan after {@code from} was replaced by {@code to} on line {@code line} of {@code file}. */
    private Optional<RefactorPlan> similarEdit(Path ws, Path file, int line, String from, String to) throws Exception {
        String before = Files.readAllLines(file).get(line);
        var edit = new EditHistory.Edit(before, before.replace(from, to), line, line);
        return plans(ws, file, line, 20, Optional.of(edit)).stream().filter(p -> p.name().equals("apply-similar-edit")).findFirst();
    }

    private static String lineText(Site s) {
        try {
            String text = Files.readString(s.file());
            return text.lines().toList().get(lineOfOffset(text, s.start())).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int lineOfOffset(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count();
    }

    static int lineOf(Path file, String needle) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(needle)) return i;
        throw new AssertionError(needle);
    }
}
