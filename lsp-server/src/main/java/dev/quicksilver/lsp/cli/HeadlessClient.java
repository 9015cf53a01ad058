package dev.quicksilver.lsp.cli;

import com.google.gson.JsonObject;
import dev.quicksilver.lsp.AnnotatedEditsJson;
import dev.quicksilver.lsp.QuicksilverServer;
import dev.quicksilver.lsp.Uris;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeActionCapabilities;
import org.eclipse.lsp4j.CodeActionResolveSupportCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.InlineCompletionCapabilities;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.WorkspaceEditCapabilities;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * Headless mode: the real server, in this process, driven over LSP through a pipe by a minimal client. The
 * commands ({@code complete}, {@code refactor}, {@code demo}, {@code bench lsp}) talk LSP to it exactly as an
 * editor would, so they exercise the same handlers.
 *
 * <p>Concurrency. Two LSP4J endpoints, each with its own reader thread; the caller blocks on futures only.
 */
public final class HeadlessClient implements AutoCloseable {
    private final LanguageServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "headless-lsp");
        t.setDaemon(true);
        return t;
    });
    private final Future<Void> serverListening;
    private final Future<Void> clientListening;
    private final boolean verbose;
    private volatile String lastCompletionLog = "";
    private final java.util.concurrent.atomic.AtomicInteger typedThrough = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String lastRefactorLog = "";

    /** The server's last log line about a refactor's batch (how many sites the model wrote, chose, or did not see). */
    public String lastRefactorLog() {
        return lastRefactorLog;
    }

    /** The server's last log line about a completion (it shows the model's raw text and what was kept). */
    /** How many completions the server answered from the one shown before, as the user typed its start. */
    public int typedThroughCompletions() {
        return typedThrough.get();
    }

    public String lastCompletionLog() {
        return lastCompletionLog;
    }

    public HeadlessClient(boolean verbose) throws IOException {
        this(verbose, true);
    }

    /** @param modelAtStart whether the sidecar starts at {@code initialized} (else at the first request that needs it) */
    public HeadlessClient(boolean verbose, boolean modelAtStart) throws IOException {
        this.verbose = verbose;
        PipedInputStream serverIn = new PipedInputStream(1 << 16);
        PipedOutputStream clientOut = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 16);
        PipedOutputStream serverOut = new PipedOutputStream(clientIn);
        QuicksilverServer impl = QuicksilverServer.withSidecar(() -> { });
        impl.session().thoroughRefactors(true); // one refactor, asked for by name: it may compile what it must
        impl.session().modelAtInitialized(modelAtStart);
        Launcher<LanguageClient> s = new LSPLauncher.Builder<LanguageClient>().setLocalService(impl)
                .setRemoteInterface(LanguageClient.class).setInput(serverIn).setOutput(serverOut).setExecutorService(threads)
                .configureGson(AnnotatedEditsJson::configure).create();
        impl.connect(s.getRemoteProxy());
        // Annotated edits both ways: the refactor command reports the sites whose annotation says they got a fallback.
        Launcher<LanguageServer> c = new LSPLauncher.Builder<LanguageServer>().setLocalService(new Client())
                .setRemoteInterface(LanguageServer.class).setInput(clientIn).setOutput(clientOut).setExecutorService(threads)
                .configureGson(AnnotatedEditsJson::configure).create();
        this.server = c.getRemoteProxy();
        this.serverListening = s.startListening();
        this.clientListening = c.startListening();
    }

    public LanguageServer server() {
        return server;
    }

    /**
     * Settings of the one-shot headless commands (demo, complete, refactor) when they give none: the
     * editor's deadlines (a completion is worthless after seconds) would fail a CI job on a slow or busy
     * machine, so the deadlines here are just under how long {@link Headless} waits for an answer. A completion
     * waits for the whole index, so its context (and the model's answer) does not depend on timing; and a one-shot
     * command leaves no index in the user's cache (the demo's workspace is a temporary copy).
     */
    static JsonObject batchSettings() {
        JsonObject o = new JsonObject();
        o.addProperty("completeWhileResolving", false);
        o.addProperty("persistIndex", false);
        o.addProperty("completionTimeoutMs", 110_000);
        o.addProperty("refactorTimeoutMs", 290_000);
        return o;
    }

    /**
     * initialize + initialized for one workspace folder, as a capable client (inline completion, resolve,
     * documentChanges, file renames); null options mean {@link #batchSettings()}.
     */
    public void initialize(Path workspace, Object initializationOptions) {
        InitializeParams p = new InitializeParams();
        p.setProcessId((int) ProcessHandle.current().pid());
        p.setWorkspaceFolders(List.of(new WorkspaceFolder(Uris.toUri(workspace), workspace.getFileName().toString())));
        p.setInitializationOptions(initializationOptions != null ? initializationOptions : batchSettings());
        ClientCapabilities caps = new ClientCapabilities();
        TextDocumentClientCapabilities td = new TextDocumentClientCapabilities();
        td.setInlineCompletion(new InlineCompletionCapabilities());
        CodeActionCapabilities ca = new CodeActionCapabilities();
        ca.setResolveSupport(new CodeActionResolveSupportCapabilities(List.of("edit")));
        // A refactor that applies but must not run comes disabled, with the reason the CLI prints.
        ca.setDisabledSupport(true);
        td.setCodeAction(ca);
        caps.setTextDocument(td);
        WorkspaceClientCapabilities ws = new WorkspaceClientCapabilities();
        WorkspaceEditCapabilities we = new WorkspaceEditCapabilities();
        we.setDocumentChanges(true);
        // Annotations carry why a site got its fallback; the refactor command prints them.
        we.setChangeAnnotationSupport(new org.eclipse.lsp4j.WorkspaceEditChangeAnnotationSupportCapabilities(true));
        // A renamed public type moves its file: the refactor command writes the text there.
        we.setResourceOperations(List.of("rename"));
        ws.setWorkspaceEdit(we);
        caps.setWorkspace(ws);
        p.setCapabilities(caps);
        server.initialize(p).join();
        server.initialized(new InitializedParams());
    }

    @Override
    public void close() {
        try {
            server.shutdown().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        server.exit();
        serverListening.cancel(true);
        clientListening.cancel(true);
        threads.shutdownNow();
    }

    private final class Client implements LanguageClient {
        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
        }

        @Override
        public void showMessage(MessageParams m) {
            System.err.println("quicksilver: " + m.getMessage());
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams m) {
            if (m.getMessage().startsWith("completion ")) lastCompletionLog = m.getMessage();
            if (m.getMessage().startsWith("completion ") && m.getMessage().contains(" typed through: ")) typedThrough.incrementAndGet();
            if (m.getMessage().startsWith("refactor ")) lastRefactorLog = m.getMessage();
            if (verbose) System.err.println("[server] " + m.getMessage());
        }

        @Override
        public CompletableFuture<ApplyWorkspaceEditResponse> applyEdit(ApplyWorkspaceEditParams params) {
            return CompletableFuture.completedFuture(new ApplyWorkspaceEditResponse(false));
        }
    }
}
