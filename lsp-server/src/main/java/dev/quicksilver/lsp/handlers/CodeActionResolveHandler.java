package dev.quicksilver.lsp.handlers;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ResponseFutures;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.WorkDoneProgress;
import dev.quicksilver.lsp.refactor.RefactorPlan;
import dev.quicksilver.lsp.refactor.RefactorService;
import dev.quicksilver.lsp.refactor.WorkspaceEdits;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.WorkspaceEdit;

/**
 * {@code codeAction/resolve}: finds the action's sites again (the index may have moved on since the list),
 * denoises them as one batch with {@code $/progress}, and returns the action with its {@link WorkspaceEdit}.
 * Cancelling the request cancels the batch in the sidecar.
 */
public final class CodeActionResolveHandler {
    private final ServerSession session;
    private final RefactorService refactors;

    public CodeActionResolveHandler(ServerSession session, RefactorService refactors) {
        this.session = session;
        this.refactors = refactors;
    }

    public CompletableFuture<CodeAction> resolveCodeAction(CodeAction action) {
        CompletableFuture<CodeAction> result = new CompletableFuture<>();
        session.workers().execute(() -> {
            try {
                Errors.require(action, "the code action");
                if (!(action.getData() instanceof JsonElement el) || !el.isJsonObject()) {
                    throw Errors.invalidParams("the code action has no Quicksilver data to resolve; resolve only actions this server listed");
                }
                JsonObject data = el.getAsJsonObject();
                String name = str(data, "refactor");
                String uri = str(data, "uri");
                int line = num(data, "line");
                int character = num(data, "character");
                var editing = edit(name, uri, line, character);
                // $/cancelRequest cancels `result` (LSP4J's future), not `editing`: bridge them, or the batch
                // runs on in the sidecar after the client has been told it was cancelled.
                ResponseFutures.cancelWith(result, editing);
                editing.whenComplete((edit, e) -> {
                    if (e != null) {
                        result.completeExceptionally(Errors.toResponse(e));
                    } else {
                        action.setEdit(edit);
                        result.complete(action);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(Errors.toResponse(e));
            }
        });
        return result;
    }

    /** Plans {@code name} at the position and runs it; the future's cancellation cancels the model batch. Worker threads only. */
    public CompletableFuture<WorkspaceEdit> edit(String name, String uri, int line, int character) {
        RefactorPlan plan = refactors.plans(uri, line, character).stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> Errors.invalidParams("the refactor " + name + " no longer applies at " + uri + ":" + (line + 1)
                        + "; ask for code actions again"));
        if (plan.isRefused()) throw Errors.invalidParams(plan.refusal());
        Optional<RefactorService.Header> header = refactors.headerFollowedBy(name, uri, line, character);
        CompletableFuture<WorkspaceEdit> out = new CompletableFuture<>();
        WorkDoneProgress progress = new WorkDoneProgress(session, null, plan.title(), 0, out);
        var run = refactors.run(plan, progress);
        ResponseFutures.cancelWith(out, run);
        run.whenComplete((changes, e) -> {
            if (e != null) out.completeExceptionally(Errors.toResponse(e));
            else {
                try {
                    out.complete(WorkspaceEdits.build(session, plan.title(), changes));
                    header.ifPresent(refactors::followedUp);
                    session.documents().settle(Uris.normalize(uri));
                } catch (RuntimeException x) {
                    out.completeExceptionally(Errors.toResponse(x));
                }
            }
        });
        return out;
    }

    private static String str(JsonObject o, String key) {
        if (!o.has(key) || !o.get(key).isJsonPrimitive()) throw Errors.invalidParams("the code action's data has no " + key);
        return o.get(key).getAsString();
    }

    private static int num(JsonObject o, String key) {
        try {
            return o.get(key).getAsInt();
        } catch (RuntimeException e) {
            throw Errors.invalidParams("the code action's data has no whole-number " + key);
        }
    }
}
