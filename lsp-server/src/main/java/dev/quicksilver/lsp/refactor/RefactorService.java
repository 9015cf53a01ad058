package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.WorkDoneProgress;
import dev.quicksilver.lsp.documents.EditHistory;
import dev.quicksilver.lsp.documents.TextDocument;
import dev.quicksilver.lsp.model.ModelService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.MessageType;

/**
 * Finds refactors at a position (index only) and runs one (one batch to the model). Shared by codeAction,
 * codeAction/resolve, executeCommand and the headless {@code refactor} command.
 *
 * <p>Concurrency. {@link #plans} runs on a worker thread; it runs the index's pending updates and re-indexes the
 * asking document now (its buffer, and files a refactor's edit just changed, may be newer than the debounced index). Earlier method keys are kept in a concurrent map, filled when a
 * document opens and before each re-index; the headers whose edit a refactor has followed up in another, written
 * when a resolve completes (any thread) and read by {@link #plans}. {@link #run} returns the model's future chained
 * to the edits; cancelling the future it returns cancels the batch in the sidecar.
 */
public final class RefactorService {
    private static final int PREFIX_CHARS = 1500;
    private static final int SUFFIX_CHARS = 600;
    private static final Set<String> ONE_KIND = Set.of("add-parameter", "remove-parameter", "reorder-parameters");
    /** The refactors that follow a header's edit: once one has run, its edit is no longer news. */
    private static final Set<String> FOLLOWING_A_HEADER = Set.of("add-parameter", "remove-parameter", "reorder-parameters", "change-signature",
            // A call left as it was (with a note) would have the refactor offered again for nothing.
            "declare-exception", "catch-exception", "drop-catch", "follow-return-type");
    private final ServerSession session;
    private final Map<String, Set<String>> earlierKeys = new ConcurrentHashMap<>();
    /**
     * The last header of each method (by qualified name and line, overloads apart: its key and its parameters as
     * written) whose edit a parameter refactor has followed up: the edit still reads as one (the burst of typing stays the last edit),
     * and offering it again would pass calls written the new way through the change once more. Editing the header
     * again makes it another.
     */
    private final Map<String, String> followedUp = new ConcurrentHashMap<>();

    public RefactorService(ServerSession session) {
        this.session = session;
    }

    /** Remembers the method keys declared in a file now, so calls still bound to them are found later. */
    public void rememberKeys(WorkspaceIndex index, Path file) {
        for (SymbolInfo s : index.declarationsIn(file)) {
            if (s.kind() == SymbolKind.METHOD || s.kind() == SymbolKind.CONSTRUCTOR) {
                earlierKeys.computeIfAbsent(s.qualifiedName(), k -> ConcurrentHashMap.newKeySet()).add(s.key());
            }
        }
    }

    /** The refactors that apply at this position, from the index alone. */
    public List<RefactorPlan> plans(String uri, int line, int character) {
        Optional<Path> onDisk = Uris.pathOf(uri);
        if (onDisk.isEmpty()) return List.of(); // an untitled buffer is in no workspace: nothing to refactor
        Path file = onDisk.get();
        WorkspaceIndex index = session.resolvedIndex(); // a refactor must not find only some call sites
        Optional<TextDocument> open = session.documents().get(Uris.normalize(uri));
        if (open.isPresent()) {
            if (open.get().isBinary()) throw Errors.invalidParams(uri + " is a binary file; Quicksilver only refactors text");
            if (open.get().offsetOf(line, character) < 0) {
                throw Errors.invalidParams("position " + line + ":" + character + " is outside " + uri + " (" + open.get().lineCount() + " lines)");
            }
            rememberKeys(index, file);
        } else if (!Files.isRegularFile(file)) {
            throw Errors.invalidParams(uri + " is neither open nor a file on disk");
        }
        // Other files' pending updates too (a refactor's edit just applied to them): a use found where the index last
        // put it must be there still.
        index.flush();
        open.ifPresent(doc -> index.reindexNow(new DocumentSnapshot(file, doc.text())));
        Optional<EditHistory.Edit> edit = session.documents().lastEdit(Uris.normalize(uri));
        return plans(index, file, new TextPosition(line, character), edit);
    }

    public List<RefactorPlan> plans(WorkspaceIndex index, Path file, TextPosition position, Optional<EditHistory.Edit> edit) {
        return plans(Refactoring.all(), index, file, position, edit);
    }

    /** {@link #plans(WorkspaceIndex, Path, TextPosition, Optional)} of the given refactorings. */
    List<RefactorPlan> plans(List<Refactoring> refactorings, WorkspaceIndex index, Path file, TextPosition position, Optional<EditHistory.Edit> edit) {
        Set<Path> open = new java.util.HashSet<>();
        for (TextDocument doc : session.documents().all()) Uris.pathOf(doc.uri()).ifPresent(open::add);
        RefactorInput input = new RefactorInput(index, file, position, edit,
                name -> earlierKeys.getOrDefault(name, Set.of()), this::textOf, session.thoroughRefactors(), open);
        List<RefactorPlan> plans = new ArrayList<>();
        for (Refactoring r : refactorings) {
            try {
                r.plan(input).ifPresent(plans::add);
            } catch (RuntimeException e) {
                // One refactor's bug must not take the others' code actions away: it is logged, and they are listed.
                session.log(MessageType.Warning, "refactor " + r.name() + " could not plan at " + file + ":" + (position.line() + 1) + ": " + e);
            }
        }
        // A header changed in several ways at once, with calls written for it as it was: the one-kind refactors'
        // readings of it (the last parameter taken as the one added, say) are not what happened.
        if (plans.stream().anyMatch(p -> !p.isRefused() && p.name().equals("change-signature"))) plans.removeIf(p -> ONE_KIND.contains(p.name()));
        // A variable's name retyped is a rename, not an edit to copy to similar places elsewhere.
        if (plans.stream().anyMatch(p -> !p.isRefused() && p.name().equals("rename-variable"))) plans.removeIf(p -> p.name().equals("apply-similar-edit"));
        if (header(input).filter(h -> h.written().equals(followedUp.get(h.method()))).isPresent()) plans.removeIf(p -> FOLLOWING_A_HEADER.contains(p.name()));
        return plans;
    }

    /** A method's header as {@link #followedUp} knows it: the method (and its line), and its key and parameters as written. */
    public record Header(String method, String written) {
    }

    private static Optional<Header> header(RefactorInput input) {
        return input.methodAt().map(m -> new Header(m.qualifiedName() + "@" + m.nameRange().startLine(),
                m.key() + AddParameterRefactoring.parameters(m, input.text(m.location().path()))));
    }

    /**
     * What to tell {@link #followedUp(Header)} once the refactor {@code name} planned at the position has run: the
     * header there, for a refactor that follows a header's edit.
     */
    public Optional<Header> headerFollowedBy(String name, String uri, int line, int character) {
        if (!FOLLOWING_A_HEADER.contains(name)) return Optional.empty();
        return Uris.pathOf(uri).flatMap(file -> header(new RefactorInput(session.resolvedIndex(), file, new TextPosition(line, character),
                Optional.empty(), n -> Set.of(), this::textOf, false)));
    }

    /** The header's edit has been followed up: parameter refactors are not offered for it again. */
    public void followedUp(Header header) {
        followedUp.put(header.method(), header.written());
    }

    /** The open buffer if the file is open, else the file on disk. */
    public Optional<String> textOf(Path p) {
        Optional<TextDocument> open = session.documents().get(Uris.toUri(p));
        if (open.isPresent()) return Optional.of(open.get().text());
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Denoises every site of the plan as one batch and returns the changes, file by file. */
    public CompletableFuture<List<FileChange>> run(RefactorPlan plan, WorkDoneProgress progress) {
        for (Site s : plan.sites()) session.roots().requireInside(s.file());
        plan.fileRenames().forEach((from, to) -> {
            session.roots().requireInside(from);
            session.roots().requireInside(to);
        });
        Map<Path, String> texts = new LinkedHashMap<>();
        List<ModelService.InfillRequest> requests = new ArrayList<>();
        // A site with one candidate is decided here: its answer is that candidate, and the model is not asked.
        List<String> decided = new ArrayList<>();
        for (Site s : plan.sites()) {
            String text = texts.computeIfAbsent(s.file(), p -> textOf(p).orElseThrow(() -> Errors.invalidParams(p + " cannot be read")));
            List<String> candidates = s.candidates().get();
            decided.add(candidates.size() == 1 ? candidates.getFirst() : null);
            if (candidates.size() == 1) continue;
            String prefix = text.substring(Math.max(0, s.start() - PREFIX_CHARS), s.start()) + s.before();
            String suffix = s.after() + text.substring(s.end(), Math.min(text.length(), s.end() + SUFFIX_CHARS));
            requests.add(new ModelService.InfillRequest(s.context(), prefix, suffix, s.maxTokens(), false, candidates));
        }
        long chosen = requests.stream().filter(r -> !r.candidates().isEmpty()).count();
        long imports = plan.imports();
        long passed = decided.stream().filter(d -> d != null).count() - plan.declarations() - imports;
        session.log(MessageType.Info, "refactor " + plan.name() + ": " + plan.sites().size() + " sites"
                + (plan.declarations() > 0 ? " (" + plan.declarations() + " of them in declarations: parameter lists, throws clauses, Javadoc tags)" : "") + "; " + requests.size()
                + " to the model" + (chosen == 0 ? "" : " (" + (requests.size() - chosen)
                + " written, " + chosen + " chosen among candidates: the variables in sight, or the ways to write it)")
                + (passed > 0 ? ", " + passed + " passed without it" + (plan.decidedBecause().isEmpty() ? "" : " (" + plan.decidedBecause() + ")") : "")
                + (imports > 0 ? ", " + imports + " adding imports" : ""));
        progress.beginNow(plan.sites().size() + " sites in " + plan.files() + " files" + (requests.isEmpty() ? "" : ", " + requests.size() + " to the model"));
        CompletableFuture<List<ModelService.Infill>> call = requests.isEmpty() ? CompletableFuture.completedFuture(List.of())
                : session.model().fillSites(requests, Duration.ofMillis(session.settings().refactorTimeoutMs()), progress::update);
        // Compiling the answers (tens of milliseconds a file) runs on a worker, not on the thread that completes the call.
        CompletableFuture<List<FileChange>> out = call.thenApplyAsync(fills -> changes(plan, texts, decided, answers(decided, fills)), session.workers());
        out.whenComplete((r, e) -> {
            long fallbacks = r == null ? 0 : r.stream().flatMap(c -> c.replacements().stream()).filter(x -> x.note() != null).count();
            progress.end(e != null ? "stopped" : fallbacks == 0 ? "done" : "done; " + fallbacks + " site(s) got a fallback or were left as they were: review them first");
            if (out.isCancelled()) call.cancel(true);
        });
        return out;
    }

    /** Every site's raw answer, in order: its one candidate where it had one, else the model's next answer. */
    private static List<String> answers(List<String> decided, List<ModelService.Infill> fills) {
        List<String> answers = new ArrayList<>();
        int next = 0;
        for (String d : decided) answers.add(d != null ? d : fills.get(next++).text());
        return answers;
    }

    /**
     * {@code reps} (one per answer, same order) with each added import kept only where the file, as edited, names
     * its type outside its imports: a similar place left as it was (it did not compile there) needs none.
     */
    private static List<FileChange.Replacement> withUsedImports(String original, List<CompileCheck.Answer> answers,
                                                                List<FileChange.Replacement> reps) {
        List<FileChange.Replacement> code = new ArrayList<>();
        for (int i = 0; i < reps.size(); i++) if (!Imports.isImportSite(answers.get(i).site())) code.add(reps.get(i));
        if (code.size() == reps.size()) return reps;
        String edited = new FileChange(Path.of(""), original, code).apply();
        List<FileChange.Replacement> out = new ArrayList<>();
        for (int i = 0; i < reps.size(); i++) {
            FileChange.Replacement r = reps.get(i);
            out.add(Imports.isImportSite(answers.get(i).site()) ? new FileChange.Replacement(r.start(), r.end(), Imports.used(r.text(), edited), r.note()) : r);
        }
        return out;
    }

    /** Each file's replacements: the model's answers where they compile, fallbacks with a note elsewhere. */
    private List<FileChange> changes(RefactorPlan plan, Map<Path, String> texts, List<String> decided, List<String> rawAnswers) {
        Map<Path, List<CompileCheck.Answer>> byFile = new LinkedHashMap<>();
        for (int i = 0; i < plan.sites().size(); i++) {
            Site s = plan.sites().get(i);
            String raw = rawAnswers.get(i);
            boolean byModel = decided.get(i) == null;
            byFile.computeIfAbsent(s.file(), p -> new ArrayList<>()).add(new CompileCheck.Answer(s, s.finish().apply(raw), raw, byModel));
        }
        WorkspaceIndex index = session.resolvedIndex();
        List<FileChange> changes = new ArrayList<>();
        byFile.forEach((file, answers) -> {
            // A file that moves is compiled where it goes: a public type is checked against its file's name.
            Path compiledAs = plan.fileRenames().getOrDefault(file, file);
            // The imports the model's text needs there, kept where that text stays (withUsedImports).
            CompileCheck.importsFor(compiledAs, texts.get(file), answers, index::compileErrors, name -> ImportableTypes.of(index, name))
                    .ifPresent(answers::add);
            List<CompileCheck.Choice> choices = CompileCheck.choose(compiledAs, texts.get(file), answers, index::compileErrors);
            List<FileChange.Replacement> reps = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                Site s = answers.get(i).site();
                CompileCheck.Choice c = choices.get(i);
                // A site left as it was stays in the change, unchanged, for its note.
                String text = c.text() == null ? texts.get(file).substring(s.start(), s.end())
                        : JavaText.withLineEndsOf(texts.get(file), s.before() + c.text() + s.after());
                // A caveat is reported where the site's own text went in, as a fallback's note is.
                String note = c.note() == null && c.text() != null ? s.caveat() : c.note();
                reps.add(new FileChange.Replacement(s.start(), s.end(), text, note));
            }
            changes.add(new FileChange(file, texts.get(file), withUsedImports(texts.get(file), answers, reps), plan.fileRenames().get(file)));
        });
        // A file that moves with no edit of its own (its type's name was all there was to rename, and the user did).
        plan.fileRenames().forEach((from, to) -> {
            if (!byFile.containsKey(from)) {
                changes.add(new FileChange(from, textOf(from).orElseThrow(() -> Errors.invalidParams(from + " cannot be read")), List.of(), to));
            }
        });
        // Clients without change annotations (Neovim, Eglot, lsp-mode) see the notes in their log.
        for (FileChange c : changes) {
            for (FileChange.Replacement r : c.replacements()) {
                if (r.note() == null) continue;
                session.log(MessageType.Info, plan.title() + ": fallback at " + c.file() + ":" + c.lineOf(r) + ": " + r.note());
            }
        }
        return changes;
    }
}
