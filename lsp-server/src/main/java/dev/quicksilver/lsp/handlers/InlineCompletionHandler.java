package dev.quicksilver.lsp.handlers;

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
        // The returned future is the one LSP4J cancels: bridge its cancellation back to the suggestion.
        CompletableFuture<Either<List<InlineCompletionItem>, InlineCompletionList>> result = new CompletableFuture<>();
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) suggestion.cancel(true);
        });
        suggestion.whenComplete((s, e) -> {
            if (e != null) {
                result.completeExceptionally(Errors.toResponse(e));
                return;
            }
            List<InlineCompletionItem> items = s.map(x -> {
                InlineCompletionItem item = new InlineCompletionItem(Either.forLeft(x.text()));
                item.setRange(new Range(x.start(), x.end()));
                return List.of(item);
            }).orElse(List.of());
            result.complete(Either.forRight(new InlineCompletionList(items)));
        });
        return result;
    }
}
