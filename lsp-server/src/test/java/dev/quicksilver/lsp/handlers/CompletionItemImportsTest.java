package dev.quicksilver.lsp.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.completion.CompletionService;
import java.util.List;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextEdit;
import org.junit.jupiter.api.Test;

/**
 * A completion that needs imports carries them: a completion item as its additional edits (applied with it by
 * the client), an inline item as its command (run once it is accepted).
 */
class CompletionItemImportsTest {
    @Test
    void aCompletionsImportsTravelWithItsItem() {
        TextEdit imports = new TextEdit(new Range(new Position(3, 0), new Position(3, 0)), "import java.util.TreeSet;\n");
        Position at = new Position(9, 8);
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model"); });
        try {
            CompletionHandler handler = new CompletionHandler(session, null);
            CompletionParams params = new CompletionParams(new TextDocumentIdentifier("file:///ws/A.java"), at);
            var item = handler.item(params, new CompletionService.Suggestion("new TreeSet<>();", at, at, 1, false, imports));
            assertEquals(List.of(imports), item.getAdditionalTextEdits());
            assertNull(handler.item(params, new CompletionService.Suggestion("0;", at, at, 1, false)).getAdditionalTextEdits());
            var command = InlineCompletionHandler.importsCommand("file:///ws/A.java", imports);
            assertEquals(InitializeHandler.IMPORTS_COMMAND, command.getCommand());
            assertEquals("Add 1 import", command.getTitle());
        } finally {
            session.close();
        }
    }
}
