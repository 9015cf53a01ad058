package dev.quicksilver.lsp.completion;

import dev.quicksilver.lsp.ResponseFutures;
import dev.quicksilver.index.Context;
import dev.quicksilver.index.ContextSegment;
import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.TokenCounter;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.WorkDoneProgress;
import dev.quicksilver.lsp.documents.TextDocument;
import dev.quicksilver.lsp.model.ModelService;
import dev.quicksilver.lsp.refactor.ImportableTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * The work behind both completion requests (inline and classic): snapshot, context, one denoise call, the
 * text rules of {@link CompletionText}, and the compile check of {@link CompletionCheck} (with a second denoise
 * call when it finds an invented name, and the completion cut before wrong code); or, while the user types the
 * start of the completion shown last, the rest of it ({@link ShownCompletion}) with no model call. The two handlers
 * only shape the answer for their request.
 *
 * <p>Concurrency. {@link #suggest} returns at once with a future that it also registers as the document's
 * completion in flight, cancelling the previous one (cancel-previous per document, as the design's step 2
 * says). The returned future is the very object LSP4J cancels on {@code $/cancelRequest}; its cancellation
 * cancels the model future, which the sidecar client turns into a cancelled RPC (the remask call's too). Context
 * assembly and the compile check run on worker threads, the denoising in the sidecar; nothing here blocks the
 * reader thread, and every path completes the future (a check that fails leaves the completion unchecked).
 */
public final class CompletionService {
    /** Characters per token of the embedded model's byte-level BPE on Java, rounded down to stay under budget. */
    private static final int CHARS_PER_TOKEN = 3;
    static final TokenCounter TOKENS = text -> (int) Math.ceil(text.length() / (double) CHARS_PER_TOKEN);

    /** A completion ready to show: insert {@code text}, replacing {@code [start, end)} of version {@code version}. */
    /** {@code imports}: the edit that adds the imports the text needs (null: none), for the client to apply with it. */
    public record Suggestion(String text, Position start, Position end, int version, boolean healed, org.eclipse.lsp4j.TextEdit imports) {
        public Suggestion(String text, Position start, Position end, int version, boolean healed) {
            this(text, start, end, version, healed, null);
        }
    }

    private final ServerSession session;

    public CompletionService(ServerSession session) {
        this.session = session;
    }

    public CompletableFuture<Optional<Suggestion>> suggest(String rawUri, Position position, Either<String, Integer> workDoneToken) {
        CompletableFuture<Optional<Suggestion>> result = new CompletableFuture<>();
        String uri;
        try {
            uri = Uris.normalize(Errors.require(rawUri, "textDocument.uri"));
            Errors.require(position, "position");
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        CompletableFuture<?> previous = session.completionsInFlight().put(uri, result);
        if (previous != null) previous.cancel(true);
        result.whenComplete((r, e) -> session.completionsInFlight().remove(uri, result));
        session.workers().execute(() -> {
            try {
                if (result.isDone()) return;
                start(uri, position, workDoneToken, result);
            } catch (RuntimeException e) {
                result.completeExceptionally(Errors.toResponse(e));
            }
        });
        return result;
    }

    private void start(String uri, Position position, Either<String, Integer> token, CompletableFuture<Optional<Suggestion>> result) {
        TextDocument doc = session.requireDocument(uri);
        int offset = doc.offsetOf(position.getLine(), position.getCharacter());
        if (offset < 0) {
            throw Errors.invalidParams("position " + position.getLine() + ":" + position.getCharacter() + " is outside "
                    + uri + " (" + doc.lineCount() + " lines)");
        }
        Position at = new Position(doc.lineOf(offset), doc.columnOf(offset));
        ShownCompletion last = session.shownCompletions().get(uri);
        Optional<String> rest = last == null ? Optional.empty() : last.rest(doc.text(), offset);
        if (rest.isPresent()) {
            session.shownCompletions().put(uri, new ShownCompletion(doc.text(), offset, rest.get(), last.imports()));
            session.log(org.eclipse.lsp4j.MessageType.Log, "completion " + uri + ":" + (at.getLine() + 1) + " typed through: "
                    + quote(last.text().substring(0, last.text().length() - rest.get().length())) + " of " + quote(last.text())
                    + " -> " + quote(rest.get()) + " (no model call)");
            result.complete(Optional.of(new Suggestion(rest.get(), at, at, doc.version(), false, last.imports())));
            return;
        }
        ServerSettings settings = session.settings();
        Path path = Uris.pathOf(uri).orElse(null); // null: an untitled buffer, completed from its own text
        long assemblyStart = System.nanoTime();
        Windows w = windows(doc, path, position, offset, settings);
        long assemblyMs = (System.nanoTime() - assemblyStart) / 1_000_000;
        CompletionText.Plan plan = CompletionText.plan(w.prefix);
        boolean singleLine = !settings.multiline();
        ModelService.InfillRequest request = new ModelService.InfillRequest(w.context, plan.prefix(), w.suffix, settings.maxTokens(), singleLine);
        WorkDoneProgress progress = new WorkDoneProgress(session, token, "Quicksilver: completing", 300, result);
        CompletableFuture<ModelService.Infill> call = session.model().complete(request,
                Duration.ofMillis(settings.completionTimeoutMs()), progress::update);
        ResponseFutures.cancelWith(result, call);
        Pending pending = new Pending(uri, path, doc.text(), offset, at, doc.version(), w, plan, settings, result);
        call.whenComplete((infill, error) -> {
            progress.end(error == null ? "done" : "stopped");
            if (error != null) {
                Throwable u = Errors.unwrap(error);
                if (!(u instanceof CancellationException)) session.problem("model", "completion failed: " + u.getMessage());
                result.completeExceptionally(Errors.toResponse(u));
                return;
            }
            String text = CompletionText.finish(plan, infill.text(), w.suffix, singleLine);
            String log = "completion " + uri + ":" + (at.getLine() + 1) + " model " + infill.tokens() + " tokens " + quote(infill.text())
                    + " -> " + quote(text) + " (context " + assemblyMs + " ms, " + infill.cost() + ")";
            if (text.isBlank() || !settings.checkCompletions() || path == null) {
                show(pending, text, log);
            } else {
                session.workers().execute(() -> check(pending, text, log)); // compiling is no work for a gRPC thread
            }
        });
    }

    /** What a completion's check needs of the request: the buffer it was asked for, where, and how to answer. */
    private record Pending(String uri, Path path, String buffer, int offset, Position at, int version, Windows windows,
                           CompletionText.Plan plan, ServerSettings settings, CompletableFuture<Optional<Suggestion>> result) {
    }

    /** Most tokens the model may write where the compiler found an unknown name (a name, or a short call chain). */
    private static final int REMASK_TOKENS = 8;

    /**
     * Compiles the completion in the buffer (see {@link CompletionCheck}); an unknown name is masked again and
     * denoised once more with the rest of the completion around it, and wrong code cut off. Only once the workspace
     * is resolved: before that the index is busy resolving and a check would wait for it.
     */
    private void check(Pending p, String text, String log) {
        if (p.result().isDone()) return;
        try {
            checkOrRemask(p, text, log);
        } catch (RuntimeException e) {
            // The completion stands unchecked rather than never answering.
            show(p, text, log + "; not checked: " + e);
        }
    }

    private void checkOrRemask(Pending p, String text, String log) {
        CompletableFuture<WorkspaceIndex> resolved = session.resolvedIndexFuture();
        if (!resolved.isDone() || resolved.isCompletedExceptionally()) {
            show(p, text, log + "; not checked while the workspace resolves");
            return;
        }
        WorkspaceIndex index = resolved.join();
        Optional<dev.quicksilver.index.CompileError> unknown = CompletionCheck.unknownName(index, p.path(), p.buffer(), p.offset(), text);
        if (unknown.isEmpty()) {
            showCompiled(p, index, text, null, log);
            return;
        }
        // Names of types the buffer does not import: the completion stands, with the imports it needs.
        Optional<ImportableTypes.Insertion> imports = CompletionCheck.imports(index, p.path(), p.buffer(), p.offset(), text);
        if (imports.isPresent()) {
            showCompiled(p, index, text, imports.get(), log);
            return;
        }
        int from = unknown.get().start();
        int to = unknown.get().end();
        String before = text.substring(0, from);
        String after = text.substring(to);
        String remasked = log + "; unknown name " + quote(text.substring(from, to)) + " (" + unknown.get().message() + ") masked again";
        Windows w = p.windows();
        ModelService.InfillRequest again = new ModelService.InfillRequest(w.context, w.prefix + before, after + w.suffix, REMASK_TOKENS, true);
        CompletableFuture<ModelService.Infill> call = session.model().complete(again, Duration.ofMillis(p.settings().completionTimeoutMs()),
                ModelService.Progress.NONE);
        ResponseFutures.cancelWith(p.result(), call);
        call.whenComplete((fill, error) -> session.workers().execute(() -> {
            if (p.result().isDone()) return;
            if (error != null) {
                show(p, "", remasked + ", which failed: " + Errors.unwrap(error).getMessage());
                return;
            }
            try {
                String name = CompletionCheck.leadingName(fill.text());
                String repaired = before + name + after;
                String repair = remasked + ": " + quote(fill.text()) + " -> " + quote(repaired);
                boolean stillUnknown = name.isEmpty() || CompletionCheck.unknownName(index, p.path(), p.buffer(), p.offset(), repaired).isPresent();
                if (stillUnknown) show(p, "", repair + ", still unknown: not shown");
                else showCompiled(p, index, repaired, null, repair);
            } catch (RuntimeException e) {
                show(p, "", remasked + ", which could not be checked: " + e);
            }
        }));
    }

    /**
     * Shows {@code text} (with {@code imports}, null for none) where it is no wrong code ({@link
     * CompletionCheck#wrongCode}); else what comes before its wrong code, with the imports that part needs, where
     * that part is no wrong code either; else nothing. Its names are known.
     */
    private void showCompiled(Pending p, WorkspaceIndex index, String text, ImportableTypes.Insertion imports, String log) {
        Optional<dev.quicksilver.index.CompileError> wrong = wrongCode(p, index, text, imports);
        if (wrong.isEmpty()) {
            show(p, text, imports == null ? log : log + "; with " + String.join(" ", imports.lines()), importsEdit(p, imports));
            return;
        }
        dev.quicksilver.index.CompileError e = wrong.get();
        String kept = text.substring(0, e.start()).stripTrailing();
        String why = log + "; wrong code " + (e.end() > e.start() ? quote(text.substring(e.start(), e.end())) : "of the call before it")
                + " (" + e.message() + ")";
        if (kept.chars().noneMatch(Character::isLetterOrDigit)) { // nothing of it but punctuation (" =") is no help
            show(p, "", why + ": not shown");
            return;
        }
        ImportableTypes.Insertion keptImports = imports == null ? null
                : CompletionCheck.imports(index, p.path(), p.buffer(), p.offset(), kept).orElse(null);
        if (wrongCode(p, index, kept, keptImports).isPresent()) {
            show(p, "", why + ": not shown (" + quote(kept) + " before it is wrong too)");
            return;
        }
        show(p, kept, why + ": cut to " + quote(kept), importsEdit(p, keptImports));
    }

    /** {@link CompletionCheck#wrongCode} of {@code text} in the buffer with {@code imports} (null: none) inserted. */
    private static Optional<dev.quicksilver.index.CompileError> wrongCode(Pending p, WorkspaceIndex index, String text, ImportableTypes.Insertion imports) {
        if (imports == null) return CompletionCheck.wrongCode(index, p.path(), p.buffer(), p.offset(), text);
        String buffer = p.buffer().substring(0, imports.offset()) + imports.text() + p.buffer().substring(imports.offset());
        return CompletionCheck.wrongCode(index, p.path(), buffer, p.offset() + imports.text().length(), text);
    }

    private static org.eclipse.lsp4j.TextEdit importsEdit(Pending p, ImportableTypes.Insertion imports) {
        if (imports == null) return null;
        Position at = dev.quicksilver.lsp.documents.DocumentStore.position(TextDocument.of("", 0, p.buffer()), imports.offset());
        return new org.eclipse.lsp4j.TextEdit(new org.eclipse.lsp4j.Range(at, at), imports.text());
    }

    private void show(Pending p, String text, String log) {
        show(p, text, log, null);
    }

    private void show(Pending p, String text, String log, org.eclipse.lsp4j.TextEdit imports) {
        session.log(org.eclipse.lsp4j.MessageType.Log, log);
        boolean answered = p.result().complete(text.isBlank() ? Optional.empty()
                : Optional.of(new Suggestion(text, p.at(), p.at(), p.version(), p.plan().healed(), imports)));
        if (!answered) return; // cancelled meanwhile: the client never sees this one
        if (text.isBlank()) session.shownCompletions().remove(p.uri());
        else session.shownCompletions().put(p.uri(), new ShownCompletion(p.buffer(), p.offset(), text, imports));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    private record Windows(String context, String prefix, String suffix) {
    }

    /**
     * Prefix, suffix and related code: from the indexer within the token budget, or plain windows without one.
     * The suffix is then cut to {@code suffixTokens}: unlike the context and the prefix, whose keys/values the
     * sidecar's context cache keeps from one keystroke to the next, everything after the hole is computed afresh
     * on every request, so its length is what a completion's first forward costs.
     */
    private Windows windows(TextDocument doc, Path path, Position position, int offset, ServerSettings settings) {
        Windows w = assemble(doc, path, offset, settings);
        return new Windows(w.context, w.prefix, CompletionText.leadingLines(w.suffix, settings.suffixTokens() * CHARS_PER_TOKEN));
    }

    private Windows assemble(TextDocument doc, Path path, int offset, ServerSettings settings) {
        WorkspaceIndex index = path == null || session.indexFuture().isCompletedExceptionally() ? null
                : settings.completeWhileResolving() ? session.index() : session.resolvedIndex();
        if (index == null || settings.contextTokens() <= 0) {
            String text = doc.text();
            return new Windows("", text.substring(Math.max(0, offset - 1500), offset), text.substring(offset, Math.min(text.length(), offset + 600)));
        }
        Context ctx = index.contextFor(new DocumentSnapshot(path, doc.text()),
                new TextPosition(doc.lineOf(offset), doc.columnOf(offset)), settings.contextTokens(), TOKENS);
        String prefix = ctx.prefix().map(ContextSegment::text).orElse("");
        String suffix = ctx.suffix().map(ContextSegment::text).orElse("");
        StringBuilder related = new StringBuilder();
        for (ContextSegment s : ctx.segments()) {
            if (s.kind() == ContextSegment.Kind.DECLARATION || s.kind() == ContextSegment.Kind.SIMILAR) {
                related.append("// ").append(s.path().getFileName()).append('\n').append(s.text()).append("\n\n");
            }
        }
        return new Windows(related.toString(), prefix, suffix);
    }
}
