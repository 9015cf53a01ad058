package dev.quicksilver.lsp.handlers;

import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.documents.TextDocument;
import dev.quicksilver.lsp.refactor.RefactorService;
import java.nio.file.Path;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.MessageType;

/**
 * didOpen, didChange, didClose (JDT LS's {@code DocumentLifeCycleHandler}): notifications, applied in order on
 * the reader thread, where they only splice strings and schedule the indexer's debounced update. A notification
 * about an unknown document or with a bad URI is logged and dropped (notifications have no response).
 */
public final class DocumentLifecycleHandler {
    private final ServerSession session;
    private final RefactorService refactors;

    public DocumentLifecycleHandler(ServerSession session, RefactorService refactors) {
        this.session = session;
        this.refactors = refactors;
    }

    public void didOpen(DidOpenTextDocumentParams params) {
        try {
            var item = params.getTextDocument();
            String uri = Uris.normalize(item.getUri());
            TextDocument doc = session.documents().open(uri, item.getVersion(), item.getText() == null ? "" : item.getText());
            Path path = Uris.pathOf(uri).orElse(null);
            if (path != null && !doc.isBinary() && session.roots().contains(path)) {
                // The resolved keys from disk, before any edit of this buffer is indexed: the build completes the
                // resolved index while it still holds the index, so the update queued below runs after this.
                session.resolvedIndexFuture().thenAccept(index -> refactors.rememberKeys(index, path));
                session.indexFuture().thenAccept(index -> index.documentChanged(new DocumentSnapshot(path, doc.text())));
            }
        } catch (RuntimeException e) {
            session.log(MessageType.Warning, "didOpen ignored: " + e.getMessage());
        }
    }

    public void didChange(DidChangeTextDocumentParams params) {
        try {
            String uri = Uris.normalize(params.getTextDocument().getUri());
            Integer version = params.getTextDocument().getVersion();
            var doc = session.documents().change(uri, version == null ? 0 : version, params.getContentChanges());
            if (doc.isEmpty()) {
                session.log(MessageType.Warning, "didChange for " + uri + ", which is not open: ignored");
                return;
            }
            Path path = Uris.pathOf(uri).orElse(null);
            if (path != null && !doc.get().isBinary() && session.roots().contains(path) && session.indexFuture().isDone()
                    && !session.indexFuture().isCompletedExceptionally()) {
                session.indexFuture().join().documentChanged(new DocumentSnapshot(path, doc.get().text()));
            }
        } catch (RuntimeException e) {
            session.log(MessageType.Warning, "didChange ignored: " + e.getMessage());
        }
    }

    public void didClose(DidCloseTextDocumentParams params) {
        try {
            String uri = Uris.normalize(params.getTextDocument().getUri());
            session.documents().close(uri);
            var inflight = session.completionsInFlight().remove(uri);
            if (inflight != null) inflight.cancel(true);
            session.shownCompletions().remove(uri);
            Uris.pathOf(uri).ifPresent(path -> session.indexFuture().thenAccept(index -> index.documentClosed(path)));
        } catch (RuntimeException e) {
            session.log(MessageType.Warning, "didClose ignored: " + e.getMessage());
        }
    }
}
