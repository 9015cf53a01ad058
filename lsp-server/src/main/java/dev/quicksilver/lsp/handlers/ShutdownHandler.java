package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ServerSession;
import java.util.concurrent.CompletableFuture;

/** {@code shutdown} stops the sidecar and the index; {@code exit} then ends the connection (and, on stdio, the process). */
public final class ShutdownHandler {
    private final ServerSession session;
    private final Runnable onExit;

    public ShutdownHandler(ServerSession session, Runnable onExit) {
        this.session = session;
        this.onExit = onExit;
    }

    public CompletableFuture<Object> shutdown() {
        session.requestShutdown();
        return CompletableFuture.supplyAsync(() -> {
            session.close();
            return null;
        }, Runnable::run);
    }

    public void exit() {
        session.close();
        onExit.run();
    }
}
