package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ResponseFutures;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.completion.CompletionService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionList;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/** {@code textDocument/inlineCompletion}: one ghost-text item, its range at the cursor. */
public final class InlineCompletionHandler {
    private final CompletionService completions;

    public InlineCompletionHandler(CompletionService completions) {
        this.completions = completions;
    }

    public CompletableFuture<Either<List<InlineCompletionItem>, InlineCompletionList>> inlineCompletion(InlineCompletionParams params) {
        if (params == null || params.getTextDocument() == null) {
            return CompletableFuture.failedFuture(Errors.invalidParams("textDocument is missing from the request"));
        }
        var suggestion = completions.suggest(params.getTextDocument().getUri(), params.getPosition(), params.getWorkDoneToken());
        return ResponseFutures.map(suggestion, found -> Either.forRight(new InlineCompletionList(found.map(x -> {
            InlineCompletionItem item = new InlineCompletionItem(Either.forLeft(x.text()));
            item.setRange(new Range(x.start(), x.end()));
            return List.of(item);
        }).orElse(List.of()))));
    }
}
