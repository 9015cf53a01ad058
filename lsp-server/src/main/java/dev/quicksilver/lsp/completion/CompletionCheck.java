package dev.quicksilver.lsp.completion;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.refactor.ImportableTypes;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Names a completion invents. A small model readily writes a call to a method the type does not have
 * ({@code this.get(this)} in a class without {@code get}); shown as ghost text it looks like an API that exists.
 * The buffer with the completion inserted is compiled against the workspace (nothing recorded), and a name the
 * compiler cannot find that starts inside the inserted text is the completion's: the buffer without it did not
 * contain that text at all. Wrong code ({@link #wrongCode}: a syntax error inside the completion, a type
 * mismatch, arguments no method takes) is found the same way; the service cuts the completion before it. What a
 * completion of a half-written line has by nature (an opened block, a missing semicolon) is no wrong code.
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
                .map(e -> new CompileError(e.start() - offset, Math.min(e.end(), end) - offset, e.id(), e.message(), e.kind()));
    }

    /**
     * The first wrong code in {@code completion} inserted into {@code buffer} at {@code offset}, as offsets into the
     * completion (what comes before it may still be shown): a syntax error that starts inside it ({@code items ==
     * class.get(}), an error of types or arguments inside it ({@code return (this);} in a method returning {@code
     * long}, {@code contains(this, null)}), but not at its last word, where it simply stops; or, at 0 and empty, an
     * error of the call begun before it that its arguments bring about ({@code items.add(} + {@code this);}). Not
     * wrong: unknown names ({@link #unknownName} has those), syntax that is not finished where the completion stops
     * ({@code return rule.apply(}, a block opened), and what finished code has while it is being written (an
     * exception not yet handled). Errors of types in a completion whose syntax is not finished are not trusted: the
     * compiler's recovery reads {@code rule.apply(} as a call with no arguments. Nor are errors after the completion
     * held against it: where the user rewrites lines in the middle of a method the buffer's braces pair up as the
     * compiler guesses, and a brace that closes a block early and one that closes it where the user will are read
     * alike.
     */
    static Optional<CompileError> wrongCode(WorkspaceIndex index, Path path, String buffer, int offset, String completion) {
        String text = buffer.substring(0, offset) + completion + buffer.substring(offset);
        int end = offset + completion.length();
        int stops = offset + completion.stripTrailing().length(); // where the completion's last token ends
        List<CompileError> errors = index.compileErrors(path, text);
        Predicate<CompileError> inside = e -> e.start() >= offset && e.start() < end;
        // What the compiler makes of the completion's last word depends on what the user goes on to write after it
        // ("public void set" is a field of type void until the parenthesis comes). A string not closed on its line is
        // no string that stops unfinished, though: Java's strings end on their line.
        Predicate<CompileError> atLastWord = e -> e.end() >= stops && !e.unterminatedString();
        Predicate<CompileError> unfinished = e -> e.kind() == CompileError.Kind.UNFINISHED_SYNTAX
                || e.kind() == CompileError.Kind.SYNTAX && atLastWord.test(e);
        boolean stopsUnfinished = errors.stream().anyMatch(e -> (inside.test(e) || e.start() == end) && unfinished.test(e));
        Optional<CompileError> first = errors.stream()
                .filter(e -> inside.test(e) && !atLastWord.test(e)
                        && (e.kind() == CompileError.Kind.SYNTAX || e.kind() == CompileError.Kind.OTHER && !stopsUnfinished))
                .min(Comparator.comparingInt(CompileError::start));
        if (first.isPresent() || stopsUnfinished) {
            return first.map(e -> new CompileError(e.start() - offset, Math.min(e.end(), end) - offset, e.id(), e.message(), e.kind()));
        }
        // The arguments a completion passes to a call begun before it: the compiler puts the misfit at the method's
        // name ("add(this)": List<Item>.add does not take a Cart). An error on the line before the completion that
        // the buffer without it does not have (the same call with other arguments reads otherwise) is the
        // completion's. Only then is the buffer compiled without it: a second compile of a large file is not free.
        int lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        List<CompileError> before = errors.stream()
                .filter(e -> e.kind() == CompileError.Kind.OTHER && e.start() >= lineStart && e.start() < offset).toList();
        if (before.isEmpty()) return Optional.empty();
        Map<String, Integer> had = new HashMap<>();
        for (CompileError e : index.compileErrors(path, buffer)) had.merge(e.id() + " " + e.message(), 1, Integer::sum);
        for (CompileError e : before) {
            if (had.merge(e.id() + " " + e.message(), -1, Integer::sum) < 0) return Optional.of(new CompileError(0, 0, e.id(), e.message(), e.kind()));
        }
        return Optional.empty();
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
