package dev.quicksilver.lsp.handlers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ResourceOperation;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.junit.jupiter.api.Test;

/**
 * An action offered with its edit must change something (some text, or a file's place): one whose every place was
 * left as it was is not offered.
 */
class CodeActionEditsTest {
    static final TextEdit EDIT = new TextEdit(new Range(new Position(1, 0), new Position(1, 0)), "x");

    @Test
    void anEditChangesTextOnlyWithATextEditSomewhere() {
        assertFalse(CodeActionHandler.changesSomething(null));
        assertFalse(CodeActionHandler.changesSomething(new WorkspaceEdit(Map.of("file:///a.java", List.<TextEdit>of()))), "a file left as it was");
        assertTrue(CodeActionHandler.changesSomething(new WorkspaceEdit(Map.of("file:///a.java", List.<TextEdit>of(), "file:///b.java", List.of(EDIT)))));
        var unchanged = new TextDocumentEdit(new VersionedTextDocumentIdentifier("file:///a.java", 3), List.of());
        var changed = new TextDocumentEdit(new VersionedTextDocumentIdentifier("file:///b.java", 1), List.of(Either.forLeft(EDIT)));
        assertFalse(CodeActionHandler.changesSomething(new WorkspaceEdit(List.<Either<TextDocumentEdit, ResourceOperation>>of(Either.forLeft(unchanged)))), "only annotations left");
        assertTrue(CodeActionHandler.changesSomething(new WorkspaceEdit(List.<Either<TextDocumentEdit, ResourceOperation>>of(Either.forLeft(unchanged), Either.forLeft(changed)))));
        var move = new org.eclipse.lsp4j.RenameFile("file:///Shop.java", "file:///Store.java");
        assertTrue(CodeActionHandler.changesSomething(new WorkspaceEdit(List.<Either<TextDocumentEdit, ResourceOperation>>of(Either.forLeft(unchanged), Either.forRight(move)))),
                "a file moved, its text as it was");
    }
}
