package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.documents.EditHistory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a refactor looks at: the index, the file and position the user asked about, the edit they just made
 * there (if any), earlier binding keys of methods (to find call sites the index still links to a method's old
 * signature), the current text of any file (the open buffer, else the disk), whether it may compile files
 * without signs of an edit ({@link dev.quicksilver.lsp.ServerSession#thoroughRefactors()}), and the files open in
 * the editor (edited lately, by the user or by a refactor: where the index's bindings are the least sure).
 *
 * <p>One input serves one listing of the refactors at a position: a file's text is read once, and compiled at
 * most once, however many sites and searches ask for it (a method's call sites often share files). Concurrent
 * maps: a site's suppliers may ask later, from the thread that runs the refactor.
 */
public record RefactorInput(WorkspaceIndex index, Path file, TextPosition position, Optional<EditHistory.Edit> lastEdit,
                            Function<String, Set<String>> earlierKeys, Function<Path, Optional<String>> textOf, boolean thorough,
                            Set<Path> openFiles, Map<Path, Optional<String>> texts, Map<Path, List<CompileError>> compiled) {
    public RefactorInput(WorkspaceIndex index, Path file, TextPosition position, Optional<EditHistory.Edit> lastEdit,
                         Function<String, Set<String>> earlierKeys, Function<Path, Optional<String>> textOf, boolean thorough) {
        this(index, file, position, lastEdit, earlierKeys, textOf, thorough, Set.of());
    }

    public RefactorInput(WorkspaceIndex index, Path file, TextPosition position, Optional<EditHistory.Edit> lastEdit,
                         Function<String, Set<String>> earlierKeys, Function<Path, Optional<String>> textOf, boolean thorough, Set<Path> openFiles) {
        this(index, file, position, lastEdit, earlierKeys, textOf, thorough, openFiles, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    public String text(Path p) {
        return texts.computeIfAbsent(p, textOf).orElse("");
    }

    /**
     * The method or constructor at the position: the one whose name (or a resolved reference to which) is there, or
     * the one declared with the position anywhere on its header, up to two lines below its name (an editor's cursor
     * on the return type, a modifier or a parameter).
     */
    public Optional<SymbolInfo> methodAt() {
        Optional<SymbolInfo> at = index.symbolAt(file, position);
        if (at.isPresent() && isMethod(at.get())) return at;
        List<SymbolInfo> declared = index.declarationsIn(file);
        for (SymbolInfo s : declared) {
            if (isMethod(s) && s.location().range().contains(position) && position.line() <= s.nameRange().startLine() + 2) {
                return Optional.of(s);
            }
        }
        // A record's header, when the record declares its canonical constructor compact (Point { ... }): the
        // components are that constructor's parameters.
        for (SymbolInfo r : declared) {
            if (r.kind() != SymbolKind.RECORD || position.line() < r.nameRange().startLine() || position.line() > r.nameRange().startLine() + 2
                    || !r.location().range().contains(position)) {
                continue;
            }
            String text = text(file);
            int headerOpen = text.indexOf('(', JavaText.offsetOf(text, r.nameRange().endLine(), r.nameRange().endColumn()));
            int headerClose = headerOpen < 0 ? -1 : JavaText.matchingClose(text, headerOpen);
            if (headerClose < 0 || JavaText.offsetOf(text, position.line(), position.column()) > headerClose + 1) continue;
            for (SymbolInfo c : declared) {
                if (c.kind() == SymbolKind.CONSTRUCTOR && c.declaringTypeKey().equals(r.key())
                        && AddParameterRefactoring.parameterListOpen(text, c) == headerOpen) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isMethod(SymbolInfo s) {
        return s.kind() == SymbolKind.METHOD || s.kind() == SymbolKind.CONSTRUCTOR;
    }

    /**
     * The method's key, and the keys it had before that differ from it only after its parameters (its return type,
     * the exceptions it throws: "...(Ljava/lang/String;)I|Lq/StoreFailure;"): in an editor session the index still
     * links the calls of the method as it was to those.
     */
    public List<String> keysOf(SymbolInfo m) {
        List<String> keys = new java.util.ArrayList<>(List.of(m.key()));
        String parameters = throughParameters(m.key());
        for (String k : earlierKeys.apply(m.qualifiedName())) if (!keys.contains(k) && throughParameters(k).equals(parameters)) keys.add(k);
        return keys;
    }

    private static String throughParameters(String key) {
        int close = key.indexOf(')');
        return close < 0 ? key : key.substring(0, close + 1);
    }

    /** The compiler's errors for the file's current {@link #text}. */
    public List<CompileError> compileErrors(Path p) {
        return compiled.computeIfAbsent(p, f -> index.compileErrors(f, text(f)));
    }
}
