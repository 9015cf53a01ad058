package dev.quicksilver.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Runs the server over stdio, or over TCP on loopback (one server per connection, each with its own session).
 *
 * <p>Concurrency. LSP4J's reader thread (from {@code readers}) parses messages and calls the server, which only
 * dispatches; handler work runs on the session's workers.
 */
public final class ServerLauncher {
    private ServerLauncher() {
    }

    /** Serves one client on these streams until it exits; returns the exit code. */
    public static int serve(InputStream in, OutputStream out) throws Exception {
        int[] code = {1};
        ExecutorService readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lsp4j-reader");
            t.setDaemon(true);
            return t;
        });
        QuicksilverServer[] server = new QuicksilverServer[1];
        Future<Void>[] listening = new Future[1];
        server[0] = QuicksilverServer.withSidecar(() -> {
            code[0] = server[0].session().shutdownRequested() ? 0 : 1;
            if (listening[0] != null) listening[0].cancel(true);
        });
        Launcher<LanguageClient> launcher = new LSPLauncher.Builder<LanguageClient>()
                .setLocalService(server[0]).setRemoteInterface(LanguageClient.class)
                .setInput(in).setOutput(out).setExecutorService(readers).configureGson(AnnotatedEditsJson::configure).create();
        server[0].connect(launcher.getRemoteProxy());
        listening[0] = launcher.startListening();
        try {
            listening[0].get();
        } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException e) {
            // exit, or the stream closed
        } finally {
            server[0].session().close();
            readers.shutdownNow();
        }
        return code[0];
    }

    /** Listens on 127.0.0.1:port (0 picks one) and serves each connection; prints the port it listens on. */
    public static void serveTcp(int port, java.io.PrintStream announce) throws IOException {
        try (ServerSocket socket = new ServerSocket(port, 16, InetAddress.getLoopbackAddress())) {
            announce.println("quicksilver lsp listening on 127.0.0.1:" + socket.getLocalPort());
            announce.flush();
            while (!socket.isClosed()) {
                Socket s = socket.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        serve(s.getInputStream(), s.getOutputStream());
                    } catch (Exception e) {
                        System.err.println("quicksilver: connection ended: " + e.getMessage());
                    }
                }, "lsp-connection-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        }
    }
}
