package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ResponseFutures;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ServerSession;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ExecuteCommandParams;

/**
 * {@code workspace/executeCommand quicksilver.refactor {refactor, uri, line, character}}: runs a refactor by name
 * and asks the client to apply it ({@code workspace/applyEdit}); answers with the client's verdict.
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
                if (!InitializeHandler.REFACTOR_COMMAND.equals(params.getCommand())) {
                    throw Errors.invalidParams("unknown command \"" + params.getCommand() + "\"; this server runs " + InitializeHandler.REFACTOR_COMMAND);
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
}
