package dev.quicksilver.lsp.refactor;

import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.documents.TextDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.AnnotatedTextEdit;
import org.eclipse.lsp4j.ChangeAnnotation;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ResourceOperation;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * Turns file changes into the {@link WorkspaceEdit} the client can apply: versioned {@code documentChanges}
 * (the open document's version, null for files not open) with every edit carrying a change annotation that
 * needs confirmation, when the client supports them; plain {@code changes} otherwise.
 */
public final class WorkspaceEdits {
    public static final String ANNOTATION = "quicksilver.refactor";

    private WorkspaceEdits() {
    }

    public static WorkspaceEdit build(ServerSession session, String label, List<FileChange> changes) {
        ClientCapabilities caps = session.capabilities();
        var we = caps.getWorkspace() == null ? null : caps.getWorkspace().getWorkspaceEdit();
        boolean documentChanges = we != null && Boolean.TRUE.equals(we.getDocumentChanges());
        boolean annotations = documentChanges && we.getChangeAnnotationSupport() != null;
        WorkspaceEdit edit = new WorkspaceEdit();
        if (documentChanges) {
            List<Either<TextDocumentEdit, ResourceOperation>> list = new ArrayList<>();
            for (FileChange c : changes) {
                session.roots().requireInside(c.file());
                String uri = Uris.toUri(c.file());
                Integer version = session.documents().get(uri).map(TextDocument::version).orElse(null);
                List<Either<TextEdit, org.eclipse.lsp4j.SnippetTextEdit>> edits = new ArrayList<>();
                for (TextEdit e : textEdits(c)) {
                    edits.add(Either.forLeft(annotations ? new AnnotatedTextEdit(e.getRange(), e.getNewText(), ANNOTATION) : e));
                }
                list.add(Either.forLeft(new TextDocumentEdit(new VersionedTextDocumentIdentifier(uri, version), edits)));
            }
            edit.setDocumentChanges(list);
            if (annotations) {
                ChangeAnnotation a = new ChangeAnnotation(label);
                a.setNeedsConfirmation(true);
                a.setDescription("written by the Quicksilver model; review before applying");
                edit.setChangeAnnotations(Map.of(ANNOTATION, a));
            }
        } else {
            Map<String, List<TextEdit>> map = new LinkedHashMap<>();
            for (FileChange c : changes) {
                session.roots().requireInside(c.file());
                map.put(Uris.toUri(c.file()), textEdits(c));
            }
            edit.setChanges(map);
        }
        return edit;
    }

    static List<TextEdit> textEdits(FileChange c) {
        TextDocument doc = TextDocument.of("", 0, c.original());
        List<TextEdit> edits = new ArrayList<>();
        for (FileChange.Replacement r : c.replacements()) {
            Range range = new Range(dev.quicksilver.lsp.documents.DocumentStore.position(doc, r.start()),
                    dev.quicksilver.lsp.documents.DocumentStore.position(doc, r.end()));
            edits.add(new TextEdit(range, r.text()));
        }
        return edits;
    }
}
