package dev.quicksilver.lsp;

import java.util.List;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionCapabilities;
import org.eclipse.lsp4j.CodeActionResolveSupportCapabilities;
import org.eclipse.lsp4j.DidChangeWatchedFilesCapabilities;
import org.eclipse.lsp4j.InlineCompletionCapabilities;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.WorkspaceEditCapabilities;
import org.eclipse.lsp4j.WorkspaceEditChangeAnnotationSupportCapabilities;

/** Client capability sets: a modern client (VS Code-like) and a minimal one (old Neovim, Eglot). */
final class Caps {
    static ClientCapabilities modern() {
        ClientCapabilities caps = new ClientCapabilities();
        TextDocumentClientCapabilities td = new TextDocumentClientCapabilities();
        td.setInlineCompletion(new InlineCompletionCapabilities());
        CodeActionCapabilities ca = new CodeActionCapabilities();
        ca.setResolveSupport(new CodeActionResolveSupportCapabilities(List.of("edit")));
        td.setCodeAction(ca);
        caps.setTextDocument(td);
        WorkspaceClientCapabilities ws = new WorkspaceClientCapabilities();
        WorkspaceEditCapabilities we = new WorkspaceEditCapabilities();
        we.setDocumentChanges(true);
        we.setChangeAnnotationSupport(new WorkspaceEditChangeAnnotationSupportCapabilities(true));
        ws.setWorkspaceEdit(we);
        ws.setDidChangeWatchedFiles(new DidChangeWatchedFilesCapabilities(true));
        caps.setWorkspace(ws);
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);
        caps.setWindow(window);
        return caps;
    }

    static ClientCapabilities minimal() {
        return new ClientCapabilities();
    }
}
