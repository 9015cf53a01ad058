package dev.quicksilver.index;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed index on the fixture workspace: every expected answer is written out by hand. */
class JavaIndexTest {
    private static final String SHAPE_AREA = "Ldemo/shapes/Shape;.area()D";

    @TempDir
    static Path base;
    static FixtureWorkspace fixture;
    static WorkspaceIndex index;
    static IndexStats stats;
    static Set<Path> filesBefore;

    @BeforeAll
    static void build() throws IOException {
        fixture = FixtureWorkspace.create(base);
        filesBefore = listTree(fixture.root);
        index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build());
        stats = index.build();
    }

    @AfterAll
    static void close() {
        index.close();
    }

    private static String where(SourceLocation l) {
        return fixture.root.relativize(l.path()) + ":" + l.range().startLine() + ":" + l.range().startColumn();
    }

    @Test
    void callSitesOfAnInterfaceMethodAreTheCallsThroughThatInterface() {
        List<String> sites = index.callSites(SHAPE_AREA).stream().map(c -> where(c.location())).toList();
        assertEquals(List.of(
                "src/main/java/demo/app/Report.java:11:19",
                "src/main/java/demo/app/Report.java:18:40",
                "src/main/java/demo/app/Totals.java:9:19"), sites);
        assertEquals("Ldemo/app/Report;.total(Ljava/util/List<Ldemo/shapes/Shape;>;)D",
                index.callSites(SHAPE_AREA).getFirst().callerKey());
    }

    @Test
    void superCallsConstructorsAndJdkMethodsResolve() {
        assertEquals(List.of("src/main/java/demo/shapes/RoundedSquare.java:14:15"),
                index.callSites("Ldemo/shapes/Square;.area()D").stream().map(c -> where(c.location())).toList());
        assertEquals(List.of("src/main/java/demo/app/Report.java:17:18"),
                index.callSites("Ldemo/shapes/Circle;.(D)V").stream().map(c -> where(c.location())).toList());
        assertEquals(List.of("src/main/java/demo/app/Report.java:19:30"),
                index.callSites("Ljava/lang/String;.length()I").stream().map(c -> where(c.location())).toList());
    }

    @Test
    void aJarFromTheLocalMavenRepositoryResolves() {
        assertEquals(List.of("src/main/java/demo/app/Greeting.java:6:15"),
                index.callSites("Lcom/example/lib/Greeter;.greet(Ljava/lang/String;)Ljava/lang/String;").stream()
                        .map(c -> where(c.location())).toList());
        assertTrue(stats.classpath().stream().anyMatch(p -> p.endsWith("lib-1.0.jar")), stats.classpath().toString());
        assertTrue(index.problems().stream().anyMatch(p -> p.reason() == IndexProblem.Reason.MISSING_DEPENDENCY
                && p.detail().startsWith("com.example:absent:9.9")), index.problems().toString());
    }

    @Test
    void implementationsOfAMethodFollowOverridesTransitively() {
        assertEquals(List.of("Circle.area", "RoundedSquare.area", "Square.area"), names(index.implementations(SHAPE_AREA)));
        assertEquals(List.of("RoundedSquare.area"), names(index.implementations("Ldemo/shapes/Square;.area()D")));
        assertEquals(List.of(), index.implementations("Ldemo/shapes/Circle;.area()D"));
    }

    @Test
    void implementationsOfATypeAreItsSubtypes() {
        assertEquals(List.of("demo.shapes.Circle", "demo.shapes.RoundedSquare", "demo.shapes.Square"),
                index.implementations("Ldemo/shapes/Shape;").stream().map(SymbolInfo::qualifiedName).toList());
    }

    @Test
    void declarationsCarrySignatureModifiersJavadocAndOverrides() {
        SymbolInfo area = index.declaration(SHAPE_AREA).orElseThrow();
        assertEquals(SymbolKind.METHOD, area.kind());
        assertEquals("double area()", area.signature());
        assertEquals("Area of the shape, in square units.", area.javadocSummary());
        assertEquals("Ldemo/shapes/Shape;", area.declaringTypeKey());
        assertEquals(new TextRange(5, 11, 5, 15), area.nameRange());

        SymbolInfo rounded = index.declaration("Ldemo/shapes/RoundedSquare;.area()D").orElseThrow();
        assertEquals("@Override public double area()", rounded.signature());
        assertEquals(List.of("public"), rounded.modifiers());
        assertEquals(List.of("Ldemo/shapes/Square;.area()D", SHAPE_AREA), rounded.supertypeKeys());

        SymbolInfo type = index.declaration("Ldemo/shapes/RoundedSquare;").orElseThrow();
        assertEquals(SymbolKind.CLASS, type.kind());
        assertEquals("public class RoundedSquare extends Square", type.signature());
        assertEquals("A square with rounded corners.", type.javadocSummary());
        assertEquals(List.of("Ldemo/shapes/Square;"), type.supertypeKeys());

        SymbolInfo field = index.declaration("Ldemo/shapes/Circle;.radius)D").orElseThrow();
        assertEquals(SymbolKind.FIELD, field.kind());
        assertEquals("private final double radius", field.signature());
    }

    @Test
    void referencesAndSymbolAtResolveByBindingKey() {
        List<String> uses = index.references("Ldemo/shapes/Shape;").stream()
                .filter(r -> r.location().path().endsWith("Report.java")).map(r -> where(r.location())).toList();
        assertEquals(List.of(
                "src/main/java/demo/app/Report.java:3:19", // import
                "src/main/java/demo/app/Report.java:8:29",
                "src/main/java/demo/app/Report.java:10:13",
                "src/main/java/demo/app/Report.java:17:8"), uses);
        Path report = fixture.path("src/main/java/demo/app/Report.java");
        assertEquals(SHAPE_AREA, index.symbolAt(report, new TextPosition(11, 22)).orElseThrow().key());
        assertEquals("Ldemo/app/Report;.total(Ljava/util/List<Ldemo/shapes/Shape;>;)D",
                index.symbolAt(report, new TextPosition(8, 20)).orElseThrow().key());
    }

    @Test
    void unparseableJavaIsRecordedAndTheRestIsIndexed() {
        Path broken = fixture.path("src/main/java/demo/app/Broken.java");
        assertTrue(index.problems().stream().anyMatch(p -> p.path().equals(broken)
                && p.reason() == IndexProblem.Reason.JAVA_SYNTAX_ERRORS), index.problems().toString());
        // JDT's recovery keeps the good parts of the broken file, and the other files are all there.
        assertTrue(index.declarationsIn(broken).stream().anyMatch(d -> d.name().equals("fine")));
        assertEquals(1, index.callSites("Ljava/io/PrintStream;.println(Ljava/lang/String;)V").size());
        assertTrue(index.isIndexed(broken));
    }

    @Test
    void hostileFilesAreSkippedAndRecorded() {
        Path fake = fixture.path("src/main/java/demo/app/Fake.java");
        assertTrue(index.problems().stream().anyMatch(p -> p.path().equals(fake) && p.reason() == IndexProblem.Reason.BINARY));
        assertFalse(index.isIndexed(fake));
        assertTrue(index.problems().stream().anyMatch(p -> p.reason() == IndexProblem.Reason.SYMLINK_LOOP
                && p.path().equals(fixture.path("loop/back"))), index.problems().toString());
    }

    @Test
    void ignoredAndBuildOutputFilesAreNotIndexedButOtherLanguagesAre() {
        assertFalse(index.isIndexed(fixture.path("generated/Generated.java")));
        assertFalse(index.isIndexed(fixture.path("debug.log")));
        assertTrue(index.isIndexed(fixture.path("keep.log")));
        assertFalse(index.isIndexed(fixture.path("target/classes/Stale.java")));
        assertFalse(index.isIndexed(fixture.path(".git/config")));
        assertTrue(index.isIndexed(fixture.path("scripts/area.py")));
        assertTrue(index.isIndexed(fixture.path("docs/notes.md")));
        assertEquals(List.of(fixture.path("src/main/java")), stats.sourceRoots());
        assertEquals(8, stats.javaFiles()); // Shape, Circle, Square, RoundedSquare, Report, Greeting, Broken, Totals
    }

    @Test
    void nothingIsWrittenIntoTheUsersTree() throws IOException {
        assertEquals(filesBefore, listTree(fixture.root));
        assertFalse(Files.exists(fixture.path(".project")));
        assertFalse(Files.exists(fixture.path(".classpath")));
        assertFalse(Files.exists(fixture.path("bin")));
    }

    private static List<String> names(List<SymbolInfo> symbols) {
        return symbols.stream().map(s -> s.qualifiedName().substring(s.qualifiedName().lastIndexOf('.', s.qualifiedName().lastIndexOf('.') - 1) + 1)).toList();
    }

    private static Set<Path> listTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) { // does not follow links, so the loop is harmless here
            return walk.collect(Collectors.toSet());
        }
    }
}
