package dev.quicksilver.index;

import dev.quicksilver.index.ContextSegment.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** contextFor on the fixture: segment kinds, their order, their sources, and the budget. */
class ContextAssemblyTest {
    @TempDir
    static Path base;
    static FixtureWorkspace fixture;
    static WorkspaceIndex index;
    static DocumentSnapshot report;
    /** Line 19, column 8: the start of {@code return label.trim() + new Square(3).name().length();}. */
    static final TextPosition CURSOR = new TextPosition(19, 8);
    static int cursorOffset;

    @BeforeAll
    static void build() throws IOException {
        fixture = FixtureWorkspace.create(base);
        index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build());
        index.build();
        report = new DocumentSnapshot(fixture.path("src/main/java/demo/app/Report.java"), FixtureWorkspace.REPORT);
        int offset = 0;
        for (int line = 0; line < CURSOR.line(); line++) offset = report.text().indexOf('\n', offset) + 1;
        cursorOffset = offset + CURSOR.column();
    }

    @AfterAll
    static void close() {
        index.close();
    }

    @Test
    void withRoomForEverythingTheSegmentsComeInTheDocumentedOrder() {
        Context context = index.contextFor(report, CURSOR, 4000, TokenCounter.approximate());
        List<Kind> kinds = context.segments().stream().map(ContextSegment::kind).toList();
        assertEquals(Kind.PREFIX, kinds.get(0));
        assertEquals(Kind.SUFFIX, kinds.get(1));
        assertEquals(report.text().substring(0, cursorOffset), context.prefix().orElseThrow().text());
        assertEquals(report.text().substring(cursorOffset), context.suffix().orElseThrow().text());
        assertEquals(0, context.prefix().orElseThrow().startLine());
        assertEquals(19, context.suffix().orElseThrow().startLine());

        // Declarations: Square is used on the cursor line, Shape's members one line up, Circle two lines up.
        List<ContextSegment> declarations = context.ofKind(Kind.DECLARATION);
        assertEquals(List.of("Square.java", "Shape.java", "Circle.java"),
                declarations.stream().limit(3).map(s -> s.path().getFileName().toString()).toList());
        ContextSegment shape = declarations.get(1);
        assertTrue(shape.text().startsWith("/** A plane figure. */\npublic interface Shape {\n"), shape.text());
        assertTrue(shape.text().contains("    /** Area of the shape, in square units. */\n    double area();\n"), shape.text());
        assertFalse(declarations.stream().anyMatch(s -> s.path().equals(report.path())),
                "Report's own declarations are already in the windows");

        List<ContextSegment> similar = context.ofKind(Kind.SIMILAR);
        assertFalse(similar.isEmpty());
        assertTrue(similar.stream().noneMatch(s -> s.path().equals(report.path())), "similar snippets come from other files");
        assertTrue(similar.stream().anyMatch(s -> s.path().endsWith("Totals.java")), similar.toString());
        int lastDeclaration = kinds.lastIndexOf(Kind.DECLARATION);
        assertTrue(lastDeclaration < kinds.indexOf(Kind.SIMILAR));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 10, 40, 120, 300, 1000, 5000})
    void theBudgetIsNeverExceededAndWindowsHugTheCursor(int budget) {
        TokenCounter counter = TokenCounter.approximate();
        Context context = index.contextFor(report, CURSOR, budget, counter);
        assertTrue(context.tokens() <= budget, context.tokens() + " > " + budget);
        assertEquals(context.tokens(), context.segments().stream().mapToInt(ContextSegment::tokens).sum());
        for (ContextSegment s : context.segments()) assertEquals(counter.count(s.text()), s.tokens());
        List<Kind> kinds = context.segments().stream().map(ContextSegment::kind).toList();
        for (int i = 1; i < kinds.size(); i++) assertTrue(kinds.get(i - 1).compareTo(kinds.get(i)) <= 0, kinds.toString());
        context.prefix().ifPresent(p -> assertTrue(report.text().substring(0, cursorOffset).endsWith(p.text())));
        context.suffix().ifPresent(s -> assertTrue(report.text().substring(cursorOffset).startsWith(s.text())));
        if (budget >= 40) assertTrue(context.prefix().isPresent(), "the prefix comes first");
    }

    @Test
    void aSmallBudgetGoesToThePrefixFirstAndKeepsTheNearestLines() {
        Context context = index.contextFor(report, CURSOR, 40, TokenCounter.approximate());
        String prefix = context.prefix().orElseThrow().text();
        assertTrue(prefix.endsWith("        String label = c.name() + \" \" + c.area();\n        "), prefix);
        assertFalse(prefix.contains("package demo.app;"));
    }

    @Test
    void theCallersTokenCounterIsTheMeasure() {
        TokenCounter words = text -> text.isBlank() ? 0 : text.strip().split("\\s+").length;
        Context context = index.contextFor(report, CURSOR, 25, words);
        assertTrue(context.tokens() <= 25);
        for (ContextSegment s : context.segments()) assertEquals(words.count(s.text()), s.tokens());
    }

    @Test
    void freshlyTypedCodeFindsDeclarationsByName() {
        // RoundedSquare is not used in the indexed Report; the live buffer mentions it next to the cursor.
        String edited = FixtureWorkspace.REPORT.replace("        return label.trim()", "        RoundedSquare r = null;\n        return label.trim()");
        DocumentSnapshot live = new DocumentSnapshot(report.path(), edited);
        Context context = index.contextFor(live, new TextPosition(20, 8), 4000, TokenCounter.approximate());
        assertTrue(context.ofKind(Kind.DECLARATION).stream().anyMatch(s -> s.path().endsWith("RoundedSquare.java")),
                context.ofKind(Kind.DECLARATION).toString());
    }

    /** A record's skeleton is its header and members: its implicit canonical constructor would say the header again. */
    @Test
    void aRecordsImplicitConstructorIsNotRepeatedInItsSkeleton() throws IOException {
        Path ws = base.resolve("records");
        java.nio.file.Files.createDirectories(ws.resolve("src/main/java/m"));
        java.nio.file.Files.writeString(ws.resolve("src/main/java/m/Money.java"),
                "package m;\n\npublic record Money(long cents, String currency) {\n    public Money twice() {\n        return new Money(cents * 2, currency);\n    }\n}\n");
        String use = "package m;\n\nclass Till {\n    Money total(Money a) {\n        return a.twice();\n    }\n}\n";
        java.nio.file.Files.writeString(ws.resolve("src/main/java/m/Till.java"), use);
        try (WorkspaceIndex records = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(base.resolve("records-data")).build())) {
            records.build();
            assertTrue(records.declarationsNamed("Money").stream().anyMatch(d -> d.kind() == SymbolKind.CONSTRUCTOR
                    && d.signature().equals("public Money(long cents, String currency)")), "the index lists the implicit constructor");
            Context context = records.contextFor(new DocumentSnapshot(ws.resolve("src/main/java/m/Till.java"), use), new TextPosition(4, 8), 4000,
                    TokenCounter.approximate());
            ContextSegment money = context.ofKind(Kind.DECLARATION).stream().filter(x -> x.path().endsWith("Money.java")).findFirst().orElseThrow();
            assertTrue(money.text().contains("public record Money(long cents, String currency) {\n    public Money twice();\n}"), money.text());
        }
    }

    @Test
    void positionsOutsideTheDocumentAreClamped() {
        Context end = index.contextFor(report, new TextPosition(500, 3), 5000, TokenCounter.approximate());
        assertEquals(report.text(), end.prefix().orElseThrow().text());
        assertTrue(end.suffix().isEmpty());
        Context pastLine = index.contextFor(report, new TextPosition(0, 999), 5000, TokenCounter.approximate());
        assertEquals("package demo.app;", pastLine.prefix().orElseThrow().text());
    }
}
