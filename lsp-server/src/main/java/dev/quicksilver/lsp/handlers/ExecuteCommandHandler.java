package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ResponseFutures;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.documents.TextDocument;
import dev.quicksilver.lsp.refactor.ImportableTypes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ExecuteCommandParams;

/**
 * {@code workspace/executeCommand quicksilver.refactor {refactor, uri, line, character}}: runs a refactor by name
 * and asks the client to apply it ({@code workspace/applyEdit}); answers with the client's verdict. {@code
 * quicksilver.addImports {uri, line, character, text}} (an accepted inline completion's command) inserts import
 * lines, those the document does not have by then, in a document of the workspace; nothing else.
 */
public final class ExecuteCommandHandler {
    private final ServerSession session;
    private final CodeActionResolveHandler resolver;

    public ExecuteCommandHandler(ServerSession session, CodeActionResolveHandler resolver) {
        this.session = session;
        this.resolver = resolver;
    }

    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        session.workers().execute(() -> {
            try {
                Errors.require(params, "params");
                if (InitializeHandler.IMPORTS_COMMAND.equals(params.getCommand())) {
                    addImports(params, result);
                    return;
                }
                if (!InitializeHandler.REFACTOR_COMMAND.equals(params.getCommand())) {
                    throw Errors.invalidParams("unknown command \"" + params.getCommand() + "\"; this server runs " + InitializeHandler.REFACTOR_COMMAND
                            + " and " + InitializeHandler.IMPORTS_COMMAND);
                }
                if (params.getArguments() == null || params.getArguments().isEmpty() || !(params.getArguments().getFirst() instanceof JsonElement el)
                        || !el.isJsonObject()) {
                    throw Errors.invalidParams(InitializeHandler.REFACTOR_COMMAND + " takes one argument {refactor, uri, line, character}; refactors: "
                            + InitializeHandler.refactorNames());
                }
                JsonObject a = el.getAsJsonObject();
                String name = a.has("refactor") ? a.get("refactor").getAsString() : "";
                if (!InitializeHandler.refactorNames().contains(name)) {
                    throw Errors.invalidParams("unknown refactor \"" + name + "\"; known: " + InitializeHandler.refactorNames());
                }
                var edit = resolver.edit(name, a.get("uri").getAsString(), a.get("line").getAsInt(), a.get("character").getAsInt());
                ResponseFutures.cancelWith(result, edit);
                edit.thenCompose(we -> session.client().orElseThrow().applyEdit(new ApplyWorkspaceEditParams(we, name)))
                        .whenComplete((applied, e) -> {
                            if (e != null) result.completeExceptionally(Errors.toResponse(e));
                            else result.complete(applied);
                        });
            } catch (RuntimeException e) {
                result.completeExceptionally(Errors.toResponse(e));
            }
        });
        return result;
    }

    private void addImports(ExecuteCommandParams params, CompletableFuture<Object> result) {
        String usage = InitializeHandler.IMPORTS_COMMAND + " takes one argument {uri, line, character, text}";
        if (params.getArguments() == null || params.getArguments().isEmpty() || !(params.getArguments().getFirst() instanceof JsonElement el)
                || !el.isJsonObject()) {
            throw Errors.invalidParams(usage);
        }
        JsonObject a = el.getAsJsonObject();
        if (!a.has("uri") || !a.has("line") || !a.has("character") || !a.has("text")) throw Errors.invalidParams(usage);
        String uri = a.get("uri").getAsString();
        String text = a.get("text").getAsString();
        Path path = Uris.pathOf(uri).orElseThrow(() -> Errors.invalidParams(uri + " is no file: " + InitializeHandler.IMPORTS_COMMAND + " edits workspace files"));
        session.roots().requireInside(path);
        if (!ImportableTypes.onlyImports(text)) {
            throw Errors.invalidParams(InitializeHandler.IMPORTS_COMMAND + " inserts import lines only, not " + text.strip().lines().findFirst().orElse(""));
        }
        // Those the document has by now (typed, or added by another accept) are left out.
        String current = session.documents().get(Uris.normalize(uri)).map(TextDocument::text).orElse("");
        java.util.Set<String> present = current.lines().map(String::strip).collect(java.util.stream.Collectors.toSet());
        StringBuilder lines = new StringBuilder();
        for (String line : text.split("(?<=\n)")) if (line.isBlank() || !present.contains(line.strip())) lines.append(line);
        if (lines.toString().isBlank()) {
            result.complete(new ApplyWorkspaceEditResponse(true));
            return;
        }
        Position at = new Position(a.get("line").getAsInt(), a.get("character").getAsInt());
        WorkspaceEdit edit = new WorkspaceEdit(Map.of(uri, List.of(new TextEdit(new Range(at, at), lines.toString()))));
        session.client().orElseThrow().applyEdit(new ApplyWorkspaceEditParams(edit, "Add imports")).whenComplete((applied, e) -> {
            if (e != null) result.completeExceptionally(Errors.toResponse(e));
            else result.complete(applied);
        });
    }
}
