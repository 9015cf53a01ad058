package dev.quicksilver.lsp.cli;

import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.documents.TextDocument;
import dev.quicksilver.lsp.refactor.FileChange;
import dev.quicksilver.lsp.refactor.WorkspaceEdits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InlineCompletionContext;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;

/** The headless operations, as LSP conversations with the in-process server (see {@link HeadlessClient}). */
final class Headless {
    private Headless() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text; Quicksilver reads source files as UTF-8");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    static void open(HeadlessClient c, Path file, String text) {
        c.server().getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(Uris.toUri(file), "java", 1, text)));
    }

    static void replaceAll(HeadlessClient c, Path file, int version, String text) {
        c.server().getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(Uris.toUri(file), version), List.of(new TextDocumentContentChangeEvent(text))));
    }

    /** The inline completion at a zero-based position, or empty. */
    static Optional<InlineCompletionItem> complete(HeadlessClient c, Path file, int line, int column) throws Exception {
        InlineCompletionParams p = new InlineCompletionParams(new TextDocumentIdentifier(Uris.toUri(file)), new Position(line, column),
                new InlineCompletionContext(InlineCompletionTriggerKind.Invoked));
        var r = c.server().getTextDocumentService().inlineCompletion(p).get(120, TimeUnit.SECONDS);
        List<InlineCompletionItem> items = r.isLeft() ? r.getLeft() : r.getRight().getItems();
        return items.stream().findFirst();
    }

    /** Lists the code actions at a position, picks the one named {@code refactor}, resolves it. */
    static Optional<CodeAction> refactor(HeadlessClient c, Path file, int line, int column, String refactor) throws Exception {
        CodeActionParams p = new CodeActionParams(new TextDocumentIdentifier(Uris.toUri(file)),
                new Range(new Position(line, column), new Position(line, column)), new CodeActionContext(List.of()));
        var actions = c.server().getTextDocumentService().codeAction(p).get(120, TimeUnit.SECONDS);
        for (var a : actions) {
            if (a.isRight() && a.getRight().getData() instanceof com.google.gson.JsonObject d && refactor.equals(d.get("refactor").getAsString())) {
                if (a.getRight().getDisabled() != null) return Optional.of(a.getRight());
                return Optional.of(c.server().getTextDocumentService().resolveCodeAction(a.getRight()).get(300, TimeUnit.SECONDS));
            }
        }
        return Optional.empty();
    }

    /** A workspace edit as file changes against the files' current text on disk. */
    static List<FileChange> changes(WorkspaceEdit edit) {
        List<FileChange> out = new ArrayList<>();
        if (edit.getDocumentChanges() != null) {
            for (var dc : edit.getDocumentChanges()) {
                if (dc.isRight()) {
                    // A file renamed after its edits (a renamed public type's): its change moves it.
                    if (dc.getRight() instanceof org.eclipse.lsp4j.RenameFile move) {
                        Path from = Uris.toPath(move.getOldUri());
                        int i = indexOf(out, from);
                        if (i < 0) out.add(change(from, List.of()).movedTo(Uris.toPath(move.getNewUri())));
                        else out.set(i, out.get(i).movedTo(Uris.toPath(move.getNewUri())));
                    }
                    continue;
                }
                TextDocumentEdit tde = dc.getLeft();
                List<TextEdit> edits = tde.getEdits().stream().map(e -> e.isLeft() ? e.getLeft() : null).filter(e -> e != null).toList();
                out.add(change(Uris.toPath(tde.getTextDocument().getUri()), edits));
            }
        } else if (edit.getChanges() != null) {
            edit.getChanges().forEach((uri, edits) -> out.add(change(Uris.toPath(uri), edits)));
        }
        return out;
    }

    /**
     * The notes of the sites that got a fallback or were left as they were ({@code path:line: why}), from the
     * edit's change annotations, in the server's order.
     */
    static List<String> fallbackNotes(WorkspaceEdit edit) {
        if (edit.getChangeAnnotations() == null) return List.of();
        return edit.getChangeAnnotations().entrySet().stream().filter(e -> e.getKey().startsWith(WorkspaceEdits.FALLBACK_ANNOTATION + "."))
                .sorted(java.util.Comparator.comparingInt(e -> Integer.parseInt(e.getKey().substring(WorkspaceEdits.FALLBACK_ANNOTATION.length() + 1))))
                .map(e -> e.getValue().getDescription()).toList();
    }

    private static int indexOf(List<FileChange> changes, Path file) {
        for (int i = 0; i < changes.size(); i++) if (changes.get(i).file().equals(file)) return i;
        return -1;
    }

    private static FileChange change(Path file, List<TextEdit> edits) {
        String text = read(file);
        TextDocument doc = TextDocument.of("", 0, text);
        List<FileChange.Replacement> reps = new ArrayList<>();
        for (TextEdit e : edits) {
            Range r = e.getRange();
            reps.add(new FileChange.Replacement(doc.clampedOffsetOf(r.getStart().getLine(), r.getStart().getCharacter()),
                    doc.clampedOffsetOf(r.getEnd().getLine(), r.getEnd().getCharacter()), e.getNewText()));
        }
        return new FileChange(file, text, reps);
    }

    /** {@code FILE:LINE:COL}, one-based line and column, as compilers print them. */
    record Location(Path file, int line, int column) {
        static Location parse(String spec) {
            int c2 = spec.lastIndexOf(':');
            int c1 = c2 > 0 ? spec.lastIndexOf(':', c2 - 1) : -1;
            if (c1 <= 0) throw new IllegalArgumentException("\"" + spec + "\" is not FILE:LINE:COL (one-based line and column)");
            try {
                int line = Integer.parseInt(spec.substring(c1 + 1, c2));
                int col = Integer.parseInt(spec.substring(c2 + 1));
                if (line < 1 || col < 1) throw new NumberFormatException();
                Path file = Path.of(spec.substring(0, c1)).toAbsolutePath().normalize();
                if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " is not a file");
                long lines = read(file).chars().filter(ch -> ch == '\n').count() + 1; // as an editor counts them
                if (line > lines) throw new IllegalArgumentException(file + " has " + lines + " lines; line " + line + " is past its end");
                return new Location(file, line - 1, col - 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + spec + "\" is not FILE:LINE:COL with one-based numbers");
            }
        }
    }
}
