package dev.quicksilver.lsp;

import dev.quicksilver.client.SidecarState;
import dev.quicksilver.lsp.completion.CompletionService;
import dev.quicksilver.lsp.handlers.CodeActionHandler;
import dev.quicksilver.lsp.handlers.CodeActionResolveHandler;
import dev.quicksilver.lsp.handlers.CompletionHandler;
import dev.quicksilver.lsp.handlers.ConfigurationHandler;
import dev.quicksilver.lsp.handlers.DocumentLifecycleHandler;
import dev.quicksilver.lsp.handlers.ExecuteCommandHandler;
import dev.quicksilver.lsp.handlers.InitializeHandler;
import dev.quicksilver.lsp.handlers.InlineCompletionHandler;
import dev.quicksilver.lsp.handlers.ShutdownHandler;
import dev.quicksilver.lsp.handlers.WatchedFilesHandler;
import dev.quicksilver.lsp.handlers.WorkspaceFoldersHandler;
import dev.quicksilver.lsp.model.ModelService;
import dev.quicksilver.lsp.model.SidecarModelService;
import dev.quicksilver.lsp.refactor.RefactorService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidChangeWorkspaceFoldersParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionList;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.WorkDoneProgressCancelParams;
import org.eclipse.lsp4j.jsonrpc.CompletableFutures;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The LSP4J endpoint. It only dispatches: each request goes to its own handler class, as in Eclipse JDT LS
 * ({@code JDTLanguageServer} delegating to {@code CompletionHandler}, {@code CodeActionHandler}, ...). Every
 * method returns at once (handlers answer with futures completed on worker threads or by the sidecar), so
 * LSP4J's message reader thread never blocks.
 */
public final class QuicksilverServer implements LanguageServer, LanguageClientAware, TextDocumentService, WorkspaceService {
    private final ServerSession session;
    private final InitializeHandler initialize;
    private final DocumentLifecycleHandler lifecycle;
    private final InlineCompletionHandler inline;
    private final CompletionHandler completion;
    private final CodeActionHandler codeActions;
    private final CodeActionResolveHandler resolve;
    private final ExecuteCommandHandler commands;
    private final ConfigurationHandler configuration;
    private final WatchedFilesHandler watchedFiles;
    private final WorkspaceFoldersHandler workspaceFolders;
    private final ShutdownHandler shutdown;

    public QuicksilverServer(Function<ServerSettings, ModelService> modelFactory, Runnable onExit) {
        this.session = new ServerSession(modelFactory);
        RefactorService refactors = new RefactorService(session);
        CompletionService completions = new CompletionService(session);
        this.initialize = new InitializeHandler(session);
        this.lifecycle = new DocumentLifecycleHandler(session, refactors);
        this.inline = new InlineCompletionHandler(completions);
        this.completion = new CompletionHandler(session, completions);
        this.resolve = new CodeActionResolveHandler(session, refactors);
        this.codeActions = new CodeActionHandler(session, refactors, resolve);
        this.commands = new ExecuteCommandHandler(session, resolve);
        this.configuration = new ConfigurationHandler(session);
        this.watchedFiles = new WatchedFilesHandler(session);
        this.workspaceFolders = new WorkspaceFoldersHandler(session);
        this.shutdown = new ShutdownHandler(session, onExit);
    }

    /** A server whose model is the sidecar (spawned or reached as the settings say). */
    public static QuicksilverServer withSidecar(Runnable onExit) {
        ServerSession[] holder = new ServerSession[1];
        QuicksilverServer server = new QuicksilverServer(settings -> SidecarModelService.start(settings, (state, reason) -> {
            ServerSession s = holder[0];
            if (s == null) return;
            if (state == SidecarState.FAILED) s.problem("sidecar", "the model sidecar failed: " + reason);
            else if (state == SidecarState.RESTARTING) s.problem("sidecar-restart", "the model sidecar stopped and is restarting: " + reason);
            else s.log(MessageType.Info, "sidecar " + state.name().toLowerCase() + ": " + reason);
        }), onExit);
        holder[0] = server.session;
        return server;
    }

    public ServerSession session() {
        return session;
    }

    @Override
    public void connect(LanguageClient client) {
        session.connect(client);
    }

    // ---- lifecycle ----

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        return CompletableFutures.computeAsync(session.workers(), cancel -> initialize.initialize(params));
    }

    @Override
    public void initialized(InitializedParams params) {
        watchedFiles.initialized();
        // The model process starts now, beside the indexing, not at the first completion: its JVM, model load and
        // warm-up were ~3 s of an editor's first completion on a 2-core CPU. A failure is said again, as an
        // error, by the first request that needs the model.
        if (!session.modelAtInitialized()) return;
        session.workers().execute(() -> {
            try {
                session.model();
            } catch (RuntimeException e) {
                session.log(org.eclipse.lsp4j.MessageType.Warning, "the model process did not start: " + e.getMessage());
            }
        });
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        return shutdown.shutdown();
    }

    @Override
    public void exit() {
        shutdown.exit();
    }

    @Override
    public void cancelProgress(WorkDoneProgressCancelParams params) {
        if (params == null || params.getToken() == null) return;
        var request = session.progressRequests().remove(WorkDoneProgress.key(params.getToken()));
        if (request != null) request.cancel(true);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return this;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return this;
    }

    // ---- text document ----

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        lifecycle.didOpen(params);
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        lifecycle.didChange(params);
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        lifecycle.didClose(params);
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
        // The buffer is the truth while open; the watcher reports the file on disk.
    }

    @Override
    public CompletableFuture<Either<List<InlineCompletionItem>, InlineCompletionList>> inlineCompletion(InlineCompletionParams params) {
        return inline.inlineCompletion(params);
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        return completion.completion(params);
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        return codeActions.codeAction(params);
    }

    @Override
    public CompletableFuture<CodeAction> resolveCodeAction(CodeAction action) {
        return resolve.resolveCodeAction(action);
    }

    // ---- workspace ----

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        return commands.executeCommand(params);
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        configuration.didChangeConfiguration(params);
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        watchedFiles.didChangeWatchedFiles(params);
    }

    @Override
    public void didChangeWorkspaceFolders(DidChangeWorkspaceFoldersParams params) {
        workspaceFolders.didChangeWorkspaceFolders(params);
    }
}
