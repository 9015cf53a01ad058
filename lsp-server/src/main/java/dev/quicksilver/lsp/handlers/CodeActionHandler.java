package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ResponseFutures;
import com.google.gson.JsonObject;
import dev.quicksilver.lsp.Errors;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.refactor.RefactorPlan;
import dev.quicksilver.lsp.refactor.RefactorService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionDisabled;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.jsonrpc.CompletableFutures;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * {@code textDocument/codeAction}: lists the multi-file refactors that apply at the range's start, from the index
 * alone. Clients that can resolve a code action's {@code edit} get the edit later ({@link CodeActionResolveHandler});
 * the others get it computed here, eagerly (a model call, so this request then takes as long as the refactor).
 */
public final class CodeActionHandler {
    private final ServerSession session;
    private final RefactorService refactors;
    private final CodeActionResolveHandler resolver;

    public CodeActionHandler(ServerSession session, RefactorService refactors, CodeActionResolveHandler resolver) {
        this.session = session;
        this.refactors = refactors;
        this.resolver = resolver;
    }

    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        CompletableFuture<List<CodeAction>> listed = CompletableFutures.computeAsync(session.workers(), cancel -> {
            Errors.require(params, "params");
            Errors.require(params.getTextDocument(), "textDocument");
            var range = Errors.require(params.getRange(), "range");
            var only = params.getContext() == null ? null : params.getContext().getOnly();
            if (only != null && only.stream().noneMatch(k -> CodeActionKind.RefactorRewrite.startsWith(k))) return List.of();
            String uri = params.getTextDocument().getUri();
            List<CodeAction> actions = new ArrayList<>();
            for (RefactorPlan plan : refactors.plans(uri, range.getStart().getLine(), range.getStart().getCharacter())) {
                cancel.checkCanceled();
                // A refused refactor is shown greyed with its reason where the client can show that, else left out.
                if (plan.isRefused() && !clientShowsDisabled()) continue;
                CodeAction a = new CodeAction(plan.title());
                a.setKind(CodeActionKind.RefactorRewrite);
                if (plan.isRefused()) a.setDisabled(new CodeActionDisabled(plan.refusal()));
                JsonObject data = new JsonObject();
                data.addProperty("refactor", plan.name());
                data.addProperty("uri", uri);
                data.addProperty("line", range.getStart().getLine());
                data.addProperty("character", range.getStart().getCharacter());
                a.setData(data);
                actions.add(a);
            }
            return actions;
        });
        if (clientResolvesEdits()) {
            return ResponseFutures.map(listed, list -> list.stream().map(Either::<Command, CodeAction>forRight).toList());
        }
        CompletableFuture<List<Either<Command, CodeAction>>> result = new CompletableFuture<>();
        listed.whenComplete((list, e) -> {
            if (e != null) {
                result.completeExceptionally(Errors.toResponse(e));
                return;
            }
            // A disabled action has no edit to resolve: it stays as listed.
            List<CompletableFuture<CodeAction>> resolved = list.stream()
                    .map(a -> a.getDisabled() != null ? CompletableFuture.completedFuture(a) : resolver.resolveCodeAction(a)).toList();
            result.whenComplete((r, x) -> {
                if (result.isCancelled()) resolved.forEach(f -> f.cancel(true));
            });
            CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new)).whenComplete((v, x) -> {
                if (x != null) result.completeExceptionally(Errors.toResponse(x));
                // An action whose every place was left as it was (nothing compiles there) would change nothing: not offered.
                else result.complete(resolved.stream().map(CompletableFuture::join).filter(a -> a.getDisabled() != null || changesSomething(a.getEdit()))
                        .map(Either::<Command, CodeAction>forRight).toList());
            });
        });
        return result;
    }

    /**
     * Whether applying {@code edit} changes anything: a text edit in a document change or in the changes map, or a
     * file operation (a renamed type's file moved, its text unchanged).
     */
    static boolean changesSomething(org.eclipse.lsp4j.WorkspaceEdit edit) {
        if (edit == null) return false;
        if (edit.getDocumentChanges() != null) {
            for (var change : edit.getDocumentChanges()) {
                if (change.isRight() || !change.getLeft().getEdits().isEmpty()) return true;
            }
        }
        return edit.getChanges() != null && edit.getChanges().values().stream().anyMatch(edits -> !edits.isEmpty());
    }

    /** Whether the client said it shows disabled code actions (with their reasons). */
    private boolean clientShowsDisabled() {
        var td = session.capabilities().getTextDocument();
        return td != null && td.getCodeAction() != null && Boolean.TRUE.equals(td.getCodeAction().getDisabledSupport());
    }

    /** Whether the client said it can resolve a code action's {@code edit} property lazily. */
    private boolean clientResolvesEdits() {
        var td = session.capabilities().getTextDocument();
        if (td == null || td.getCodeAction() == null || td.getCodeAction().getResolveSupport() == null) return false;
        var props = td.getCodeAction().getResolveSupport().getProperties();
        return props != null && props.contains("edit");
    }
}
