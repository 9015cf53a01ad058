package dev.quicksilver.lsp.documents;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

/**
 * The open documents, by URI.
 *
 * <p>Concurrency. didOpen/didChange/didClose arrive in order on LSP4J's reader thread and are applied there
 * (an in-memory string splice: never blocking). Handlers on worker threads read immutable {@link TextDocument}
 * snapshots, so a request sees one consistent version even while newer changes arrive. Each document also keeps
 * its {@link EditHistory} (the edit the user just made), updated under the document's entry lock.
 *
 * <p>Versions may jump (a client may batch changes or skip numbers): any version is accepted as the new one.
 */
public final class DocumentStore {
    private final Map<String, Entry> documents = new ConcurrentHashMap<>();

    private static final class Entry {
        volatile TextDocument document;
        final EditHistory history = new EditHistory();

        Entry(TextDocument document) {
            this.document = document;
            history.reset(document.text());
        }
    }

    public TextDocument open(String uri, int version, String text) {
        Entry e = new Entry(TextDocument.of(uri, version, text));
        documents.put(uri, e);
        return e.document;
    }

    /** Applies content changes in order (full or ranged, ranges in UTF-16 positions) and returns the new snapshot. */
    public Optional<TextDocument> change(String uri, int version, List<TextDocumentContentChangeEvent> changes) {
        Entry e = documents.get(uri);
        if (e == null) return Optional.empty();
        synchronized (e) {
            TextDocument doc = e.document;
            String text = doc.text();
            for (TextDocumentContentChangeEvent change : changes) {
                String before = text;
                TextDocument current = doc.withText(version, text);
                Range r = change.getRange();
                String newText = change.getText() == null ? "" : change.getText();
                int start;
                int end;
                if (r == null) {
                    start = 0;
                    end = text.length();
                    text = newText;
                } else {
                    start = current.clampedOffsetOf(r.getStart().getLine(), r.getStart().getCharacter());
                    end = current.clampedOffsetOf(r.getEnd().getLine(), r.getEnd().getCharacter());
                    if (end < start) { int t = start; start = end; end = t; }
                    text = text.substring(0, start) + newText + text.substring(end);
                }
                e.history.record(before, text, start, end, start + newText.length());
                doc = current;
            }
            e.document = TextDocument.of(uri, version, text);
            return Optional.of(e.document);
        }
    }

    public void close(String uri) {
        documents.remove(uri);
    }

    public Optional<TextDocument> get(String uri) {
        Entry e = documents.get(uri);
        return e == null ? Optional.empty() : Optional.of(e.document);
    }

    /**
     * The document's last edit has been followed up (a refactor ran for it): the next keystroke starts a new edit,
     * rather than extending that one (a header's parameters changed and followed, then its name retyped, read as
     * one edit of both, is neither refactor's).
     */
    public void settle(String uri) {
        Entry e = documents.get(uri);
        if (e == null) return;
        synchronized (e) {
            e.history.reset(e.document.text());
        }
    }

    public Optional<EditHistory.Edit> lastEdit(String uri) {
        Entry e = documents.get(uri);
        if (e == null) return Optional.empty();
        synchronized (e) {
            return e.history.lastEdit();
        }
    }

    public List<TextDocument> all() {
        return documents.values().stream().map(e -> e.document).toList();
    }

    public static Position position(TextDocument doc, int offset) {
        return new Position(doc.lineOf(offset), doc.columnOf(offset));
    }
}
