package dev.quicksilver.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WorkspaceIndex#compileErrors}: the compiler's errors for a candidate text, with nothing recorded. */
class CompileErrorsTest {
    @TempDir
    Path base;

    @Test
    void errorsOfACandidateTextAreReportedWhereTheyAreAndTheIndexIsUnchanged() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path report = fixture.path("src/main/java/demo/app/Report.java");
            assertEquals(List.of(), index.compileErrors(report, FixtureWorkspace.REPORT), "the file as it is compiles");
            List<SymbolInfo> before = index.declarationsIn(report);
            int problemsBefore = index.problems().size();

            // A String where the workspace's Circle(double) constructor takes a number, and an undefined name.
            String candidate = FixtureWorkspace.REPORT.replace("new Circle(2)", "new Circle(\"two\")").replace("return sum;", "return sum + missing;");
            List<CompileError> errors = index.compileErrors(report, candidate);
            assertEquals(2, errors.size(), errors.toString());
            int circle = candidate.indexOf("new Circle(\"two\")");
            assertTrue(errors.stream().anyMatch(e -> e.startsWithin(circle, circle + "new Circle(\"two\")".length())), errors.toString());
            int missing = candidate.indexOf("missing;");
            CompileError undefined = errors.stream().filter(e -> e.start() == missing).findFirst().orElseThrow(() -> new AssertionError(errors.toString()));
            assertEquals("missing", candidate.substring(undefined.start(), undefined.end()));
            assertTrue(undefined.message().contains("missing"), undefined.message());
            assertTrue(undefined.unknownName(), "an undefined name is what a model invents");
            assertTrue(errors.stream().filter(e -> e != undefined).noneMatch(CompileError::unknownName), "a wrong argument type is not");

            // An unterminated string starts inside the hole and runs past it.
            String unterminated = FixtureWorkspace.REPORT.replace("return sum;", "return \"sum;");
            int quote = unterminated.indexOf("\"sum;");
            assertTrue(index.compileErrors(report, unterminated).stream().anyMatch(e -> e.startsWithin(quote, quote + 1) && e.end() > quote + 1
                    && e.kind() == CompileError.Kind.SYNTAX && e.unterminatedString()));

            // What code being written has: a call not yet closed (unfinished syntax), a stray token (syntax), a local
            // not yet assigned (pending).
            String halfCall = FixtureWorkspace.REPORT.replace("return sum;", "return Math.abs(sum");
            assertTrue(index.compileErrors(report, halfCall).stream().allMatch(e -> e.kind() == CompileError.Kind.UNFINISHED_SYNTAX),
                    index.compileErrors(report, halfCall).toString());
            String stray = FixtureWorkspace.REPORT.replace("return sum;", "return sum sum;");
            assertEquals(List.of(CompileError.Kind.SYNTAX), index.compileErrors(report, stray).stream().map(CompileError::kind).toList());
            String unassigned = FixtureWorkspace.REPORT.replace("return sum;", "double none; return none;");
            assertEquals(List.of(CompileError.Kind.PENDING), index.compileErrors(report, unassigned).stream().map(CompileError::kind).toList());
            assertEquals(CompileError.Kind.OTHER, index.compileErrors(report, candidate).stream().filter(e -> !e.unknownName()).findFirst().orElseThrow().kind(),
                    "arguments the constructor does not take");

            assertEquals(before, index.declarationsIn(report), "checking a text changes nothing in the index");
            assertEquals(problemsBefore, index.problems().size());
            assertEquals(List.of(), index.compileErrors(fixture.path("scripts/area.py"), "not java"), "other files have no compiler");
        }
    }

    /**
     * A compile is remembered while the index does not change (refactors compile the same files at every cursor
     * move), and not a moment longer: once another file changes what a text refers to, the same text is compiled
     * again.
     */
    @Test
    void aRememberedCompileIsForgottenWhenTheIndexChanges() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path report = fixture.path("src/main/java/demo/app/Report.java");
            String broken = FixtureWorkspace.REPORT.replace("return sum;", "return sum + missing;");
            List<CompileError> first = index.compileErrors(report, broken);
            assertEquals(1, first.size(), first.toString());
            assertTrue(first == index.compileErrors(report, broken), "the same text in the same index: remembered");
            assertEquals(List.of(), index.compileErrors(report, FixtureWorkspace.REPORT));

            // Circle(double) becomes Circle(double, double): Report's new Circle(2) no longer compiles.
            Path circle = fixture.path("src/main/java/demo/shapes/Circle.java");
            String changed = FixtureWorkspace.CIRCLE.replace("public Circle(double radius) {", "public Circle(double radius, double scale) {");
            assertTrue(!changed.equals(FixtureWorkspace.CIRCLE), "the fixture's constructor is where the test expects it");
            index.reindexNow(new DocumentSnapshot(circle, changed));
            List<CompileError> after = index.compileErrors(report, FixtureWorkspace.REPORT);
            assertTrue(after.stream().anyMatch(e -> e.message().contains("Circle")), after.toString());
        }
    }
}
