package dev.quicksilver.lsp.cli;

import com.google.gson.JsonObject;
import dev.quicksilver.lsp.refactor.FileChange;
import dev.quicksilver.lsp.refactor.Refactoring;
import dev.quicksilver.lsp.refactor.UnifiedDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code refactor NAME --workspace DIR --at FILE:LINE:COL [--previous OLD] (--diff | --apply)}: the CI-pipeline
 * use. The edit the refactor builds on is the workspace as it is ({@code add-parameter}, {@code implement-method}),
 * or for {@code apply-similar-edit} the change from {@code --previous} (e.g. {@code git show HEAD:FILE}) to FILE.
 */
@Command(name = "refactor", mixinStandardHelpOptions = true, description = "Run a multi-file refactor over a workspace and print a unified diff or apply it.")
public final class RefactorCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "add-parameter, implement-method or apply-similar-edit.")
    String name;

    @Option(names = "--workspace", required = true, paramLabel = "DIR")
    Path workspace;

    @Option(names = "--at", required = true, paramLabel = "FILE:LINE:COL", description = "Where the refactor starts (one-based).")
    String at;

    @Option(names = "--previous", paramLabel = "FILE", description = "The edited file's earlier text (apply-similar-edit).")
    Path previous;

    static final class Output {
        @Option(names = "--diff", required = true, description = "Print a unified diff (the default).")
        boolean diff;

        @Option(names = "--apply", required = true, description = "Write the changed files in place.")
        boolean apply;
    }

    @ArgGroup(exclusive = true)
    Output output;

    @Mixin
    SidecarMixin sidecar = new SidecarMixin();

    @Option(names = "--verbose", description = "Print the server's log to stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (Refactoring.named(name).isEmpty()) {
            throw new IllegalArgumentException("unknown refactor \"" + name + "\"; known: " + Refactoring.all().stream().map(Refactoring::name).toList());
        }
        Path ws = workspace.toAbsolutePath().normalize();
        if (!Files.isDirectory(ws)) throw new IllegalArgumentException("--workspace " + ws + " is not a directory");
        Headless.Location loc = Headless.Location.parse(at);
        // The server runs in this process: its log reaches stderr once, through the client ("[server] ..." with --verbose).
        System.setProperty("quicksilver.quiet", "true");
        Outcome outcome = run(ws, loc, name, previous == null ? null : Headless.read(previous), verbose,
                sidecar.addTo(HeadlessClient.batchSettings()));
        List<FileChange> changes = outcome.changes();
        if (changes.isEmpty()) {
            System.err.println("quicksilver: " + name + " does not apply at " + at);
            return 1;
        }
        boolean apply = output != null && output.apply;
        for (FileChange c : changes) {
            if (apply) write(c.file(), c.apply());
            else System.out.print(UnifiedDiff.of(ws.relativize(c.file()).toString().replace('\\', '/'), c));
        }
        if (!outcome.summary().isEmpty()) System.err.println("quicksilver: " + outcome.summary());
        for (String note : outcome.fallbackNotes()) System.err.println("quicksilver: " + note);
        if (apply) System.err.println("quicksilver: " + name + " changed " + changes.size() + " file(s)");
        return 0;
    }

    /**
     * A refactor's changes (against the files on disk), the notes of its fallbacks ({@code path:line: why}) and
     * the server's line on how its sites were filled.
     */
    record Outcome(List<FileChange> changes, List<String> fallbackNotes, String summary) {
    }

    /** Runs the refactor through the in-process server. */
    static Outcome run(Path ws, Headless.Location loc, String name, String previousText, boolean verbose,
                                JsonObject settings) throws Exception {
        try (HeadlessClient client = new HeadlessClient(verbose)) {
            client.initialize(ws, settings);
            String current = Headless.read(loc.file());
            int line = loc.line();
            if (previousText != null) {
                Headless.open(client, loc.file(), previousText);
                Headless.replaceAll(client, loc.file(), 2, current);
            } else {
                Headless.open(client, loc.file(), current);
            }
            var action = Headless.refactor(client, loc.file(), line, loc.column(), name);
            if (action.isEmpty() || action.get().getEdit() == null) return new Outcome(List.of(), List.of(), "");
            return new Outcome(Headless.changes(action.get().getEdit()), Headless.fallbackNotes(action.get().getEdit()),
                    client.lastRefactorLog());
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
