package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ResponseFutures;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.completion.CompletionService;
import com.google.gson.JsonObject;
import java.util.List;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.TextEdit;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionList;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * {@code textDocument/inlineCompletion}: one ghost-text item, its range at the cursor; where its text needs imports
 * the file lacks, its command ({@link InitializeHandler#IMPORTS_COMMAND}, which the client runs once the item is
 * accepted) adds them: an inline item has no additional edits of its own.
 */
public final class InlineCompletionHandler {
    private final CompletionService completions;

    public InlineCompletionHandler(CompletionService completions) {
        this.completions = completions;
    }

    /** The command that adds {@code imports} (an insertion of import lines) to the document {@code uri}. */
    public static Command importsCommand(String uri, TextEdit imports) {
        JsonObject a = new JsonObject();
        a.addProperty("uri", uri);
        a.addProperty("line", imports.getRange().getStart().getLine());
        a.addProperty("character", imports.getRange().getStart().getCharacter());
        a.addProperty("text", imports.getNewText());
        long lines = imports.getNewText().lines().filter(l -> !l.isBlank()).count();
        return new Command("Add " + lines + (lines == 1 ? " import" : " imports"), InitializeHandler.IMPORTS_COMMAND, List.of(a));
    }

    public CompletableFuture<Either<List<InlineCompletionItem>, InlineCompletionList>> inlineCompletion(InlineCompletionParams params) {
        if (params == null || params.getTextDocument() == null) {
            return CompletableFuture.failedFuture(Errors.invalidParams("textDocument is missing from the request"));
        }
        var suggestion = completions.suggest(params.getTextDocument().getUri(), params.getPosition(), params.getWorkDoneToken());
        return ResponseFutures.map(suggestion, found -> Either.forRight(new InlineCompletionList(found.map(x -> {
            InlineCompletionItem item = new InlineCompletionItem(Either.forLeft(x.text()));
            item.setRange(new Range(x.start(), x.end()));
            if (x.imports() != null) item.setCommand(importsCommand(params.getTextDocument().getUri(), x.imports()));
            return List.of(item);
        }).orElse(List.of()))));
    }
}
