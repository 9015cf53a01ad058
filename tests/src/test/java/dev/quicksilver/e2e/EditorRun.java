package dev.quicksilver.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One editor run against the real server: a fresh copy of the fixture workspace (outside the repository, so no
 * editor mistakes the repository for the project), a log folder under {@code tests/target/e2e/NAME/}, the editor as a
 * child process with the test script, and the verdict from its exit status.
 *
 * <p>Logs: {@code server.log} (the server's and sidecar's stderr), {@code editor.log} (the client's own LSP log),
 * {@code stdout.txt}, and {@code result.txt} (one line per check the script passed, then PASS or FAIL). They stay
 * there after every run; on failure the workspace is copied next to them and all paths are printed.
 */
final class EditorRun {
    /** The repository root (this module is {@code tests/} in it). */
    static final Path ROOT = findRoot();
    /**
     * Completion spots, "FILE\tTEXT" a line: the cursor goes right after the first TEXT in FILE. The embedded model
     * is tiny and writes nothing at most spots, or code the server's compile check does not show; at these it wrote
     * text (greedy decoding, so it does again): {@code TimeUnit;} after the import Report.java is writing (its line
     * 5), {@code Map;} before {@code ArrayList;}. The editor scripts try them in order and require model text inserted
     * at the cursor at the first one that answers. (After {@code return side} it wrote {@code .get(this);}, on a
     * double: no longer shown.)
     */
    static final String COMPLETE_AT = "Report.java\timport java.util.concurrent.\nReport.java\timport java.util.\nSquare.java\treturn side";

    private final String name;
    final Path logs;
    final Path workspace;
    final Map<String, String> env = new LinkedHashMap<>();

    EditorRun(String name) throws IOException {
        this.name = name;
        this.logs = ROOT.resolve("tests/target/e2e/" + name);
        deleteTree(logs);
        Files.createDirectories(logs);
        this.workspace = Files.createTempDirectory("quicksilver-e2e-" + name + "-");
        copyTree(ROOT.resolve("tests/src/test/resources/workspace"), workspace);
        env.put("QS_LAUNCHER", ROOT.resolve("quicksilver").toString());
        env.put("QS_WORKSPACE", workspace.toString());
        env.put("QS_SERVER_LOG", logs.resolve("server.log").toString());
        env.put("QS_EDITOR_LOG", logs.resolve("editor.log").toString());
        env.put("QS_RESULT", logs.resolve("result.txt").toString());
        env.put("QS_COMPLETE_AT", COMPLETE_AT);
        // Editors keep their state (Neovim's lsp.log, shada; Emacs' init) inside the log folder, not in $HOME.
        env.put("HOME", logs.resolve("home").toString());
        env.put("XDG_CONFIG_HOME", logs.resolve("home/.config").toString());
        env.put("XDG_CACHE_HOME", logs.resolve("home/.cache").toString());
        env.put("XDG_STATE_HOME", logs.resolve("home/.local/state").toString());
        env.put("XDG_DATA_HOME", logs.resolve("home/.local/share").toString());
        Files.createDirectories(logs.resolve("home"));
    }

    static Path script(String file) {
        return ROOT.resolve("tests/src/test/resources/e2e/" + file);
    }

    static Path plugin(String editor) {
        return ROOT.resolve("editor-clients/" + editor);
    }

    /** Skips (or, under CI, fails) when the server's jars are not built; marks them current for the launcher. */
    static void requireServer() {
        Path lsp = ROOT.resolve("lsp-server/target/lsp-server.jar");
        Path sidecar = ROOT.resolve("gpu-sidecar/target/gpu-sidecar.jar");
        Assumptions.assumeTrue(Files.isRegularFile(lsp) && Files.isRegularFile(sidecar),
                "the server is not built (" + lsp + ", " + sidecar + "): run `mvn -B verify` from the repository root");
        // The reactor packaged these jars before this module's tests (tests/ comes last and depends on them). The
        // launcher rebuilds when a source is newer than gpu-sidecar.jar; an edited test source must not start a
        // Maven build inside the test, so mark the jars as current.
        try {
            FileTime now = FileTime.from(Instant.now());
            Files.setLastModifiedTime(sidecar, now);
            Files.setLastModifiedTime(lsp, now);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The editor's path, or a skip that says how to install it; under CI (CI=true) a missing editor fails. */
    static Path requireExecutable(String program, String install) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        String message = program + " is not installed, so this end-to-end test cannot run; install it: " + install;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(message + " (.ci/run installs it: CI never skips these tests)");
        Assumptions.abort(message);
        return null;
    }

    /** Runs a short command and returns its stdout+stderr, or null when it fails or times out. */
    static String probe(List<String> command, int seconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes());
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Runs the editor; passes when it exits 0 within {@code timeoutSeconds}. On failure, the message carries the
     * script's checks and the log paths.
     */
    void run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path stdout = logs.resolve("stdout.txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workspace.toFile())
                .redirectErrorStream(true).redirectOutput(stdout.toFile());
        pb.environment().putAll(env);
        pb.environment().put("TERM", "dumb");
        Files.writeString(logs.resolve("command.txt"), String.join(" ", command) + "\n" + env + "\n");
        System.out.println("[e2e " + name + "] " + String.join(" ", command));
        Process p = pb.start();
        p.getOutputStream().close();
        boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String result = Files.isRegularFile(logs.resolve("result.txt")) ? Files.readString(logs.resolve("result.txt")) : "(no result.txt)";
        int code = exited ? p.exitValue() : -1;
        boolean passed = exited && code == 0 && result.strip().endsWith("PASS");
        if (passed) {
            System.out.println("[e2e " + name + "] PASS; logs in " + logs);
            deleteTree(workspace);
            return;
        }
        copyTree(workspace, logs.resolve("workspace"));
        deleteTree(workspace);
        String tail = tail(stdout, 40);
        String message = name + ": " + (exited ? "the editor exited with status " + code : "the editor did not finish in " + timeoutSeconds + " s")
                + "\n--- checks (" + logs.resolve("result.txt") + ")\n" + result
                + "--- editor output, last lines (" + stdout + ")\n" + tail
                + "\n--- logs kept: " + logs.resolve("server.log") + " (server), " + logs.resolve("editor.log") + " and "
                + logs.resolve("home") + " (editor), " + logs.resolve("workspace") + " (the workspace as the editor left it)";
        System.out.println(message);
        fail(message);
    }

    private static String tail(Path file, int lines) throws IOException {
        if (!Files.isRegularFile(file)) return "(none)";
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("quicksilver")) && Files.isDirectory(q.resolve("editor-clients"))) return q;
        }
        throw new IllegalStateException("no repository root (with ./quicksilver and editor-clients/) above " + p);
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) Files.deleteIfExists(p);
    }
}
