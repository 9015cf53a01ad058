package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import dev.quicksilver.index.WorkspaceIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Anonymous classes, which the index keeps no declaration for: one is found at a reference to the type it
 * extends or implements that stands right after {@code new} and is followed by arguments and a body
 * ({@code new Shape() { ... }}, {@code new Transformer<A, B>() { ... }}). Its methods are in the index (as
 * declarations whose place lies inside the body), so a refactor can tell what the body declares.
 */
final class AnonymousClasses {
    /**
     * One anonymous class: its file, the text it was found in, the type it extends or implements (its key, and
     * where its name starts), and its body's braces.
     */
    record Body(Path file, String text, String typeKey, int typeAt, int open, int close) {
        /** What stands between {@code new} and the body ({@code Conv<Long, String>()}): its type's arguments. */
        String header() {
            return text.substring(typeAt, open);
        }

        /** The methods of the index declared in the body (not in a class nested in it: those are its own). */
        List<SymbolInfo> methods(WorkspaceIndex index) {
            List<SymbolInfo> out = new ArrayList<>();
            for (SymbolInfo d : index.declarationsIn(file)) {
                int at = JavaText.offsetOf(text, d.nameRange().startLine(), d.nameRange().startColumn());
                if (d.kind() == SymbolKind.METHOD && at > open && at < close) out.add(d);
            }
            return out;
        }
    }

    private AnonymousClasses() {
    }

    /** The anonymous classes of the type {@code typeKey} (direct ones: not of its subtypes). */
    static List<Body> of(WorkspaceIndex index, String typeKey, Function<Path, String> textOf) {
        List<Body> out = new ArrayList<>();
        java.util.Map<Path, String> texts = new java.util.HashMap<>(); // a file read once, however often it names the type
        for (Reference r : index.references(typeKey)) at(r, texts.computeIfAbsent(r.location().path(), textOf)).ifPresent(out::add);
        return out;
    }

    /** The innermost anonymous class of {@code file} (whose text is {@code text}) whose body holds {@code offset}. */
    static Optional<Body> around(WorkspaceIndex index, Path file, String text, int offset) {
        Optional<Body> best = Optional.empty();
        for (Reference r : index.javaFacts(file).map(f -> f.references()).orElse(List.of())) {
            Optional<Body> b = at(r, text).filter(x -> x.open() < offset && offset < x.close());
            if (b.isPresent() && (best.isEmpty() || b.get().open() > best.get().open())) best = b;
        }
        return best;
    }

    /** The anonymous class whose type is named at {@code r}, if {@code r} is that kind of place. */
    static Optional<Body> at(Reference r, String text) {
        TextRange range = r.location().range();
        int nameStart = JavaText.offsetOf(text, range.startLine(), range.startColumn());
        int newEnd = JavaText.skipBlankBack(text, nameStart);
        if (!JavaText.wordEndsAt(text, newEnd, "new")) return Optional.empty();
        int i = skipBlank(text, JavaText.offsetOf(text, range.endLine(), range.endColumn()));
        if (i < text.length() && text.charAt(i) == '<') { // type arguments, or the diamond
            int depth = 0;
            for (; i < text.length(); i++) {
                if (text.charAt(i) == '<') depth++;
                else if (text.charAt(i) == '>' && --depth == 0) break;
            }
            i = skipBlank(text, i + 1);
        }
        if (i >= text.length() || text.charAt(i) != '(') return Optional.empty();
        int args = JavaText.matchingClose(text, i);
        if (args < 0) return Optional.empty();
        int open = skipBlank(text, args + 1);
        if (open >= text.length() || text.charAt(open) != '{') return Optional.empty(); // a plain instantiation
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        return Optional.of(new Body(r.location().path(), text, r.targetKey(), nameStart, open, close));
    }

    private static int skipBlank(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i;
    }
}
