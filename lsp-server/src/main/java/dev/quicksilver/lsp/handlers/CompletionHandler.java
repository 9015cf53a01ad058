package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ResponseFutures;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.completion.CompletionService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * {@code textDocument/completion} for clients without inline completion: one item from the model, whose
 * {@code textEdit} replaces the identifier already typed before the cursor (its range starts where the client's
 * filter word starts, as tabby-agent's completion fallback does, so clients keep the item while filtering).
 * The list is incomplete: typing further asks again.
 */
public final class CompletionHandler {
    private final ServerSession session;
    private final CompletionService completions;

    public CompletionHandler(ServerSession session, CompletionService completions) {
        this.session = session;
        this.completions = completions;
    }

    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        if (params == null || params.getTextDocument() == null) {
            return CompletableFuture.failedFuture(Errors.invalidParams("textDocument is missing from the request"));
        }
        var suggestion = completions.suggest(params.getTextDocument().getUri(), params.getPosition(), params.getWorkDoneToken());
        return ResponseFutures.map(suggestion, found -> Either.forRight(
                new CompletionList(true, found.map(x -> List.of(item(params, x))).orElse(List.of()))));
    }

    /** The one model item: its textEdit replaces the identifier part before the cursor, so filtering keeps it. */
    CompletionItem item(CompletionParams params, CompletionService.Suggestion x) {
        String word = "";
        var doc = session.documents().get(Uris.normalize(params.getTextDocument().getUri()));
        if (doc.isPresent() && doc.get().version() == x.version() && !x.healed()) {
            String line = doc.get().lineText(x.start().getLine());
            int c = Math.min(x.start().getCharacter(), line.length());
            int w = c;
            while (w > 0 && Character.isJavaIdentifierPart(line.charAt(w - 1))) w--;
            word = line.substring(w, c);
        }
        Position start = new Position(x.start().getLine(), x.start().getCharacter() - word.length());
        String newText = word + x.text();
        String firstLine = newText.lines().findFirst().orElse(newText).strip();
        CompletionItem item = new CompletionItem(firstLine.length() > 80 ? firstLine.substring(0, 80) + "..." : firstLine);
        item.setKind(CompletionItemKind.Text);
        item.setDetail("Quicksilver");
        item.setFilterText(firstLine);
        item.setInsertTextFormat(InsertTextFormat.PlainText);
        item.setTextEdit(Either.forLeft(new TextEdit(new Range(start, x.end()), newText)));
        // The imports the text needs, above it: the client applies them with the item.
        if (x.imports() != null) item.setAdditionalTextEdits(List.of(x.imports()));
        item.setSortText("0");
        return item;
    }
}
