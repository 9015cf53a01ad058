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
 * use. The edit the refactor builds on is the workspace as it is ({@code add-parameter}, {@code implement-method},
 * {@code declare-exception}, {@code catch-exception}, {@code drop-catch}, {@code follow-return-type}),
 * or for {@code apply-similar-edit}, {@code change-signature} and the renames ({@code rename-field}, {@code rename-type},
 * {@code rename-type-and-variables}, {@code rename-variable}) the change from {@code
 * --previous} (default: FILE as committed at git HEAD) to FILE.
 */
@Command(name = "refactor", mixinStandardHelpOptions = true, description = "Run a multi-file refactor over a workspace and print a unified diff or apply it.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the refactor's changes were printed or applied", "1:the refactor does not apply at --at, or must not run there (the message says why)",
                "2:bad input (a file, a position, a sidecar), said in one sentence",
                "3:with --strict, a site got a fallback or was left as it was: nothing was written"})
public final class RefactorCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "add-parameter, remove-parameter, reorder-parameters, change-signature, implement-method, apply-similar-edit, "
            + "default-body, rename-field, rename-type, rename-type-and-variables, rename-variable, declare-exception, catch-exception, drop-catch or follow-return-type.")
    String name;

    @Option(names = "--workspace", required = true, paramLabel = "DIR",
            description = "The workspace to index and edit (relative --at and --previous paths are resolved against the current folder).")
    Path workspace;

    @Option(names = "--at", required = true, paramLabel = "FILE:LINE:COL", description = "Where the refactor starts (one-based).")
    String at;

    @Option(names = "--previous", paramLabel = "FILE", description = "The edited file's earlier text (apply-similar-edit, "
            + "reorder-parameters, change-signature, rename-field, rename-type, rename-type-and-variables, rename-variable; default: the file as committed at git HEAD, "
            + "in a git checkout).")
    Path previous;

    static final class Output {
        @Option(names = "--diff", required = true, description = "Print a unified diff (the default).")
        boolean diff;

        @Option(names = "--apply", required = true, description = "Write the changed files in place (a file whose public type was renamed moves to the new name).")
        boolean apply;
    }

    @ArgGroup(exclusive = true)
    Output output;

    @Mixin
    SidecarMixin sidecar = new SidecarMixin();

    @Option(names = "--verbose", description = "Print the server's log to stderr.")
    boolean verbose;

    @Option(names = "--json", description = "Print one JSON object (files with their diffs, fallbacks, summary) instead of the diff.")
    boolean json;

    @Option(names = "--strict", description = "Exit with 3, writing nothing, when any site got a fallback or was left as it was "
            + "(the model's text did not compile there): for CI jobs that must not land a partial refactor.")
    boolean strict;

    /** The refactors that follow an edit of the file at --at: without --previous, its change since git HEAD. */
    private static final java.util.Set<String> FOLLOWING_AN_EDIT = java.util.Set.of("apply-similar-edit", "change-signature", "rename-field", "rename-type",
            "rename-type-and-variables", "rename-variable");

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
        String previousText = previous != null ? Headless.read(previous) : null;
        if (previousText == null && FOLLOWING_AN_EDIT.contains(name)) {
            // The edit is the file's change since its last commit, where it is in a git checkout.
            previousText = committedText(loc.file()).orElseThrow(() -> new IllegalArgumentException(name + " needs the edited file's "
                    + "earlier text: give --previous FILE (in a git checkout, " + loc.file().getFileName() + " as committed at HEAD is used, "
                    + "or the file it was moved from with git mv)"));
            if (previousText.equals(Headless.read(loc.file()))) {
                throw new IllegalArgumentException(loc.file() + " is as committed at HEAD, so there is no edit to "
                        + (name.equals("apply-similar-edit") ? "apply elsewhere" : "follow") + "; give --previous FILE with its earlier text");
            }
            System.err.println("quicksilver: the edit is " + loc.file().getFileName() + "'s change since git HEAD (--previous FILE compares with another text)");
        } else if (previousText == null && name.equals("reorder-parameters")) {
            // The header as committed says the old order, where the Javadoc and the overrides do not.
            String current = Headless.read(loc.file());
            previousText = committedText(loc.file()).filter(committed -> !committed.equals(current)).orElse(null);
            if (previousText != null) {
                System.err.println("quicksilver: the edit is " + loc.file().getFileName() + "'s change since git HEAD (--previous FILE compares with another text)");
            }
        }
        Outcome outcome = run(ws, loc, name, previousText, verbose, sidecar.addTo(HeadlessClient.batchSettings()));
        // Files whose every place was left as it was are in the edit only for their notes.
        List<FileChange> changes = outcome.changes().stream().filter(FileChange::changesSomething).toList();
        if (outcome.refusal() != null) {
            if (json) System.out.println(json(ws, outcome, false, false));
            System.err.println("quicksilver: " + name + " does not run at " + at + ": " + outcome.refusal());
            return 1;
        }
        if (outcome.changes().isEmpty()) {
            if (json) System.out.println(json(ws, outcome, false, false));
            // What the refactor is for, so the user can see why it found nothing to do here.
            String purpose = Refactoring.named(name).map(r -> " (it is there to " + r.description() + ")").orElse("");
            System.err.println("quicksilver: " + name + " does not apply at " + at + purpose);
            return 1;
        }
        boolean apply = output != null && output.apply;
        boolean refused = strict && !outcome.fallbackNotes().isEmpty();
        if (apply && !refused) {
            for (FileChange c : changes) {
                // Checked before anything is written: a move must not overwrite a file, nor leave the rest half done.
                if (c.renamedTo() != null && Files.exists(c.renamedTo())) {
                    throw new IllegalArgumentException(c.renamedTo() + " already exists, so " + c.file().getFileName() + " cannot be renamed to it; "
                            + "nothing was written (move or remove " + c.renamedTo().getFileName() + " first)");
                }
            }
            for (FileChange c : changes) {
                write(c.file(), c.apply());
                if (c.renamedTo() != null) Files.move(c.file(), c.renamedTo());
            }
        }
        if (json) {
            System.out.println(json(ws, outcome, apply && !refused, refused));
        } else if (!apply) {
            for (FileChange c : changes) System.out.print(diff(ws, c));
        }
        if (!outcome.summary().isEmpty()) System.err.println("quicksilver: " + outcome.summary());
        for (String note : outcome.fallbackNotes()) System.err.println("quicksilver: " + note);
        if (refused) {
            System.err.println("quicksilver: --strict: " + outcome.fallbackNotes().size() + " site(s) got a fallback or were left as they were"
                    + (apply ? "; nothing was written" : ""));
            return 3;
        }
        if (changes.isEmpty()) {
            System.err.println("quicksilver: " + name + " changed nothing: every place was left as it was (the notes above say why)");
        } else if (apply) {
            System.err.println("quicksilver: " + name + " changed " + changes.size() + " file(s)");
        }
        return 0;
    }

    /**
     * {@code file} as committed at HEAD of the git checkout it is in ({@code git show HEAD:./NAME}, run in its
     * folder), or, for a file moved there with {@code git mv} (a class renamed with its file), the file it was
     * moved from as committed; empty where git is missing, the folder is no checkout, or the file is not committed.
     */
    static java.util.Optional<String> committedText(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        java.util.Optional<String> committed = git(dir, "show", "HEAD:./" + file.getFileName());
        if (committed.isPresent()) return committed;
        // A staged move: "R100\told/path\tnew/path", paths from the checkout's top.
        java.util.Optional<String> top = git(dir, "rev-parse", "--show-toplevel").map(String::strip);
        java.util.Optional<String> moves = git(dir, "diff", "--cached", "-M", "--name-status", "HEAD");
        if (top.isEmpty() || moves.isEmpty()) return java.util.Optional.empty();
        for (String line : moves.get().split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 3 && fields[0].startsWith("R") && Path.of(top.get(), fields[2]).equals(file.toAbsolutePath().normalize())) {
                return git(dir, "show", "HEAD:" + fields[1]);
            }
        }
        return java.util.Optional.empty();
    }

    /** What {@code git ARGS}, run in {@code dir}, prints, where it exits 0; empty where git fails or is missing. */
    private static java.util.Optional<String> git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process git = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (!git.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return java.util.Optional.empty();
            }
            return git.exitValue() == 0 ? java.util.Optional.of(new String(out, StandardCharsets.UTF_8)) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty(); // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /** A fallback's note as its change annotation describes it: {@code path:line: why}. */
    private static final java.util.regex.Pattern FALLBACK_NOTE = java.util.regex.Pattern.compile("^(.*?):(\\d+): (.*)$", java.util.regex.Pattern.DOTALL);

    /** A change's diff, a moved file's as git writes a rename. */
    private static String diff(Path ws, FileChange c) {
        return UnifiedDiff.of(relative(ws, c.file()), c.renamedTo() == null ? null : relative(ws, c.renamedTo()), c);
    }

    private static String relative(Path ws, Path file) {
        return ws.relativize(file).toString().replace('\\', '/');
    }

    /** The outcome for a CI job: each file with its diff, each fallback as its place and reason, the summary. */
    private String json(Path ws, Outcome outcome, boolean applied, boolean refused) {
        JsonObject o = new JsonObject();
        o.addProperty("refactor", name);
        o.addProperty("workspace", ws.toString());
        o.addProperty("applied", applied);
        o.addProperty("strictRefused", refused);
        // Whether the refactor applies at --at, and where it does but must not run, why (exit 1 either way).
        o.addProperty("applies", outcome.refusal() == null && !outcome.changes().isEmpty());
        if (outcome.refusal() != null) o.addProperty("refusal", outcome.refusal());
        com.google.gson.JsonArray files = new com.google.gson.JsonArray();
        for (FileChange c : outcome.changes()) {
            if (!c.changesSomething()) continue; // only notes: they are in "fallbacks"
            JsonObject f = new JsonObject();
            f.addProperty("path", relative(ws, c.file()));
            if (c.renamedTo() != null) f.addProperty("renamedTo", relative(ws, c.renamedTo()));
            f.addProperty("diff", diff(ws, c));
            files.add(f);
        }
        o.add("files", files);
        com.google.gson.JsonArray fallbacks = new com.google.gson.JsonArray();
        for (String note : outcome.fallbackNotes()) {
            java.util.regex.Matcher m = FALLBACK_NOTE.matcher(note);
            JsonObject f = new JsonObject();
            if (m.matches()) {
                f.addProperty("path", m.group(1));
                f.addProperty("line", Integer.parseInt(m.group(2)));
                f.addProperty("note", m.group(3));
            } else {
                f.addProperty("note", note);
            }
            fallbacks.add(f);
        }
        o.add("fallbacks", fallbacks);
        o.addProperty("summary", outcome.summary());
        return new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o);
    }

    /**
     * A refactor's changes (against the files on disk), the notes of its fallbacks ({@code path:line: why}) and
     * the server's line on how its sites were filled; {@code refusal} (else null), why the refactor applies at the
     * place and must not run.
     */
    record Outcome(List<FileChange> changes, List<String> fallbackNotes, String summary, String refusal) {
        Outcome(List<FileChange> changes, List<String> fallbackNotes, String summary) {
            this(changes, fallbackNotes, summary, null);
        }
    }

    /** Runs the refactor through the in-process server. */
    static Outcome run(Path ws, Headless.Location loc, String name, String previousText, boolean verbose,
                                JsonObject settings) throws Exception {
        // The sidecar starts when a site needs the model: a refactor whose every site is decided without it (a
        // renamed word, an argument named as the parameter) never starts one.
        try (HeadlessClient client = new HeadlessClient(verbose, false)) {
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
            if (action.isPresent() && action.get().getDisabled() != null) return new Outcome(List.of(), List.of(), "", action.get().getDisabled().getReason());
            if (action.isEmpty() || action.get().getEdit() == null) return new Outcome(List.of(), List.of(), "");
            return new Outcome(Headless.changes(action.get().getEdit()), Headless.fallbackNotes(action.get().getEdit()),
                    client.lastRefactorLog());
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
