package dev.quicksilver.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edits, debouncing, watched-file events, and the persisted index. */
class IncrementalUpdateTest {
    /** The fixture's Report with one call of Circle.area() added. */
    private static final String REPORT_CALLING_AREA = FixtureWorkspace.REPORT.replace("return sum;", "return sum + new Circle(1).area();");

    private static final String SHAPE_AREA = "Ldemo/shapes/Shape;.area()D";
    private static final String CIRCLE_AREA = "Ldemo/shapes/Circle;.area()D";

    @TempDir
    Path base;

    @Test
    void anEditedBufferIsReparsedAfterTheDebounce() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            assertEquals(List.of(), index.callSites(CIRCLE_AREA));
            Path report = fixture.path("src/main/java/demo/app/Report.java");
            // Five keystrokes in quick succession; only the last text matters.
            for (int i = 1; i <= 5; i++) {
                String text = FixtureWorkspace.REPORT.replace("return sum;", "return sum + new Circle(" + i + ").area();");
                index.documentChanged(new DocumentSnapshot(report, text));
            }
            waitUntil(() -> index.callSites(CIRCLE_AREA).size() == 1);
            assertEquals(13, index.callSites(CIRCLE_AREA).getFirst().location().line());
            assertEquals(2, index.callSites("Ldemo/shapes/Circle;.(D)V").size()); // the new one and describe()'s

            index.documentClosed(report); // back to the file on disk, which never changed
            waitUntil(() -> index.callSites(CIRCLE_AREA).isEmpty());
        }
    }

    @Test
    void aBufferIndexedAlreadyIsNotIndexedAgainUntilItsTextOrTheFileChanges() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path report = fixture.path("src/main/java/demo/app/Report.java");
            String edited = REPORT_CALLING_AREA;
            assertTrue(index.reindexNow(new DocumentSnapshot(report, edited)));
            assertEquals(1, index.callSites(CIRCLE_AREA).size());
            // A refactor's planning asks again at every cursor move: the same text is not resolved again.
            assertFalse(index.reindexNow(new DocumentSnapshot(report, edited)));
            assertFalse(index.reindexNow(new DocumentSnapshot(report, new String(edited.toCharArray()))), "equal text, another string");
            assertEquals(1, index.callSites(CIRCLE_AREA).size());
            assertTrue(index.reindexNow(new DocumentSnapshot(report, edited + "\n")), "a changed buffer is");
            // Closed, the file on disk is indexed (by the debounced update); the buffer's text is new again after that.
            index.documentClosed(report);
            waitUntil(() -> index.callSites(CIRCLE_AREA).isEmpty());
            assertTrue(index.reindexNow(new DocumentSnapshot(report, edited)));
            assertEquals(1, index.callSites(CIRCLE_AREA).size());
        }
    }

    @Test
    void createdDeletedAndRenamedFilesFollowTheEvents() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path hexagon = fixture.write("src/main/java/demo/shapes/Hexagon.java", """
                    package demo.shapes;
                    public class Hexagon implements Shape {
                        public double area() { return 6; }
                        public String name() { return "hexagon"; }
                    }
                    """);
            index.fileEvents(List.of(new FileEvent(FileEvent.Kind.CREATED, hexagon)));
            index.flush();
            assertTrue(index.implementations(SHAPE_AREA).stream().anyMatch(d -> d.key().equals("Ldemo/shapes/Hexagon;.area()D")));

            Path totals = fixture.path("src/main/java/demo/app/Totals.java");
            Files.delete(totals);
            index.fileEvents(List.of(new FileEvent(FileEvent.Kind.DELETED, totals)));
            assertTrue(index.callSites(SHAPE_AREA).stream().noneMatch(c -> c.location().path().equals(totals)));
            assertTrue(index.declarationsIn(totals).isEmpty());
            assertFalse(index.isIndexed(totals));

            Path script = fixture.path("scripts/area.py");
            Path renamed = fixture.path("scripts/areas.py");
            Files.move(script, renamed);
            index.fileEvents(FileEvent.renamed(script, renamed));
            index.flush();
            assertFalse(index.isIndexed(script));
            assertTrue(index.isIndexed(renamed));

            // A folder deleted at once takes everything indexed below it.
            Path shapes = fixture.path("src/main/java/demo/shapes");
            index.fileEvents(List.of(new FileEvent(FileEvent.Kind.DELETED, shapes)));
            assertTrue(index.implementations(SHAPE_AREA).isEmpty());
            assertTrue(index.declaration(SHAPE_AREA).isEmpty());
        }
    }

    @Test
    void anIgnoredOrBinaryFileFromAnEventStaysOut() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path ignored = fixture.write("generated/More.java", "package generated; class More {}\n");
            Path log = fixture.write("trace.log", "noise\n");
            Path binary = fixture.path("src/main/java/demo/app/Blob.java");
            Files.write(binary, new byte[]{'a', 0, 'b', 0});
            index.fileEvents(List.of(new FileEvent(FileEvent.Kind.CREATED, ignored), new FileEvent(FileEvent.Kind.CREATED, log),
                    new FileEvent(FileEvent.Kind.CREATED, binary), new FileEvent(FileEvent.Kind.CHANGED, base.resolve("gone.txt"))));
            index.flush();
            assertFalse(index.isIndexed(ignored));
            assertFalse(index.isIndexed(log));
            assertFalse(index.isIndexed(binary));
            assertTrue(index.problems().stream().anyMatch(p -> p.path().equals(binary) && p.reason() == IndexProblem.Reason.BINARY));
        }
    }

    /** Settings that persist the index of {@code root} in a data folder beside it. */
    private IndexSettings persisted(Path root) {
        return IndexSettings.builder(root).dataDirectory(base.resolve(root.getFileName() + "-data")).persistIndex(true).build();
    }

    /** Writes Java sources under {@code root}/src/main/java (a path, its text, a path, ...) and returns that folder. */
    private static Path sources(Path root, String... pathsAndTexts) throws IOException {
        Path src = root.resolve("src/main/java");
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            Path file = src.resolve(pathsAndTexts[i]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, pathsAndTexts[i + 1]);
        }
        return src;
    }

    /** New text for a file, with a modification time a restart cannot take for the persisted one. */
    private static void rewrite(Path file, String text, int secondsAhead) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    @Test
    void aRestartReResolvesTheUnchangedFilesThatUseADeclarationThatChanged() throws Exception {
        Path root = base.resolve("deps");
        Path p = root.resolve("src/main/java/p");
        Files.createDirectories(p);
        Files.writeString(p.resolve("B.java"), "package p;\n\npublic class B {\n    public static int g() { return 1; }\n}\n");
        Files.writeString(p.resolve("A.java"), "package p;\n\npublic class A {\n    int f() { return (int) B.g(); }\n}\n");
        Files.writeString(p.resolve("C.java"), "package p;\n\npublic class C {\n    int h() { return 3; }\n}\n");
        IndexSettings settings = persisted(root);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            index.build();
            assertEquals(1, index.callSites("Lp/B;.g()I").size());
        }
        // B's method now returns long: its key changes; A, unchanged on disk, calls it.
        Path b = p.resolve("B.java");
        rewrite(b, "package p;\n\npublic class B {\n    public static long g() { return 1; }\n}\n", 5);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(1, stats.javaFilesFromCache(), "only C, which uses nothing of B, comes from the cache");
            assertEquals(List.of(), index.callSites("Lp/B;.g()I"), "a call resolved against the old signature is gone");
            List<CallSite> now = index.callSites("Lp/B;.g()J");
            assertEquals(1, now.size());
            assertEquals(p.resolve("A.java"), now.getFirst().location().path());
        }
        // A change inside B's method body changes nothing A uses: A keeps its persisted facts.
        rewrite(b, "package p;\n\npublic class B {\n    public static long g() { return 42; }\n}\n", 10);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(2, stats.javaFilesFromCache(), "A and C come from the cache");
            assertEquals(1, index.callSites("Lp/B;.g()J").size());
        }
        // A new overload of the method A calls may take its call: A is resolved again (g() stays the most specific).
        rewrite(b, "package p;\n\npublic class B {\n    public static long g() { return 42; }\n"
                + "    public static long g(int... more) { return 43; }\n}\n", 15);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(1, stats.javaFilesFromCache(), "only C");
            assertEquals(1, index.callSites("Lp/B;.g()J").size(), "g() is still the most specific");
        }
    }

    @Test
    void aRestartReResolvesTheUsersOfATypeWhoseSupertypesChanged() throws Exception {
        Path root = base.resolve("supers");
        Path p = root.resolve("src/main/java/p");
        Files.createDirectories(p);
        Files.writeString(p.resolve("Base.java"), "package p;\n\npublic class Base {\n    public int m() { return 1; }\n}\n");
        Files.writeString(p.resolve("Kid.java"), "package p;\n\npublic class Kid extends Base {\n}\n");
        Files.writeString(p.resolve("User.java"), "package p;\n\nclass User {\n    int u() { return new Kid().m(); }\n}\n");
        IndexSettings settings = persisted(root);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            index.build();
            assertEquals(1, index.callSites("Lp/Base;.m()I").size());
        }
        // Kid no longer extends Base and declares m() itself: none of Kid's old keys is gone and it gained no
        // overload, but User's call now binds to Kid.m().
        Path kid = p.resolve("Kid.java");
        rewrite(kid, "package p;\n\npublic class Kid {\n    public int m() { return 2; }\n}\n", 5);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(1, stats.javaFilesFromCache(), "only Base");
            assertEquals(List.of(), index.callSites("Lp/Base;.m()I"));
            assertEquals(1, index.callSites("Lp/Kid;.m()I").size());
        }
    }

    @Test
    void aRestartFollowsTheUsersOfADeclarationThatAnUnchangedFileNowDeclaresDifferently() throws Exception {
        Path root = base.resolve("moved");
        Path src = sources(root,
                "p/Box.java", "package p;\n\npublic class Box {\n}\n",
                "q/Other.java", "package q;\n\npublic class Other {\n}\n",
                "p/Shelf.java", "package p;\n\nimport q.*;\n\npublic class Shelf {\n    public void put(Box b) { }\n}\n",
                "p/User.java", "package p;\n\nclass User {\n    void u(Shelf s) { s.put(null); }\n}\n");
        Path p = src.resolve("p");
        Path q = src.resolve("q");
        IndexSettings settings = persisted(root);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            index.build();
            assertEquals(1, index.callSites("Lp/Shelf;.put(Lp/Box;)V").size());
        }
        // Box moves to q while nobody watches: Shelf, unchanged on disk, now declares put(q.Box), so User's call,
        // also unchanged and using nothing of Box, calls a method with another key.
        Files.delete(p.resolve("Box.java"));
        rewrite(q.resolve("Box.java"), "package q;\n\npublic class Box {\n}\n", 5);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(List.of(), index.callSites("Lp/Shelf;.put(Lp/Box;)V"));
            List<CallSite> now = index.callSites("Lp/Shelf;.put(Lq/Box;)V");
            assertEquals(1, now.size(), "User's call, followed through Shelf's re-keyed method");
            assertEquals(p.resolve("User.java"), now.getFirst().location().path());
            assertEquals(1, stats.javaFilesFromCache(), "only Other keeps its persisted facts");
        }
    }

    @Test
    void aRestartRestoresTheTypeShapesSoUpdatesResolveAsAfterAColdBuild() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        IndexSettings settings = fixture.settings(base.resolve("data")).persistIndex(true).build();
        Path report = fixture.path("src/main/java/demo/app/Report.java");
        IndexStats cold;
        List<CallSite> coldCalls;
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            cold = index.build();
            assertTrue(cold.typeShapes() > 0, cold.toString());
            index.reindexNow(new DocumentSnapshot(report, REPORT_CALLING_AREA));
            coldCalls = index.callSites(CIRCLE_AREA);
            index.documentClosed(report);
            waitUntil(() -> index.callSites(CIRCLE_AREA).isEmpty());
        }
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats restored = index.build();
            assertEquals(cold.javaFiles(), restored.javaFilesFromCache(), "every file from the persisted index");
            assertEquals(cold.typeShapes(), restored.typeShapes(), "and every type shape with it");
            index.reindexNow(new DocumentSnapshot(report, REPORT_CALLING_AREA));
            assertEquals(coldCalls, index.callSites(CIRCLE_AREA), "an update resolves as it did after the cold build");
        }
    }

    @Test
    void aFileLeftOutOfThePersistedIndexIsNoNewTypeForItsUsers() throws Exception {
        Path root = base.resolve("left-out");
        Path p = sources(root,
                "p/Clock.java", "package p;\n\npublic class Clock {\n    public static int now() { return 1; }\n}\n",
                "p/User.java", "package p;\n\nclass User {\n    int u() { return Clock.now(); }\n}\n").resolve("p");
        IndexSettings settings = persisted(root);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            index.build();
            // Open in an editor at shutdown: a buffer's facts are not persisted, so Clock is resolved afresh at the
            // restart and its types look new; User, which refers to p.Clock already, keeps its persisted facts.
            index.reindexNow(new DocumentSnapshot(p.resolve("Clock.java"), Files.readString(p.resolve("Clock.java")) + "// edited\n"));
        }
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(1, stats.javaFilesFromCache(), "User from the persisted index");
            assertEquals(1, index.callSites("Lp/Clock;.now()I").size());
        }
    }

    @Test
    void aRestartReResolvesTheFilesWhoseNamesANewTypeTakes() throws Exception {
        Path root = base.resolve("shadow");
        Path p = sources(root,
                "q/Clock.java", "package q;\n\npublic class Clock {\n    public static int now() { return 1; }\n}\n",
                "p/User.java", "package p;\n\nimport q.*;\n\nclass User {\n    int u() { return Clock.now(); }\n}\n",
                "p/Bystander.java", "package p;\n\nclass Bystander {\n    int b() { return 2; }\n}\n").resolve("p");
        IndexSettings settings = persisted(root);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            index.build();
            assertEquals(1, index.callSites("Lq/Clock;.now()I").size());
        }
        // A Clock of p's own appears: in p it beats the on-demand import, so User's unchanged call binds to it.
        rewrite(p.resolve("Clock.java"), "package p;\n\npublic class Clock {\n    public static int now() { return 2; }\n}\n", 5);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(List.of(), index.callSites("Lq/Clock;.now()I"), "the call no longer binds to q.Clock");
            assertEquals(1, index.callSites("Lp/Clock;.now()I").size());
            assertEquals(2, stats.javaFilesFromCache(), "q.Clock and Bystander, which does not say Clock, keep their facts");
        }
    }

    @Test
    void savingRemovesTheIndexesOfWorkspacesThatAreGone() throws Exception {
        Path cache = base.resolve("cache");
        List<Path> roots = new ArrayList<>();
        for (String name : List.of("kept", "deleted", "foreign")) {
            Path root = base.resolve("ws-" + name);
            Files.createDirectories(root.resolve("p"));
            Files.writeString(root.resolve("p/A.java"), "package p;\nclass A { }\n");
            roots.add(root);
            try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(root).dataDirectory(cache.resolve(name)).persistIndex(true).build())) {
                index.build();
            }
            assertTrue(Files.isRegularFile(cache.resolve(name).resolve("roots.txt")));
        }
        Files.writeString(cache.resolve("foreign/notes.txt"), "not the index's");
        for (Path root : List.of(roots.get(1), roots.get(2))) {
            try (var files = Files.walk(root)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
            }
        }
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(roots.get(0)).dataDirectory(cache.resolve("kept")).persistIndex(true).build())) {
            index.build(); // saves, and tidies up beside it
        }
        assertTrue(Files.isDirectory(cache.resolve("kept")));
        assertFalse(Files.exists(cache.resolve("deleted")), "the index of a workspace that is gone is removed");
        assertTrue(Files.isRegularFile(cache.resolve("foreign/notes.txt")), "a folder with files that are not the index's stays");
    }

    @Test
    void thePersistedIndexRestoresUnchangedFilesAndReparsesChangedOnes() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        IndexSettings settings = fixture.settings(base.resolve("data")).persistIndex(true).build();
        List<CallSite> before;
        int javaFiles;
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(0, stats.javaFilesFromCache());
            javaFiles = stats.javaFiles();
            before = index.callSites(SHAPE_AREA);
        }
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(javaFiles, stats.javaFilesFromCache());
            assertEquals(before, index.callSites(SHAPE_AREA));
            assertEquals("Area of the shape, in square units.", index.declaration(SHAPE_AREA).orElseThrow().javadocSummary());
            assertTrue(index.problems().stream().anyMatch(p -> p.reason() == IndexProblem.Reason.JAVA_SYNTAX_ERRORS));
        }
        Path totals = fixture.path("src/main/java/demo/app/Totals.java");
        rewrite(totals, FixtureWorkspace.TOTALS.replace("sum += item.area();", "sum += item.area() * 2;"), 5);
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(javaFiles - 1, stats.javaFilesFromCache());
            assertEquals(before.size(), index.callSites(SHAPE_AREA).size());
        }
        // A damaged cache is a cold start, not an error.
        Files.write(settings.dataDirectory().resolve("java-index.bin"), new byte[]{1, 2, 3});
        try (WorkspaceIndex index = WorkspaceIndex.create(settings)) {
            IndexStats stats = index.build();
            assertEquals(0, stats.javaFilesFromCache());
            assertEquals(before.size(), index.callSites(SHAPE_AREA).size());
        }
    }

    @Test
    void queriesRunWhileUpdatesAreApplied() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path report = fixture.path("src/main/java/demo/app/Report.java");
            String withCall = REPORT_CALLING_AREA;
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 30; i++) {
                        index.reindexNow(new DocumentSnapshot(report, i % 2 == 0 ? withCall : FixtureWorkspace.REPORT));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            writer.start();
            DocumentSnapshot doc = new DocumentSnapshot(report, withCall);
            while (writer.isAlive()) {
                int n = index.callSites(CIRCLE_AREA).size();
                if (n > 1) failures.add(new AssertionError("saw a half-applied update: " + n + " call sites"));
                int shapeCalls = index.callSites(SHAPE_AREA).size();
                if (shapeCalls != 3) failures.add(new AssertionError("Shape.area call sites flickered: " + shapeCalls));
                index.contextFor(doc, new TextPosition(13, 8), 500, TokenCounter.approximate());
            }
            writer.join();
            assertEquals(List.of(), failures);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 20 s");
            Thread.sleep(20);
        }
    }
}
