package dev.quicksilver.index;

import dev.quicksilver.index.ContextSegment.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cold build's phases, seen from a {@link BuildListener}: what queries answer after each, in which order the
 * phases come, and that completions see the same declarations before and after JDT resolves the workspace.
 */
class BuildPhasesTest {
    @TempDir
    Path base;

    private static final String SHAPE_KEY = "Ldemo/shapes/Shape;";

    @Test
    void declarationsFirstThenSimilarCodeThenResolvedFactsAndContextKeepsItsDeclarations() throws IOException {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        Path shape = fixture.path("src/main/java/demo/shapes/Shape.java");
        DocumentSnapshot report = new DocumentSnapshot(fixture.path("src/main/java/demo/app/Report.java"), FixtureWorkspace.REPORT);
        List<String> events = new ArrayList<>();
        List<List<String>> declarationTexts = new ArrayList<>();
        List<Integer> resolvedCounts = new ArrayList<>();
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            IndexStats finalStats = index.build(new BuildListener() {
                @Override
                public void outlineReady(IndexStats stats) {
                    events.add("outline");
                    assertTrue(stats.javaFiles() >= 6 && stats.javaFilesOutlined() == stats.javaFiles(), stats.toString());
                    assertEquals(0, stats.callSites(), "nothing is resolved yet");
                    assertFalse(index.isResolved(shape));
                    assertTrue(index.implementations(SHAPE_KEY).isEmpty(), "implementations need bindings");
                    Context context = index.contextFor(report, ContextAssemblyTest.CURSOR, 4000, TokenCounter.approximate());
                    declarationTexts.add(context.ofKind(Kind.DECLARATION).stream().map(ContextSegment::text).toList());
                    assertTrue(context.ofKind(Kind.SIMILAR).isEmpty(), "the lexical index comes next");
                }

                @Override
                public void lexicalReady(IndexStats stats) {
                    events.add("lexical");
                    assertTrue(stats.chunks() > 0);
                    Context context = index.contextFor(report, ContextAssemblyTest.CURSOR, 4000, TokenCounter.approximate());
                    assertFalse(context.ofKind(Kind.SIMILAR).isEmpty(), "similar snippets once the lexical index is in");
                }

                @Override
                public void javaFilesResolved(int resolved, int total) {
                    resolvedCounts.add(resolved);
                    assertTrue(resolved <= total);
                }

                @Override
                public void resolved(IndexStats stats) {
                    events.add("resolved");
                    assertEquals(0, stats.javaFilesOutlined(), stats.toString());
                }
            });
            assertEquals(List.of("outline", "lexical", "resolved"), events);
            assertEquals(finalStats.javaFiles(), resolvedCounts.size());
            for (int i = 0; i < resolvedCounts.size(); i++) assertEquals(i + 1, resolvedCounts.get(i));

            assertTrue(index.isResolved(shape));
            assertEquals(3, index.implementations(SHAPE_KEY).size(), index.implementations(SHAPE_KEY).toString());
            Context after = index.contextFor(report, ContextAssemblyTest.CURSOR, 4000, TokenCounter.approximate());
            List<String> resolvedTexts = after.ofKind(Kind.DECLARATION).stream().map(ContextSegment::text).toList();
            assertEquals(3, declarationTexts.getFirst().size(), declarationTexts.toString());
            // The same declarations, word for word; their order may change, since resolved references rank uses
            // the outline can only guess by name (area() is declared by four types).
            assertEquals(declarationTexts.getFirst().stream().sorted().toList(), resolvedTexts.stream().sorted().toList(),
                    "the outline showed the model what the resolved index shows");
        }
    }

    @Test
    void outlinesAreNeverPersistedAsIfResolved() throws IOException {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        Path data = base.resolve("data");
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(data).build())) {
            index.build(new BuildListener() {
                @Override
                public void outlineReady(IndexStats stats) {
                    index.save(); // every Java file is an outline here
                }
            });
        }
        try (WorkspaceIndex restart = WorkspaceIndex.create(fixture.settings(data).persistIndex(true).build())) {
            IndexStats stats = restart.build();
            assertEquals(0, stats.javaFilesFromCache(), "an outline was restored as resolved facts");
            assertTrue(stats.callSites() > 0);
        }
        // The control: facts saved after resolution come back.
        try (WorkspaceIndex again = WorkspaceIndex.create(fixture.settings(data).persistIndex(true).build())) {
            IndexStats stats = again.build();
            assertEquals(stats.javaFiles(), stats.javaFilesFromCache());
        }
    }

    @Test
    void closingTheIndexStopsABuildThatIsStillResolving() throws IOException {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        List<Integer> resolvedCounts = new ArrayList<>();
        List<String> events = new ArrayList<>();
        WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build());
        IndexStats stats = index.build(new BuildListener() {
            @Override
            public void javaFilesResolved(int resolved, int total) {
                resolvedCounts.add(resolved);
                if (resolved == 1) index.close(); // the editor went away while Java was resolving
            }

            @Override
            public void resolved(IndexStats s) {
                events.add("resolved");
            }
        });
        assertEquals(List.of(1), resolvedCounts, "no file is delivered after close");
        assertEquals(List.of(), events, "a closed build does not report itself finished");
        assertTrue(stats.javaFilesOutlined() > 0, "the rest keep their outlines: " + stats);
    }

    @Test
    void closingDuringABuildKeepsThePersistedIndexOfTheLastFinishedOne() throws IOException {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        IndexSettings settings = fixture.settings(base.resolve("data")).persistIndex(true).build();
        int javaFiles;
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            javaFiles = index.build().javaFiles();
        }
        // The editor goes away right after the declarations are read: nothing resolved is worth saving.
        WorkspaceIndex interrupted = WorkspaceIndex.create(settings);
        interrupted.build(new BuildListener() {
            @Override
            public void outlineReady(IndexStats stats) {
                interrupted.close();
            }
        });
        try (WorkspaceIndex restart = WorkspaceIndex.create(settings)) {
            assertEquals(javaFiles, restart.build().javaFilesFromCache(), "the persisted index survived the interrupted build");
        }
    }
}
