package dev.quicksilver.lsp.handlers;

import com.google.gson.JsonElement;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.refactor.Refactoring;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.WorkspaceFoldersOptions;
import org.eclipse.lsp4j.WorkspaceServerCapabilities;
import org.eclipse.lsp4j.MessageType;

/**
 * {@code initialize}: reads the client's capabilities, settings and workspace folders, starts indexing, and
 * answers what this server offers for this client.
 *
 * <p>Completion negotiation follows tabby-agent (TabbyML/tabby, clients/tabby-agent, the code-completion
 * provider's {@code initialize}): a client that advertises {@code textDocument.inlineCompletion} gets an
 * {@code inlineCompletionProvider} and no completion provider (VS Code, Neovim 0.12); any other client gets a
 * {@code completionProvider} whose single model item carries a {@code textEdit} (Neovim up to 0.11, Eglot,
 * lsp-mode), so nobody gets both ghost text and a duplicate menu entry.
 */
public final class InitializeHandler {
    public static final String REFACTOR_COMMAND = "quicksilver.refactor";
    /** Adds the imports an accepted inline completion needs: {@code {uri, line, character, text}} (import lines only). */
    public static final String IMPORTS_COMMAND = "quicksilver.addImports";
    private final ServerSession session;

    public InitializeHandler(ServerSession session) {
        this.session = session;
    }

    public InitializeResult initialize(InitializeParams params) {
        ServerSettings settings = ServerSettings.defaults();
        Object options = params.getInitializationOptions();
        try {
            if (options instanceof JsonElement json) settings = settings.merge(json);
        } catch (IllegalArgumentException e) {
            session.problem("settings", "initializationOptions: " + e.getMessage() + "; using the defaults for the rest");
        }
        List<Path> roots = new ArrayList<>();
        if (params.getWorkspaceFolders() != null && !params.getWorkspaceFolders().isEmpty()) {
            for (WorkspaceFolder f : params.getWorkspaceFolders()) roots.add(Uris.toPath(f.getUri()));
        } else if (params.getRootUri() != null) {
            roots.add(Uris.toPath(params.getRootUri()));
        } else if (params.getRootPath() != null) {
            roots.add(Path.of(params.getRootPath()).toAbsolutePath().normalize());
        }
        session.initialize(params.getCapabilities(), settings, roots);
        session.log(MessageType.Info, "workspace " + roots + ", model " + settings.modelDir());

        ServerCapabilities caps = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Incremental);
        caps.setTextDocumentSync(sync);
        var td = params.getCapabilities() == null ? null : params.getCapabilities().getTextDocument();
        if (td != null && td.getInlineCompletion() != null) {
            caps.setInlineCompletionProvider(true);
        } else {
            caps.setCompletionProvider(new CompletionOptions(false, List.of()));
        }
        CodeActionOptions actions = new CodeActionOptions(List.of(CodeActionKind.RefactorRewrite));
        actions.setResolveProvider(true);
        caps.setCodeActionProvider(actions);
        caps.setExecuteCommandProvider(new ExecuteCommandOptions(List.of(REFACTOR_COMMAND, IMPORTS_COMMAND)));
        // Folders may come and go (multi-root workspaces): workspace/didChangeWorkspaceFolders re-indexes.
        WorkspaceFoldersOptions folders = new WorkspaceFoldersOptions();
        folders.setSupported(true);
        folders.setChangeNotifications(true);
        caps.setWorkspace(new WorkspaceServerCapabilities(folders));
        InitializeResult result = new InitializeResult(caps);
        result.setServerInfo(new ServerInfo("quicksilver", "0.1.0"));
        return result;
    }

    public static List<String> refactorNames() {
        return Refactoring.all().stream().map(Refactoring::name).toList();
    }
}
