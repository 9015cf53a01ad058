package dev.quicksilver.lsp.refactor;

import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import dev.quicksilver.lsp.documents.TextDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.AnnotatedTextEdit;
import org.eclipse.lsp4j.ChangeAnnotation;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.RenameFile;
import org.eclipse.lsp4j.RenameFileOptions;
import org.eclipse.lsp4j.ResourceOperation;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * Turns file changes into the {@link WorkspaceEdit} the client can apply: versioned {@code documentChanges}
 * (the open document's version, null for files not open) with every edit carrying a change annotation that
 * needs confirmation, when the client supports them; plain {@code changes} otherwise. A site that got its fallback
 * or was left as it was (see {@link CompileCheck}) has an annotation of its own, whose description says where and
 * why (a site left as it was has no edit: only its annotation). A file that moves ({@link FileChange#renamedTo()})
 * is a {@code RenameFile} operation after its text edits, where the client can rename files
 * ({@code resourceOperations} has {@code rename}); elsewhere its edits land in place and a note (the annotation's, and
 * the log's) tells the user to rename the file.
 */
public final class WorkspaceEdits {
    public static final String ANNOTATION = "quicksilver.refactor";
    /** Prefix of the annotation of each site that got its fallback; the annotation's description says why. */
    public static final String FALLBACK_ANNOTATION = "quicksilver.fallback";
    static final String FALLBACK_LABEL = "Fallbacks and places left as they were (the model's answer did not compile or was not usable): check these first";

    private WorkspaceEdits() {
    }

    public static WorkspaceEdit build(ServerSession session, String label, List<FileChange> changes) {
        ClientCapabilities caps = session.capabilities();
        var we = caps.getWorkspace() == null ? null : caps.getWorkspace().getWorkspaceEdit();
        boolean canRename = we != null && we.getResourceOperations() != null && we.getResourceOperations().contains("rename");
        boolean moves = changes.stream().anyMatch(c -> c.renamedTo() != null);
        // A file rename exists only among documentChanges: a client that can rename files takes them (Neovim 0.7
        // declares resourceOperations and not documentChanges, and applies both).
        boolean documentChanges = we != null && (Boolean.TRUE.equals(we.getDocumentChanges()) || moves && canRename);
        boolean annotations = documentChanges && we.getChangeAnnotationSupport() != null;
        boolean renames = documentChanges && canRename;
        for (FileChange c : changes) {
            if (c.renamedTo() == null) continue;
            session.roots().requireInside(c.renamedTo());
            if (!renames) {
                // Shown, not only logged (Eglot keeps the log out of sight): else the file keeps a name javac refuses.
                session.problem("rename-file", label + ": rename " + c.file() + " to " + c.renamedTo().getFileName()
                        + " yourself: this editor does not let a language server rename files", org.eclipse.lsp4j.MessageType.Warning);
            }
        }
        WorkspaceEdit edit = new WorkspaceEdit();
        if (documentChanges) {
            List<Either<TextDocumentEdit, ResourceOperation>> list = new ArrayList<>();
            Map<String, String> notes = new LinkedHashMap<>();
            for (FileChange c : changes) {
                session.roots().requireInside(c.file());
                String uri = Uris.toUri(c.file());
                Integer version = session.documents().get(uri).map(TextDocument::version).orElse(null);
                List<Either<TextEdit, org.eclipse.lsp4j.SnippetTextEdit>> edits = new ArrayList<>();
                List<TextEdit> plain = textEdits(c);
                for (int i = 0; i < plain.size(); i++) {
                    TextEdit e = plain.get(i);
                    FileChange.Replacement r = c.replacements().get(i);
                    String id = ANNOTATION;
                    if (r.note() != null) {
                        id = FALLBACK_ANNOTATION + "." + notes.size();
                        notes.put(id, where(session, c, r) + r.note());
                    }
                    if (c.unchanged(r)) continue; // left as it was: its annotation alone says so
                    edits.add(Either.forLeft(annotations ? new AnnotatedTextEdit(e.getRange(), e.getNewText(), id) : e));
                }
                if (c.renamedTo() != null && !renames) {
                    // Where the client cannot move the file, the note says to, on the type's own place.
                    String id = FALLBACK_ANNOTATION + "." + notes.size();
                    notes.put(id, where(session, c, null) + "rename the file to " + c.renamedTo().getFileName()
                            + " yourself (this editor does not let a language server rename files)");
                }
                list.add(Either.forLeft(new TextDocumentEdit(new VersionedTextDocumentIdentifier(uri, version), edits)));
                if (c.renamedTo() != null && renames) {
                    // After its edits, which name the file as it is: the client moves the edited text.
                    RenameFile move = new RenameFile(uri, Uris.toUri(c.renamedTo()), new RenameFileOptions(false, false));
                    if (annotations) move.setAnnotationId(ANNOTATION);
                    list.add(Either.forRight(move));
                }
            }
            edit.setDocumentChanges(list);
            if (annotations) {
                Map<String, ChangeAnnotation> all = new LinkedHashMap<>();
                ChangeAnnotation a = new ChangeAnnotation(label);
                a.setNeedsConfirmation(true);
                a.setDescription("written by the Quicksilver model (in Java, checked to compile); review before applying");
                all.put(ANNOTATION, a);
                notes.forEach((id, note) -> {
                    ChangeAnnotation f = new ChangeAnnotation(FALLBACK_LABEL);
                    f.setNeedsConfirmation(true);
                    f.setDescription(note);
                    all.put(id, f);
                });
                edit.setChangeAnnotations(all);
            }
        } else {
            Map<String, List<TextEdit>> map = new LinkedHashMap<>();
            for (FileChange c : changes) {
                session.roots().requireInside(c.file());
                List<TextEdit> plain = textEdits(c);
                List<TextEdit> changing = new ArrayList<>();
                for (int i = 0; i < plain.size(); i++) if (!c.unchanged(c.replacements().get(i))) changing.add(plain.get(i));
                map.put(Uris.toUri(c.file()), changing);
            }
            edit.setChanges(map);
        }
        return edit;
    }

    /** {@code path:line: } of a replacement (null: the file's first line), the path relative to its workspace folder. */
    static String where(ServerSession session, FileChange c, FileChange.Replacement r) {
        Path file = c.file();
        Path shown = session.roots().roots().stream().filter(file::startsWith).findFirst().map(root -> root.relativize(file)).orElse(file);
        return shown.toString().replace('\\', '/') + ":" + (r == null ? 1 : c.lineOf(r)) + ": ";
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
