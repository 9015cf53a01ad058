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
 * extends or implements that stands right after {@code new} (its name qualified or not) and is followed by
 * arguments and a body ({@code new Shape() { ... }}, {@code new Transformer<A, B>() { ... }}, {@code new
 * Map.Entry<K, V>() { ... }}), or at an enum constant with a body ({@code GREEN(0, 255) { ... }}, an anonymous
 * class of its enum). Its methods are in the index (as declarations whose place lies inside the body), so a
 * refactor can tell what the body declares.
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
        Optional<SymbolInfo> type = index.declaration(typeKey);
        if (type.isPresent() && type.get().kind() == SymbolKind.ENUM) {
            Path file = type.get().location().path();
            String text = texts.computeIfAbsent(file, textOf);
            for (SymbolInfo d : index.declarationsIn(file)) constantBody(d, typeKey, text).ifPresent(out::add);
        }
        return out;
    }

    /** The innermost anonymous class of {@code file} (whose text is {@code text}) whose body holds {@code offset}. */
    static Optional<Body> around(WorkspaceIndex index, Path file, String text, int offset) {
        List<Body> bodies = new ArrayList<>();
        for (Reference r : index.javaFacts(file).map(f -> f.references()).orElse(List.of())) at(r, text).ifPresent(bodies::add);
        for (SymbolInfo d : index.declarationsIn(file)) constantBody(d, d.declaringTypeKey(), text).ifPresent(bodies::add);
        Optional<Body> best = Optional.empty();
        for (Body b : bodies) {
            if (b.open() < offset && offset < b.close() && (best.isEmpty() || b.open() > best.get().open())) best = Optional.of(b);
        }
        return best;
    }

    /**
     * The body of the enum constant {@code d} of the enum {@code enumKey} ({@code GREEN(0, 255) { ... }}), if it has
     * one. The index lists an enum's constants as fields whose signature is their name.
     */
    private static Optional<Body> constantBody(SymbolInfo d, String enumKey, String text) {
        if (d.kind() != SymbolKind.FIELD || !d.declaringTypeKey().equals(enumKey) || !d.signature().equals(d.name())) return Optional.empty();
        TextRange name = d.nameRange();
        int i = JavaText.skipBlank(text, JavaText.offsetOf(text, name.endLine(), name.endColumn()));
        if (i < text.length() && text.charAt(i) == '(') {
            int args = JavaText.matchingClose(text, i);
            if (args < 0) return Optional.empty();
            i = JavaText.skipBlank(text, args + 1);
        }
        if (i >= text.length() || text.charAt(i) != '{') return Optional.empty();
        int close = JavaText.matchingClose(text, i);
        if (close < 0) return Optional.empty();
        return Optional.of(new Body(d.location().path(), text, enumKey, JavaText.offsetOf(text, name.startLine(), name.startColumn()), i, close));
    }

    /** The anonymous class whose type is named at {@code r}, if {@code r} is that kind of place. */
    static Optional<Body> at(Reference r, String text) {
        TextRange range = r.location().range();
        int nameStart = JavaText.offsetOf(text, range.startLine(), range.startColumn());
        int newEnd = JavaText.skipBlankBack(text, nameStart);
        // A qualified name (new Map.Entry<K, V>() {...}): back over its qualifiers to the new before them.
        while (newEnd > 0 && text.charAt(newEnd - 1) == '.' && !JavaText.wordEndsAt(text, newEnd, "new")) {
            int qualifierEnd = JavaText.skipBlankBack(text, newEnd - 1);
            int qualifierStart = qualifierEnd;
            while (qualifierStart > 0 && Character.isJavaIdentifierPart(text.charAt(qualifierStart - 1))) qualifierStart--;
            if (qualifierStart == qualifierEnd || JavaText.wordEndsAt(text, qualifierEnd, "new")) break; // outer.new Inner()
            newEnd = JavaText.skipBlankBack(text, qualifierStart);
        }
        if (!JavaText.wordEndsAt(text, newEnd, "new")) return Optional.empty();
        int i = JavaText.skipBlank(text, JavaText.offsetOf(text, range.endLine(), range.endColumn()));
        if (i < text.length() && text.charAt(i) == '<') { // type arguments, or the diamond
            int depth = 0;
            for (; i < text.length(); i++) {
                if (text.charAt(i) == '<') depth++;
                else if (text.charAt(i) == '>' && --depth == 0) break;
            }
            i = JavaText.skipBlank(text, i + 1);
        }
        if (i >= text.length() || text.charAt(i) != '(') return Optional.empty();
        int args = JavaText.matchingClose(text, i);
        if (args < 0) return Optional.empty();
        int open = JavaText.skipBlank(text, args + 1);
        if (open >= text.length() || text.charAt(open) != '{') return Optional.empty(); // a plain instantiation
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        return Optional.of(new Body(r.location().path(), text, r.targetKey(), nameStart, open, close));
    }
}
