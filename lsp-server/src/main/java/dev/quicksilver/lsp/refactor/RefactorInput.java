package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.documents.EditHistory;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a refactor looks at: the index, the file and position the user asked about, the edit they just made
 * there (if any), earlier binding keys of methods (to find call sites the index still links to a method's old
 * signature), the current text of any file (the open buffer, else the disk), and whether it may compile files
 * without signs of an edit ({@link dev.quicksilver.lsp.ServerSession#thoroughRefactors()}).
 */
public record RefactorInput(WorkspaceIndex index, Path file, TextPosition position, Optional<EditHistory.Edit> lastEdit,
                            Function<String, Set<String>> earlierKeys, Function<Path, Optional<String>> textOf, boolean thorough) {
    public String text(Path p) {
        return textOf.apply(p).orElse("");
    }
}
