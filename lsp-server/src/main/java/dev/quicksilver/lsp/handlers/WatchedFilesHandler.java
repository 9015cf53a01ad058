package dev.quicksilver.lsp.handlers;

import dev.quicksilver.index.FileEvent;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.FileChangeType;

/** {@code workspace/didChangeWatchedFiles}: passes file events to the index (which debounces them). */
public final class WatchedFilesHandler {
    private final ServerSession session;

    public WatchedFilesHandler(ServerSession session) {
        this.session = session;
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
        session.indexFuture().thenAcceptAsync(index -> index.fileEvents(events), session.workers());
    }
}
