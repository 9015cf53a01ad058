package dev.quicksilver.lsp.handlers;

import dev.quicksilver.index.FileEvent;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesRegistrationOptions;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileSystemWatcher;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Registration;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * {@code workspace/didChangeWatchedFiles}: passes file events to the index (which debounces them), so files
 * created, changed or deleted outside the editor (a checkout, a generator, another tool) change what completions
 * and refactors see. Clients send these events only for watchers a server registers, so on {@code initialized}
 * it registers one for Java files with clients that allow dynamic registration.
 */
public final class WatchedFilesHandler {
    static final String WATCHED = "**/*.java";
    private final ServerSession session;

    public WatchedFilesHandler(ServerSession session) {
        this.session = session;
    }

    /** {@code initialized}: registers the file watcher where the client supports it. */
    public void initialized() {
        var workspace = session.capabilities().getWorkspace();
        var watched = workspace == null ? null : workspace.getDidChangeWatchedFiles();
        if (watched == null || !Boolean.TRUE.equals(watched.getDynamicRegistration())) return;
        var options = new DidChangeWatchedFilesRegistrationOptions(List.of(new FileSystemWatcher(Either.forLeft(WATCHED))));
        var registration = new Registration("quicksilver-watched-files", "workspace/didChangeWatchedFiles", options);
        session.client().ifPresent(c -> c.registerCapability(new RegistrationParams(List.of(registration))).whenComplete((ok, e) -> {
            if (e != null) session.log(MessageType.Warning, "the client refused the file watcher (" + e.getMessage()
                    + "); files changed outside the editor are seen when opened or saved");
        }));
    }

    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        if (params == null || params.getChanges() == null) return;
        List<FileEvent> events = new ArrayList<>();
        for (var c : params.getChanges()) {
            try {
                FileEvent.Kind kind = c.getType() == FileChangeType.Created ? FileEvent.Kind.CREATED
                        : c.getType() == FileChangeType.Deleted ? FileEvent.Kind.DELETED : FileEvent.Kind.CHANGED;
                events.add(new FileEvent(kind, Uris.toPath(c.getUri())));
            } catch (RuntimeException e) {
                // a non-file URI: nothing to index
            }
        }
        session.indexFuture().thenAcceptAsync(index -> {
            index.fileEvents(events);
            // An index being built for changed workspace folders may have read these files already.
            for (var building : session.indexesBeingBuilt()) {
                if (building != index) building.fileEvents(events);
            }
        }, session.workers());
    }
}
