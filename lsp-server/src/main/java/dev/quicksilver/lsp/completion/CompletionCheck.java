package dev.quicksilver.lsp.completion;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.refactor.ImportableTypes;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * Names a completion invents. A small model readily writes a call to a method the type does not have
 * ({@code this.get(this)} in a class without {@code get}); shown as ghost text it looks like an API that exists.
 * The buffer with the completion inserted is compiled against the workspace (nothing recorded), and a name the
 * compiler cannot find that starts inside the inserted text is the completion's: the buffer without it did not
 * contain that text at all. Errors of other kinds are left alone, since a completion of a half-written line
 * leaves the code incomplete by nature (an opened block, a missing semicolon).
 *
 * <p>What {@link CompletionService} does with one is diffusion's own repair: the name's characters are masked
 * again, everything else of the completion kept, and the model fills that hole with the text on both sides in
 * view (the remasking of LLaDA and Dream samplers, applied here to the span the compiler points at); a completion
 * that still invents a name is not shown.
 */
final class CompletionCheck {
    private CompletionCheck() {
    }

    /**
     * The first unknown name of {@code completion} inserted into {@code buffer} at {@code offset}, as offsets into
     * the completion; empty when it has none (or the file is not Java).
     */
    static Optional<CompileError> unknownName(WorkspaceIndex index, Path path, String buffer, int offset, String completion) {
        String text = buffer.substring(0, offset) + completion + buffer.substring(offset);
        int end = offset + completion.length();
        return index.compileErrors(path, text).stream()
                .filter(e -> e.unknownName() && e.start() >= offset && e.start() < end)
                .min(Comparator.comparingInt(CompileError::start))
                .map(e -> new CompileError(e.start() - offset, Math.min(e.end(), end) - offset, e.id(), e.message(), true));
    }

    /**
     * The imports a completion needs: the types it names that the buffer does not import ({@code new
     * ArrayList<>()}), where one type of each name is importable ({@link ImportableTypes}), as one insertion into the
     * buffer before the completion; empty where it needs none, where the imports would go after the cursor, or where
     * the completion has an unknown name with them too. What an IDE adds when a completion is accepted.
     */
    static Optional<ImportableTypes.Insertion> imports(WorkspaceIndex index, Path path, String buffer, int offset, String completion) {
        String text = buffer.substring(0, offset) + completion + buffer.substring(offset);
        int end = offset + completion.length();
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (CompileError e : index.compileErrors(path, text)) {
            String name = e.start() >= offset && e.start() < end ? ImportableTypes.unresolvedTypeName(text, e) : null;
            if (name != null) names.add(name);
        }
        if (names.isEmpty()) return Optional.empty();
        Optional<ImportableTypes.Insertion> insertion = ImportableTypes.insertion(path, buffer, names, n -> ImportableTypes.of(index, n));
        if (insertion.isEmpty() || insertion.get().offset() > offset) return Optional.empty();
        ImportableTypes.Insertion i = insertion.get();
        String imported = buffer.substring(0, i.offset()) + i.text() + buffer.substring(i.offset());
        return unknownName(index, path, imported, offset + i.text().length(), completion).isEmpty() ? insertion : Optional.empty();
    }

    /**
     * The name at the start of what the model wrote into a remasked name's hole: an identifier, or a dotted
     * chain of them; what follows it (the rest of a call it went on to write) is not part of the name, since the
     * completion's own text after the hole is kept.
     */
    static String leadingName(String fill) {
        String s = fill.stripLeading();
        int end = 0; // where the name read so far ends
        int i = 0;
        while (i < s.length() && Character.isJavaIdentifierStart(s.charAt(i))) {
            i++;
            while (i < s.length() && Character.isJavaIdentifierPart(s.charAt(i))) i++;
            end = i;
            if (i + 1 >= s.length() || s.charAt(i) != '.' || !Character.isJavaIdentifierStart(s.charAt(i + 1))) break;
            i++; // the dot of a chain
        }
        return s.substring(0, end);
    }
}
