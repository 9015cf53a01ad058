package dev.quicksilver.lsp.handlers;

import dev.quicksilver.lsp.ServerSession;
import dev.quicksilver.lsp.Uris;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.lsp4j.DidChangeWorkspaceFoldersParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.WorkspaceFolder;

/**
 * {@code workspace/didChangeWorkspaceFolders}: folders added to or removed from a multi-root workspace (VS Code's
 * "Add Folder to Workspace", Neovim's {@code vim.lsp.buf.add_workspace_folder}, lsp-mode's
 * {@code lsp-workspace-folders-add}). The session takes the new set: edits are allowed in it at once, and it is
 * indexed anew (see {@link ServerSession#changeRoots}). A notification: a bad entry is logged, never answered.
 */
public final class WorkspaceFoldersHandler {
    private final ServerSession session;

    public WorkspaceFoldersHandler(ServerSession session) {
        this.session = session;
    }

    public void didChangeWorkspaceFolders(DidChangeWorkspaceFoldersParams params) {
        try {
            var event = params.getEvent();
            Set<Path> roots = new LinkedHashSet<>(session.roots().roots());
            if (event != null && event.getRemoved() != null) {
                for (WorkspaceFolder f : event.getRemoved()) roots.remove(Uris.toPath(f.getUri()));
            }
            if (event != null && event.getAdded() != null) {
                for (WorkspaceFolder f : event.getAdded()) roots.add(Uris.toPath(f.getUri()));
            }
            // Here, in order with the requests that follow it (changeRoots only starts the new build).
            session.changeRoots(new ArrayList<>(roots));
        } catch (RuntimeException e) {
            session.log(MessageType.Warning, "didChangeWorkspaceFolders ignored: " + e.getMessage());
        }
    }
}
