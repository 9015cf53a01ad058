package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.documents.EditHistory;
import dev.quicksilver.lsp.refactor.RefactorPlan;
import dev.quicksilver.lsp.refactor.RefactorService;
import dev.quicksilver.lsp.refactor.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * A parameter added to an interface method goes into its implementations' parameter lists too (they would no
     * longer compile under {@code @Override}), decided without the model, even where nothing calls the method.
     */
    @Test
    void aParameterAddedToAnInterfaceMethodIsAddedToItsImplementations() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        Files.writeString(rule, Files.readString(rule).replace("long apply(long cents);", "long apply(long cents, String currency);"));
        RefactorPlan plan = plans(ws, rule, lineOf(rule, "long apply("), 10, Optional.empty()).stream()
                .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        assertEquals("Add new parameter `String currency` of PriceRule.apply() to its 3 implementations in 3 files", plan.title());
        assertEquals(3, plan.declarations());
        for (Site s : plan.sites()) {
            assertEquals(List.of("String currency"), s.candidates().get(), "decided without the model");
            String edited = applied(s, s.candidates().get().getFirst());
            assertTrue(edited.contains("public long apply(long cents, String currency) {"), edited);
        }
    }

    /**
     * A second abstract method in a {@code @FunctionalInterface} breaks the annotation and every lambda of the
     * interface: its declaration is offered a default body (the model writes it; the fallback throws), indented as
     * the file is; the interface's original method, with the new one given a body, is offered nothing.
     */
    @Test
    void aFunctionalInterfacesNewMethodIsOfferedADefaultBody() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        Files.writeString(rule, """
                package shop;

                /** A discount applied to an amount in cents. */
                @FunctionalInterface
                public interface PriceRule {
                  /** The discounted amount. */
                  long apply(long cents);

                  /** A short description for receipts. */
                  public String describe();
                }
                """);
        Files.writeString(SampleWorkspace.shop(ws, "Rules.java"), """
                package shop;

                class Rules {
                    static final PriceRule HALF = cents -> cents / 2;
                }
                """);
        List<RefactorPlan> offered = plans(ws, rule, lineOf(rule, "public String describe();"), 17, Optional.empty());
        assertTrue(offered.stream().anyMatch(p -> p.title().equals(
                "Implement PriceRule.describe() in its 3 implementations (not its lambdas: they need a default body)")), offered.toString());
        RefactorPlan plan = offered.stream().filter(p -> p.name().equals("default-body")).findFirst().orElseThrow();
        // Anywhere on the header, not only on the name: the cursor on "public" offers the same two.
        assertEquals(offered.stream().map(RefactorPlan::title).toList(),
                plans(ws, rule, lineOf(rule, "public String describe();"), 4, Optional.empty()).stream().map(RefactorPlan::title).toList());
        assertEquals("Give PriceRule.describe() a default body (PriceRule is a @FunctionalInterface: its lambdas need it to have one abstract method)",
                plan.title());
        Site s = plan.sites().getFirst();
        String withFallback = applied(s, s.finish().apply(""));
        assertTrue(withFallback.contains("""
                  /** A short description for receipts. */
                  default public String describe() {
                    throw new UnsupportedOperationException("describe is not implemented yet");
                  }
                }
                """), withFallback);
        assertTrue(applied(s, s.finish().apply("return \"rule\";\n}\n")).contains("""
                  default public String describe() {
                    return "rule";
                  }
                """), "the model's body, cut where it closes the method");
        // The original method, once the new one has a body: a functional interface again, nothing to offer.
        Files.writeString(rule, withFallback);
        assertTrue(plans(ws, rule, lineOf(rule, "long apply(long cents);"), 8, Optional.empty()).stream()
                .noneMatch(p -> p.name().equals("default-body")));
    }

    /**
     * An interface without {@code @FunctionalInterface} that lambdas implement is offered a default body for its new
     * method too, where the compiler says those lambdas no longer compile (in an index built after the edit, or on
     * an edit next to the method); an interface no lambda uses is offered none (implement-method is its refactor).
     */
    @Test
    void anUnannotatedInterfaceWithLambdasIsOfferedADefaultBody() throws Exception {
        Path ws = tmp.resolve("unannotated");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path named = dir.resolve("Named.java");
        Path plain = dir.resolve("Plain.java");
        Files.writeString(named, "package p;\n\npublic interface Named {\n    String name();\n\n    int size();\n}\n");
        Files.writeString(plain, "package p;\n\npublic interface Plain {\n    String name();\n\n    int size();\n}\n");
        Files.writeString(dir.resolve("Uses.java"), "package p;\n\nclass Uses {\n    static final Named ANON = () -> \"anon\";\n}\n");
        Files.writeString(dir.resolve("Both.java"), "package p;\n\nclass Both implements Plain {\n    public String name() {\n        return \"b\";\n    }\n}\n");
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("unannotated-data")).build())) {
            index.build();
            RefactorService refactors = new RefactorService(session);
            // Before the index is known to be built after an edit (an editor, the cursor on an untouched method): nothing.
            assertTrue(refactors.plans(index, named, new TextPosition(lineOf(named, "int size();"), 8), Optional.empty()).stream()
                    .noneMatch(p -> p.name().equals("default-body")));
            session.thoroughRefactors(true);
            assertEquals(List.of("Give Named.size() a default body (Named has lambdas: its lambdas need it to have one abstract method)"),
                    refactors.plans(index, named, new TextPosition(lineOf(named, "int size();"), 8), Optional.empty()).stream()
                            .filter(p -> p.name().equals("default-body")).map(RefactorPlan::title).toList());
            assertTrue(refactors.plans(index, plain, new TextPosition(lineOf(plain, "int size();"), 8), Optional.empty()).stream()
                    .noneMatch(p -> p.name().equals("default-body")), "no lambda implements Plain");
        } finally {
            session.close();
        }
    }

    /**
     * A parameter whose type the interface's file imports ({@code java.util.Locale}) goes into implementations whose
     * files do not: each of those files gets the import too (one site per file, after its imports or its package);
     * a file that imports it already, or the whole package, gets none.
     */
    @Test
    void aParameterTypeTheImplementationsDoNotImportIsImported() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        Files.writeString(rule, Files.readString(rule).replace("package shop;\n", "package shop;\n\nimport java.util.Locale;\n")
                .replace("long apply(long cents);", "long apply(long cents, Locale locale);"));
        Path fixed = SampleWorkspace.shop(ws, "FixedOff.java");
        Files.writeString(fixed, Files.readString(fixed).replace("package shop;\n", "package shop;\n\nimport java.util.*;\n"));
        Path percent = SampleWorkspace.shop(ws, "PercentOff.java");
        Files.writeString(percent, Files.readString(percent).replace("package shop;\n", "package shop;\n\nimport java.util.List;\nimport java.util.Map;\n"));
        RefactorPlan plan = plans(ws, rule, lineOf(rule, "long apply("), 10, Optional.empty()).stream()
                .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        assertEquals("Add new parameter `Locale locale` of PriceRule.apply() to its 3 implementations in 3 files", plan.title());
        Map<String, String> imports = new java.util.TreeMap<>();
        for (Site s : plan.sites().subList(3, plan.sites().size())) imports.put(s.file().getFileName().toString(), s.candidates().get().getFirst());
        assertEquals(Map.of("BulkDiscount.java", "\nimport java.util.Locale;\n", "PercentOff.java", "import java.util.Locale;\n"), imports,
                "FixedOff imports java.util.* already");
        Site inPercent = plan.sites().stream().filter(s -> s.file().equals(percent) && s.candidates().get().getFirst().contains("import")).findFirst().orElseThrow();
        assertTrue(applied(inPercent, inPercent.candidates().get().getFirst()).startsWith(
                "package shop;\n\nimport java.util.List;\nimport java.util.Locale;\nimport java.util.Map;\n"), "in alphabetical order");
        String bulk = applied(plan.sites().stream().filter(s -> s.file().getFileName().toString().equals("BulkDiscount.java")
                && s.start() == s.end() && s.candidates().get().getFirst().contains("import")).findFirst().orElseThrow(), "\nimport java.util.Locale;\n");
        assertTrue(bulk.startsWith("package shop;\n\nimport java.util.Locale;\n\n"), bulk);
    }

    /** A parameter type of the interface's own package is imported where the implementations are in another. */
    @Test
    void aParameterTypeOfTheInterfacesPackageIsImportedElsewhere() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path money = Files.createDirectories(SampleWorkspace.shop(ws, "").resolve("money"));
        Files.writeString(money.resolve("Currency.java"), "package shop.money;\n\npublic enum Currency { EUR, USD }\n");
        Path pricer = money.resolve("Pricer.java");
        Files.writeString(pricer, "package shop.money;\n\npublic interface Pricer {\n    long price(long cents, Currency currency);\n}\n");
        Files.writeString(SampleWorkspace.shop(ws, "Flat.java"), """
                package shop;

                import shop.money.Pricer;

                class Flat implements Pricer {
                    @Override
                    public long price(long cents) {
                        return cents;
                    }
                }
                """);
        RefactorPlan plan = plans(ws, pricer, lineOf(pricer, "long price("), 10, Optional.empty()).stream()
                .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        Site imported = plan.sites().getLast();
        assertEquals("import shop.money.Currency;\n", imported.candidates().get().getFirst(), plan.toString());
        String flat = applied(imported, imported.candidates().get().getFirst());
        assertTrue(flat.contains("import shop.money.Currency;\nimport shop.money.Pricer;\n"), flat);
    }

    /**
     * A parameter removed from a declaration: its argument is dropped at every call, and the parameter at every
     * override, and method references to it become lambdas that drop it; which one went is known from the earlier
     * key (live), or from an override's names or the compiler's complaint at a call (cold). Where equal types leave the position open, nothing is offered.
     */
    @Test
    void aRemovedParameterIsDroppedAtTheCallsAndTheOverrides() throws Exception {
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve("remove" + live));
            Path shop = SampleWorkspace.shop(ws, "");
            Path label = shop.resolve("Label.java");
            String before = """
                    package shop;

                    public class Label {
                        protected String text(int width, char pad) {
                            return "x".repeat(width);
                        }
                    }
                    """;
            Files.writeString(shop.resolve("BoldLabel.java"), """
                    package shop;

                    public class BoldLabel extends Label {
                        @Override
                        protected String text(int width, char pad) {
                            return "*" + super.text(width, pad) + "*";
                        }

                        String twice(int width) {
                            return text(width, '-') + text(width * 2, '=');
                        }

                        interface Renderer {
                            String render(Label label, int width, char pad);
                        }

                        static final Renderer RENDERER = Label::text;

                        java.util.function.BiFunction<Integer, Character, String> asFunction() {
                            return this::text;
                        }
                    }
                    """);
            String after = before.replace("text(int width, char pad)", "text(int width)");
            planAfterEdit("remove-parameter", ws, label, before, after, live, "protected String text(", 22, (found, index) -> {
                RefactorPlan plan = found.orElseThrow(() -> new AssertionError(live ? "live" : "cold"));
                assertEquals(1, plan.declarations(), plan.title());
                try {
                    String bold = withAll(Files.readString(shop.resolve("BoldLabel.java")), plan.sites(), s -> s.candidates().get().getFirst());
                    assertTrue(bold.contains("protected String text(int width) {\n        return \"*\" + super.text(width) + \"*\";"), bold);
                    assertTrue(bold.contains("return text(width) + text(width * 2);"), bold);
                    // Method references to the old signature become lambdas that take the removed parameter too.
                    assertTrue(bold.contains("static final Renderer RENDERER = (label, width, pad) -> label.text(width);"), bold);
                    assertTrue(bold.contains("return (width, pad) -> this.text(width);"), bold);
                    assertEquals(List.of(), index.compileErrors(shop.resolve("BoldLabel.java"), bold).stream().map(e -> e.message()).toList(), bold);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                assertTrue(plan.title().contains("from its 3 call sites and 1 override and 2 method references in 1 file"), plan.title());
            });
        }
        // A functional interface's method: its lambdas with the parameter lose it (checked when run: one whose body
        // uses it is left as it was), the implementation too, and the call drops its argument.
        Path fws = SampleWorkspace.copy(tmp.resolve("functional"));
        Path fshop = SampleWorkspace.shop(fws, "");
        Path op = fshop.resolve("Op.java");
        Files.writeString(op, "package shop;\n\ninterface Op {\n    int run(int a);\n}\n");
        Files.writeString(fshop.resolve("Ops.java"), """
                package shop;

                class Ops {
                    static final Op FIRST = (a, b) -> a;
                    static final Op ADD = (int a, int b) -> a + b;

                    static class Twice implements Op {
                        @Override
                        public int run(int a, int b) {
                            return a * 2;
                        }
                    }

                    int use(Op op) {
                        return op.run(1, 2);
                    }
                }
                """);
        RefactorPlan removal = plans(fws, op, lineOf(op, "int run("), 8, Optional.empty()).stream()
                .filter(p -> p.name().equals("remove-parameter")).findFirst().orElseThrow();
        assertTrue(removal.title().contains("from its 1 call site and 1 override and 2 lambdas in 1 file"), removal.title());
        String ops = withAll(Files.readString(fshop.resolve("Ops.java")), removal.sites(), s -> s.candidates().get().getFirst());
        assertTrue(ops.contains("static final Op FIRST = (a) -> a;"), ops);
        assertTrue(ops.contains("static final Op ADD = (int a) -> a + b;"), ops);
        assertTrue(ops.contains("public int run(int a) {"), ops);
        assertTrue(ops.contains("return op.run(1);"), ops);
        assertTrue(removal.sites().stream().filter(s -> s.fallback().optional()).count() == 3, "the lambdas and the override are checked");

        // Two parameters of one type, one removed, in an index built after the edit: which one is not known.
        Path ws = SampleWorkspace.copy(tmp.resolve("ambiguous"));
        Path shop = SampleWorkspace.shop(ws, "");
        Files.writeString(shop.resolve("Box.java"), "package shop;\n\nclass Box {\n    int area(int w) {\n        return w;\n    }\n}\n");
        Files.writeString(shop.resolve("Room.java"), "package shop;\n\nclass Room {\n    int size(Box b) {\n        return b.area(2, 3);\n    }\n}\n");
        Path box = shop.resolve("Box.java");
        assertTrue(plans(ws, box, lineOf(box, "int area("), 8, Optional.empty()).stream().noneMatch(p -> p.name().equals("remove-parameter")));
        // An unedited method whose subclass has an overload with one parameter more, and a varargs method: nothing.
        Files.writeString(shop.resolve("Room.java"), "package shop;\n\nclass Room {\n    int size(Box b) {\n        return b.area(2);\n    }\n}\n");
        Files.writeString(shop.resolve("BigBox.java"), "package shop;\n\nclass BigBox extends Box {\n    int area(int w, int h) {\n        return w * h;\n    }\n\n"
                + "    static int sum(int... xs) {\n        return xs.length;\n    }\n\n    int all() {\n        return sum(1, 2) + sum(3);\n    }\n}\n");
        assertTrue(plans(ws, box, lineOf(box, "int area("), 8, Optional.empty()).stream().noneMatch(p -> p.name().equals("remove-parameter")));
        Path big = shop.resolve("BigBox.java");
        assertTrue(plans(ws, big, lineOf(big, "static int sum("), 16, Optional.empty()).stream().noneMatch(p -> p.name().equals("remove-parameter")));
    }

    /**
     * Overrides, and overrides of overrides, get the parameter (at its index), whether the index still links them
     * to the method's earlier key (a live session: the other files were not re-resolved) or finds them as
     * {@code @Override}s that override nothing now (a cold index built after the edit). A {@code super} call inside
     * an override passes the new parameter on; calls of an override get the argument like the method's own; an
     * overload of the same name, and its calls, are left alone. An anonymous class's override gets it too.
     */
    @Test
    void overridesGetTheParameterAndSuperCallsPassItOn() throws Exception {
        overridesGetTheParameter(true);
    }

    /**
     * The same without {@code @Override}: in a cold index, the namesakes of the old parameters that override nothing
     * now, once the edit is known to have broken a call.
     */
    @Test
    void overridesWithoutTheAnnotationGetTheParameterToo() throws Exception {
        overridesGetTheParameter(false);
    }

    private void overridesGetTheParameter(boolean annotated) throws Exception {
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve((live ? "live" : "cold") + annotated));
            Path shop = SampleWorkspace.shop(ws, "");
            Path label = shop.resolve("Label.java");
            String before = """
                    package shop;

                    public class Label {
                        protected String text(int width, char pad) {
                            return "x".repeat(width);
                        }
                    }
                    """;
            java.util.function.UnaryOperator<String> annotations = t -> annotated ? t : t.replaceAll("\\n *@Override", "");
            Files.writeString(shop.resolve("BoldLabel.java"), annotations.apply("""
                    package shop;

                    public class BoldLabel extends Label {
                        @Override
                        protected String text(int width, char pad) {
                            return "*" + super.text(width, pad) + "*";
                        }

                        protected String text(String prefix, char pad) {
                            return prefix + pad;
                        }
                    }
                    """));
            Files.writeString(shop.resolve("LoudLabel.java"), annotations.apply("""
                    package shop;

                    public class LoudLabel extends BoldLabel {
                        @Override
                        protected String text(int width, char pad) {
                            return super.text(width, pad).toUpperCase();
                        }

                        String both(int width) {
                            return text(width, '-') + new Label().text(width, ' ') + text("a", '-');
                        }

                        static Label dashes() {
                            return new Label() {
                                @Override
                                protected String text(int width, char pad) {
                                    return "-".repeat(width);
                                }
                            };
                        }
                    }
                    """));
            String after = before.replace("text(int width, char pad)", "text(int width, boolean bold, char pad)");
            addParameterAfterEdit(ws, label, before, after, live, "protected String text(", 22, (found, index) -> {
                RefactorPlan plan = found.orElseThrow();
                String where = live ? "live: " : "cold: ";
                assertEquals(3, plan.declarations(), where + plan);
                assertTrue(plan.title().startsWith("Add new parameter `boolean bold` of Label.text() to its 3 overrides and fill it at its "), plan.title());
                Map<String, List<String>> byFile = new java.util.TreeMap<>();
                for (Site s : plan.sites()) {
                    List<String> candidates = s.candidates().get();
                    String answer = candidates.size() == 1 ? candidates.getFirst() : s.fallback().text();
                    byFile.computeIfAbsent(s.file().getFileName().toString(), f -> new ArrayList<>()).add(lineText(s, answer));
                }
                byFile.values().forEach(java.util.Collections::sort);
                assertEquals(Map.of(
                        "BoldLabel.java", List.of("protected String text(int width, boolean bold, char pad) {",
                                "return \"*\" + super.text(width, bold, pad) + \"*\";"),
                        "LoudLabel.java", List.of("protected String text(int width, boolean bold, char pad) {",
                                "protected String text(int width, boolean bold, char pad) {",
                                "return super.text(width, bold, pad).toUpperCase();",
                                "return text(width, '-') + new Label().text(width, false, ' ') + text(\"a\", '-');",
                                "return text(width, false, '-') + new Label().text(width, ' ') + text(\"a\", '-');")),
                        byFile, where + byFile);
            });
        }
    }

    /**
     * In an index built after the edit, a call chained on a call that no longer fits ({@code w.value(a).value(b)})
     * has no receiver type, so JDT binds it to nothing: it is found by compiling the file with the first call given
     * its argument, and one chained on it the round after.
     */
    @Test
    void callsChainedOnABrokenCallAreFound() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path shop = SampleWorkspace.shop(ws, "");
        Path writer = shop.resolve("Writer.java");
        Files.writeString(writer, """
                package shop;

                class Writer {
                    Writer value(String s, boolean quoted) {
                        return this;
                    }
                }
                """);
        Files.writeString(shop.resolve("Report.java"), """
                package shop;

                class Report {
                    void write(Writer w, String a, String b) {
                        w.value(a).value(b).value("c");
                        Writer x = w.value(a);
                        x.value(b);
                    }
                }
                """);
        RefactorPlan plan = plans(ws, writer, lineOf(writer, "Writer value("), 12, Optional.empty()).stream()
                .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        assertEquals(5, plan.sites().size(), plan.toString());
        Path report = shop.resolve("Report.java");
        String text = withAll(Files.readString(report), plan.sites(), s -> s.fallback().text());
        assertTrue(text.contains("w.value(a, false).value(b, false).value(\"c\", false);\n        Writer x = w.value(a, false);\n        x.value(b, false);"), text);
    }

    /**
     * In an index built after a constructor got a parameter, JDT binds the calls written for the old signature to
     * the closest other constructor ({@code super(name)} to {@code Base()}): they are found there all the same; the
     * calls of that other constructor are left alone.
     */
    @Test
    void callsTheCompilerBoundToAnotherOverloadAreFound() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path shop = SampleWorkspace.shop(ws, "");
        Path base = shop.resolve("Base.java");
        Files.writeString(base, """
                package shop;

                public class Base {
                    protected Base() {
                    }

                    protected Base(String name, boolean flag) {
                    }
                }
                """);
        Files.writeString(shop.resolve("Sub.java"), """
                package shop;

                public class Sub extends Base {
                    Sub(String name) {
                        super(name);
                    }

                    Sub() {
                        super();
                    }

                    static Base make(String name) {
                        return name == null ? new Base() : new Base(name);
                    }
                }
                """);
        RefactorPlan plan = plans(ws, base, lineOf(base, "protected Base(String name"), 14, Optional.empty()).stream()
                .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        assertEquals(Set.of("super(name, false);", "return name == null ? new Base() : new Base(name, false);"),
                plan.sites().stream().map(s -> lineText(s, s.fallback().text())).collect(Collectors.toSet()), plan.toString());
    }

    /**
     * A varargs method takes calls of any length: in a live session the calls written for the old signature get
     * the argument at its place, whatever they pass to the varargs (in other files, still bound to the old key; in
     * the edited file, where the compiler says they do not fit), and a call already written for the new one is
     * left alone; in an index built after the edit, where the old signature is not known, none is touched.
     */
    @Test
    void callsOfAVarargsMethodGetTheArgumentOnlyWhereTheOldSignatureIsKnown() throws Exception {
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve(live ? "live" : "cold"));
            Path shop = SampleWorkspace.shop(ws, "");
            Path log = shop.resolve("Log.java");
            String before = """
                    package shop;

                    class Log {
                        static String line(String pattern, Object... args) {
                            return String.format(pattern, args);
                        }

                        static String both() {
                            return line("a") + line("%s %s", 1, 2);
                        }
                    }
                    """;
            Path report = shop.resolve("LogReport.java");
            Files.writeString(report, """
                    package shop;

                    class LogReport {
                        String report(int n) {
                            return Log.line("%d", n) + Log.line("none");
                        }
                    }
                    """);
            String after = before.replace("line(String pattern, Object... args)", "line(String pattern, boolean strict, Object... args)")
                    .replace("line(\"a\") +", "line(\"a\") + line(\"b\", true, 3) +");
            addParameterAfterEdit(ws, log, before, after, live, "static String line(", 20, (plan, index) -> {
                if (live) {
                    Set<String> edited = plan.orElseThrow().sites().stream().map(x -> lineText(x, x.fallback().text())).collect(Collectors.toSet());
                    assertEquals(Set.of("return line(\"a\", false) + line(\"b\", true, 3) + line(\"%s %s\", 1, 2);",
                            "return line(\"a\") + line(\"b\", true, 3) + line(\"%s %s\", false, 1, 2);",
                            "return Log.line(\"%d\", false, n) + Log.line(\"none\");",
                            "return Log.line(\"%d\", n) + Log.line(\"none\", false);"), edited);
                } else {
                    assertTrue(plan.isEmpty(), plan.toString());
                }
            });
        }
    }

    /**
     * Where a parameter went when the types do not say it alone. Headless (an index built after the edit, no
     * override): the compiler's complaint at the calls puts {@code boolean rush} between {@code sku} and
     * {@code quantity}, not last; between equal types ({@code area(int w)} -> {@code area(int h, int w)}), the one
     * the body does not use yet is the new one; calls the compiler bound to another overload are found too. In an
     * editor (the earlier key, and the edit of the header):
     * the names before and after the edit decide, for an addition and for a removal.
     */
    @Test
    void theNewParameterGoesWhereTheCallsAndNamesSay() throws Exception {
        Path ws = SampleWorkspace.copy(tmp.resolve("position"));
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String original = Files.readString(inv);
        addParameterAfterEdit(ws, inv, original, original.replace("reserve(String sku, int quantity)", "reserve(String sku, boolean rush, int quantity)"),
                false, "public boolean reserve(", 20, (plan, index) -> {
                    Set<String> lines = plan.orElseThrow().sites().stream().map(s -> lineText(s, s.fallback().text())).collect(Collectors.toSet());
                    assertTrue(lines.contains("if (!from.reserve(sku, false, quantity)) {"), lines.toString());
                });
        Path box = SampleWorkspace.shop(ws, "Box.java");
        Files.writeString(SampleWorkspace.shop(ws, "Room.java"), "package shop;\n\nclass Room {\n    int size(Box b) {\n        return b.area(7);\n    }\n}\n");
        String boxBefore = "package shop;\n\nclass Box {\n    int area(int w) {\n        return w * w;\n    }\n}\n";
        String boxAfter = boxBefore.replace("area(int w)", "area(int h, int w)");
        for (boolean live : new boolean[] {false, true}) {
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("position-" + live)).build())) {
                Site call = planWithEdit("add-parameter", index, box, boxBefore, boxAfter, live, "int area(");
                assertEquals("return b.area(H, 7);", lineText(call, "H"), live ? "live" : "cold");
            }
        }
        // Every call bound to another overload once the parameter is in (pad(String, int, String) for pad(s, 3, ' ')):
        // still found, by the compiler's complaint, and the argument goes where the types say.
        Path pads = SampleWorkspace.shop(ws, "Pads.java");
        String padsBefore = "package shop;\n\nclass Pads {\n    static String pad(String s, int n, char c) {\n        return s;\n    }\n\n"
                + "    static String pad(String s, int n, String p) {\n        return s;\n    }\n\n    String use() {\n        return pad(\"a\", 3, ' ');\n    }\n}\n";
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("position-pads")).build())) {
            Site call = planWithEdit("add-parameter", index, pads, padsBefore,
                    padsBefore.replace("pad(String s, int n, char c)", "pad(String s, boolean strict, int n, char c)"), false, "static String pad(String s, boolean");
            assertEquals("return pad(\"a\", H, 3, ' ');", lineText(call, "H"));
        }
        // Headless removal: pad("a", 3, ' ') against pad(String, int) fits exactly with the char dropped (with the 3
        // dropped it would fit too, the char passing as an int, but that is not what the call meant).
        Path util = SampleWorkspace.shop(ws, "Padding.java");
        String padding = "package shop;\n\nclass Padding {\n    static String pad(String s, int width, char c) {\n        return s;\n    }\n\n"
                + "    String use() {\n        return pad(\"a\", 3, ' ');\n    }\n}\n";
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("position-padding")).build())) {
            Site dropped = planWithEdit("remove-parameter", index, util, padding, padding.replace("pad(String s, int width, char c)", "pad(String s, int width)"),
                    false, "static String pad(");
            assertEquals("return pad(\"a\", 3);", lineText(dropped, ""));
        }
        // Removing the first of two ints in an editor: the edit's names say it was w, so 2 goes, not 3.
        Files.writeString(SampleWorkspace.shop(ws, "Room.java"), "package shop;\n\nclass Room {\n    int size(Box b) {\n        return b.area(2, 3);\n    }\n}\n");
        String twoInts = "package shop;\n\nclass Box {\n    int area(int w, int h) {\n        return h * h;\n    }\n}\n";
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("position-remove")).build())) {
            Site dropped = planWithEdit("remove-parameter", index, box, twoInts, twoInts.replace("area(int w, int h)", "area(int h)"), true, "int area(");
            assertEquals("return b.area(3);", lineText(dropped, ""));
        }
    }

    /**
     * A record's components are its canonical constructor's parameters, which the index lists on the header when
     * the record does not declare it: a component added is filled at every {@code new Money(...)} (in an editor,
     * where the calls are bound to the earlier constructor, and headless), and one removed is dropped there.
     */
    @Test
    void aRecordComponentIsFilledAndDroppedAtItsConstructions() throws Exception {
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve("record" + live));
            Path money = SampleWorkspace.shop(ws, "Money.java");
            Files.writeString(SampleWorkspace.shop(ws, "Till.java"), """
                    package shop;

                    class Till {
                        Money five() {
                            return new Money(5);
                        }

                        Money twice(Money m) {
                            return new Money(m.cents() * 2);
                        }
                    }
                    """);
            String before = "package shop;\n\npublic record Money(long cents) {\n}\n";
            String after = before.replace("(long cents)", "(long cents, String currency)");
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("record-data" + live)).build())) {
                ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
                try {
                    RefactorService refactors = new RefactorService(session);
                    edit(session, refactors, index, money, before, after, live);
                    Optional<EditHistory.Edit> edit = live ? Optional.of(EditHistory.between(before, after)) : Optional.empty();
                    RefactorPlan plan = refactors.plans(index, money, new TextPosition(2, 15), edit).stream()
                            .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow(() -> new AssertionError("live " + live));
                    assertEquals("Fill new component `String currency` of record Money at its 2 call sites in 1 file", plan.title());
                    assertEquals(Set.of("return new Money(5, X);", "return new Money(m.cents() * 2, X);"),
                            plan.sites().stream().map(x -> lineText(x, "X")).collect(Collectors.toSet()));
                } finally {
                    session.close();
                }
            }
        }
        Path ws = SampleWorkspace.copy(tmp.resolve("record-removed"));
        Path money = SampleWorkspace.shop(ws, "Money.java");
        Files.writeString(money, "package shop;\n\npublic record Money(long cents) {\n}\n");
        Files.writeString(SampleWorkspace.shop(ws, "Till.java"), "package shop;\n\nclass Till {\n    Money five() {\n        return new Money(5, \"EUR\");\n    }\n}\n");
        RefactorPlan removal = plans(ws, money, 2, 15, Optional.empty()).stream().filter(p -> p.name().equals("remove-parameter")).findFirst().orElseThrow();
        assertTrue(removal.title().startsWith("Drop removed component `String` (#2) of record Money from its 1 call site"), removal.title());
        assertEquals("return new Money(5);", lineText(removal.sites().getFirst(), ""));
    }

    /**
     * A creation with a class body is a call of the constructor it passes its arguments to: an enum constant with its
     * own methods ({@code GREEN(0, "#0f0") {...}}) and an anonymous subclass ({@code new Tag("sale", 3) {...}}) get the
     * added argument and lose the removed one like the plain creations beside them (they were left broken: the
     * index bound them to the anonymous class's constructor, or to nothing once the arguments no longer fit).
     */
    @Test
    void creationsWithAClassBodyGetTheArgumentToo() throws Exception {
        String color = """
                package shop;

                enum Color {
                    RED(255, "#f00"),
                    GREEN(0, "#0f0") {
                        @Override
                        String label() {
                            return "it's green";
                        }
                    };

                    Color(int r, String hex) {
                    }

                    String label() {
                        return name();
                    }
                }
                """;
        String tag = "package shop;\n\nclass Tag {\n    Tag(String name, int weight) {\n    }\n\n    Tag(int weight) {\n    }\n}\n";
        String labels = """
                package shop;

                class Labels {
                    Tag plain() {
                        return new Tag("new", 1);
                    }

                    Tag special() {
                        return new Tag("sale", 3) {
                            @Override
                            public String toString() {
                                return "sale";
                            }
                        };
                    }
                }
                """;
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve("bodies" + live));
            Files.writeString(SampleWorkspace.shop(ws, "Labels.java"), labels);
            Path colorFile = SampleWorkspace.shop(ws, "Color.java");
            Files.writeString(colorFile, color);
            Path tagFile = SampleWorkspace.shop(ws, "Tag.java");
            addParameterAfterEdit(ws, colorFile, color, color.replace("Color(int r, String hex)", "Color(int r, String hex, int alpha)"), live, "Color(int r", 4,
                    (plan, index) -> assertEquals(List.of("RED(255, \"#f00\", X),", "GREEN(0, \"#0f0\", X) {"),
                            plan.orElseThrow(() -> new AssertionError("live " + live)).sites().stream().map(x -> lineText(x, "X")).toList()));
            Files.writeString(tagFile, tag);
            addParameterAfterEdit(ws, tagFile, tag, tag.replace("Tag(String name, int weight)", "Tag(String name, int weight, boolean bold)"), live, "Tag(String name", 4,
                    (plan, index) -> assertEquals(Set.of("return new Tag(\"new\", 1, X);", "return new Tag(\"sale\", 3, X) {"),
                            plan.orElseThrow(() -> new AssertionError("live " + live)).sites().stream().map(x -> lineText(x, "X")).collect(Collectors.toSet())));
            // The first parameter of an enum's constructor: the constants that passed nothing get an argument list.
            String level = "package shop;\n\nenum Level {\n    /** The least. */\n    LOW,\n    HIGH {\n        @Override\n        boolean urgent() {\n            return true;\n        }\n    };\n\n"
                    + "    boolean urgent() {\n        return false;\n    }\n}\n";
            Path levelFile = SampleWorkspace.shop(ws, "Level.java");
            Files.writeString(levelFile, level);
            addParameterAfterEdit(ws, levelFile, level, level.replace("    boolean urgent() {\n        return false;",
                            "    private final int weight;\n\n    Level(int weight) {\n        this.weight = weight;\n    }\n\n    boolean urgent() {\n        return false;"),
                    live, "Level(int weight", 4, (plan, index) -> {
                        List<Site> sites = plan.orElseThrow(() -> new AssertionError("live " + live)).sites();
                        assertEquals(List.of("LOW(X),", "HIGH(X) {"), sites.stream().map(x -> lineText(x, "X")).toList());
                        // The instance field named as the parameter is not in sight in a constant's arguments.
                        assertEquals(List.of(), sites.getFirst().candidates().get());
                    });
            // The constructor's only parameter removed: the constants lose their parentheses too.
            String size = "package shop;\n\nenum Size {\n    SMALL(1),\n    LARGE(2) {\n        @Override\n        public String toString() {\n"
                    + "            return \"L\";\n        }\n    };\n\n    Size(int weight) {\n    }\n}\n";
            Path sizeFile = SampleWorkspace.shop(ws, "Size.java");
            Files.writeString(sizeFile, size);
            planAfterEdit("remove-parameter", ws, sizeFile, size, size.replace("Size(int weight)", "Size()"), live, "Size()", 4,
                    (plan, index) -> assertEquals(List.of("SMALL,", "LARGE {"),
                            plan.orElseThrow(() -> new AssertionError("live " + live)).sites().stream().map(x -> lineText(x, "")).toList()));
            Files.writeString(colorFile, color);
            planAfterEdit("remove-parameter", ws, colorFile, color, color.replace("Color(int r, String hex)", "Color(int r)"), live, "Color(int r", 4,
                    (plan, index) -> assertEquals(List.of("RED(255),", "GREEN(0) {"),
                            plan.orElseThrow(() -> new AssertionError("live " + live)).sites().stream().map(x -> lineText(x, "")).toList()));
        }
    }

    /**
     * {@code file} goes from {@code before} to {@code after}: in a live session the index is built on {@code before},
     * the methods' keys remembered, then the one file re-indexed; else the index is built after the edit, as the
     * headless command meets it.
     */
    private static void edit(ServerSession session, RefactorService refactors, WorkspaceIndex index, Path file, String before, String after,
                             boolean live) throws Exception {
        if (live) {
            Files.writeString(file, before);
            index.build();
            refactors.rememberKeys(index, file);
            Files.writeString(file, after);
            index.reindexNow(new DocumentSnapshot(file, after));
        } else {
            Files.writeString(file, after);
            index.build();
            session.thoroughRefactors(true);
        }
    }

    /**
     * The first site of the {@code refactor} plan at {@code header} after {@code file} went from {@code before} to
     * {@code after}: in an editor session ({@code live}: the earlier keys remembered, and the edit known), or in an
     * index built after the edit.
     */
    private Site planWithEdit(String refactor, WorkspaceIndex index, Path file, String before, String after, boolean live, String header)
            throws Exception {
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try {
            RefactorService refactors = new RefactorService(session);
            edit(session, refactors, index, file, before, after, live);
            Optional<EditHistory.Edit> edit = live ? Optional.of(EditHistory.between(before, after)) : Optional.empty();
            RefactorPlan plan = refactors.plans(index, file, new TextPosition(lineOf(file, header), 8), edit).stream()
                    .filter(p -> p.name().equals(refactor)).findFirst().orElseThrow(() -> new AssertionError(refactor + " not offered"));
            return plan.sites().getFirst();
        } finally {
            session.close();
        }
    }

    /**
     * The add-parameter plan at the line holding {@code header} of {@code file}, whose text goes from {@code before}
     * to {@code after}: in a live session (the index built on {@code before}, the method's keys remembered, then
     * the one file re-indexed) or in an index built after the edit. {@code check} runs while the index is open
     * (sites compile files lazily).
     */
    private void addParameterAfterEdit(Path ws, Path file, String before, String after, boolean live, String header, int column,
                                       java.util.function.BiConsumer<Optional<RefactorPlan>, WorkspaceIndex> check) throws Exception {
        planAfterEdit("add-parameter", ws, file, before, after, live, header, column, check);
    }

    /** {@link #addParameterAfterEdit} for the refactor of that name. */
    private void planAfterEdit(String refactor, Path ws, Path file, String before, String after, boolean live, String header, int column,
                               java.util.function.BiConsumer<Optional<RefactorPlan>, WorkspaceIndex> check) throws Exception {
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve(live + "data")).build())) {
            RefactorService refactors = new RefactorService(session);
            edit(session, refactors, index, file, before, after, live);
            check.accept(refactors.plans(index, file, new TextPosition(lineOf(file, header), column), Optional.empty())
                    .stream().filter(p -> p.name().equals(refactor)).findFirst(), index);
        } finally {
            session.close();
        }
    }

    /**
     * A parameter added to a functional interface's method reaches the lambdas that implement it (the compiler
     * finds them: in the files that mention the interface, and in those that call a method taking one), typed
     * where theirs are, renamed where the declaration around them uses the name (block's {@code currency}); calls
     * of the method inside them pass it on; method references that implement the interface become lambdas; a lambda
     * of another interface is left alone. In a
     * live session (the edit next to the declaration) and in an index built after the edit.
     */
    @Test
    void lambdasOfAFunctionalInterfaceGetTheParameter() throws Exception {
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve(live ? "live" : "cold"));
            Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
            // Calls of the method inside a lambda pass the new parameter on.
            Files.writeString(rule, Files.readString(rule).replace("    long apply(long cents);\n", """
                        long apply(long cents);

                        default PriceRule andThen(PriceRule next) {
                            return cents -> next.apply(apply(cents));
                        }
                    """));
            Files.writeString(SampleWorkspace.shop(ws, "Rules.java"), """
                    package shop;

                    import java.util.function.LongUnaryOperator;

                    class Rules {
                        static final PriceRule HALF = cents -> cents / 2;
                        static final PriceRule SAME = (long cents) -> cents;
                        static final LongUnaryOperator OTHER = cents -> cents + 1;

                        static PriceRule block(String currency) {
                            return c -> {
                                return c - currency.length();
                            };
                        }

                        static long halve(long cents) {
                            return cents / 2;
                        }

                        long half(long cents) {
                            return cents / 2;
                        }

                        static final PriceRule BY_METHOD = Rules::halve;

                        static PriceRule bound(Rules rules) {
                            return rules::half;
                        }

                        static long run(PriceRule rule, long cents) {
                            return cents;
                        }

                        // A method reference inside a lambda: reported only once the lambda has its new parameters.
                        static final PriceRule NESTED = c -> run(Rules::halve, c);
                    }
                    """);
            // A file that never names PriceRule: its lambda is an argument of Cart.totalCents(PriceRule).
            Files.writeString(SampleWorkspace.shop(ws, "Twice.java"), """
                    package shop;

                    class Twice {
                        long twice(Cart cart) {
                            return cart.totalCents(x -> x * 2);
                        }
                    }
                    """);
            String before = Files.readString(rule);
            String after = before.replace("long apply(long cents);", "long apply(long cents, String currency);");
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve(live + "lambda-data")).build())) {
                RefactorService refactors = new RefactorService(session);
                int line = lineOf(rule, "long apply(long cents);");
                Optional<EditHistory.Edit> edit = Optional.empty();
                if (live) {
                    index.build();
                    refactors.rememberKeys(index, rule);
                    Files.writeString(rule, after);
                    index.reindexNow(new DocumentSnapshot(rule, after));
                    edit = Optional.of(new EditHistory.Edit("    long apply(long cents);", "    long apply(long cents, String currency);", line, line));
                } else {
                    Files.writeString(rule, after);
                    index.build();
                    session.thoroughRefactors(true);
                }
                RefactorPlan plan = refactors.plans(index, rule, new TextPosition(line, 10), edit).stream()
                        .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
                String where = live ? "live" : "cold";
                assertTrue(plan.title().startsWith("Add new parameter `String currency` of PriceRule.apply() to its 3 implementations and 9 lambdas"),
                        where + ": " + plan.title());
                List<Site> inRule = plan.sites().stream().filter(x -> x.file().equals(rule)).toList();
                inRule.forEach(s -> assertEquals(1, s.candidates().get().size(), "decided without the model: " + s));
                String andThen = withAll(Files.readString(rule), inRule, s -> s.candidates().get().getFirst());
                assertTrue(andThen.contains("return (cents, currency) -> next.apply(apply(cents, currency), currency);"), where + ": " + andThen);
                Map<String, List<String>> lambdas = new java.util.TreeMap<>();
                for (Site s : plan.sites()) {
                    String file = s.file().getFileName().toString();
                    if (!file.equals("Rules.java") && !file.equals("Twice.java")) continue;
                    assertEquals(1, s.candidates().get().size(), "decided without the model");
                    lambdas.computeIfAbsent(file, f -> new ArrayList<>()).add(lineText(s, s.candidates().get().getFirst()));
                }
                lambdas.values().forEach(java.util.Collections::sort);
                assertEquals(Map.of(
                        "Rules.java", List.of("return (c, currency1) -> {", "return (cents, currency) -> rules.half(cents);",
                                "static final PriceRule BY_METHOD = (cents, currency) -> Rules.halve(cents);",
                                "static final PriceRule HALF = (cents, currency) -> cents / 2;",
                                // Two sites on one line: each line shown with its own site's edit.
                                "static final PriceRule NESTED = (c, currency) -> run(Rules::halve, c);",
                                "static final PriceRule NESTED = c -> run((cents, currency1) -> Rules.halve(cents), c);",
                                "static final PriceRule SAME = (long cents, String currency) -> cents;"),
                        "Twice.java", List.of("return cart.totalCents((x, currency) -> x * 2);")), lambdas, where);
            } finally {
                session.close();
            }
        }
    }

    /**
     * A parameter whose type names the interface's type variables ({@code Map<T, U> both} added to {@code
     * Check<T, U>.test(T value)}) takes the types each override and typed lambda binds them to: T by matching the
     * old parameters, U by the implementing class's clause or the compiler's complaint about the lambda; a raw
     * implementation gets the erasure ({@code Map both}); an untyped lambda gets the name alone. The files compile with the sites filled.
     */
    @Test
    void overridesAndTypedLambdasBindTheInterfacesTypeVariables() throws Exception {
        Path ws = tmp.resolve("generic-param");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path check = dir.resolve("Check.java");
        String before = """
                package p;

                import java.util.Map;

                @FunctionalInterface
                public interface Check<T, U> {
                    boolean test(T value);
                }
                """;
        Files.writeString(dir.resolve("Impl.java"), """
                package p;

                import java.util.List;

                public class Impl implements Check<List<String>, Long> {
                    @Override
                    public boolean test(List<String> value) {
                        return value.isEmpty();
                    }
                }
                """);
        Files.writeString(dir.resolve("RawImpl.java"), """
                package p;

                @SuppressWarnings("rawtypes")
                public class RawImpl implements Check {
                    @Override
                    public boolean test(Object value) {
                        return value == null;
                    }
                }
                """);
        Path use = dir.resolve("Use.java");
        Files.writeString(use, """
                package p;

                public class Use {
                    static final Check<String, Integer> TYPED = (String s) -> s.isEmpty();
                    static final Check<String, Integer> PLAIN = s -> s.isEmpty();
                }
                """);
        // A call: the parameter's type there is what the compiler's complaint says (Map for a Check<String, Integer>),
        // so the variables in sight of that type are the candidates (the one named as the parameter alone).
        Path calls = dir.resolve("Calls.java");
        Files.writeString(calls, """
                package p;

                import java.util.HashMap;
                import java.util.Map;

                public class Calls {
                    boolean run(Check<String, Integer> check, String s) {
                        Map<String, Integer> both = new HashMap<>();
                        HashMap<String, Integer> other = new HashMap<>();
                        return check.test(s);
                    }

                    boolean all(Check<String, Integer> check, String s, HashMap<String, Integer> one, Map<String, Integer> two) {
                        return check.test(s);
                    }
                }
                """);
        String after = before.replace("boolean test(T value);", "boolean test(T value, Map<T, U> both);");
        addParameterAfterEdit(ws, check, before, after, false, "boolean test(", 13, (plan, index) -> {
            List<Site> sites = plan.orElseThrow().sites();
            List<List<String>> atCalls = sites.stream().filter(s -> s.file().equals(calls)).map(s -> s.candidates().get()).toList();
            assertEquals(List.of(List.of("both"), List.of("two", "one")), atCalls);
            sites = sites.stream().filter(s -> !s.file().equals(calls)).toList();
            Set<String> lines = sites.stream().map(s -> lineText(s, s.fallback().text())).filter(l -> !l.isEmpty() && !l.startsWith("import "))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("public boolean test(List<String> value, Map<List<String>, Long> both) {",
                    "public boolean test(Object value, Map both) {",
                    "static final Check<String, Integer> TYPED = (String s, Map<String, Integer> both) -> s.isEmpty();",
                    "static final Check<String, Integer> PLAIN = (s, both) -> s.isEmpty();"), lines);
            for (Path file : List.of(dir.resolve("Impl.java"), dir.resolve("RawImpl.java"), use)) {
                try {
                    String filled = withAll(Files.readString(file), sites.stream().filter(s -> s.file().equals(file)).toList(), s -> s.fallback().text());
                    assertEquals(List.of(), index.compileErrors(file, filled).stream().map(e -> e.message()).toList(), filled);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /**
     * A method reference written for the old signature becomes a lambda passing the new argument: bound
     * ({@code inventory::reserve}, its parameters renamed where a local has the name) and through the type
     * ({@code Inventory::reserve}, the receiver first); with both in, the file compiles again. In a live session the
     * references are still bound to the old key; in an index built after the edit JDT leaves them unbound, and the
     * compiler's complaint about them finds them.
     */
    @Test
    void methodReferencesBecomeLambdasThatPassTheArgument() throws Exception {
        for (boolean live : new boolean[] {true, false}) {
            methodReferencesBecomeLambdas(live);
        }
    }

    private void methodReferencesBecomeLambdas(boolean live) throws Exception {
        Path ws = SampleWorkspace.copy(tmp.resolve(live ? "live" : "cold"));
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        Files.writeString(SampleWorkspace.shop(ws, "Bulk.java"), """
                package shop;

                import java.util.function.BiPredicate;

                class Bulk {
                    final Inventory stock = new Inventory();

                    interface Reserver {
                        boolean reserve(Inventory inventory, String sku, int quantity);
                    }

                    boolean both(Inventory inventory) {
                        String sku = "a";
                        BiPredicate<String, Integer> bound = inventory::reserve;
                        Reserver unbound = Inventory::reserve;
                        return bound.test(sku, 1) && unbound.reserve(inventory, sku, 2);
                    }
                }
                """);
        // A file that never names Inventory: its method reference is through a field of another class.
        Files.writeString(SampleWorkspace.shop(ws, "Later.java"), """
                package shop;

                import java.util.function.BiPredicate;

                class Later {
                    final Bulk bulk = new Bulk();

                    boolean one() {
                        BiPredicate<String, Integer> take = bulk.stock::reserve;
                        return take.test("b", 1);
                    }

                    boolean fresh() {
                        BiPredicate<String, Integer> take = new Inventory()::reserve;
                        return take.test("c", 1);
                    }
                }
                """);
        String before = Files.readString(inv);
        String after = before.replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, boolean urgent)");
        addParameterAfterEdit(ws, inv, before, after, live, "public boolean reserve", 22, (found, index) -> {
            RefactorPlan plan = found.orElseThrow();
            List<Site> later = plan.sites().stream().filter(x -> x.file().getFileName().toString().equals("Later.java")).toList();
            assertEquals(List.of("BiPredicate<String, Integer> take = (sku, quantity) -> bulk.stock.reserve(sku, quantity, false);",
                            "BiPredicate<String, Integer> take = (sku, quantity) -> new Inventory().reserve(sku, quantity, false);"),
                    later.stream().map(x -> lineText(x, x.candidates().get().getFirst())).toList(), live ? "live" : "cold");
            // A new object as the receiver is now made at each call: said, as an IDE's conversion warns.
            assertEquals(java.util.Arrays.asList(null, "`new Inventory()` is now evaluated at each call of the lambda (the method reference evaluated it once)"),
                    later.stream().map(Site::caveat).toList());
            List<Site> refs = plan.sites().stream().filter(x -> x.file().getFileName().toString().equals("Bulk.java")).toList();
            assertEquals(Set.of("BiPredicate<String, Integer> bound = (sku1, quantity) -> inventory.reserve(sku1, quantity, false);",
                            "Reserver unbound = (inventory1, sku1, quantity) -> inventory1.reserve(sku1, quantity, false);"),
                    refs.stream().map(x -> lineText(x, x.candidates().get().getFirst())).collect(Collectors.toSet()), live ? "live" : "cold");
            assertTrue(refs.stream().allMatch(x -> x.fallback().optional()), "left as they were where they do not compile");
            // Both lambdas in: Bulk.java compiles against the new signature (the method references did not).
            Path bulk = refs.getFirst().file();
            String text;
            try {
                text = Files.readString(bulk);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertTrue(!index.compileErrors(bulk, text).isEmpty(), "the method references no longer compile");
            text = withAll(text, refs, x -> x.candidates().get().getFirst());
            assertEquals(List.of(), index.compileErrors(bulk, text), text);
        });
    }

    /**
     * A constructor reference ({@code Tag::new}) is a reference to the constructor: it
     * becomes a lambda that makes the object with the new argument, or without the removed one, as a method
     * reference becomes one that calls the method (it was left broken). In an editor and in an index built after
     * the edit.
     */
    @Test
    void constructorReferencesBecomeLambdas() throws Exception {
        String tag = "package shop;\n\nclass Tag {\n    Tag(String name, int weight) {\n    }\n}\n";
        String tags = """
                package shop;

                import java.util.function.BiFunction;

                class Tags {
                    final BiFunction<String, Integer, Tag> maker = Tag::new;

                    Tag first() {
                        return new Tag("new", 1);
                    }
                }
                """;
        for (boolean live : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve("ctor-refs" + live));
            Path tagFile = SampleWorkspace.shop(ws, "Tag.java");
            Path tagsFile = SampleWorkspace.shop(ws, "Tags.java");
            Files.writeString(tagsFile, tags);
            Files.writeString(tagFile, tag);
            addParameterAfterEdit(ws, tagFile, tag, tag.replace("Tag(String name, int weight)", "Tag(String name, int weight, boolean bold)"),
                    live, "Tag(String name", 4, (plan, index) -> {
                        List<Site> sites = plan.orElseThrow(() -> new AssertionError("live " + live)).sites();
                        assertEquals(Set.of("return new Tag(\"new\", 1, false);",
                                        "final BiFunction<String, Integer, Tag> maker = (name, weight) -> new Tag(name, weight, false);"),
                                sites.stream().map(x -> lineText(x, x.candidates().get().isEmpty() ? "false" : x.candidates().get().getFirst()))
                                        .collect(Collectors.toSet()), "live " + live);
                    });
            Files.writeString(tagFile, tag);
            planAfterEdit("remove-parameter", ws, tagFile, tag, tag.replace("Tag(String name, int weight)", "Tag(int weight)"), live, "Tag(int weight", 4,
                    (plan, index) -> assertEquals(Set.of("return new Tag(1);", "final BiFunction<String, Integer, Tag> maker = (unused, weight) -> new Tag(weight);"),
                            plan.orElseThrow(() -> new AssertionError("live " + live)).sites().stream()
                                    .map(x -> lineText(x, x.candidates().get().isEmpty() ? "" : x.candidates().get().getFirst())).collect(Collectors.toSet()),
                            "live " + live));
        }
        // Headless with the reference alone: its complaint ("does not define Tag(String, Integer) that is applicable
        // here") says which parameter went.
        Path ws = SampleWorkspace.copy(tmp.resolve("ctor-ref-alone"));
        Path tagFile = SampleWorkspace.shop(ws, "Tag.java");
        Files.writeString(SampleWorkspace.shop(ws, "Tags.java"), tags.replace("    Tag first() {\n        return new Tag(\"new\", 1);\n    }\n", ""));
        planAfterEdit("remove-parameter", ws, tagFile, tag, tag.replace("Tag(String name, int weight)", "Tag(int weight)"), false, "Tag(int weight", 4,
                (plan, index) -> assertEquals(List.of("final BiFunction<String, Integer, Tag> maker = (unused, weight) -> new Tag(weight);"),
                        plan.orElseThrow().sites().stream().map(x -> lineText(x, x.candidates().get().getFirst())).toList()));
    }

    /**
     * In an index built after the edit, JDT binds a call written for the old signature to an overload that takes as
     * many arguments ({@code w.value(c ? "x" : s)} to {@code value(boolean)} once {@code value(String)} took two): such calls
     * are found by compiling the files that call that overload, and its own calls are left alone.
     */
    @Test
    void callsBoundToAnOverloadOfTheOldArityAreFoundByCompiling() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path shop = SampleWorkspace.shop(ws, "");
        Path writer = shop.resolve("Writer.java");
        String before = """
                package shop;

                class Writer {
                    Writer value(String s) {
                        return this;
                    }

                    Writer value(boolean b) {
                        return this;
                    }

                    Writer value(long n) {
                        return this;
                    }
                }
                """;
        Files.writeString(shop.resolve("Report.java"), """
                package shop;

                class Report {
                    void write(Writer w, String name, long count) {
                        w.value(name);
                        w.value(true);
                        w.value(count);
                        w.value(count > 0 ? "total" : name);
                    }
                }
                """);
        String after = before.replace("value(String s)", "value(String s, boolean quoted)");
        addParameterAfterEdit(ws, writer, before, after, false, "Writer value(String s", 12, (found, index) -> {
            List<Site> sites = found.orElseThrow().sites();
            assertEquals(2, sites.size(), sites.toString());
            try {
                String report = withAll(Files.readString(shop.resolve("Report.java")), sites, x -> x.fallback().text());
                assertTrue(report.contains("w.value(name, false);\n        w.value(true);\n        w.value(count);\n        w.value(count > 0 ? \"total\" : name, false);"), report);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * A generic class's constructor called with the diamond: once it takes another parameter, JDT cannot infer the
     * type arguments and binds such a call to nothing; the compiler's complaint finds it (an index built after the
     * edit), as the explicitly typed call is found by its binding.
     */
    @Test
    void diamondCallsOfAChangedConstructorAreFound() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path shop = SampleWorkspace.shop(ws, "");
        Path box = shop.resolve("Box.java");
        String before = """
                package shop;

                class Box<T> {
                    private final T value;

                    Box(T value) {
                        this.value = value;
                    }
                }
                """;
        Files.writeString(shop.resolve("Boxes.java"), """
                package shop;

                class Boxes {
                    static Box<String> a = new Box<>("a");
                    static Box<String> b = new Box<String>("b");

                    static Box<Integer> c(int n) {
                        return new Box<>(n);
                    }
                }
                """);
        String after = before.replace("Box(T value)", "Box(T value, boolean sealed)");
        addParameterAfterEdit(ws, box, before, after, false, "Box(T value", 5, (found, index) -> {
            Set<String> lines = found.orElseThrow().sites().stream().map(x -> lineText(x, x.fallback().text())).collect(Collectors.toSet());
            assertEquals(Set.of("static Box<String> a = new Box<>(\"a\", false);", "static Box<String> b = new Box<String>(\"b\", false);",
                    "return new Box<>(n, false);"), lines);
        });
    }

    /** An unchanged method whose overload of one parameter less is overridden is no place to add a parameter. */
    @Test
    void anOverloadWithOneParameterLessIsNoEarlierVersion() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path shop = SampleWorkspace.shop(ws, "");
        Path label = shop.resolve("Label.java");
        Files.writeString(label, """
                package shop;

                public class Label {
                    protected String text(int width) {
                        return text(width, ' ');
                    }

                    protected String text(int width, char pad) {
                        return String.valueOf(pad).repeat(width);
                    }
                }
                """);
        Files.writeString(shop.resolve("BoldLabel.java"), """
                package shop;

                public class BoldLabel extends Label {
                    @Override
                    protected String text(int width) {
                        return "*" + super.text(width) + "*";
                    }
                }
                """);
        List<RefactorPlan> plans = plans(ws, label, lineOf(label, "text(int width, char pad)"), 22, Optional.empty());
        assertTrue(plans.stream().noneMatch(p -> p.name().equals("add-parameter")), plans.toString());
    }

    /**
     * A key remembered for the edited method's name that is still declared is another overload, not an earlier
     * version of the method: an overload taking as many arguments as the old signature keeps its calls.
     */
    @Test
    void anOverloadWithTheOldArityKeepsItsCalls() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String original = Files.readString(inv);
        Files.writeString(inv, original.replace("    public int available(String sku) {",
                "    public int available(int shelf) {\n        return shelf;\n    }\n\n    public int available(String sku) {"));
        Path report = SampleWorkspace.shop(ws, "Report.java");
        Files.writeString(report, """
                package shop;

                class Report {
                    int count(Inventory inventory) {
                        return inventory.available("a") + inventory.available(7);
                    }
                }
                """);
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("data")).build())) {
            index.build();
            RefactorService refactors = new RefactorService(session);
            refactors.rememberKeys(index, inv);
            Files.writeString(inv, Files.readString(inv).replace("available(String sku)", "available(String sku, boolean reserved)"));
            index.reindexNow(inv);
            RefactorPlan plan = refactors.plans(index, inv, new TextPosition(lineOf(inv, "available(String sku"), 16), Optional.empty())
                    .stream().filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
            assertEquals(List.of("return inventory.available(\"a\", false) + inventory.available(7);"),
                    plan.sites().stream().map(s -> lineText(s, s.fallback().text())).toList());
        } finally {
            session.close();
        }
    }

    /**
     * The fallback argument is a variable of the parameter's name only where the compiler sees one at the call: a
     * parameter of that name in the method above is not one.
     */
    @Test
    void theFallbackIsTheNamesakeOnlyWhereItIsInSight() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        Files.writeString(SampleWorkspace.shop(ws, "Desk.java"), """
                package shop;

                class Desk {
                    void greet(String customerId) {
                        System.out.println(customerId);
                    }

                    boolean hold(Inventory inventory) {
                        return inventory.reserve("a", 1);
                    }
                }
                """);
        Files.writeString(inv, Files.readString(inv).replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, String customerId)"));
        RefactorPlan plan = plans(ws, inv, lineOf(inv, "public boolean reserve"), 22, Optional.empty()).stream()
                .filter(p -> p.name().equals("add-parameter")).findFirst().orElseThrow();
        Map<String, String> fallbacks = new java.util.TreeMap<>();
        for (Site s : plan.sites()) fallbacks.merge(s.file().getFileName().toString(), s.fallback().text(), (a, b) -> a + "," + b);
        assertEquals("\"\"", fallbacks.get("Desk.java"), fallbacks.toString());
        assertEquals("customerId", fallbacks.get("Restock.java"), fallbacks.toString());
        assertEquals("\"\"", plan.sites().stream().filter(s -> s.file().getFileName().toString().equals("Desk.java"))
                .findFirst().orElseThrow().finish().apply("))"), "an unusable answer falls back to the default");
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

    /**
     * A subclass of an implementation inherits the new method from it (a method of its own would override that
     * one), and so does a class whose interface gives it a default body: no site. An anonymous class of the interface
     * gets the method before its closing brace, unless it declares one already.
     */
    @Test
    void subclassesInheritTheNewMethodAndAnonymousClassesGetIt() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        Files.writeString(rule, Files.readString(rule).replace("long apply(long cents);", "long apply(long cents);\n\n    String describe();"));
        Files.writeString(SampleWorkspace.shop(ws, "HalfOff.java"), """
                package shop;

                public class HalfOff extends PercentOff {
                    public HalfOff() {
                        super(50);
                    }
                }
                """);
        Files.writeString(SampleWorkspace.shop(ws, "NamedRule.java"), """
                package shop;

                interface NamedRule extends PriceRule {
                    default String describe() {
                        return "named";
                    }
                }
                """);
        Files.writeString(SampleWorkspace.shop(ws, "Flat.java"), """
                package shop;

                class Flat implements NamedRule {
                    @Override
                    public long apply(long cents) {
                        return cents;
                    }
                }
                """);
        Files.writeString(SampleWorkspace.shop(ws, "Rules.java"), """
                package shop;

                class Rules {
                    static PriceRule free() {
                        return new PriceRule() {
                            @Override
                            public long apply(long cents) {
                                return 0;
                            }
                        };
                    }

                    static PriceRule same() {
                        return new PriceRule() {
                            @Override
                            public long apply(long cents) {
                                return cents;
                            }

                            public String describe() {
                                return "same";
                            }
                        };
                    }
                }
                """);
        RefactorPlan plan = plans(ws, rule, lineOf(rule, "String describe();"), 12, Optional.empty()).stream()
                .filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow();
        assertEquals(List.of("BulkDiscount.java", "FixedOff.java", "PercentOff.java", "Rules.java"),
                plan.sites().stream().map(s -> s.file().getFileName().toString()).sorted().toList());
        Site anonymous = plan.sites().stream().filter(s -> s.file().getFileName().toString().equals("Rules.java")).findFirst().orElseThrow();
        String edited = applied(anonymous, anonymous.finish().apply(""));
        assertTrue(edited.contains("                return 0;\n            }\n\n            @Override\n            public String describe() {\n"
                + "                throw new UnsupportedOperationException(\"describe is not implemented yet\");\n            }\n        };\n"
                + "    }\n\n    static PriceRule same() {"), edited);
    }

    /**
     * A removed parameter's {@code @param} tag goes from the method's Javadoc and from its overrides' (a stale one
     * fails {@code javadoc -Xdoclint}: "@param name not found"), with its continuation lines; an override whose
     * body still uses the parameter keeps both; a type parameter's tag stays. An added parameter gets a tag in the
     * overrides that document their parameters, before the tag of the one after it, with the description the
     * method's own Javadoc gives it; an override without tags gets none.
     */
    @Test
    void aParametersJavadocTagFollowsIt() throws Exception {
        String pricer = """
                package p;

                public interface Pricer {
                    /**
                     * The price of an item.
                     *
                     * @param <T> the item's type
                     * @param item the item
                     * @param rush whether it ships today,
                     *     at a surcharge
                     * @return the price in cents
                     */
                    <T> long price(T item, boolean rush);
                }
                """;
        for (boolean live : new boolean[] {true, false}) {
            Path ws = tmp.resolve("javadoc" + live);
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path pricerFile = dir.resolve("Pricer.java");
            Files.writeString(pricerFile, pricer);
            Files.writeString(dir.resolve("Flat.java"), """
                    package p;

                    class Flat implements Pricer {
                        /**
                         * Flat.
                         *
                         * @param item ignored
                         * @param rush ignored too
                         */
                        @Override
                        public <T> long price(T item, boolean rush) {
                            return 100;
                        }

                        long twice() {
                            return price("a", false) * 2;
                        }
                    }
                    """);
            Files.writeString(dir.resolve("Urgent.java"), """
                    package p;

                    class Urgent implements Pricer {
                        /**
                         * @param item the item
                         * @param rush doubles it
                         */
                        @Override
                        public <T> long price(T item, boolean rush) {
                            return rush ? 200 : 100;
                        }
                    }
                    """);
            planAfterEdit("remove-parameter", ws, pricerFile, pricer, pricer.replace("<T> long price(T item, boolean rush);", "<T> long price(T item);"),
                    live, "<T> long price", 14, (plan, index) -> {
                        List<Site> sites = plan.orElseThrow(() -> new AssertionError("live " + live)).sites();
                        Map<String, String> edited = new java.util.TreeMap<>();
                        for (Site x : sites.stream().sorted(java.util.Comparator.comparingInt(Site::start).reversed()).toList()) {
                            try {
                                String text = edited.getOrDefault(x.file().getFileName().toString(), Files.readString(x.file()));
                                edited.put(x.file().getFileName().toString(), text.substring(0, x.start()) + text.substring(x.end()));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                        assertTrue(edited.get("Pricer.java").contains(" * @param item the item\n     * @return the price in cents\n"), edited.get("Pricer.java"));
                        assertTrue(edited.get("Pricer.java").contains("@param <T> the item's type"), edited.get("Pricer.java"));
                        assertTrue(edited.get("Flat.java").contains("     * @param item ignored\n     */\n"), edited.get("Flat.java"));
                        assertTrue(!edited.containsKey("Urgent.java") || edited.get("Urgent.java").contains("@param rush doubles it"),
                                "an override that uses the parameter keeps its tag: " + edited.get("Urgent.java"));
                    });
            Files.writeString(dir.resolve("Bare.java"), "package p;\n\nclass Bare implements Pricer {\n    /** Bare. */\n    @Override\n"
                    + "    public <T> long price(T item, boolean rush) {\n        return 1;\n    }\n}\n");
            String added = pricer.replace("     * @param item the item\n", "     * @param gift whether it is wrapped, as \"a gift\"\n     * @param item the item\n")
                    .replace("<T> long price(T item, boolean rush);", "<T> long price(boolean gift, T item, boolean rush);");
            addParameterAfterEdit(ws, pricerFile, pricer, added, live, "<T> long price", 14, (plan, index) -> {
                List<Site> tags = plan.orElseThrow(() -> new AssertionError("live " + live)).sites().stream()
                        .filter(x -> x.candidates().get().stream().anyMatch(c -> c.contains("@param"))).sorted(java.util.Comparator.comparing(x -> x.file().toString())).toList();
                assertEquals(List.of("Flat.java", "Urgent.java"), tags.stream().map(x -> x.file().getFileName().toString()).toList(), "not Bare");
                try {
                    String flat = applied(tags.getFirst(), tags.getFirst().candidates().get().getFirst());
                    assertTrue(flat.contains("     * Flat.\n     *\n     * @param gift whether it is wrapped, as \"a gift\"\n     * @param item ignored\n"), flat);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * Between parameters of one type, in an index built after the edit, the Javadoc's tags (left as they were by the
     * edit) say which parameter went or came: {@code check(int start, int end, int size)} -> {@code check(int start,
     * int size)} drops the middle argument; {@code area(int w)} -> {@code area(int h, int w)} puts the new one first.
     */
    @Test
    void theJavadocSaysWhichOfEqualTypesWentOrCame() throws Exception {
        String check = """
                package p;

                final class Checks {
                    /**
                     * @param start the first
                     * @param end past the last
                     * @param size the length
                     */
                    static void check(int start, int end, int size) {
                    }

                    /**
                     * @param w the width
                     * @return the area
                     */
                    static int area(int w) {
                        return w * w;
                    }

                    static void use(int[] a) {
                        check(0, 2, a.length);
                        area(a.length);
                    }
                }
                """;
        Path ws = tmp.resolve("javadoc-position");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path file = dir.resolve("Checks.java");
        Files.writeString(file, check);
        planAfterEdit("remove-parameter", ws, file, check, check.replace("check(int start, int end, int size)", "check(int start, int size)"),
                false, "static void check(", 16, (plan, index) -> assertEquals(List.of("check(0, a.length);"),
                        plan.orElseThrow().sites().stream().filter(x -> x.start() > check.indexOf("void use")).map(x -> lineText(x, "")).toList()));
        Files.writeString(file, check);
        addParameterAfterEdit(ws, file, check, check.replace("area(int w)", "area(int h, int w)").replace("return w * w;", "return h * w;"),
                false, "static int area(", 16, (plan, index) -> assertEquals(List.of("area(H, a.length);"),
                        plan.orElseThrow().sites().stream().map(x -> lineText(x, "H")).toList()));
    }

    /**
     * Parameters reordered in a declaration ({@code area(int width, int height)} -> {@code area(int height, int
     * width)}: of one type, so every old call still compiles and now means something else): every call's arguments
     * are reordered the same way, keeping their line breaks; an override's parameters (named otherwise) and the
     * calls in it too; a method reference becomes a lambda that takes the old order; the Javadoc's tags follow. In an
     * editor (the header before the edit says the old order) and headless (the Javadoc's tags, left by the edit, do).
     * A method whose Javadoc merely lists its parameters in another order is offered nothing without an edit.
     */
    @Test
    void reorderedParametersReorderTheArgumentsEverywhere() throws Exception {
        String box = """
                package p;

                import java.util.function.IntBinaryOperator;

                public class Box {
                    /**
                     * @param width the width
                     * @param height the height,
                     *     in cells
                     * @return the area
                     */
                    public int area(int width, int height) {
                        return width * height;
                    }

                    int use() {
                        IntBinaryOperator op = this::area;
                        return area(2,
                                3) + op.applyAsInt(4, 5);
                    }
                }
                """;
        String crate = """
                package p;

                class Crate extends Box {
                    @Override
                    public int area(int w, int h) {
                        return super.area(w, h) + 1;
                    }
                }
                """;
        String after = box.replace("public int area(int width, int height)", "public int area(int height, int width)");
        for (boolean live : new boolean[] {true, false}) {
            Path ws = tmp.resolve("reorder" + live);
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path boxFile = dir.resolve("Box.java");
            Files.writeString(boxFile, box);
            Files.writeString(dir.resolve("Crate.java"), crate);
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("reorder-data" + live)).build())) {
                RefactorService refactors = new RefactorService(session);
                edit(session, refactors, index, boxFile, box, after, live);
                Optional<EditHistory.Edit> edit = live ? Optional.of(EditHistory.between(box, after)) : Optional.empty();
                RefactorPlan plan = refactors.plans(index, boxFile, new TextPosition(lineOf(boxFile, "public int area("), 16), edit).stream()
                        .filter(p -> p.name().equals("reorder-parameters")).findFirst().orElseThrow(() -> new AssertionError("live " + live));
                assertEquals("Reorder the arguments of Box.area() to (height, width) at its 2 call sites and 1 override and 1 method reference in 2 files",
                        plan.title());
                Map<String, String> edited = editedFiles(plan);
                assertEquals(after.replace("     * @param width the width\n     * @param height the height,\n     *     in cells\n",
                                "     * @param height the height,\n     *     in cells\n     * @param width the width\n")
                        .replace("IntBinaryOperator op = this::area;", "IntBinaryOperator op = (width, height) -> this.area(height, width);")
                        .replace("return area(2,\n                3)", "return area(3,\n                2)"), edited.get("Box.java"), "live " + live);
                assertEquals(crate.replace("area(int w, int h)", "area(int h, int w)").replace("super.area(w, h)", "super.area(h, w)"),
                        edited.get("Crate.java"), "live " + live);
            } finally {
                session.close();
            }
        }
        // Tags in another order than the parameters, and no edit: nothing.
        Path ws = tmp.resolve("reorder-none");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path boxFile = dir.resolve("Box.java");
        Files.writeString(boxFile, after);
        assertTrue(plans(ws, boxFile, lineOf(boxFile, "public int area("), 16, Optional.empty()).stream().noneMatch(p -> p.name().equals("reorder-parameters")));
    }

    /**
     * A header changed in several ways at once ({@code price(String sku, int quantity, boolean rush)} ->
     * {@code price(int quantity, String item, double discount)}: reordered, {@code sku} renamed, {@code rush}
     * removed, {@code discount} added): every call passes its arguments the new way (line breaks kept, the new
     * argument from the variables in sight, passed on inside an override); the overrides' parameters change the same
     * way (their own names kept), one that still uses the removed parameter only if it compiles; a method reference
     * becomes a lambda that takes the old parameters; the Javadoc's tags follow. In an editor and in an index built
     * after the edit (headless, with the earlier text). A change of one kind is another refactor's: nothing here.
     */
    @Test
    void aHeaderChangedInSeveralWaysAtOncePassesTheArgumentsTheNewWay() throws Exception {
        String shop = """
                package p;

                public class Shop {
                    /**
                     * @param sku the item
                     * @param quantity how many
                     * @param rush whether to hurry
                     * @return the price
                     */
                    public double price(String sku, int quantity, boolean rush) {
                        return quantity * (sku.isEmpty() ? 1.0 : 2.0); // sku: the item
                    }

                    /** Orders at {@link #price(String, int, boolean)}, not {@link #price(String)}. */
                    double order(double discount) {
                        Pricer pricer = this::price;
                        return price("apple",
                                3, true) + pricer.quote("pear", 1, false);
                    }
                }
                """;
        String pricer = """
                package p;

                interface Pricer {
                    double quote(String sku, int quantity, boolean rush);
                }
                """;
        String outlet = """
                package p;

                /** Half the price. @see Shop#price(String, int, boolean) */
                class Outlet extends Shop {
                    @Override
                    public double price(String s, int q, boolean r) {
                        return super.price(s, q, r) / 2;
                    }
                }
                """;
        String express = """
                package p;

                class Express extends Shop {
                    @Override
                    public double price(String s, int q, boolean r) {
                        return r ? 9.0 : 1.0;
                    }
                }
                """;
        String after = shop.replace("public double price(String sku, int quantity, boolean rush)", "public double price(int quantity, String item, double discount)");
        for (boolean live : new boolean[] {true, false}) {
            Path ws = tmp.resolve("signature" + live);
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path shopFile = dir.resolve("Shop.java");
            Files.writeString(shopFile, shop);
            Files.writeString(dir.resolve("Pricer.java"), pricer);
            Files.writeString(dir.resolve("Outlet.java"), outlet);
            Files.writeString(dir.resolve("Express.java"), express);
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("signature-data" + live)).build())) {
                RefactorService refactors = new RefactorService(session);
                edit(session, refactors, index, shopFile, shop, after, live);
                List<RefactorPlan> plans = refactors.plans(index, shopFile, new TextPosition(lineOf(shopFile, "public double price("), 20),
                        Optional.of(EditHistory.between(shop, after)));
                RefactorPlan plan = plans.stream().filter(p -> p.name().equals("change-signature")).findFirst()
                        .orElseThrow(() -> new AssertionError("live " + live + ": " + plans));
                assertEquals("Change the arguments of Shop.price() to (quantity, item, discount), dropping rush, filling new discount, reordering, renaming sku to item,"
                        + " at its 2 call sites and 2 overrides and 1 method reference in 3 files", plan.title(), "live " + live);
                Map<String, String> edited = editedFiles(plan);
                assertEquals(after.replace("(sku.isEmpty()", "(item.isEmpty()").replace("     * @param sku the item\n     * @param quantity how many\n     * @param rush whether to hurry\n",
                                "     * @param quantity how many\n     * @param item the item\n")
                        .replace("Pricer pricer = this::price;", "Pricer pricer = (sku, quantity, rush) -> this.price(quantity, sku, discount);")
                        .replace("{@link #price(String, int, boolean)}", "{@link #price(int, String, double)}")
                        .replace("return price(\"apple\",\n                3, true)", "return price(3,\n                \"apple\", discount)"),
                        edited.get("Shop.java"), "live " + live);
                assertEquals(outlet.replace("price(String s, int q, boolean r)", "price(int q, String s, double discount)")
                        .replace("super.price(s, q, r)", "super.price(q, s, discount)").replace("Shop#price(String, int, boolean)", "Shop#price(int, String, double)"),
                        edited.get("Outlet.java"), "live " + live);
                // Express still reads r: its list changes only where that compiles (the compile check), so the site says so.
                Site expressList = plan.sites().stream().filter(x -> x.file().getFileName().toString().equals("Express.java")).findFirst().orElseThrow();
                assertTrue(expressList.fallback().optional(), "live " + live);
                assertEquals(express.replace("price(String s, int q, boolean r)", "price(int q, String s, double discount)"), edited.get("Express.java"));
                // (apply-similar-edit may offer the same edit at Pricer.quote's like list: another thing the user may want.)
                assertTrue(plans.stream().noneMatch(p -> Set.of("add-parameter", "remove-parameter", "reorder-parameters").contains(p.name())),
                        plans.stream().map(RefactorPlan::title).toList().toString());
            } finally {
                session.close();
            }
        }
        // One kind of change (a parameter removed): remove-parameter's, not this one's.
        Path ws = tmp.resolve("signature-one");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path shopFile = dir.resolve("Shop.java");
        String removed = shop.replace("public double price(String sku, int quantity, boolean rush)", "public double price(String sku, int quantity)");
        Files.writeString(shopFile, removed);
        Files.writeString(dir.resolve("Pricer.java"), pricer);
        assertTrue(plans(ws, shopFile, lineOf(shopFile, "public double price("), 20, Optional.of(EditHistory.between(shop, removed))).stream()
                .noneMatch(p -> p.name().equals("change-signature")));
    }

    /**
     * A functional interface's method changed in two ways that change its length ({@code apply(String sku, int
     * quantity, boolean rush)} -> {@code apply(int quantity, String sku)}): its lambdas, which no longer compile,
     * take their parameters the new way (their own names); one whose body still uses the removed parameter is left
     * to the compile check (an optional site), and the calls pass their arguments the new way.
     */
    @Test
    void lambdasOfAFunctionalInterfaceTakeTheirParametersTheNewWay() throws Exception {
        String rule = """
                package p;

                @FunctionalInterface
                interface Rule {
                    double apply(String sku, int quantity, boolean rush);
                }
                """;
        String rules = """
                package p;

                class Rules {
                    static final Rule BULK = (s, q, r) -> q * 2.0;
                    static final Rule TYPED = (String s, int q, boolean r) -> s.length() + q;
                    static final Rule HURRY = (s, q, r) -> r ? 9.0 : q;

                    double price(Rule rule) {
                        return rule.apply("apple", 3, true);
                    }
                }
                """;
        String after = rule.replace("double apply(String sku, int quantity, boolean rush);", "double apply(int quantity, String sku);");
        for (boolean live : new boolean[] {true, false}) {
            Path ws = tmp.resolve("signature-lambdas" + live);
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path ruleFile = dir.resolve("Rule.java");
            Files.writeString(ruleFile, rule);
            Files.writeString(dir.resolve("Rules.java"), rules);
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("signature-lambdas-data" + live)).build())) {
                RefactorService refactors = new RefactorService(session);
                edit(session, refactors, index, ruleFile, rule, after, live);
                List<RefactorPlan> plans = refactors.plans(index, ruleFile, new TextPosition(lineOf(ruleFile, "double apply("), 12),
                        Optional.of(EditHistory.between(rule, after)));
                RefactorPlan plan = plans.stream().filter(p -> p.name().equals("change-signature")).findFirst()
                        .orElseThrow(() -> new AssertionError("live " + live + ": " + plans));
                assertEquals("Change the arguments of Rule.apply() to (quantity, sku), dropping rush, reordering, at its 1 call site and 3 lambdas in 1 file",
                        plan.title(), "live " + live);
                assertEquals(rules.replace("(s, q, r) -> q * 2.0", "(q, s) -> q * 2.0").replace("(String s, int q, boolean r)", "(int q, String s)")
                        .replace("(s, q, r) -> r ? 9.0 : q", "(q, s) -> r ? 9.0 : q").replace("rule.apply(\"apple\", 3, true)", "rule.apply(3, \"apple\")"),
                        editedFiles(plan).get("Rules.java"), "live " + live);
                String rulesText = Files.readString(dir.resolve("Rules.java"));
                List<Site> lambdaLists = plan.sites().stream().filter(x -> rulesText.startsWith(" ->", x.end())).toList();
                assertEquals(3, lambdaLists.size());
                assertTrue(lambdaLists.stream().allMatch(x -> x.fallback().optional()), "lambda lists are left to the compile check");
            } finally {
                session.close();
            }
        }
    }

    /**
     * A record that declares its canonical constructor compact ({@code public Point { ... }}): its header's
     * components are that constructor's parameters, so a header changed there is followed at every
     * {@code new Point(...)} (the index lists the constructor at its compact declaration, not on the header).
     */
    @Test
    void aRecordWithACompactConstructorIsRefactoredFromItsHeader() throws Exception {
        String point = """
                package p;

                public record Point(int x, int y, String label) {
                    public Point {
                        if (label == null) label = "";
                    }

                    Point moved() {
                        return new Point(x + 1, y, label);
                    }
                }
                """;
        String after = point.replace("record Point(int x, int y, String label)", "record Point(String label, int x)");
        for (boolean live : new boolean[] {true, false}) {
            Path ws = tmp.resolve("compact" + live);
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path pointFile = dir.resolve("Point.java");
            Files.writeString(dir.resolve("Use.java"), "package p;\n\nclass Use {\n    Point origin() {\n        return new Point(0, 0, \"o\");\n    }\n}\n");
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("compact-data" + live)).build())) {
                RefactorService refactors = new RefactorService(session);
                edit(session, refactors, index, pointFile, point, after, live);
                RefactorPlan plan = refactors.plans(index, pointFile, new TextPosition(2, 16), Optional.of(EditHistory.between(point, after))).stream()
                        .filter(p -> p.name().equals("change-signature")).findFirst().orElseThrow(() -> new AssertionError("live " + live));
                Map<String, String> edited = editedFiles(plan);
                assertEquals(after.replace("new Point(x + 1, y, label)", "new Point(label, x + 1)"), edited.get("Point.java"), "live " + live);
                assertTrue(edited.get("Use.java").contains("return new Point(\"o\", 0);"), edited.get("Use.java"));
            } finally {
                session.close();
            }
        }
        // One component removed, headless without the earlier text: remove-parameter, the compiler's complaint
        // telling which (a String where an int is no more).
        Path ws = tmp.resolve("compact-removed");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path pointFile = dir.resolve("Point.java");
        Files.writeString(pointFile, point.replace("record Point(int x, int y, String label)", "record Point(int x, int y)").replace(", y, label)", ", y)")
                .replace("if (label == null) label = \"\";", "x = Math.max(x, 0);"));
        Files.writeString(dir.resolve("Use.java"), "package p;\n\nclass Use {\n    Point origin() {\n        return new Point(0, 0, \"o\");\n    }\n}\n");
        RefactorPlan removal = plans(ws, pointFile, 2, 16, Optional.empty()).stream().filter(p -> p.name().equals("remove-parameter")).findFirst().orElseThrow();
        assertTrue(removal.title().startsWith("Drop removed component `String` (#3) of record Point from its 1 call site"), removal.title());
    }

    /**
     * A record's component renamed in its header ({@code record Point(int x, int y)} -> {@code (int left, int y)}):
     * its field and accessor are renamed with it, so every use that no longer compiles follows, the compiler
     * saying which: in the record's body (a compact constructor's parameter, {@code other.x}, {@code x()}), and the
     * accessor's calls and method references elsewhere, a file that never names the record included (in an editor's
     * index); a local of the old name is left alone. A rename alone is offered too (it breaks the callers).
     */
    @Test
    void aRenamedRecordComponentIsRenamedWhereItIsUsed() throws Exception {
        String point = """
                package p;

                public record Point(int x, int y) {
                    public Point {
                        if (x < 0) x = 0;
                    }

                    Point moved(Point other) {
                        return new Point(x + other.x, this.y);
                    }

                    int sum() {
                        return x() + y;
                    }
                }
                """;
        String use = """
                package p;

                import java.util.List;
                import java.util.function.ToIntFunction;

                class Use {
                    Point origin() {
                        return new Point(0, 0);
                    }

                    int twice(Point p) {
                        int x = p.x();
                        return x * 2;
                    }

                    ToIntFunction<Point> getter() {
                        return Point::x;
                    }

                    int first(List<Point> points) {
                        var first = points.get(0);
                        return first.x();
                    }
                }
                """;
        String far = "package p;\n\nclass Far {\n    int left(Use u) {\n        return u.origin().x();\n    }\n}\n";
        for (String header : List.of("record Point(int left, int y)", "record Point(int y, int left)")) {
            String after = point.replace("record Point(int x, int y)", header);
            for (boolean live : new boolean[] {true, false}) {
                String label = header + (live ? " live" : " headless");
                Planned planned = changeSignature("renamed" + header.hashCode(), Map.of("Use.java", use, "Far.java", far), "Point.java", point, after,
                        new TextPosition(2, 16), live);
                String body = after.replace("if (x < 0) x = 0;", "if (left < 0) left = 0;")
                        .replace("x + other.x, this.y", "left + other.left, this.y").replace("return x() + y;", "return left() + y;");
                if (header.endsWith("(int y, int left)")) body = body.replace("new Point(left + other.left, this.y)", "new Point(this.y, left + other.left)");
                assertEquals(body, planned.edited().get("Point.java"), label);
                String used = use.replace("p.x()", "p.left()").replace("Point::x", "Point::left").replace("first.x()", "first.left()");
                assertEquals(used, planned.edited().get("Use.java"), label);
                // A file that never names the record: an editor's index still holds its use of the old accessor;
                // headless, only the lexical index could say where .x( is written, and it holds no one-letter words.
                assertEquals(live ? far.replace(".x()", ".left()") : null, planned.edited().get("Far.java"), label);
                assertTrue(planned.plan().title().contains("x to left"), planned.plan().title());
            }
        }
    }

    /**
     * A record that writes out an accessor: a component renamed in the header renames the accessor (under its old
     * name it would still compile, as a method of its own) and its calls, its uses of the field, and the record's
     * {@code @param} tag; the record nested in a class, whose other members may read the private field.
     */
    @Test
    void aRenamedComponentRenamesTheAccessorWrittenOut() throws Exception {
        String size = """
                package p;

                public class Shapes {
                    /**
                     * A size.
                     *
                     * @param width across
                     * @param height down
                     */
                    public record Size(int width, int height) {
                        public int width() {
                            return width;
                        }
                    }

                    static int widthOf(Size s) {
                        return s.width;
                    }
                }
                """;
        String use = "package p;\n\nclass Use {\n    int area(Shapes.Size s) {\n        return s.width() * s.height();\n    }\n}\n";
        String after = size.replace("record Size(int width, int height)", "record Size(int across, int height)");
        for (boolean live : new boolean[] {true, false}) {
            Map<String, String> edited = changeSignature("written", Map.of("Use.java", use), "Shapes.java", size, after, new TextPosition(9, 24), live).edited();
            assertEquals(after.replace("@param width", "@param across")
                    .replace("public int width() {\n            return width;", "public int across() {\n            return across;")
                    .replace("return s.width;", "return s.across;"), edited.get("Shapes.java"), "live " + live);
            assertEquals(use.replace("s.width()", "s.across()"), edited.get("Use.java"), "live " + live);
        }
    }

    /**
     * A record that declares its canonical constructor in full: a component renamed in the header renames that
     * constructor's parameter (a canonical constructor's parameters are named as the components), its uses in the
     * constructor's body ({@code this.x = x}), the Javadoc tags (the record's and the constructor's) and the
     * component's uses elsewhere; a literal that says the name stays.
     */
    @Test
    void aRenamedComponentRenamesTheCanonicalConstructorWrittenOut() throws Exception {
        String point = """
                package p;

                /**
                 * A point.
                 *
                 * @param x across
                 * @param y down
                 */
                public record Point(int x, int y) {
                    /**
                     * Checks.
                     *
                     * @param x across, not negative
                     * @param y down
                     */
                    public Point(int x, int y) {
                        if (x < 0) throw new IllegalArgumentException("x");
                        this.x = x;
                        this.y = y;
                    }

                    int sum() {
                        return x + y();
                    }
                }
                """;
        String use = "package p;\n\nclass Use {\n    int go(Point p) {\n        return p.x() + p.y();\n    }\n}\n";
        String after = point.replace("record Point(int x, int y)", "record Point(int left, int y)");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = changeSignature("explicitCanonical", Map.of("Use.java", use), "Point.java", point, after, new TextPosition(8, 24), live);
            assertEquals("Rename component x to left of record Point, at its 6 uses in 2 files", planned.plan().title(), "live " + live);
            assertEquals(after.replace("@param x across", "@param left across").replace("public Point(int x, int y)", "public Point(int left, int y)")
                    .replace("if (x < 0)", "if (left < 0)").replace("this.x = x;", "this.left = left;").replace("return x + y();", "return left + y();"),
                    planned.edited().get("Point.java"), "live " + live);
            assertEquals(use.replace("p.x()", "p.left()"), planned.edited().get("Use.java"), "live " + live);
        }
    }

    /**
     * A method's parameter renamed in its header, and nothing else: its body still says the old name, so the rename
     * is offered there (as an IDE offers to rename the uses of a name just retyped); the Javadoc's tag follows; calls,
     * and an override with names of its own, are left as they are.
     */
    @Test
    void aParameterRenamedAloneIsRenamedInTheBody() throws Exception {
        String shop = """
                package p;

                class Shop {
                    /**
                     * The price.
                     *
                     * @param sku the item
                     * @param quantity how many
                     */
                    int price(String sku, int quantity) {
                        return sku.length() * quantity + count(sku);
                    }

                    int count(String s) {
                        return s.isEmpty() ? 0 : price(s, 1);
                    }
                }
                """;
        String special = "package p;\n\nclass Special extends Shop {\n    @Override\n    int price(String code, int n) {\n        return 0;\n    }\n}\n";
        String after = shop.replace("int price(String sku, int quantity)", "int price(String item, int quantity)");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = changeSignature("renamedAlone", Map.of("Special.java", special), "Shop.java", shop, after, new TextPosition(9, 10), live);
            assertEquals("Rename parameter sku to item of Shop.price(), at its 2 uses in 1 file", planned.plan().title(), "live " + live);
            assertEquals(after.replace("@param sku", "@param item").replace("return sku.length() * quantity + count(sku);",
                    "return item.length() * quantity + count(item);"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(Set.of("Shop.java"), planned.edited().keySet(), "live " + live);

            // Renamed to a field's name the body reads: that use is written this.stock, so it still reads the field
            // (the method count(...) of that name is no variable); to a local's name: refused, with the line.
            String stocked = shop.replace("class Shop {\n", "class Shop {\n    int stock = 4;\n    int count = 1;\n\n")
                    .replace("return sku.length() * quantity + count(sku);", "int total = stock;\n        return sku.length() * quantity + count(sku) + total;");
            String toField = stocked.replace("int price(String sku, int quantity)", "int price(String stock, int quantity)");
            planned = changeSignature("renamedToField", Map.of(), "Shop.java", stocked, toField, new TextPosition(12, 10), live);
            assertEquals(toField.replace("@param sku", "@param stock").replace("int total = stock;", "int total = this.stock;")
                    .replace("return sku.length() * quantity + count(sku) + total;", "return stock.length() * quantity + count(stock) + total;"),
                    planned.edited().get("Shop.java"), "live " + live);
            // In an anonymous class's body `this` is the anonymous object: the field is Shop.this.stock there.
            String anonymous = stocked.replace("int total = stock;\n", "int total = stock;\n        Runnable log = new Runnable() {\n"
                    + "            public void run() {\n                System.out.println(stock);\n            }\n        };\n");
            planned = changeSignature("renamedToFieldInAnonymous", Map.of(), "Shop.java", anonymous,
                    anonymous.replace("int price(String sku, int quantity)", "int price(String stock, int quantity)"), new TextPosition(12, 10), live);
            assertTrue(planned.edited().get("Shop.java").contains("int total = this.stock;\n        Runnable log = new Runnable() {\n"
                    + "            public void run() {\n                System.out.println(Shop.this.stock);"), planned.edited().get("Shop.java"));
            String toLocal = stocked.replace("int price(String sku, int quantity)", "int price(String total, int quantity)");
            planned = changeSignature("renamedToLocal", Map.of(), "Shop.java", stocked, toLocal, new TextPosition(12, 10), live);
            assertEquals("total on line 15 is a local variable of Shop.price(), which the parameter renamed total would clash with: choose "
                    + "another name", planned.plan().refusal(), "live " + live);
            // In a static method the static field is named by its type (this names nothing there).
            String rates = "package p;\n\nclass Rates {\n    static int base = 2;\n\n    static int rate(int n) {\n        return n * base;\n    }\n}\n";
            String toBase = rates.replace("static int rate(int n)", "static int rate(int base)");
            planned = changeSignature("renamedInStatic", Map.of(), "Rates.java", rates, toBase, new TextPosition(5, 16), live);
            assertEquals(toBase.replace("return n * base;", "return base * Rates.base;"), planned.edited().get("Rates.java"), "live " + live);
        }
    }

    /**
     * A parameter's type changed in the header ({@code String sku} -> {@code CharSequence sku}): the overrides take the
     * new type under their own names and modifiers (else one with {@code @Override} no longer compiles, and one
     * without it silently overloads the method instead), the Javadoc reference's type follows, the calls are left as
     * they are; with the method's name retyped too, its uses take it.
     */
    @Test
    void aParameterRetypedInTheHeaderIsRetypedInTheOverrides() throws Exception {
        String shop = "package p;\n\nclass Shop {\n    /** See {@link #price(String, int)}. */\n    int price(String sku, int quantity) {\n"
                + "        return sku.length() * quantity;\n    }\n}\n";
        String special = "package p;\n\nclass Special extends Shop {\n    @Override\n    int price(final String code, int n) {\n        return 0;\n    }\n}\n";
        // Plain's parameters are named as Shop's: only their types tell it is not written the new way yet.
        String plain = "package p;\n\nclass Plain extends Shop {\n    int price(String sku, int quantity) {\n        return 1;\n    }\n}\n";
        String use = "package p;\n\nclass Use {\n    int go(Shop s) {\n        return s.price(\"a\", 2);\n    }\n}\n";
        Map<String, String> others = Map.of("Special.java", special, "Plain.java", plain, "Use.java", use);
        String after = shop.replace("int price(String sku, int quantity)", "int price(CharSequence sku, int quantity)");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = changeSignature("retyped", others, "Shop.java", shop, after, new TextPosition(4, 10), live);
            assertEquals("Retype parameter sku to CharSequence of Shop.price(), in its 2 overrides in 3 files", planned.plan().title(), "live " + live);
            assertEquals(special.replace("final String code", "final CharSequence code"), planned.edited().get("Special.java"), "live " + live);
            assertEquals(plain.replace("String sku", "CharSequence sku"), planned.edited().get("Plain.java"), "live " + live);
            assertEquals(after.replace("#price(String, int)", "#price(CharSequence, int)"), planned.edited().get("Shop.java"), "live " + live);
            assertFalse(planned.edited().containsKey("Use.java"), "live " + live);

            // A method without overrides: nothing to follow, nothing offered.
            String alone = "package p;\n\nclass Alone {\n    static int price(String sku) {\n        return sku.length();\n    }\n}\n";
            boolean onlyLive = live;
            AssertionError none = assertThrows(AssertionError.class, () -> changeSignature("retypedAlone" + onlyLive, Map.of(), "Alone.java", alone,
                    alone.replace("(String sku)", "(CharSequence sku)"), new TextPosition(3, 16), onlyLive));
            assertTrue(none.getMessage().startsWith("change-signature retypedAlone"), none.getMessage());

            // With the name retyped too: the calls take it, the overrides the name and the type.
            String renamed = shop.replace("int price(String sku, int quantity)", "int cost(CharSequence sku, int quantity)");
            planned = changeSignature("retypedRenamed", others, "Shop.java", shop, renamed, new TextPosition(4, 10), live);
            assertEquals("Rename Shop.price() to cost() and the type of sku to CharSequence, at its 1 call site and 2 overrides in 4 files",
                    planned.plan().title(), "live " + live);
            assertEquals(special.replace("int price(final String code", "int cost(final CharSequence code"), planned.edited().get("Special.java"),
                    "live " + live);
            assertEquals(use.replace("s.price(", "s.cost("), planned.edited().get("Use.java"), "live " + live);
        }
    }

    /**
     * A method renamed by retyping its name in its header: its calls (in its own file too, where the compiler no
     * longer finds the old name), its method references, its overrides (with {@code @Override}, and without it: they
     * would silently stop overriding it; an anonymous class's) and their calls, {@code super.price(...)} included; a
     * call through an override's type is renamed with the override; Javadoc references to it (by its types, or by its
     * name alone where no method keeps the old one).
     */
    /** A method with its uses and overrides: a class's, a subclass's with {@code @Override} and without, an anonymous class's, a method reference, Javadoc references. */
    private static final String SHOP = "package p;\n\nclass Shop {\n    int price(String sku) {\n        return sku.length();\n    }\n\n"
            + "    /** Twice {@link #price(String)}. */\n    int twice(String sku) {\n        return price(sku) * 2;\n    }\n}\n";
    private static final String SPECIAL_SHOP = "package p;\n\nclass Special extends Shop {\n    @Override\n    int price(String sku) {\n"
            + "        return super.price(sku) + 1;\n    }\n}\n";
    private static final String PLAIN_SHOP = "package p;\n\nclass Plain extends Shop {\n    int price(String code) {\n        return 0;\n    }\n}\n";
    private static final String SHOP_USE = "package p;\n\n/** See {@link Shop#price} and {@link Shop#price(String) price}. */\nclass Use {\n"
            + "    int total(Shop s, Special t) {\n        java.util.function.ToIntFunction<String> f = s::price;\n"
            + "        return s.price(\"a\") + t.price(\"b\") + f.applyAsInt(\"c\");\n    }\n\n"
            + "    Shop free() {\n        return new Shop() {\n            @Override\n            int price(String sku) {\n                return 0;\n            }\n"
            + "        };\n    }\n}\n";

    @Test
    void aMethodRenamedInItsHeaderIsRenamedAtItsUsesAndOverrides() throws Exception {
        String shop = SHOP;
        String special = SPECIAL_SHOP;
        String plain = PLAIN_SHOP;
        String use = SHOP_USE;
        String after = shop.replace("int price(String sku) {", "int cost(String sku) {");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = changeSignature("renamedMethod", Map.of("Special.java", special, "Plain.java", plain, "Use.java", use), "Shop.java", shop,
                    after, new TextPosition(3, 8), live);
            assertEquals("Rename method Shop.price() to cost(), at its 5 uses and 3 overrides and 3 Javadoc references in 4 files",
                    planned.plan().title(), "live " + live);
            assertEquals(after.replace("return price(sku)", "return cost(sku)").replace("#price(", "#cost("), planned.edited().get("Shop.java"), "live " + live);
            assertFalse(planned.offered().contains("apply-similar-edit"), "a rename is no edit to copy elsewhere: " + planned.offered());
            assertEquals(special.replace("price", "cost"), planned.edited().get("Special.java"), "live " + live);
            assertEquals(plain.replace("price", "cost"), planned.edited().get("Plain.java"), "live " + live);
            assertEquals(use.replace("price", "cost").replace("#cost(String) cost}", "#cost(String) price}"), planned.edited().get("Use.java"),
                    "live " + live);

            // An override renamed: the method it overrode is renamed, with the rest of its family.
            String specialAfter = special.replace("int price(String sku) {", "int cost(String sku) {");
            planned = changeSignature("renamedOverride", Map.of("Shop.java", shop, "Plain.java", plain, "Use.java", use), "Special.java", special,
                    specialAfter, new TextPosition(4, 8), live);
            assertEquals("Rename method Shop.price() (which Special.price() overrides) to cost(), at its 5 uses and 2 overrides and 3 Javadoc references"
                    + " in 4 files", planned.plan().title(), "live " + live);
            assertEquals(shop.replace("price(", "cost("), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(special.replace("price", "cost"), planned.edited().get("Special.java"), "live " + live);
            assertEquals(plain.replace("price", "cost"), planned.edited().get("Plain.java"), "live " + live);
            assertEquals(use.replace("price", "cost").replace("#cost(String) cost}", "#cost(String) price}"), planned.edited().get("Use.java"),
                    "live " + live);

            // An interface's method renamed is no new abstract method: its implementation is renamed, not written again.
            String priced = "package p;\n\ninterface Priced {\n    int price(String sku);\n}\n";
            String tag = "package p;\n\nclass Tag implements Priced {\n    @Override\n    public int price(String sku) {\n        return 1;\n    }\n}\n";
            planned = changeSignature("renamedAbstract", Map.of("Tag.java", tag), "Priced.java", priced, priced.replace("int price(", "int cost("),
                    new TextPosition(3, 10), live);
            assertEquals(tag.replace("price", "cost"), planned.edited().get("Tag.java"), "live " + live);
            assertFalse(planned.offered().contains("implement-method"), planned.offered().toString());
            assertFalse(planned.offered().contains("apply-similar-edit"), "a rename is no edit to copy elsewhere: " + planned.offered());

            // A record implements it by a component (its accessor not written out): the component is renamed with it,
            // and its uses (the field, the compact constructor's parameter, the accessor's calls); with parameters
            // added too, refused (an accessor takes none).
            String named = "package p;\n\npublic interface Named {\n    String name();\n}\n";
            String tagged = "package p;\n\npublic record Tagged(String name, int weight) implements Named {\n    public Tagged {\n"
                    + "        if (name.isEmpty()) throw new IllegalArgumentException();\n    }\n\n    String shout() {\n"
                    + "        return name.toUpperCase() + name();\n    }\n}\n";
            String reader = "package p;\n\nclass Reader {\n    String both(Named n, Tagged t) {\n        return n.name() + t.name();\n    }\n}\n";
            planned = changeSignature("renamedByComponent", Map.of("Tagged.java", tagged, "Reader.java", reader), "Named.java", named,
                    named.replace("String name();", "String label();"), new TextPosition(3, 12), live);
            assertEquals("Rename method Named.name() to label(), at its 5 uses and 1 record component in 2 files", planned.plan().title(), "live " + live);
            assertEquals(tagged.replace("name", "label"), planned.edited().get("Tagged.java"), "live " + live);
            assertEquals(reader.replace("name()", "label()"), planned.edited().get("Reader.java"), "live " + live);
            // A class implements it by a method it inherits from a class outside the family: that method is renamed too.
            String nameBase = "package p;\n\nclass Base {\n    public String name() {\n        return \"b\";\n    }\n}\n";
            String impl = "package p;\n\nclass Impl extends Base implements Named {\n}\n";
            String user = "package p;\n\nclass User {\n    String go(Named n, Base b) {\n        return n.name() + b.name();\n    }\n}\n";
            planned = changeSignature("renamedByInheritance", Map.of("Base.java", nameBase, "Impl.java", impl, "User.java", user), "Named.java", named,
                    named.replace("String name();", "String label();"), new TextPosition(3, 12), live);
            assertEquals(nameBase.replace("name()", "label()"), planned.edited().get("Base.java"), "live " + live);
            assertEquals(user.replace("name()", "label()"), planned.edited().get("User.java"), "live " + live);
            assertEquals("Rename method Named.name() to label(), at its 2 uses and 1 override in 2 files", planned.plan().title(), "live " + live);

            // Inherited from a JDK class, which cannot be renamed: refused.
            String labelled = "package p;\n\npublic interface Labelled {\n    String getName();\n}\n";
            String worker = "package p;\n\nclass Worker extends Thread implements Labelled {\n}\n";
            planned = changeSignature("renamedByJdkInheritance", Map.of("Worker.java", worker), "Labelled.java", labelled,
                    labelled.replace("String getName();", "String label();"), new TextPosition(3, 12), live);
            assertEquals("Worker (src/main/java/p/Worker.java line 3) implements Labelled.getName() with Thread.getName(), which it inherits from "
                    + "the JDK and which cannot be renamed, so Worker would no longer implement it: keep the name", planned.plan().refusal(), "live " + live);

            // The other way round, the component renamed in the record's header: refused, the method is the one to rename.
            planned = changeSignature("componentImplementing", Map.of("Named.java", named, "Reader.java", reader), "Tagged.java", tagged,
                    tagged.replace("record Tagged(String name,", "record Tagged(String label,"), new TextPosition(2, 30), live);
            assertEquals("Rename component name to label of record Tagged", planned.plan().title(), "live " + live);
            assertEquals("the component name of record Tagged implements Named.name() (src/main/java/p/Named.java line 4), which Tagged would no "
                    + "longer implement: rename Named.name() to label() instead, and the component follows", planned.plan().refusal(), "live " + live);
            planned = changeSignature("reparameteredByComponent", Map.of("Tagged.java", tagged, "Reader.java", reader), "Named.java", named,
                    named.replace("String name();", "String label(boolean upper);"), new TextPosition(3, 12), live);
            assertEquals("Tagged (src/main/java/p/Tagged.java line 3) implements Named.name() with its component name, and a component's accessor "
                    + "takes no arguments: declare name() in Tagged first", planned.plan().refusal(), "live " + live);

            // An overload keeps the old name: a call the renamed method took (the more specific) follows it, headless too,
            // and in its own file in an editor, where the index binds it to the overload left; the overload's calls stay.
            String overloaded = "package p;\n\nclass Shop {\n    int price(String sku) {\n        return sku.length();\n    }\n\n"
                    + "    int price(Object any) {\n        return -1;\n    }\n\n    int both() {\n        return price(\"x\") + price(2);\n    }\n}\n";
            String caller = "package p;\n\nclass Use {\n    int go(Shop s) {\n        return s.price(\"abc\") + s.price(Integer.valueOf(2));\n    }\n}\n";
            planned = changeSignature("renamedBesideOverload", Map.of("Use.java", caller), "Shop.java", overloaded,
                    overloaded.replace("int price(String sku)", "int cost(String sku)"), new TextPosition(3, 8), live);
            assertEquals(caller.replace("s.price(\"abc\")", "s.cost(\"abc\")"), planned.edited().get("Use.java"), "live " + live);
            assertEquals(overloaded.replace("int price(String sku)", "int cost(String sku)").replace("price(\"x\")", "cost(\"x\")"),
                    planned.edited().get("Shop.java"), "live " + live);
            planned = changeSignature("renamedOverloadLeft", Map.of("Use.java", caller), "Shop.java", overloaded,
                    overloaded.replace("int price(Object any)", "int cost(Object any)"), new TextPosition(7, 8), live);
            assertEquals(caller.replace("s.price(Integer.valueOf(2))", "s.cost(Integer.valueOf(2))"), planned.edited().get("Use.java"), "live " + live);

            // Renamed to a name that would change which code runs: a subtype's method of that name and parameters would
            // override it, or it would override a supertype's; and a name its own class has for those parameters.
            String deal = "package p;\n\nclass Deal extends Shop {\n    int cost(String sku) {\n        return 1;\n    }\n}\n";
            planned = changeSignature("renamedOverridden", Map.of("Deal.java", deal), "Shop.java", shop, after, new TextPosition(3, 8), live);
            assertEquals("Deal.cost(String) (src/main/java/p/Deal.java line 4) would override Shop.price() once that is renamed cost(), and "
                    + "calls of it on a Deal would run Deal's: choose another name", planned.plan().refusal(), "live " + live);
            String base = "package p;\n\nclass Base {\n    int cost(String sku) {\n        return 2;\n    }\n}\n";
            String derived = shop.replace("class Shop {", "class Shop extends Base {");
            planned = changeSignature("renamedOverriding", Map.of("Base.java", base), "Shop.java", derived,
                    derived.replace("int price(String sku) {", "int cost(String sku) {"), new TextPosition(3, 8), live);
            assertEquals("Shop.price() renamed cost() would override Base.cost(String) (src/main/java/p/Base.java line 4), and calls of that "
                    + "on a Shop would run it: choose another name", planned.plan().refusal(), "live " + live);
            // An overload of the new name that the renamed method is more specific than, with calls: they would run it.
            String general = shop.replace("    /** Twice", "    int cost(Object any) {\n        return 0;\n    }\n\n    int some() {\n"
                    + "        return cost(\"x\");\n    }\n\n    /** Twice");
            planned = changeSignature("renamedOverGeneral", Map.of(), "Shop.java", general, general.replace("int price(String sku) {", "int cost(String sku) {"),
                    new TextPosition(3, 8), live);
            assertEquals("Shop.cost(Object) (src/main/java/p/Shop.java line 8) has calls that price() renamed cost() would take (its parameters "
                    + "are the more specific): choose another name", planned.plan().refusal(), "live " + live);
            String twin = shop.replace("    /** Twice", "    int cost(String code) {\n        return 0;\n    }\n\n    /** Twice");
            planned = changeSignature("renamedTwin", Map.of(), "Shop.java", twin, twin.replace("int price(String sku) {", "int cost(String sku) {"),
                    new TextPosition(3, 8), live);
            assertEquals("Shop already has a method cost(String) (src/main/java/p/Shop.java line 8), so price() cannot take its name: "
                    + "choose another name", planned.plan().refusal(), "live " + live);

        }
    }

    /**
     * A method renamed and re-parametered in one edit, as an IDE's change-signature dialog does both: its calls,
     * overrides (an anonymous class's, one without {@code @Override}), method references and Javadoc references are
     * found by the old name and parameters, take the new name, and pass the arguments the new way (an override passes
     * its new parameter on to {@code super}); a parameter renamed with them is renamed in the body. Refused, with the
     * way through, where the class keeps an overload of the old name and as many parameters.
     */
    @Test
    void aMethodRenamedAndReparameteredInOneEditIsChangedAtItsUsesAndOverrides() throws Exception {
        Map<String, String> others = Map.of("Special.java", SPECIAL_SHOP, "Plain.java", PLAIN_SHOP, "Use.java", SHOP_USE);
        String after = SHOP.replace("int price(String sku) {", "int cost(String item, int count) {");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = changeSignature("renamedAndReparametered", others, "Shop.java", SHOP, after, new TextPosition(3, 8), live);
            assertEquals("Rename Shop.price() to cost() and change its arguments to (item, count), filling new count, renaming sku to item, at its "
                    + "4 call sites and 3 overrides and 1 method reference in 4 files", planned.plan().title(), "live " + live);
            assertEquals(after.replace("return sku.length();", "return item.length();").replace("return price(sku) * 2;", "return cost(sku, 0) * 2;")
                    .replace("#price(String)", "#cost(String, int)"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(SPECIAL_SHOP.replace("int price(String sku)", "int cost(String sku, int count)").replace("super.price(sku)", "super.cost(sku, count)"),
                    planned.edited().get("Special.java"), "live " + live);
            assertEquals(PLAIN_SHOP.replace("int price(String code)", "int cost(String code, int count)"), planned.edited().get("Plain.java"), "live " + live);
            assertEquals(SHOP_USE.replace("{@link Shop#price}", "{@link Shop#cost}").replace("#price(String) price", "#cost(String, int) price")
                    .replace("s::price", "sku -> s.cost(sku, 0)").replace("s.price(\"a\")", "s.cost(\"a\", 0)").replace("t.price(\"b\")", "t.cost(\"b\", 0)")
                    .replace("int price(String sku)", "int cost(String sku, int count)"), planned.edited().get("Use.java"), "live " + live);
            assertTrue(planned.offered().stream().noneMatch(n -> n.endsWith("-parameter") || n.equals("reorder-parameters")
                    || n.equals("apply-similar-edit") || n.equals("implement-method")), planned.offered().toString());

            // The return type retyped with them: the calls the same (they do not say it), the overrides that wrote the
            // old one take the new one (an int override of an Integer method does not compile).
            String typed = SHOP.replace("int price(String sku) {", "Integer cost(String item, int count) {");
            planned = changeSignature("retypedAndReparametered", others, "Shop.java", SHOP, typed, new TextPosition(3, 12), live);
            assertFalse(planned.offered().contains("apply-similar-edit"), planned.offered().toString());
            assertEquals(typed.replace("return sku.length();", "return item.length();").replace("return price(sku) * 2;", "return cost(sku, 0) * 2;")
                    .replace("#price(String)", "#cost(String, int)"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(PLAIN_SHOP.replace("int price(String code)", "Integer cost(String code, int count)"), planned.edited().get("Plain.java"),
                    "live " + live);
            assertEquals(SPECIAL_SHOP.replace("int price(String sku)", "Integer cost(String sku, int count)")
                    .replace("super.price(sku)", "super.cost(sku, count)"), planned.edited().get("Special.java"), "live " + live);

            // An override renamed and re-parametered: the method it overrode changes with the family.
            String specialAfter = SPECIAL_SHOP.replace("int price(String sku) {", "int cost(int count, String sku) {");
            planned = changeSignature("reparameteredOverride", Map.of("Shop.java", SHOP, "Plain.java", PLAIN_SHOP, "Use.java", SHOP_USE), "Special.java", SPECIAL_SHOP,
                    specialAfter, new TextPosition(4, 8), live);
            assertEquals("Rename Shop.price() (which Special.price() overrides) to cost() and change its arguments to (count, sku), filling new count, "
                    + "at its 4 call sites and 2 overrides and 1 method reference in 4 files", planned.plan().title(), "live " + live);
            assertEquals(SHOP.replace("int price(String sku)", "int cost(int count, String sku)").replace("return price(sku) * 2;", "return cost(0, sku) * 2;")
                    .replace("#price(String)", "#cost(int, String)"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(specialAfter.replace("super.price(sku)", "super.cost(count, sku)"), planned.edited().get("Special.java"), "live " + live);

            // An interface's method: its implementation and its lambdas change with it; no new method to implement.
            String priced = "package p;\n\ninterface Priced {\n    int price(String sku);\n}\n";
            String tag = "package p;\n\nclass Tag implements Priced {\n    @Override\n    public int price(String sku) {\n        return 1;\n    }\n\n"
                    + "    static Priced free() {\n        Priced p = sku -> 0;\n        return p.price(\"x\") > 0 ? p : s -> s.length();\n    }\n}\n";
            planned = changeSignature("reparameteredAbstract", Map.of("Tag.java", tag), "Priced.java", priced,
                    priced.replace("int price(String sku);", "int cost(int count, String sku);"), new TextPosition(3, 8), live);
            assertEquals(tag.replace("int price(String sku)", "int cost(int count, String sku)").replace("p.price(\"x\")", "p.cost(0, \"x\")")
                    .replace("sku -> 0", "(count, sku) -> 0").replace("s -> s.length()", "(count, s) -> s.length()"), planned.edited().get("Tag.java"),
                    "live " + live);
            assertFalse(planned.offered().contains("implement-method"), planned.offered().toString());
            assertFalse(planned.offered().contains("default-body"), planned.offered().toString());

            // A static method imported by its name: the import takes the new name, or, where the type keeps a member of
            // the old one (the import still resolves) and the file uses that, an import of the new name goes beside it. A
            // rename alone too.
            String rates = "package p;\n\npublic class Rates {\n    public static int price(String sku, int quantity) {\n        return quantity;\n    }\n}\n";
            String user = "package q;\n\nimport static p.Rates.price;\n\nclass User {\n    int total(String code) {\n        return price(code, 2);\n    }\n}\n";
            String kept = rates.replace("    public static int price(String", "    public static int price(Object any) {\n        return 0;\n    }\n\n"
                    + "    public static int price(String");
            String keptUser = user.replace("return price(code, 2);", "return price(code, 2) + price(code);");
            for (String header : List.of("int cost(int quantity, String sku)", "int cost(String sku, int quantity)")) {
                String arguments = header.contains("(int") ? "2, code" : "code, 2";
                planned = changeSignature("staticImported" + arguments.length(), Map.of("q/User.java", user), "Rates.java", rates,
                        rates.replace("int price(String sku, int quantity)", header), new TextPosition(3, 23), live);
                assertEquals(user.replace("import static p.Rates.price;", "import static p.Rates.cost;").replace("price(code, 2)", "cost(" + arguments + ")"),
                        planned.edited().get("User.java"), header + " live " + live);
                planned = changeSignature("staticImportKept" + arguments.length(), Map.of("q/User.java", keptUser), "Rates.java", kept,
                        kept.replace("int price(String sku, int quantity)", header), new TextPosition(7, 23), live);
                assertEquals(keptUser.replace("import static p.Rates.price;", "import static p.Rates.price;\nimport static p.Rates.cost;")
                        .replace("price(code, 2)", "cost(" + arguments + ")"), planned.edited().get("User.java"), header + " live " + live);
                // Where the file used only the renamed one, its import is renamed (not left unused).
                planned = changeSignature("staticImportUnused" + arguments.length(), Map.of("q/User.java", user), "Rates.java", kept,
                        kept.replace("int price(String sku, int quantity)", header), new TextPosition(7, 23), live);
                assertEquals(user.replace("import static p.Rates.price;", "import static p.Rates.cost;").replace("price(code, 2)", "cost(" + arguments + ")"),
                        planned.edited().get("User.java"), header + " live " + live);
            }

            // Parameters renamed only, with the name: the calls are renamed, their arguments kept.
            String renamedOnly = SHOP.replace("int price(String sku) {", "int cost(String item) {");
            planned = changeSignature("renamedWithParameterName", others, "Shop.java", SHOP, renamedOnly, new TextPosition(3, 8), live);
            assertEquals("Rename Shop.price() to cost() and its parameter sku to item, at its 4 call sites and 3 overrides and 1 method reference in 4 "
                    + "files", planned.plan().title(), "live " + live);
            assertEquals(renamedOnly.replace("return sku.length();", "return item.length();").replace("return price(sku)", "return cost(sku)")
                    .replace("#price(", "#cost("), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(SHOP_USE.replace("price", "cost").replace("#cost(String) cost}", "#cost(String) price}"), planned.edited().get("Use.java"),
                    "live " + live);

            // An overload of the old name with as many parameters stays: calls written for the method may now bind to it.
            String overloaded = SHOP.replace("    /** Twice", "    int price(Object any) {\n        return -1;\n    }\n\n    /** Twice");
            planned = changeSignature("reparameteredBesideOverload", others, "Shop.java", overloaded,
                    overloaded.replace("int price(String sku) {", "int cost(String sku, int count) {"), new TextPosition(3, 8), live);
            assertEquals("Shop keeps price(Object) (src/main/java/p/Shop.java line 8), to which calls written for price() as it was may now bind "
                    + "without a word: put the old name back, run change-signature for the parameters, then retype the name and run it again",
                    planned.plan().refusal(), "live " + live);
        }
    }

    /**
     * A field whose name was retyped where it is declared: rename-field renames every use the compiler no longer
     * finds ({@code this.count}, {@code other.count}, a subclass's, another class's) and the Javadoc reference; a
     * parameter and a local of the old name are left alone. A constant's static import follows too.
     */
    @Test
    void aFieldRenamedWhereItIsDeclaredIsRenamedAtItsUses() throws Exception {
        String shop = """
                package p;

                /** Keeps {@link #count}. */
                public class Shop {
                    public static final int LIMIT = 10;
                    protected int count;

                    void add(int count) {
                        this.count += count;
                    }

                    boolean same(Shop other) {
                        return count == other.count && LIMIT > 0;
                    }
                }
                """;
        String special = "package p;\n\nclass Special extends Shop {\n    int twice() {\n        return count * 2;\n    }\n}\n";
        String use = "package p;\n\nclass Use {\n    int of(Shop s) {\n        int count = 1;\n        return s.count + count;\n    }\n}\n";
        String far = "package p;\n\nimport static p.Shop.LIMIT;\n\nclass Far {\n    int limit() {\n        return LIMIT;\n    }\n}\n";
        Map<String, String> others = Map.of("Special.java", special, "Use.java", use, "Far.java", far);
        String renamed = shop.replace("protected int count;", "protected int total;");
        String constant = shop.replace("int LIMIT = 10;", "int MAX = 10;");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-field", "renamedField", others, "Shop.java", shop, renamed, new TextPosition(5, 23), live);
            assertEquals("Rename field Shop.count to total, at its 5 uses and 1 Javadoc reference in 3 files", planned.plan().title(), "live " + live);
            assertEquals(renamed.replace("{@link #count}", "{@link #total}").replace("this.count += count;", "this.total += count;")
                    .replace("count == other.count", "total == other.total"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(special.replace("count * 2", "total * 2"), planned.edited().get("Special.java"), "live " + live);
            assertEquals(use.replace("s.count", "s.total"), planned.edited().get("Use.java"), "live " + live);

            planned = planned("rename-field", "renamedConstant", others, "Shop.java", shop, constant, new TextPosition(4, 30), live);
            assertEquals(constant.replace("LIMIT > 0", "MAX > 0"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(far.replace("LIMIT", "MAX"), planned.edited().get("Far.java"), "live " + live);
        }
    }

    /**
     * A class whose name was retyped where it is declared: rename-type renames every use the compiler no longer finds
     * (its constructors, {@code Shop.MAX}, {@code new Shop.Inner()}, {@code Shop::new}, the import, {@code p.Shop}, a
     * subclass's {@code extends}), the Javadoc references (a link broken over two lines, code that is the name alone;
     * not other code), and moves its file to the new name. A type of the old name in another package, and its uses,
     * are left alone.
     */
    @Test
    void aClassRenamedWhereItIsDeclaredIsRenamedAtItsUsesAndItsFileMoves() throws Exception {
        String shop = """
                package p;

                /** A shop; see {@link Shop#price()} and {@link #copy(Shop)}. */
                public class Shop {
                    public static final int MAX = 3;
                    private final int count;

                    public Shop(int count) {
                        this.count = count;
                    }

                    public Shop() {
                        this(0);
                    }

                    public int price() {
                        return Shop.MAX + count;
                    }

                    Shop copy(Shop other) {
                        return new Shop(other.count);
                    }

                    public static class Inner {
                        Shop owner;
                    }
                }
                """;
        String special = "package p;\n\nclass Special extends Shop {\n    Special() {\n        super(1);\n    }\n}\n";
        String user = """
                package q;

                import java.util.function.Supplier;
                import p.Shop;

                /**
                 * Uses a {@link
                 * Shop}, a {@code Shop}; {@code new Shop()} is code.
                 */
                public class User {
                    Shop s = new Shop(2);
                    Supplier<Shop> f = Shop::new;
                    int m = Shop.MAX;
                    Shop.Inner i = new Shop.Inner();
                    java.util.List<p.Shop> list;
                    Object o = Shop.class;

                    boolean b(Object x) {
                        return x instanceof Shop;
                    }
                }
                """;
        String farShop = "package r;\n\n/** Another {@link Shop}. */\npublic class Shop {\n}\n";
        String far = "package r;\n\nclass Far {\n    Shop s = new Shop();\n}\n";
        Map<String, String> others = Map.of("Special.java", special, "q/User.java", user, "r/Shop.java", farShop, "r/Far.java", far);
        String renamed = shop.replace("public class Shop {", "public class Store {");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-type", "renamedClass", others, "Shop.java", shop, renamed, new TextPosition(3, 18), live);
            assertEquals("Rename class Shop to Store, at its 19 uses and 4 Javadoc references in 3 files, and its file to Store.java",
                    planned.plan().title(), "live " + live);
            assertEquals(shop.replace("Shop", "Store"), planned.edited().get("Shop.java"), "live " + live);
            assertEquals(special.replace("Shop", "Store"), planned.edited().get("Special.java"), "live " + live);
            assertEquals(user.replace("Shop", "Store").replace("{@code new Store()}", "{@code new Shop()}"), planned.edited().get("User.java"), "live " + live);
            assertEquals(Set.of("Shop.java", "Special.java", "User.java"), planned.edited().keySet(), "live " + live);
            Map.Entry<Path, Path> move = planned.plan().fileRenames().entrySet().iterator().next();
            assertEquals(List.of("p/Shop.java", "p/Store.java"), List.of(move.getKey().getParent().getFileName() + "/" + move.getKey().getFileName(),
                    move.getValue().getParent().getFileName() + "/" + move.getValue().getFileName()), "live " + live);
            assertFalse(planned.offered().contains("apply-similar-edit"), "a rename is no edit to copy elsewhere: " + planned.offered());

            // A nested type keeps its file; its uses are qualified by the outer type.
            String nested = shop.replace("public static class Inner {", "public static class Part {");
            planned = planned("rename-type", "renamedNested", others, "Shop.java", shop, nested, new TextPosition(23, 28), live);
            assertEquals("Rename class Inner to Part, at its 2 uses in 1 file", planned.plan().title(), "live " + live);
            assertEquals(user.replace("Shop.Inner", "Shop.Part"), planned.edited().get("User.java"), "live " + live);
            assertTrue(planned.plan().fileRenames().isEmpty(), "live " + live);
        }
    }

    /**
     * rename-type-and-variables, beside rename-type: the locals and parameters declared with the type whose names say
     * its words take the new words ({@code shop} -> {@code store}, {@code bigShop} -> {@code bigStore}, an array's
     * {@code oldShops} -> {@code oldStores}, a {@code List<Shop>}'s {@code shops}, varargs, a pattern's and a for
     * loop's variable, a private field, read through a wildcard type too), at every use the compiler binds to them, and a parameter's {@code @param}
     * tag. Kept: a field that is not private, a record's component (a field and an accessor), a name without the
     * type's words, and a parameter whose new name another variable in its scope has.
     */
    @Test
    void aClassRenamedWithItsVariablesRenamesTheVariablesNamedAfterIt() throws Exception {
        String shop = """
                package p;

                /** A shop. */
                public class Shop {
                    int count;

                    /**
                     * A copy.
                     *
                     * @param shop the shop to copy
                     * @param shops the others
                     */
                    static Shop copy(Shop shop, Shop... shops) {
                        Shop copy = new Shop();
                        copy.count = shop.count + shops.length;
                        return copy;
                    }
                }
                """;
        String use = """
                package p;

                import java.util.List;

                class Use {
                    Shop shop = new Shop();
                    /** Where {@link #shop} goes first; then {@link Use#spareShops}. */
                    private Shop mainShop = shop;
                    private final Shop[] spareShops = {};

                    int total(List<Shop> shops, Shop[] oldShops) {
                        Shop bigShop = shops.get(0);
                        int sum = bigShop.count + shop.count + this.mainShop.count + spareShops.length;
                        for (Shop shop : shops) {
                            sum += shop.count;
                        }
                        for (Shop each : oldShops) {
                            sum += each.count;
                        }
                        return sum + oldShops.length;
                    }

                    boolean open(Object o) {
                        return o instanceof Shop shop && shop.count > 0;
                    }

                    int taken(Shop shop, int store) {
                        return shop.count + store;
                    }

                    record Pair(Shop shop, int n) {
                    }

                    static class Box<T> {
                        private Shop boxShop;

                        boolean same(Box<?> other) {
                            return other.boxShop == boxShop;
                        }
                    }
                }
                """;
        String renamed = shop.replace("public class Shop {", "public class Store {");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-type-and-variables", "renamedWithVariables", Map.of("Use.java", use), "Shop.java", shop, renamed,
                    new TextPosition(3, 18), live);
            assertEquals(List.of("rename-type", "rename-type-and-variables"), planned.offered().stream().filter(n -> n.startsWith("rename-type")).toList());
            assertEquals("Rename class Shop to Store, at its 18 uses in 2 files, and its file to Store.java, and the variables named after it"
                    + " (shop -> store, shops -> stores, mainShop -> mainStore, and 4 more)", planned.plan().title(), "live " + live);
            assertEquals(shop.replace("Shop", "Store").replace("Store shop,", "Store store,").replace("shop.count", "store.count")
                    .replace("@param shop ", "@param store ").replace("shops", "stores"), planned.edited().get("Shop.java"), "live " + live);
            String expected = use.replace("Shop", "Store").replace("bigShop", "bigStore")
                    .replace("oldShops", "oldStores")
                    .replace("for (Store shop : shops) {\n            sum += shop.count;", "for (Store store : shops) {\n            sum += store.count;")
                    .replace("o instanceof Store shop && shop.count", "o instanceof Store store && store.count")
                    .replace("shops", "stores").replace("mainShop", "mainStore").replace("spareShops", "spareStores")
                    .replace("boxShop", "boxStore");
            assertEquals(expected, planned.edited().get("Use.java"), "live " + live);
        }
    }

    /**
     * A checked exception added to a method's throws clause: declare-exception declares it in the callers, then in
     * theirs, up to where it is handled (a caller that declares a superclass of it stays as it is); where a caller may
     * not declare it (it overrides Runnable.run, or the call is in a lambda) the call is caught there, and a method
     * reference becomes a lambda with a try in it; the import
     * comes with it from the exception's package. catch-exception catches it at each call instead, a local used after its
     * statement declared before the try. In an editor session and headless alike.
     */
    @Test
    void aCheckedExceptionAddedToAMethodIsDeclaredUpItsCallersOrCaughtAtTheCalls() throws Exception {
        String store = """
                package p;

                public class Store {
                    public int load(String key) {
                        return key.length();
                    }
                }
                """;
        String failure = "package r;\n\npublic class StoreFailure extends Exception {\n}\n";
        String users = """
                package q;

                import java.util.List;
                import p.Store;

                public class Users {
                    private final Store store = new Store();

                    int size(String key) {
                        int n = store.load(key);
                        return n + 1;
                    }

                    int total(List<String> keys) {
                        int sum = 0;
                        for (String k : keys) {
                            sum += size(k);
                        }
                        keys.forEach(k -> store.load(k));
                        java.util.function.ToIntFunction<String> measure = store::load;
                        return sum + measure.applyAsInt("");
                    }

                    int guarded(String key) throws Exception {
                        return size(key);
                    }

                    Runnable later(String key) {
                        return new Runnable() {
                            @Override
                            public void run() {
                                size(key);
                            }
                        };
                    }
                }
                """;
        String thrown = store.replace("public int load(String key) {", "public int load(String key) throws r.StoreFailure {");
        for (boolean live : new boolean[] {true, false}) {
            Planned declared = planned("declare-exception", "declareException", Map.of("q/Users.java", users, "r/StoreFailure.java", failure),
                    "Store.java", store, thrown, new TextPosition(3, 16), live);
            assertTrue(declared.offered().contains("catch-exception"), declared.offered().toString());
            assertEquals("Declare StoreFailure up the callers of Store.load(): 2 methods declare it, 3 calls catch it where it cannot be declared (1 file)",
                    declared.plan().title(), "live " + live);
            String catchBody = " catch (StoreFailure e) {\n";
            String expected = users.replace("import p.Store;\n", "import p.Store;\nimport r.StoreFailure;\n")
                    .replace("int size(String key) {", "int size(String key) throws StoreFailure {")
                    .replace("int total(List<String> keys) {", "int total(List<String> keys) throws StoreFailure {")
                    .replace("        keys.forEach(k -> store.load(k));\n", "        keys.forEach(k -> {\n            try {\n                store.load(k);\n            }"
                            + catchBody + "                throw new RuntimeException(e);\n            }\n        });\n")
                    .replace("measure = store::load;", "measure = string -> {\n            try {\n                return store.load(string);\n            }" + catchBody
                            + "                throw new RuntimeException(e);\n            }\n        };")
                    .replace("                size(key);\n", "                try {\n                    size(key);\n                }" + catchBody
                            + "                    throw new RuntimeException(e);\n                }\n");
            assertEquals(expected, declared.edited().get("Users.java"), "live " + live);

            Planned caught = planned("catch-exception", "catchException", Map.of("q/Users.java", users, "r/StoreFailure.java", failure),
                    "Store.java", store, thrown, new TextPosition(3, 16), live);
            assertEquals("Catch StoreFailure at the 3 calls of Store.load() (1 file)", caught.plan().title(), "live " + live);
            String expectedCaught = users.replace("import p.Store;\n", "import p.Store;\nimport r.StoreFailure;\n")
                    .replace("        int n = store.load(key);\n", "        int n;\n        try {\n            n = store.load(key);\n        }" + catchBody
                            + "            throw new RuntimeException(e);\n        }\n")
                    .replace("        keys.forEach(k -> store.load(k));\n", "        keys.forEach(k -> {\n            try {\n                store.load(k);\n            }"
                            + catchBody + "                throw new RuntimeException(e);\n            }\n        });\n")
                    .replace("measure = store::load;", "measure = string -> {\n            try {\n                return store.load(string);\n            }" + catchBody
                            + "                throw new RuntimeException(e);\n            }\n        };");
            assertEquals(expectedCaught, caught.edited().get("Users.java"), "live " + live);

            // The model writes the catch body: kept where it passes the failure on, not where it drops it.
            Site wrap = caught.plan().sites().stream().filter(x -> x.start() != x.end()).findFirst().orElseThrow();
            assertEquals("return -1;", wrap.finish().apply("return -1;\nreturn 0;"), "a return of a value ends the block");
            assertEquals("log(e);", wrap.finish().apply("log(e);"), "the caught exception passed on");
            assertEquals("throw new RuntimeException(e);", wrap.finish().apply("return;"), "a bare return drops it");
            assertEquals("throw new RuntimeException(e);", wrap.finish().apply("count++;"), "so does code that does not name it");
        }
    }

    /**
     * A checked exception removed from a method's throws clause: the catch clauses for it around its calls no longer
     * compile (unreachable), and drop-catch drops them: a try with no other clause gives way to its statements, a clause
     * among others goes alone; a try that catches it from another call is left; an import no longer used goes. In an
     * editor session and headless.
     */
    @Test
    void catchClausesForAnExceptionAMethodNoLongerThrowsAreDropped() throws Exception {
        String store = """
                package p;

                public class Store {
                    public int load(String key) throws r.StoreFailure {
                        return key.length();
                    }

                    public int save(String key) throws r.StoreFailure {
                        return 0;
                    }
                }
                """;
        String failure = "package r;\n\npublic class StoreFailure extends Exception {\n}\n";
        String users = """
                package q;

                import p.Store;
                import r.StoreFailure;

                public class Users {
                    private final Store store = new Store();

                    int size(String key) {
                        try {
                            int n = store.load(key);
                            return n + 1;
                        } catch (StoreFailure e) {
                            return 0;
                        }
                    }

                    int twice(String key) {
                        try {
                            return store.load(key);
                        } catch (StoreFailure e) {
                            return -1;
                        } catch (RuntimeException e) {
                            return -2;
                        }
                    }

                    int both(String key) {
                        try {
                            return store.load(key) + store.save(key);
                        } catch (StoreFailure e) {
                            return -1;
                        }
                    }
                }
                """;
        String solo = "package q;\n\nimport java.util.List;\nimport p.Store;\nimport r.StoreFailure;\n\nclass Solo {\n    int one(Store store) {\n"
                + "        try {\n            return store.load(\"a\");\n        } catch (StoreFailure e) {\n            return 0;\n        }\n    }\n}\n";
        String dropped = store.replace("public int load(String key) throws r.StoreFailure {", "public int load(String key) {");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("drop-catch", "dropCatch", Map.of("q/Users.java", users, "q/Solo.java", solo, "r/StoreFailure.java", failure),
                    "Store.java", store, dropped, new TextPosition(3, 16), live);
            assertEquals("Drop the catch of StoreFailure, which Store.load() no longer throws, at 3 places (2 files)", planned.plan().title(), "live " + live);
            assertEquals("package q;\n\nimport java.util.List;\nimport p.Store;\n\nclass Solo {\n    int one(Store store) {\n        return store.load(\"a\");\n    }\n}\n",
                    planned.edited().get("Solo.java"), "the import no longer used goes too; live " + live);
            String expected = users.replace("""
                            try {
                                int n = store.load(key);
                                return n + 1;
                            } catch (StoreFailure e) {
                                return 0;
                            }
                    """, """
                            int n = store.load(key);
                            return n + 1;
                    """).replace("        } catch (StoreFailure e) {\n            return -1;\n        } catch (RuntimeException e) {", "        } catch (RuntimeException e) {");
            assertEquals(expected, planned.edited().get("Users.java"), "live " + live);
        }
    }

    /**
     * A method's return type changed: follow-return-type makes the calls that no longer compile take it, and the
     * overrides written with the old type (they no longer override). A local
     * declared with the call takes the new type where its method still compiles so (not where a use needs the old one:
     * left, with the reason); an Optional's value is taken out where the place expects what it holds, the model
     * choosing between orElseThrow and orElse(null), and orElseThrow alone where null cannot go. In an editor session
     * and headless.
     */
    @Test
    void callsOfAMethodWhoseReturnTypeChangedTakeTheNewType() throws Exception {
        String store = """
                package p;

                public class Store {
                    public int count() {
                        return 1;
                    }

                    public String find(String id) {
                        return id;
                    }
                }
                """;
        String user = """
                package q;

                import p.Store;

                class User {
                    int next(Store store) {
                        int n = store.count();
                        return n + 1;
                    }

                    void print(Store store) {
                        final int total = store.count();
                        System.out.println(total);
                    }

                    String name(Store store) {
                        String name = store.find("a");
                        return name == null ? "nobody" : name;
                    }

                    int length(Store store) {
                        return store.find("b").length();
                    }
                }
                """;
        for (boolean live : new boolean[] {true, false}) {
            String cached = "package p;\n\nclass Cached extends Store {\n    @Override\n    public int count() {\n        return 2;\n    }\n}\n";
            Planned counted = planned("follow-return-type", "returnLong", Map.of("q/User.java", user, "Cached.java", cached), "Store.java", store,
                    store.replace("public int count()", "public long count()"), new TextPosition(3, 16), live);
            assertEquals("Follow Store.count()'s new return type long at 2 calls and 1 override (2 files)", counted.plan().title(), "live " + live);
            RefactorPlan plan = counted.plan();
            assertEquals(3, plan.sites().size());
            assertEquals(cached.replace("public int count()", "public long count()"), counted.edited().get("Cached.java"),
                    "an override written with the old type no longer overrides; live " + live);
            assertTrue(plan.sites().stream().allMatch(x -> x.fallback().optional()), "a local's new type is checked over its method");
            assertEquals(user.replace("final int total", "final long total").replace("int n = store.count()", "long n = store.count()"),
                    counted.edited().get("User.java"), "both planned; the compile check leaves `int n` (its method returns n + 1 as an int); live " + live);

            Planned found = planned("follow-return-type", "returnOptional", Map.of("q/User.java", user), "Store.java", store,
                    store.replace("public String find(String id) {", "public java.util.Optional<String> find(String id) {")
                            .replace("return id;", "return java.util.Optional.ofNullable(id);"), new TextPosition(7, 20), live);
            assertEquals("Follow Store.find()'s new return type java.util.Optional<String> at 2 calls (1 file)", found.plan().title(), "live " + live);
            List<List<String>> candidates = found.plan().sites().stream().map(x -> x.candidates().get()).toList();
            assertEquals(List.of(List.of(".orElseThrow()", ".orElse(null)"), List.of(".orElseThrow()")), candidates,
                    "the model chooses where null may stand; a value used at once must be there");
            assertEquals(user.replace("store.find(\"a\");", "store.find(\"a\").orElseThrow();").replace("store.find(\"b\").length()", "store.find(\"b\").orElseThrow().length()"),
                    found.edited().get("User.java"), "live " + live);
        }
        // Where every call that no longer fits is one the refactor can only note (an assignment), it is not offered.
        Path ws = Files.createDirectories(tmp.resolve("returnNotes/src/main/java/p"));
        Path storeFile = ws.resolve("Store.java");
        String changed = store.replace("public int count()", "public long count()");
        Files.writeString(storeFile, changed);
        Files.writeString(ws.resolve("Counter.java"), "package p;\n\nclass Counter {\n    int n;\n\n    void take(Store store) {\n        n = store.count();\n    }\n}\n");
        List<RefactorPlan> notes = plans(tmp.resolve("returnNotes"), storeFile, 3, 16, Optional.of(EditHistory.between(store, changed)));
        assertTrue(notes.stream().noneMatch(x -> x.name().equals("follow-return-type")), notes.toString());
    }

    /** A method that overrides one not throwing the exception may not throw it: both refactors say so, and do nothing. */
    @Test
    void anExceptionTheMethodMayNotThrowIsRefused() throws Exception {
        String task = "package p;\n\npublic class Task implements Runnable {\n    public void run() {\n    }\n}\n";
        String user = "package p;\n\nclass User {\n    void go(Task t) {\n        t.run();\n    }\n}\n";
        Planned planned = planned("declare-exception", "refusedException", Map.of("User.java", user), "Task.java", task,
                task.replace("public void run() {", "public void run() throws java.io.IOException {"), new TextPosition(3, 16), true);
        assertTrue(planned.plan().isRefused());
        assertEquals("run() may not throw IOException: it overrides Runnable.run(), which does not throw IOException; declare it there first,"
                + " or catch it in run()", planned.plan().refusal());
    }

    /**
     * A file the compiler gives up on: headless, the index read {@code AbstractShop} after the edit, so its shape
     * implements a {@code Shop} that is no more, and JDT stops compiling {@code User} at that ("The type Shop.Entry
     * cannot be resolved. It is indirectly referenced from required type p.AbstractShop") without a complaint at
     * any of its uses; nor inside a lambda it cannot type. They are renamed all the same: the old name's words in
     * code, where renaming them draws no complaint.
     */
    @Test
    void aFileTheCompilerGaveUpOnHasItsUsesRenamedToo() throws Exception {
        String shop = "package p;\n\npublic interface Shop {\n    String NAME = \"shop\";\n\n    interface Entry {\n        int count();\n    }\n\n    Entry first();\n}\n";
        String abstractShop = "package p;\n\nabstract class AbstractShop implements Shop {\n    public Shop.Entry first() {\n        return null;\n    }\n}\n";
        String user = "package p;\n\nclass User {\n    Shop.Entry of(AbstractShop s) {\n        Shop shop = s; // a Shop\n        return shop.first();\n    }\n}\n";
        // A lambda JDT cannot type (two overloads of Lazy.of fit it), so it reports nothing inside it.
        String lazy = """
                package p;

                class Lazy {
                    static <T> Lazy of(T value) {
                        return new Lazy();
                    }

                    static <T> Lazy of(java.util.function.Supplier<T> supplier) {
                        return new Lazy();
                    }

                    static Lazy name() {
                        return Lazy.of(() -> Shop.NAME + "s");
                    }
                }
                """;
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-type", "gaveUp", Map.of("AbstractShop.java", abstractShop, "User.java", user, "Lazy.java", lazy), "Shop.java", shop,
                    shop.replace("interface Shop", "interface Store"), new TextPosition(2, 22), live);
            assertEquals(abstractShop.replace("Shop.", "Store.").replace("implements Shop", "implements Store"), planned.edited().get("AbstractShop.java"), "live " + live);
            assertEquals(user.replace("Shop.Entry", "Store.Entry").replace("Shop shop", "Store shop"), planned.edited().get("User.java"), "live " + live);
            assertEquals(lazy.replace("Shop.NAME", "Store.NAME"), planned.edited().get("Lazy.java"), "live " + live);
        }
    }

    /**
     * A class's qualified name in text javac does not check: a string literal ({@code Class.forName("p.Shop")}, a
     * nested type's binary name {@code "p.Shop$Inner"}) and a resource that lists it (a {@code META-INF/services}
     * file); a comment, another name that starts so ({@code "p.Shopping"}) and a string elsewhere are left.
     */
    @Test
    void aClassesQualifiedNameInStringsAndResourcesIsRenamed() throws Exception {
        String shop = "package p;\n\npublic class Shop {\n    public static class Inner {\n    }\n}\n";
        String loader = """
                package q;

                class Loader {
                    // p.Shop is loaded by name
                    Object load() throws Exception {
                        Class.forName("p.Shopping");
                        Class.forName("p.Shop$Inner");
                        return Class.forName("p.Shop").getDeclaredConstructor().newInstance();
                    }
                }
                """;
        Map<String, String> others = Map.of("q/Loader.java", loader, "../resources/META-INF/services/p.Api", "# the shops\np.Shop\n");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-type", "renamedInText", others, "Shop.java", shop, shop.replace("class Shop {", "class Store {"),
                    new TextPosition(2, 18), live);
            assertEquals("Rename class Shop to Store, at its 3 qualified names in strings and resources in 2 files, and its file to Store.java",
                    planned.plan().title(), "live " + live);
            assertEquals(loader.replace("\"p.Shop$Inner\"", "\"p.Store$Inner\"").replace("forName(\"p.Shop\")", "forName(\"p.Store\")"),
                    planned.edited().get("Loader.java"), "live " + live);
            assertEquals("# the shops\np.Store\n", planned.edited().get("p.Api"), "live " + live);
        }
    }

    /**
     * A class renamed to a name that already means another type where it is used: the uses there are written
     * qualified ({@code p.List}; a single-type import of the class dropped), so each file keeps both meanings and
     * compiles. Refused, with a sentence that names the file, where the name is another type of the class's package
     * ({@code Store}), or where a file that sees the class by its simple name uses the name for another type the class
     * would hide ({@code String} from java.lang, {@code List} from two on-demand imports).
     */
    @Test
    void aClassRenamedToANameThatMeansAnotherTypeIsQualifiedOrRefused() throws Exception {
        String shop = "package p;\n\npublic class Shop {\n    public int size() {\n        return 1;\n    }\n}\n";
        String use = """
                package p;

                import java.util.List;

                class Use {
                    int total(Shop shop, List<Integer> sizes) {
                        return shop.size() + sizes.size();
                    }
                }
                """;
        String client = """
                package q;

                import java.util.*;
                import p.Shop;

                class Client {
                    List<String> names = new ArrayList<>();
                    Shop shop = new Shop();
                    Object type = p.Shop.class;
                }
                """;
        Map<String, String> others = Map.of("Use.java", use, "q/Client.java", client);
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-type", "renamedShopToList", others, "Shop.java", shop, shop.replace("class Shop", "class List"),
                    new TextPosition(2, 17), live);
            assertFalse(planned.plan().isRefused(), planned.plan().refusal());
            assertEquals(use.replace("(Shop shop", "(p.List shop"), planned.edited().get("Use.java"), "live " + live);
            assertEquals(client.replace("import p.Shop;\n", "").replace("    Shop shop = new Shop();", "    p.List shop = new p.List();")
                    .replace("p.Shop.class", "p.List.class"), planned.edited().get("Client.java"), "live " + live);
            assertEquals("List.java", planned.plan().fileRenames().values().iterator().next().getFileName().toString(), "live " + live);

            String store = "package p;\n\npublic class Store {\n}\n";
            Planned clash = planned("rename-type", "renamedShopToStore", Map.of("Use.java", use, "Store.java", store), "Shop.java", shop,
                    shop.replace("class Shop", "class Store"), new TextPosition(2, 17), live);
            assertTrue(clash.plan().isRefused(), "live " + live);
            assertTrue(clash.plan().sites().isEmpty());
            assertEquals("package p already has a type Store (src/main/java/p/Store.java), so Shop cannot be renamed to it: choose another "
                    + "name, or rename that type first", clash.plan().refusal(), "live " + live);

            String named = use.replace("List<Integer> sizes", "String name").replace("sizes.size()", "name.length()");
            Planned hidden = planned("rename-type", "renamedShopToString", Map.of("Use.java", named), "Shop.java", shop,
                    shop.replace("class Shop", "class String"), new TextPosition(2, 17), live);
            assertEquals("src/main/java/p/Use.java (line 6) uses String for another type, which Shop renamed to String would hide there: "
                    + "choose another name", hidden.plan().refusal(), "live " + live);

            String both = "package q;\n\nimport java.util.*;\nimport p.*;\n\nclass Both {\n    List<String> names;\n    Shop shop;\n}\n";
            Planned ambiguous = planned("rename-type", "renamedShopToListBeside", Map.of("q/Both.java", both), "Shop.java", shop,
                    shop.replace("class Shop", "class List"), new TextPosition(2, 17), live);
            assertTrue(ambiguous.plan().isRefused(), "two on-demand imports of a List: live " + live);
            assertTrue(ambiguous.plan().refusal().startsWith("src/main/java/q/Both.java (line 7) uses List"), ambiguous.plan().refusal());
        }
    }

    /** A class without uses whose name was retyped: its file alone moves to the new name. */
    @Test
    void aClassWithoutUsesRenamedMovesItsFile() throws Exception {
        String lone = "package p;\n\npublic record Lone(int size) {\n}\n";
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-type", "renamedLone", Map.of(), "Lone.java", lone, lone.replace("Lone(", "Single("),
                    new TextPosition(2, 20), live);
            assertEquals("Rename record Lone to Single, and its file to Single.java", planned.plan().title(), "live " + live);
            assertEquals(List.of("rename-type"), planned.offered(), "a record's header with its name retyped is no other change: live " + live);
            assertTrue(planned.plan().sites().isEmpty(), "live " + live);
            assertEquals("Single.java", planned.plan().fileRenames().values().iterator().next().getFileName().toString(), "live " + live);
        }
    }

    /**
     * A local variable whose name was retyped where it is declared: rename-variable renames the uses the compiler
     * bound to it before the edit (not the field of that name, nor another method's local), and so for a for-each
     * variable, a catch clause's and a lambda's parameters, and a pattern's variable ({@code o instanceof String s}). Not offered where the new name is another variable's in
     * the scope (a field used there), nor for a method's parameter (change-signature's), and apply-similar-edit is
     * not offered beside it.
     */
    @Test
    void aLocalVariableRenamedWhereItIsDeclaredIsRenamedAtItsUses() throws Exception {
        String tally = """
                package p;

                import java.util.List;
                import java.util.function.BinaryOperator;

                class Tally {
                    int count;
                    int limit;

                    int sum(List<Integer> items) {
                        int count = 0;
                        for (int item : items) {
                            count += item;
                        }
                        this.count = count;
                        return count;
                    }

                    int other() {
                        int count = 2;
                        return count + this.count;
                    }

                    BinaryOperator<Integer> add() {
                        return (a, b) -> a + b;
                    }

                    int parse(String s) {
                        try {
                            return Integer.parseInt(s);
                        } catch (NumberFormatException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    int over(List<Integer> items) {
                        int total = 0;
                        for (int item : items) {
                            total += item + limit;
                        }
                        return total;
                    }

                    String describe(Object o) {
                        if (o instanceof String s) {
                            return s.trim() + s.length();
                        }
                        return "";
                    }
                }
                """;
        for (boolean live : new boolean[] {true, false}) {
            String pattern = tally.replace("(o instanceof String s)", "(o instanceof String text)");
            Planned matched = planned("rename-variable", "renamedPattern", Map.of(), "Tally.java", tally, pattern, new TextPosition(44, 36), live);
            assertEquals(pattern.replace("return s.trim() + s.length();", "return text.trim() + text.length();"), matched.edited().get("Tally.java"),
                    "a pattern variable, live " + live);

            String after = tally.replace("        int count = 0;", "        int total = 0;");
            Planned planned = planned("rename-variable", "renamedLocal", Map.of(), "Tally.java", tally, after, new TextPosition(10, 17), live);
            assertEquals("Rename variable count to total, at its 3 uses", planned.plan().title(), "live " + live);
            assertEquals(after.replace("count += item;", "total += item;").replace("this.count = count;", "this.count = total;")
                    .replace("return count;", "return total;"), planned.edited().get("Tally.java"), "live " + live);
            assertFalse(planned.offered().contains("apply-similar-edit"), planned.offered().toString());

            after = tally.replace("for (int item : items) {\n            count", "for (int value : items) {\n            count");
            planned = planned("rename-variable", "renamedForEach", Map.of(), "Tally.java", tally, after, new TextPosition(11, 22), live);
            assertEquals(after.replace("count += item;", "count += value;"), planned.edited().get("Tally.java"), "live " + live);
            after = tally.replace("return (a, b) -> a + b;", "return (a, c) -> a + b;");
            planned = planned("rename-variable", "renamedLambda", Map.of(), "Tally.java", tally, after, new TextPosition(24, 20), live);
            assertEquals(tally.replace("return (a, b) -> a + b;", "return (a, c) -> a + c;"), planned.edited().get("Tally.java"), "live " + live);
            after = tally.replace("(NumberFormatException e) {", "(NumberFormatException cause) {");
            planned = planned("rename-variable", "renamedCatch", Map.of(), "Tally.java", tally, after, new TextPosition(30, 44), live);
            assertEquals(after.replace("IllegalStateException(e)", "IllegalStateException(cause)"), planned.edited().get("Tally.java"), "live " + live);

            // total -> limit: the field limit is used in the variable's scope; renaming would change what it means.
            String clash = tally.replace("        int total = 0;", "        int limit = 0;");
            assertFalse(offered("renamedClash" + live, tally, clash, new TextPosition(36, 17), live).contains("rename-variable"));
            Planned refused = planned("rename-variable", "renamedClashReason", Map.of(), "Tally.java", tally, clash, new TextPosition(36, 17), live);
            assertEquals("limit on line 39 is another variable (a field, or a local) in total's scope, so total cannot take its name: "
                    + "choose another name", refused.plan().refusal(), "live " + live);
            String parameter = tally.replace("int parse(String s) {", "int parse(String text) {");
            assertFalse(offered("renamedParameter" + live, tally, parameter, new TextPosition(27, 25), live).contains("rename-variable"));
        }
    }

    /** The refactors offered at {@code at} once Tally.java went from {@code before} to {@code after}. */
    private List<String> offered(String name, String before, String after, TextPosition at, boolean live) throws Exception {
        Path ws = tmp.resolve(name);
        Path file = Files.createDirectories(ws.resolve("src/main/java/p")).resolve("Tally.java");
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve(name + "-data")).build())) {
            RefactorService refactors = new RefactorService(session);
            edit(session, refactors, index, file, before, after, live);
            return refactors.plans(index, file, at, Optional.of(EditHistory.between(before, after))).stream().filter(p -> !p.isRefused())
                    .map(RefactorPlan::name).toList();
        } finally {
            session.close();
        }
    }

    /**
     * A field renamed to the name of a local variable or parameter in sight of some of its uses: those uses are
     * written qualified so they still read the field ({@code this.total}, {@code Counter.this.total} from a nested
     * class, {@code Counter.LIMIT} for a static field), the others bare; a use through a reference ({@code c.count})
     * is left as it is.
     */
    @Test
    void aFieldRenamedToANameALocalHasIsQualifiedWhereTheLocalWouldHideIt() throws Exception {
        String counter = """
                package p;

                import java.util.function.IntUnaryOperator;

                public class Counter {
                    int count;
                    static int max = 9;

                    int bump(int total) {
                        count += total;
                        return count;
                    }

                    int twice() {
                        int limit = max;
                        IntUnaryOperator times = total -> count * total;
                        return times.applyAsInt(limit) + count;
                    }

                    Runnable later(int total) {
                        return new Runnable() {
                            @Override
                            public void run() {
                                count += total;
                            }
                        };
                    }

                    class View {
                        int shown(int total) {
                            return count + total;
                        }
                    }

                    class Tally {
                        int total = 2;

                        int sum() {
                            return count * total;
                        }
                    }
                }
                """;
        String other = "package p;\n\nclass Other {\n    int read(Counter c) {\n        int total = 1;\n        return c.count + total;\n    }\n}\n";
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-field", "renamedCountToTotal", Map.of("Other.java", other), "Counter.java", counter,
                    counter.replace("    int count;", "    int total;"), new TextPosition(5, 10), live);
            String expected = counter.replace("    int count;", "    int total;")
                    .replace("count += total;\n        return count;", "this.total += total;\n        return this.total;")
                    .replace("total -> count * total;", "total -> this.total * total;")
                    .replace("times.applyAsInt(limit) + count;", "times.applyAsInt(limit) + total;")
                    .replace("return count + total;", "return Counter.this.total + total;")
                    .replace("            count += total;", "            Counter.this.total += total;")
                    .replace("return count * total;", "return Counter.this.total * total;");
            assertEquals(expected, planned.edited().get("Counter.java"), "live " + live);
            assertEquals(other.replace("c.count", "c.total"), planned.edited().get("Other.java"), "live " + live);

            // count -> total beside a supertype's or a subtype's field total: one would hide the other.
            String base = "package p;\n\nclass Base {\n    protected int total;\n}\n";
            String derived = counter.replace("public class Counter {", "public class Counter extends Base {");
            Planned hides = planned("rename-field", "renamedHidingBase", Map.of("Base.java", base), "Counter.java", derived,
                    derived.replace("    int count;", "    int total;"), new TextPosition(5, 10), live);
            assertEquals("Counter.count renamed total would hide Base.total (src/main/java/p/Base.java line 4) in Counter, and Counter's code "
                    + "that reads that field would read this one: choose another name", hides.plan().refusal(), "live " + live);
            String extra = "package p;\n\nclass Extra extends Counter {\n    int total;\n}\n";
            Planned hidden = planned("rename-field", "renamedHiddenByExtra", Map.of("Extra.java", extra), "Counter.java", counter,
                    counter.replace("    int count;", "    int total;"), new TextPosition(5, 10), live);
            assertEquals("Extra.total (src/main/java/p/Extra.java line 4) would hide Counter.count in Extra once it is renamed total, and "
                    + "Extra's code that reads it would read Extra's: choose another name", hidden.plan().refusal(), "live " + live);

            // count -> max: the type has a field max already.
            Planned twin = planned("rename-field", "renamedCountToMax", Map.of(), "Counter.java", counter,
                    counter.replace("    int count;", "    int max;"), new TextPosition(5, 10), live);
            assertEquals("Counter already has a field max (line 7), so count cannot take its name: choose another name, or rename that "
                    + "field first", twin.plan().refusal(), "live " + live);

            Planned statics = planned("rename-field", "renamedMaxToLimit", Map.of(), "Counter.java", counter,
                    counter.replace("static int max = 9;", "static int limit = 9;"), new TextPosition(6, 20), live);
            assertTrue(statics.edited().get("Counter.java").contains("int limit = Counter.limit;"), statics.edited().get("Counter.java"));
        }
    }

    /** An enum constant renamed where it is declared: qualified uses, a switch's case labels and the enum's own. */
    @Test
    void anEnumConstantRenamedWhereItIsDeclaredIsRenamedAtItsUses() throws Exception {
        String color = "package p;\n\npublic enum Color {\n    RED,\n    GREEN,\n    BLUE;\n\n    boolean warm() {\n        return this == RED;\n    }\n}\n";
        String paint = """
                package p;

                class Paint {
                    String name(Color c) {
                        switch (c) {
                            case RED:
                                return "red";
                            default:
                                return c == Color.GREEN ? "green" : "other";
                        }
                    }

                    Color first() {
                        return Color.RED;
                    }
                }
                """;
        String after = color.replace("    RED,", "    CRIMSON,");
        for (boolean live : new boolean[] {true, false}) {
            Planned planned = planned("rename-field", "renamedEnum", Map.of("Paint.java", paint), "Color.java", color, after, new TextPosition(3, 11), live);
            assertEquals("Rename field Color.RED to CRIMSON, at its 3 uses in 2 files", planned.plan().title(), "live " + live);
            assertEquals(after.replace("this == RED", "this == CRIMSON"), planned.edited().get("Color.java"), "live " + live);
            assertEquals(paint.replace("case RED:", "case CRIMSON:").replace("Color.RED;", "Color.CRIMSON;"), planned.edited().get("Paint.java"), "live " + live);
        }
    }

    /**
     * A generic record's header, its type parameters between its name and its components ({@code Box<T extends
     * Comparable<T>> (T value, String label)}), is read as it was before the edit too. Both components renamed: a
     * use inside a lambda the compiler cannot type until the use around it is renamed ({@code
     * Optional.ofNullable(label).map(l -> l + value)}) is found as well.
     */
    @Test
    void aGenericRecordsHeaderIsReadAsItWasBeforeTheEdit() throws Exception {
        String box = "package p;\n\nrecord Box<T extends Comparable<T>> (T value,\n        String label) {\n    boolean above(T other) {\n"
                + "        return value.compareTo(other) > 0;\n    }\n\n    java.util.Optional<String> shown() {\n"
                + "        return java.util.Optional.ofNullable(label).map(l -> l + value);\n    }\n}\n";
        String use = "package p;\n\nclass Use {\n    String show(Box<String> b) {\n        return b.value() + new Box<>(\"x\", \"y\").label();\n    }\n}\n";
        String after = box.replace("(T value,\n        String label)", "(String name,\n        T item)");
        for (boolean live : new boolean[] {true, false}) {
            Map<String, String> edited = changeSignature("generic", Map.of("Use.java", use), "Box.java", box, after, new TextPosition(2, 8), live).edited();
            assertEquals(after.replace("return value.compareTo", "return item.compareTo").replace("ofNullable(label).map(l -> l + value)",
                    "ofNullable(name).map(l -> l + item)"), edited.get("Box.java"), "live " + live);
            assertEquals(use.replace("b.value()", "b.item()").replace("new Box<>(\"x\", \"y\").label()", "new Box<>(\"y\", \"x\").name()"),
                    edited.get("Use.java"), "live " + live);
        }
    }

    /**
     * A functional interface's parameters reordered, all of one type ({@code apply(int w, int h)} -> {@code apply(int
     * h, int w)}): its lambdas still compile and would get their arguments swapped, so their parameters follow, each
     * name moving with the value it receives ({@code (a, b) -> a * 2 + b} -> {@code (b, a) -> a * 2 + b}); found by
     * resolving the files that may hold them. The same for change-signature with a list of the same length.
     */
    @Test
    void lambdasOfAReorderedFunctionalInterfaceFollow() throws Exception {
        String area = """
                package p;

                @FunctionalInterface
                interface Area {
                    int apply(int w, int h);
                }
                """;
        String shapes = """
                package p;

                class Shapes {
                    static final Area FRAME = (a, b) -> a * 2 + b;
                    static final Area TYPED = (int width, int height) -> width - height;

                    int use(Area area) {
                        return area.apply(3, 4);
                    }
                }
                """;
        String reordered = area.replace("int apply(int w, int h);", "int apply(int h, int w);");
        String changed = area.replace("int apply(int w, int h);", "int apply(int h, long scale);");
        for (boolean live : new boolean[] {true, false}) {
            for (String after : List.of(reordered, changed)) {
                boolean reorder = after.equals(reordered);
                Path ws = tmp.resolve("reordered-lambdas" + live + reorder);
                Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
                Path areaFile = dir.resolve("Area.java");
                Files.writeString(areaFile, area);
                Files.writeString(dir.resolve("Shapes.java"), shapes);
                ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
                try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("rl-data" + live + reorder)).build())) {
                    RefactorService refactors = new RefactorService(session);
                    edit(session, refactors, index, areaFile, area, after, live);
                    String name = reorder ? "reorder-parameters" : "change-signature";
                    List<RefactorPlan> plans = refactors.plans(index, areaFile, new TextPosition(lineOf(areaFile, "int apply("), 9),
                            Optional.of(EditHistory.between(area, after)));
                    RefactorPlan plan = plans.stream().filter(p -> p.name().equals(name)).findFirst()
                            .orElseThrow(() -> new AssertionError(name + " live " + live + ": " + plans));
                    String edited = editedFiles(plan).get("Shapes.java");
                    if (reorder) {
                        assertEquals("Reorder the arguments of Area.apply() to (h, w) at its 1 call site and 2 lambdas in 1 file", plan.title());
                        assertEquals(shapes.replace("(a, b) -> a * 2 + b", "(b, a) -> a * 2 + b").replace("(int width, int height)", "(int height, int width)")
                                .replace("area.apply(3, 4)", "area.apply(4, 3)"), edited, "live " + live);
                    } else {
                        // w dropped (a removed parameter its lambda still uses: left to the compile check), scale new.
                        assertEquals(shapes.replace("(a, b) -> a * 2 + b", "(b, scale) -> a * 2 + b")
                                .replace("(int width, int height)", "(int height, long scale)").replace("area.apply(3, 4)", "area.apply(4, 0L)"),
                                edited.replace("area.apply(4, 0)", "area.apply(4, 0L)"), "live " + live);
                    }
                } finally {
                    session.close();
                }
            }
        }
    }

    /**
     * A header on two lines whose parameters' line alone was edited: the edit's lines hold no method name, so the
     * header before it is read from the whole file as it was (change-signature, and reorder-parameters' old order).
     */
    @Test
    void aHeaderOnTwoLinesIsReadWhereOnlyItsParametersChanged() throws Exception {
        String util = """
                package p;

                class Util {
                    static int pad(
                            String text, String fill, int width) {
                        return width;
                    }

                    int use() {
                        return pad("a", "-", 3);
                    }
                }
                """;
        Map<String, String> edits = Map.of("change-signature", "int width, String text)", "reorder-parameters", "String fill, String text, int width)");
        for (var e : edits.entrySet()) {
            Path ws = tmp.resolve("two-lines-" + e.getKey());
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path file = dir.resolve("Util.java");
            String after = util.replace("String text, String fill, int width)", e.getValue());
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("two-lines-data" + e.getKey())).build())) {
                RefactorService refactors = new RefactorService(session);
                edit(session, refactors, index, file, util, after, true);
                RefactorPlan plan = refactors.plans(index, file, new TextPosition(lineOf(file, "static int pad("), 16), Optional.of(EditHistory.between(util, after)))
                        .stream().filter(p -> p.name().equals(e.getKey())).findFirst().orElseThrow(() -> new AssertionError(e.getKey()));
                assertTrue(editedFiles(plan).get("Util.java").contains(e.getKey().equals("change-signature") ? "return pad(3, \"a\");" : "return pad(\"-\", \"a\", 3);"),
                        editedFiles(plan).get("Util.java"));
            } finally {
                session.close();
            }
        }
    }

    /**
     * Javadoc references to a method by its types ({@code {@link #area(int)}}, {@code @see Box#area(int)}) follow a
     * parameter added or removed, as they follow change-signature and reorder-parameters; a reference to an
     * overload of other types is left alone.
     */
    @Test
    void javadocReferencesByTypeFollowAnAddedOrRemovedParameter() throws Exception {
        String box = """
                package p;

                /** Areas: {@link #area(int)}, and {@link #area(String)} for names. */
                public class Box {
                    public int area(int w) {
                        return w * w;
                    }

                    public int area(String name) {
                        return name.length();
                    }

                    int use() {
                        return area(2);
                    }
                }
                """;
        String user = "package p;\n\n/** @see Box#area(int) */\nclass User {\n    int size(Box b, int h) {\n        return b.area(h);\n    }\n}\n";
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("add-parameter", new String[] {"public int area(int w)", "public int area(int w, int h)", "area(int, int)"});
        cases.put("remove-parameter", new String[] {"public int area(int w)", "public int area()", "area()"});
        for (var c : cases.entrySet()) {
            Path ws = tmp.resolve("links-" + c.getKey());
            Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
            Path boxFile = dir.resolve("Box.java");
            Files.writeString(dir.resolve("User.java"), user);
            String after = box.replace(c.getValue()[0], c.getValue()[1]).replace("return w * w;", c.getKey().equals("add-parameter") ? "return w * h;" : "return 1;");
            ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("links-data" + c.getKey())).build())) {
                RefactorService refactors = new RefactorService(session);
                edit(session, refactors, index, boxFile, box, after, true);
                RefactorPlan plan = refactors.plans(index, boxFile, new TextPosition(lineOf(boxFile, c.getValue()[1]), 16), Optional.of(EditHistory.between(box, after)))
                        .stream().filter(p -> p.name().equals(c.getKey())).findFirst().orElseThrow(() -> new AssertionError(c.getKey()));
                Map<String, String> edited = editedFiles(plan);
                assertTrue(edited.get("Box.java").contains("/** Areas: {@link #" + c.getValue()[2] + "}, and {@link #area(String)} for names. */"),
                        edited.get("Box.java"));
                assertTrue(edited.get("User.java").contains("/** @see Box#" + c.getValue()[2] + " */"), edited.get("User.java"));
            } finally {
                session.close();
            }
        }
    }

    /**
     * An enum constant's body is an anonymous class of its enum: an abstract method added to the enum is implemented
     * in every constant body (the constants without one could not compile, and get none); an anonymous class whose
     * type is written qualified ({@code new Shapes.Base() {...}}) is found too. A parameter added to the enum's
     * abstract method reaches the constants' overrides.
     */
    @Test
    void enumConstantBodiesAndQualifiedAnonymousClassesAreImplementations() throws Exception {
        Path ws = tmp.resolve("constant-bodies");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path op = dir.resolve("Op.java");
        String opText = """
                package p;

                enum Op {
                    PLUS("+") {
                        @Override
                        int apply(int a, int b) {
                            return a + b;
                        }
                    },
                    TIMES("*") {
                        @Override
                        int apply(int a, int b) {
                            return a * b;
                        }
                    };

                    final String symbol;

                    Op(String symbol) {
                        this.symbol = symbol;
                    }

                    abstract int apply(int a, int b);

                    abstract String describe();
                }
                """;
        Files.writeString(op, opText);
        Path shapes = dir.resolve("Shapes.java");
        Files.writeString(shapes, """
                package p;

                class Shapes {
                    abstract static class Base {
                        abstract double area();

                        abstract String name();
                    }

                    static Base unit() {
                        return new Shapes.Base() {
                            @Override
                            double area() {
                                return 1;
                            }
                        };
                    }
                }
                """);
        List<Site> sites = plans(ws, op, lineOf(op, "abstract String describe();"), 20, Optional.empty()).stream()
                .filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow().sites();
        List<Integer> starts = sites.stream().map(Site::start).sorted().toList();
        assertEquals(2, starts.size(), "one in each constant's body");
        assertTrue(starts.get(0) > opText.indexOf("PLUS(") && starts.get(0) < opText.indexOf("TIMES("), starts.toString());
        assertTrue(starts.get(1) > opText.indexOf("TIMES(") && starts.get(1) < opText.indexOf("final String symbol"), starts.toString());
        assertEquals(List.of("Shapes.java"), plans(ws, shapes, lineOf(shapes, "abstract String name();"), 20, Optional.empty()).stream()
                .filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow().sites().stream()
                .map(x -> x.file().getFileName().toString()).toList());
        // A parameter added to the enum's abstract method: the constants' overrides take it.
        addParameterAfterEdit(ws, op, opText, opText.replace("abstract int apply(int a, int b);", "abstract int apply(int a, int b, boolean exact);"),
                false, "abstract int apply", 17, (plan, index) -> assertEquals(2, plan.orElseThrow().sites().stream()
                        .filter(x -> lineText(x, "boolean exact").equals("int apply(int a, int b, boolean exact) {")).count()));
    }

    /**
     * A body written on one line ({@code record Shout(String name) implements Named {}}, an anonymous class's) gets
     * the method on lines of its own and its closing brace on the next; an empty body gets no blank line first.
     */
    @Test
    void oneLineBodiesGetTheMethodOnLinesOfTheirOwn() throws Exception {
        Path ws = tmp.resolve("one-line");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path named = dir.resolve("Named.java");
        Files.writeString(named, "package p;\n\npublic interface Named {\n    String name();\n\n    int size();\n}\n");
        Files.writeString(dir.resolve("Shout.java"), "package p;\n\npublic record Shout(String name) implements Named {}\n");
        Files.writeString(dir.resolve("Quiet.java"), """
                package p;

                class Quiet {
                    static Named anon() {
                        return new Named() { public String name() { return "q"; } };
                    }
                }
                """);
        List<Site> sites = plans(ws, named, lineOf(named, "int size();"), 8, Optional.empty()).stream()
                .filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow().sites();
        String body = "throw new UnsupportedOperationException(\"size is not implemented yet\");";
        Map<String, String> edited = sites.stream().collect(Collectors.toMap(x -> x.file().getFileName().toString(), x -> {
            try {
                return applied(x, x.finish().apply(""));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        assertEquals("package p;\n\npublic record Shout(String name) implements Named {\n    @Override\n    public int size() {\n        " + body
                + "\n    }\n}\n", edited.get("Shout.java"));
        assertTrue(edited.get("Quiet.java").contains("return new Named() { public String name() { return \"q\"; }\n\n            @Override\n"
                + "            public int size() {\n                " + body + "\n            }\n        };\n"), edited.get("Quiet.java"));
    }

    /**
     * An abstract class's new abstract method is implemented with the access it was declared with (protected stays
     * protected, package-private stays so: no wider than the class made it), in the concrete subclasses and in an
     * anonymous one; an abstract subclass gets nothing (its concrete subclasses do).
     */
    @Test
    void anAbstractClassesMethodIsImplementedWithItsAccess() throws Exception {
        Path ws = tmp.resolve("abstract-access");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path shape = dir.resolve("Shape.java");
        Files.writeString(shape, """
                package p;

                public abstract class Shape {
                    protected abstract String label(int depth);

                    abstract double area();
                }
                """);
        Files.writeString(dir.resolve("Polygon.java"), "package p;\n\nabstract class Polygon extends Shape {\n}\n");
        Files.writeString(dir.resolve("Square.java"), "package p;\n\nclass Square extends Polygon {\n}\n");
        Files.writeString(dir.resolve("Shapes.java"), """
                package p;

                class Shapes {
                    static Shape dot() {
                        return new Shape() {
                        };
                    }
                }
                """);
        for (String header : List.of("protected String label(int depth) {", "double area() {")) {
            String declared = header.contains("label") ? "protected abstract String label" : "abstract double area";
            List<Site> sites = plans(ws, shape, lineOf(shape, declared), declared.length() - 2, Optional.empty()).stream()
                    .filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow().sites();
            assertEquals(List.of("Shapes.java", "Square.java"), sites.stream().map(x -> x.file().getFileName().toString()).sorted().toList());
            for (Site site : sites) {
                String edited = applied(site, site.finish().apply(""));
                assertTrue(java.util.regex.Pattern.compile("@Override\\n\\s+" + java.util.regex.Pattern.quote(header) + "\\n").matcher(edited).find(), edited);
            }
        }
    }

    /**
     * A method added to a generic interface is implemented with the types each implementation binds its type
     * variables to: by its clause ({@code Conv<String, Integer>}), through an abstract class between ({@code
     * Base<Y> implements Conv<Y, Long>}, {@code Count extends Base<String>}), by a generic class's own variable, raw (the
     * erasure of the whole signature), and in an anonymous class ({@code new Conv<Long, String>() {...}}); a type variable of the method
     * itself stays. Every file compiles with the sites filled.
     */
    @Test
    void implementationsOfAGenericInterfaceNameTheTypesTheyBind() throws Exception {
        Path ws = tmp.resolve("generic");
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path conv = dir.resolve("Conv.java");
        Files.writeString(conv, """
                package p;

                public interface Conv<I, O extends Comparable<O>> {
                    O conv(I in);

                    <R> R twice(I in, O seed, R extra);
                }
                """);
        Files.writeString(dir.resolve("Convs.java"), """
                package p;

                import java.util.List;

                public class Convs {
                    static class Length implements Conv<String, Integer> {
                        @Override
                        public Integer conv(String in) {
                            return in.length();
                        }
                    }

                    static class Wrap<X> implements Conv<List<X>, String> {
                        @Override
                        public String conv(List<X> in) {
                            return in.toString();
                        }
                    }

                    abstract static class Base<Y> implements Conv<Y, Long> {
                    }

                    static class Count extends Base<String> {
                        @Override
                        public Long conv(String in) {
                            return 1L;
                        }
                    }

                    @SuppressWarnings({"rawtypes", "unchecked"})
                    static class Raw implements Conv {
                        @Override
                        public Comparable conv(Object in) {
                            return null;
                        }
                    }

                    static final Conv<Long, String> SHOW = new Conv<Long, String>() {
                        @Override
                        public String conv(Long in) {
                            return "" + in;
                        }
                    };
                }
                """);
        ServerSession session = new ServerSession(s -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("generic-data")).build())) {
            index.build();
            RefactorPlan plan = new RefactorService(session).plans(index, conv, new TextPosition(lineOf(conv, "R twice"), 12), Optional.empty())
                    .stream().filter(p -> p.name().equals("implement-method")).findFirst().orElseThrow();
            Set<String> signatures = plan.sites().stream().map(s -> s.before().strip().lines().toList().get(1).strip()).collect(Collectors.toSet());
            assertEquals(Set.of("public <R> R twice(String in, Integer seed, R extra) {", "public <R> R twice(List<X> in, String seed, R extra) {",
                    "public <R> R twice(String in, Long seed, R extra) {", "public Object twice(Object in, Comparable seed, Object extra) {",
                    "public <R> R twice(Long in, String seed, R extra) {"), signatures);
            Path convs = dir.resolve("Convs.java");
            String filled = withAll(Files.readString(convs), plan.sites(), s -> s.fallback().text());
            assertEquals(List.of(), index.compileErrors(convs, filled).stream().map(e -> e.message()).toList(), filled);
        } finally {
            session.close();
        }
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
        // Other calls passing a quantity(): in OrderService and both of Checkout.buyTwo's, never the edited line.
        assertTrue(plan.sites().size() >= 3, plan.toString());
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
        // after a type: no place for a parameter. The other declarations ending in "int quantity)" are.
        List<String> similarLines = similarEdit(ws, inventory, line, "int quantity)", "int quantity, String customerId)").stream()
                .flatMap(p -> p.sites().stream()).map(s -> lineText(s)).toList();
        assertEquals(List.of("public void add(String sku, int quantity) {",
                "public boolean transfer(Inventory from, Inventory to, String sku, int quantity) {"), similarLines);
    }

    @Test
    void aRenamedExceptionIsOfferedAtEverySimilarThrowAndNotInJavadocOrCatches() throws Exception {
        Path ws = tmp.resolve("ws");
        Path pkg = Files.createDirectories(ws.resolve("src/main/java/demo"));
        // More throws than the lexical index's 40 best windows, two of them in one file, a few lines apart.
        for (int i = 0; i < 45; i++) {
            Files.writeString(pkg.resolve("Holder" + i + ".java"), """
                    package demo;

                    public class Holder%d {
                        private final Object value;
                        private final Object other;

                        /**
                         * @throws NullPointerException if the value is null
                         */
                        public Holder%d(Object value, Object other) {
                            if (value == null) {
                                throw new NullPointerException("Value must not be null");
                            }
                            if (other == null) {
                                throw new NullPointerException("Other must not be null");
                            }
                            this.value = value;
                            this.other = other;
                        }

                        public String describe() {
                            try {
                                return value.toString();
                            } catch (final NullPointerException e) {
                                return "none";
                            }
                        }
                    }
                    """.formatted(i, i));
        }
        Path edited = pkg.resolve("Holder0.java");
        int line = lineOf(edited, "throw new NullPointerException(\"Value must not be null\");");
        RefactorPlan plan = similarEdit(ws, edited, line, "NullPointer", "IllegalArgument").orElseThrow();
        assertEquals(89, plan.sites().size(), plan.title());
        assertTrue(plan.title().contains("89 similar places in 45 file(s)"), plan.title());
        // The title shows whole words, not the changed core (`NullPointer` -> `IllegalArgument`).
        assertTrue(plan.title().startsWith("Apply this edit (`NullPointerException` -> `IllegalArgumentException`)"), plan.title());
        for (Site s : plan.sites()) {
            assertTrue(lineText(s).startsWith("throw new NullPointerException("), lineText(s));
            // The same word changed the same way: decided without the model.
            assertEquals(List.of("IllegalArgument"), s.candidates().get());
        }
    }

    /** An edit that brings in a type the edited file imports brings the import to the places' files too. */
    @Test
    void aTypeTheEditBringsInIsImportedWhereTheEditGoes() throws Exception {
        Path ws = tmp.resolve("ws");
        Path pkg = Files.createDirectories(ws.resolve("src/main/java/demo"));
        for (String name : List.of("First", "Second")) {
            Files.writeString(pkg.resolve(name + ".java"), """
                    package demo;

                    import java.util.List;
                    %s
                    class %s {
                        int size(List<String> items) {
                            if (items == null) throw new IllegalArgumentException("items");
                            return items.size();
                        }
                    }
                    """.formatted(name.equals("First") ? "import java.util.Objects;\n" : "", name));
        }
        Path first = pkg.resolve("First.java");
        int line = lineOf(first, "if (items == null)");
        RefactorPlan plan = similarEdit(ws, first, line, "if (items == null) throw new IllegalArgumentException(\"items\");",
                "Objects.requireNonNull(items, \"items\");").orElseThrow();
        assertEquals(2, plan.sites().size(), plan.toString());
        Site imported = plan.sites().get(1);
        assertEquals("Second.java", imported.file().getFileName().toString());
        String withImport = applied(imported, imported.candidates().get().getFirst());
        assertTrue(withImport.startsWith("package demo;\n\nimport java.util.List;\nimport java.util.Objects;\n"), withImport);
        assertTrue(imported.fallback().optional(), "as optional as the place it serves");
    }

    /** The apply-similar-edit plan after {@code from} was replaced by {@code to} on line {@code line} of {@code file}. */
    /**
     * An expression replaced whole ({@code chars.length() == 0} -> {@code chars.isEmpty()}) is offered wherever it
     * stands as it did, whatever the line around it looks like and wherever the expression ends there (a condition,
     * a return, an argument); not where it is part of a larger expression ({@code s.length() == 0 ? 1 : 2}).
     */
    @Test
    void aReplacedExpressionIsOfferedWhereverItEndsAnExpression() throws Exception {
        Path ws = tmp.resolve("expression");
        Path pkg = Files.createDirectories(ws.resolve("src/main/java/demo"));
        Path checks = pkg.resolve("Checks.java");
        Files.writeString(checks, """
                package demo;

                class Checks {
                    static void require(CharSequence chars) {
                        if (chars.length() == 0) {
                            throw new IllegalArgumentException();
                        }
                    }

                    static boolean blank(CharSequence cs) {
                        return cs == null || cs.length() == 0;
                    }

                    static int weight(String s) {
                        return s.length() == 0 ? 1 : 2;
                    }

                    static boolean both(String a, String b) {
                        return java.util.Objects.equals(a.length() == 0, b.isEmpty());
                    }
                }
                """);
        RefactorPlan plan = similarEdit(ws, checks, lineOf(checks, "if (chars.length() == 0) {"), "length() == 0", "isEmpty()").orElseThrow();
        assertEquals(List.of("return cs == null || cs.isEmpty();", "return java.util.Objects.equals(a.isEmpty(), b.isEmpty());"),
                plan.sites().stream().map(x -> lineText(x, "isEmpty()")).toList());
    }

    /** A plan and the files it edits, by name (each site given its first candidate). */
    private record Planned(RefactorPlan plan, Map<String, String> edited, List<String> offered) {
    }

    /**
     * The change-signature plan at {@code at} once {@code file} (in package p, beside the {@code others}: file name to
     * text) went from {@code before} to {@code after}, in an editor session or in an index built after the edit
     * ({@code live}), and the files it edits.
     */
    private Planned changeSignature(String name, Map<String, String> others, String file, String before, String after, TextPosition at,
                                    boolean live) throws Exception {
        return planned("change-signature", name, others, file, before, after, at, live);
    }

    /**
     * {@link #changeSignature} for the refactor {@code refactor}; an other file's name with a folder ({@code
     * "q/User.java"}) is in that package instead.
     */
    private Planned planned(String refactor, String name, Map<String, String> others, String file, String before, String after, TextPosition at,
                            boolean live) throws Exception {
        Path ws = tmp.resolve(name + live);
        Path dir = Files.createDirectories(ws.resolve("src/main/java/p"));
        for (Map.Entry<String, String> other : others.entrySet()) {
            Path to = other.getKey().contains("/") ? ws.resolve("src/main/java").resolve(other.getKey()) : dir.resolve(other.getKey());
            Files.createDirectories(to.getParent());
            Files.writeString(to, other.getValue());
        }
        Path edited = dir.resolve(file);
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve(name + "-data" + live)).build())) {
            RefactorService refactors = new RefactorService(session);
            edit(session, refactors, index, edited, before, after, live);
            List<RefactorPlan> plans = refactors.plans(index, edited, at, Optional.of(EditHistory.between(before, after)));
            RefactorPlan plan = plans.stream().filter(p -> p.name().equals(refactor)).findFirst()
                    .orElseThrow(() -> new AssertionError(refactor + " " + name + " live " + live + ": " + plans));
            return new Planned(plan, editedFiles(plan), plans.stream().map(RefactorPlan::name).toList());
        } finally {
            session.close();
        }
    }

    private Optional<RefactorPlan> similarEdit(Path ws, Path file, int line, String from, String to) throws Exception {
        String before = Files.readAllLines(file).get(line);
        var edit = new EditHistory.Edit(before, before.replace(from, to), line, line);
        return plans(ws, file, line, 20, Optional.of(edit)).stream().filter(p -> p.name().equals("apply-similar-edit")).findFirst();
    }

    /**
     * The plan's files, by name, with every site given its first candidate (its fallback where it has none), the
     * last site of a file first.
     */
    private static Map<String, String> editedFiles(RefactorPlan plan) throws java.io.IOException {
        Map<String, String> edited = new java.util.TreeMap<>();
        for (Site x : plan.sites().stream().sorted(java.util.Comparator.comparingInt(Site::start).reversed()).toList()) {
            String name = x.file().getFileName().toString();
            String text = edited.containsKey(name) ? edited.get(name) : Files.readString(x.file());
            List<String> choices = x.candidates().get();
            String answer = choices.isEmpty() ? x.fallback().text() : choices.getFirst();
            edited.put(name, text.substring(0, x.start()) + x.before() + answer + x.after() + text.substring(x.end()));
        }
        return edited;
    }

    /** {@code text} (of the sites' one file) with every site given {@code answer}'s text, the last site first. */
    private static String withAll(String text, List<Site> sites, java.util.function.Function<Site, String> answer) {
        String out = text;
        for (Site s : sites.stream().sorted((x, y) -> Integer.compare(y.start(), x.start())).toList()) {
            out = out.substring(0, s.start()) + s.before() + answer.apply(s) + s.after() + out.substring(s.end());
        }
        return out;
    }

    /** The site's file with {@code answer} put in at the site. */
    private static String applied(Site s, String answer) throws java.io.IOException {
        String text = Files.readString(s.file());
        return text.substring(0, s.start()) + s.before() + answer + s.after() + text.substring(s.end());
    }

    /** The stripped line of the site once {@code answer} is put in. */
    private static String lineText(Site s, String answer) {
        try {
            String text = applied(s, answer);
            return text.lines().toList().get(lineOfOffset(text, s.start())).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
