package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.lsp.refactor.FileChange;
import dev.quicksilver.lsp.refactor.LineDiff;
import dev.quicksilver.lsp.refactor.UnifiedDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unified diff: minimal (Myers), in diff -u's format, and byte for byte what GNU diff prints on real files. */
class UnifiedDiffTest {
    @TempDir
    Path tmp;

    @Test
    void anEditThatRewritesAStretchToNearlyTheSameTextShowsOnlyTheLineThatDiffers() {
        String text = "class A {\n    void f() {\n        int a = 1;\n        int b = 2;\n        int c = 3;\n        int d = 4;\n"
                + "        int e = 5;\n        int f = 6;\n        int g = 7;\n    }\n}\n";
        int from = text.indexOf("        int a");
        int to = text.indexOf("    }\n}");
        String rewritten = text.substring(from, to).replace("int d = 4;", "int d = 40;");
        FileChange change = new FileChange(Path.of("/w/A.java"), text, List.of(new FileChange.Replacement(from, to, rewritten)));
        assertEquals("""
                --- a/A.java
                +++ b/A.java
                @@ -3,7 +3,7 @@
                         int a = 1;
                         int b = 2;
                         int c = 3;
                -        int d = 4;
                +        int d = 40;
                         int e = 5;
                         int f = 6;
                         int g = 7;
                """, UnifiedDiff.of("A.java", change));
    }

    @Test
    void changesSixLinesApartShareAHunkAndSevenApartDoNot() {
        String base = numbered(20);
        String six = base.replace("L3\n", "X3\n").replace("L10\n", "X10\n");
        assertEquals(1, hunks(UnifiedDiff.of("F", base, six)), UnifiedDiff.of("F", base, six));
        String seven = base.replace("L3\n", "X3\n").replace("L11\n", "X11\n");
        assertEquals(2, hunks(UnifiedDiff.of("F", base, seven)), UnifiedDiff.of("F", base, seven));
        assertEquals("", UnifiedDiff.of("F", base, base), "no change, no diff");
    }

    @Test
    void headersLeaveOutACountOfOneAndMarkAMissingFinalNewline() {
        assertEquals("--- a/F\n+++ b/F\n@@ -1 +1 @@\n-a\n+b\n", UnifiedDiff.of("F", "a\n", "b\n"));
        assertEquals("--- a/F\n+++ b/F\n@@ -0,0 +1,2 @@\n+x\n+y\n", UnifiedDiff.of("F", "", "x\ny\n"));
        assertEquals("--- a/F\n+++ b/F\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
                UnifiedDiff.of("F", "a\nb", "a\nb\n"));
    }

    /**
     * A file that moves is written as git writes a rename: {@code diff --git}, {@code rename from}/{@code rename to},
     * hunks labelled with both paths; a move without edits says its similarity is whole. {@code git apply} makes both.
     */
    @Test
    void aMovedFileIsWrittenAsGitWritesARename() throws Exception {
        Path file = tmp.resolve("src/Shop.java");
        FileChange edited = new FileChange(file, "class Shop {\n}\n", List.of(new FileChange.Replacement(6, 10, "Store")), tmp.resolve("src/Store.java"));
        assertEquals("diff --git a/src/Shop.java b/src/Store.java\nrename from src/Shop.java\nrename to src/Store.java\n"
                + "--- a/src/Shop.java\n+++ b/src/Store.java\n@@ -1,2 +1,2 @@\n-class Shop {\n+class Store {\n }\n",
                UnifiedDiff.of("src/Shop.java", "src/Store.java", edited));
        FileChange moved = new FileChange(file, "class Store {\n}\n", List.of(), tmp.resolve("src/Store.java"));
        assertEquals("diff --git a/src/Shop.java b/src/Store.java\nsimilarity index 100%\nrename from src/Shop.java\nrename to src/Store.java\n",
                UnifiedDiff.of("src/Shop.java", "src/Store.java", moved));
        assertEquals(UnifiedDiff.of("src/Shop.java", edited), UnifiedDiff.of("src/Shop.java", null, edited), "a file that stays: a plain diff");

        Assumptions.assumeTrue(hasGit(), "git is not installed");
        for (FileChange c : List.of(edited, moved)) {
            Path repo = Files.createDirectories(tmp.resolve("repo" + c.replacements().size()));
            Files.createDirectories(repo.resolve("src"));
            Files.writeString(repo.resolve("src/Shop.java"), c.original());
            Files.writeString(repo.resolve("change.diff"), UnifiedDiff.of("src/Shop.java", "src/Store.java", c));
            run(repo, "git", "init", "-q");
            run(repo, "git", "apply", "change.diff");
            assertTrue(Files.notExists(repo.resolve("src/Shop.java")), "git apply moved the file");
            assertEquals(c.apply(), Files.readString(repo.resolve("src/Store.java")));
        }
    }

    private static boolean hasGit() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theScriptIsAShortestOneOnRandomSequences() {
        Random random = new Random(1986);
        for (int round = 0; round < 500; round++) {
            List<String> a = randomLines(random, random.nextInt(25));
            List<String> b = randomLines(random, random.nextInt(25));
            LineDiff.Script s = LineDiff.of(a, b);
            List<String> keptOld = new ArrayList<>();
            List<String> keptNew = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) if (!s.deleted()[i]) keptOld.add(a.get(i));
            for (int j = 0; j < b.size(); j++) if (!s.inserted()[j]) keptNew.add(b.get(j));
            assertEquals(keptOld, keptNew, "what is kept is common to both: " + a + " / " + b);
            assertEquals(lcsLength(a, b), keptOld.size(), "and as long as a longest common subsequence: " + a + " / " + b);
        }
    }

    /**
     * Lines deleted, inserted and changed (and a final newline dropped) have one shortest script up to sliding
     * runs along equal lines, which both tools slide the same way: the output must be GNU diff's byte for byte.
     * A moved block has several shortest scripts and GNU's tie-breaking is its own: there the diff must be as
     * short as {@code diff --minimal}'s and {@code patch} must turn the old file into the new one with it.
     */
    @Test
    void sameOutputAsGnuDiffOnTheSampleWorkspaceFiles() throws Exception {
        Assumptions.assumeTrue(hasGnuTools(), "GNU diff and patch are not installed");
        Random random = new Random(27);
        List<Path> sources;
        try (Stream<Path> files = Files.walk(SampleWorkspace.SAMPLE)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(sources.size() >= 5);
        int identical = 0;
        int moved = 0;
        for (Path source : sources) {
            String before = Files.readString(source);
            for (int variant = 0; variant < 6; variant++) {
                boolean moves = variant >= 4;
                String after = mutate(before, random, moves);
                Path oldFile = Files.writeString(tmp.resolve("old.java"), before);
                Path newFile = Files.writeString(tmp.resolve("new.java"), after);
                String ours = UnifiedDiff.of("F.java", before, after);
                if (!moves) {
                    assertEquals(run(tmp, "diff", "-u", "--label", "a/F.java", "--label", "b/F.java", "old.java", "new.java"), ours,
                            source + " variant " + variant);
                    identical++;
                    continue;
                }
                String minimal = run(tmp, "diff", "-u", "--minimal", "old.java", "new.java");
                assertEquals(changedLines(minimal), changedLines(ours), "as short as diff --minimal: " + source + "\n" + ours);
                Files.writeString(tmp.resolve("ours.diff"), ours);
                run(tmp, "patch", "-s", "-o", "patched.java", "old.java", "ours.diff");
                assertEquals(after, Files.readString(tmp.resolve("patched.java")), "patch applies it: " + source);
                Files.delete(tmp.resolve("patched.java"));
                moved++;
            }
        }
        assertTrue(identical >= 20 && moved >= 10);
    }

    /** A few random edits: lines deleted, inserted, changed, a block moved, the final newline dropped. */
    private static String mutate(String text, Random random, boolean moves) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.removeLast(); // the empty string after the final newline
        int edits = 1 + random.nextInt(5);
        for (int e = 0; e < edits && lines.size() > 4; e++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(moves ? 4 : 3)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, "        // inserted " + random.nextInt(100));
                case 2 -> lines.set(at, lines.get(at) + " // changed");
                default -> {
                    int len = Math.min(3, lines.size() - at);
                    List<String> block = new ArrayList<>(lines.subList(at, at + len));
                    lines.subList(at, at + len).clear();
                    lines.addAll(random.nextInt(lines.size() + 1), block);
                }
            }
        }
        String joined = String.join("\n", lines);
        return !moves && random.nextInt(6) == 0 ? joined : joined + "\n";
    }

    /** Runs a tool in {@code dir}; its output (diff exits with 1 when the files differ). */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(p.exitValue() <= 1, String.join(" ", command) + ": " + out);
        return out;
    }

    private static boolean hasGnuTools() {
        try {
            Process d = new ProcessBuilder("diff", "--version").redirectErrorStream(true).start();
            Process p = new ProcessBuilder("patch", "--version").redirectErrorStream(true).start();
            String out = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return d.waitFor(10, TimeUnit.SECONDS) && p.waitFor(10, TimeUnit.SECONDS) && out.contains("GNU diffutils") && out.contains("GNU patch");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Lines a diff removes or adds (its file headers left out). */
    private static long changedLines(String diff) {
        return diff.lines().filter(l -> (l.startsWith("-") && !l.startsWith("---")) || (l.startsWith("+") && !l.startsWith("+++"))).count();
    }

    private static String numbered(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= n; i++) s.append('L').append(i).append('\n');
        return s.toString();
    }

    private static int hunks(String diff) {
        return (int) diff.lines().filter(l -> l.startsWith("@@ ")).count();
    }

    private static List<String> randomLines(Random random, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) lines.add(String.valueOf((char) ('a' + random.nextInt(4))));
        return lines;
    }

    /** The textbook dynamic program, to check the script's length against. */
    private static int lcsLength(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                t[i][j] = a.get(i).equals(b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t[0][0];
    }
}
