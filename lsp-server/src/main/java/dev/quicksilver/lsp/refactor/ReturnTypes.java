package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * A method's return type as its header writes it, and its change in the last edit ({@code int price(...)} ->
 * {@code Integer cost(...)}): an override whose return type was written as the method's was follows it, as an
 * IDE's change-signature changes the overrides' return types (else an {@code int} override of an {@code Integer}
 * method no longer compiles); one written otherwise (a covariant, narrower type; a type variable bound) is left.
 */
final class ReturnTypes {
    private ReturnTypes() {
    }

    /** A return type as written before the edit and now (blanks made single). */
    record Change(String before, String now) {
    }

    /** m's return type before and after the last edit, where that edit (of as many lines) changed it on m's header line. */
    static Optional<Change> changed(RefactorInput in, SymbolInfo m) {
        if (m.kind() != SymbolKind.METHOD || !AddParameterRefactoring.editedNear(in, m)) return Optional.empty();
        var edit = in.lastEdit().get();
        if (edit.before().split("\n", -1).length != edit.after().split("\n", -1).length) return Optional.empty();
        String now = in.text(m.location().path());
        String before = AddParameterRefactoring.textBeforeEdit(now, edit);
        int line = m.nameRange().startLine();
        int lineStart = JavaText.lineStartOffset(before, line);
        int lineEnd = before.indexOf('\n', lineStart);
        Matcher was = CompiledRenames.NAME_AND_LIST.matcher(before).region(lineStart, lineEnd < 0 ? before.length() : lineEnd);
        if (!was.find()) return Optional.empty();
        String old = written(before, was.start(1));
        String next = written(now, JavaText.offsetOf(now, line, m.nameRange().startColumn()));
        return old.isEmpty() || next.isEmpty() || old.equals(next) ? Optional.empty() : Optional.of(new Change(old, next));
    }

    /** The site that writes {@code change}'s new return type in the override o, where o writes the old one. */
    static Optional<Site> followed(RefactorInput in, SymbolInfo o, Change change, String context) {
        String text = in.text(o.location().path());
        int nameAt = JavaText.offsetOf(text, o.nameRange().startLine(), o.nameRange().startColumn());
        int[] range = range(text, nameAt);
        if (range[0] >= range[1] || !normalized(text.substring(range[0], range[1])).equals(change.before())) return Optional.empty();
        return Optional.of(Site.decided(o.location().path(), range[0], range[1], change.now(), context));
    }

    /** The return type written before the method name at {@code nameAt}, blanks made single ("" where none reads as one). */
    static String written(String text, int nameAt) {
        int[] range = range(text, nameAt);
        return range[0] >= range[1] ? "" : normalized(text.substring(range[0], range[1]));
    }

    private static String normalized(String type) {
        return type.strip().replaceAll("\\s+", " ");
    }

    /**
     * Where the type before the name at {@code nameAt} starts and ends: back over blanks, then over a type's
     * characters (names and dots, array brackets, type arguments with what they hold).
     */
    static int[] range(String text, int nameAt) {
        int end = JavaText.skipBlankBack(text, nameAt);
        int i = end;
        while (i > 0) {
            char c = text.charAt(i - 1);
            if (c == '>') {
                int depth = 0;
                do {
                    char d = text.charAt(--i);
                    if (d == '>') depth++;
                    else if (d == '<') depth--;
                } while (i > 0 && depth > 0);
                if (depth > 0) return new int[] {end, end};
            } else if (c == ']' || c == '[' || c == '.' || Character.isJavaIdentifierPart(c)) {
                i--;
            } else {
                break;
            }
        }
        return new int[] {i, end};
    }
}
