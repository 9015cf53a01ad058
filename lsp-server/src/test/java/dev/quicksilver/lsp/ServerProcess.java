package dev.quicksilver.lsp;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Registration;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * The real server as a child process ({@code QuicksilverCli serve --stdio} on this test's class path), and an
 * LSP4J client talking to it. The server spawns the real sidecar jar (gpu-sidecar/target) with the embedded model.
 */
final class ServerProcess implements AutoCloseable {
    static final Path SIDECAR_JAR = SampleWorkspace.REPO.resolve("gpu-sidecar/target/gpu-sidecar.jar");
    final Process process;
    final LanguageServer server;
    final List<MessageParams> logs = new CopyOnWriteArrayList<>();
    final List<MessageParams> shown = new CopyOnWriteArrayList<>();
    final List<ProgressParams> progress = new CopyOnWriteArrayList<>();
    final List<ApplyWorkspaceEditParams> applied = new CopyOnWriteArrayList<>();
    final List<Registration> registrations = new CopyOnWriteArrayList<>();
    /** Every response the server sent, as it came over the wire (a request cancelled here still gets one). */
    final List<ResponseMessage> responses = new CopyOnWriteArrayList<>();
    private final Future<Void> listening;

    ServerProcess(Path stderr) throws IOException {
        this(stderr, Map.of());
    }

    /** A server process with {@code env} added to its environment (e.g. its own XDG_RUNTIME_DIR). */
    ServerProcess(Path stderr, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dquicksilver.home=" + SampleWorkspace.REPO,
                "-cp", System.getProperty("java.class.path"), "dev.quicksilver.lsp.cli.QuicksilverCli", "serve", "--stdio"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        // The persisted index goes to the test's folder, not the user's cache (a test may give its own).
        pb.environment().put("XDG_CACHE_HOME", stderr.toAbsolutePath().getParent().resolve("xdg-cache").toString());
        pb.environment().putAll(env);
        process = pb.start();
        Launcher<LanguageServer> launcher = new LSPLauncher.Builder<LanguageServer>().setLocalService(new Client())
                .setRemoteInterface(LanguageServer.class).setInput(process.getInputStream()).setOutput(process.getOutputStream())
                .configureGson(AnnotatedEditsJson::configure) // reads annotated edits as such
                .wrapMessages(consumer -> message -> {
                    if (message instanceof ResponseMessage r) responses.add(r);
                    consumer.consume(message);
                }).create();
        server = launcher.getRemoteProxy();
        listening = launcher.startListening();
    }

    InitializeResult initialize(Path workspace, ClientCapabilities caps) throws Exception {
        return initialize(workspace, caps, new JsonObject());
    }

    /** Initializes with the test defaults (embedded model, cpu, spawned sidecar), then {@code settings} on top. */
    InitializeResult initialize(Path workspace, ClientCapabilities caps, JsonObject settings) throws Exception {
        InitializeParams p = new InitializeParams();
        p.setProcessId((int) ProcessHandle.current().pid());
        p.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "ws")));
        p.setCapabilities(caps);
        JsonObject options = new JsonObject();
        options.addProperty("sidecarJar", SIDECAR_JAR.toString());
        options.addProperty("modelDir", SampleWorkspace.REPO.resolve("models/quicksilver-coder-mini").toString());
        options.addProperty("backend", "cpu");
        options.addProperty("maxTokens", 16);
        options.addProperty("completionTimeoutMs", 60_000);
        settings.entrySet().forEach(e -> options.add(e.getKey(), e.getValue()));
        p.setInitializationOptions(options);
        InitializeResult r = server.initialize(p).get(60, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        return r;
    }

    /** Whether the sidecar jar exists and has the serve subcommand (the sidecar branch provides it). */
    static boolean sidecarServes() {
        if (!Files.isRegularFile(SIDECAR_JAR)) return false;
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                    "jdk.incubator.vector", "-jar", SIDECAR_JAR.toString(), "serve", "--help").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("Usage: quicksilver serve");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.shutdown().get(20, TimeUnit.SECONDS);
            server.exit();
            process.waitFor(20, TimeUnit.SECONDS);
        } finally {
            listening.cancel(true);
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
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
            shown.add(m);
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams r) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams m) {
            logs.add(m);
        }

        @Override
        public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams params) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void notifyProgress(ProgressParams params) {
            progress.add(params);
        }

        @Override
        public CompletableFuture<Void> registerCapability(RegistrationParams params) {
            registrations.addAll(params.getRegistrations());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<ApplyWorkspaceEditResponse> applyEdit(ApplyWorkspaceEditParams params) {
            applied.add(params);
            return CompletableFuture.completedFuture(new ApplyWorkspaceEditResponse(true));
        }
    }
}
