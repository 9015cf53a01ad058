package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * "Give this interface method a default body." Offered on an abstract method of a {@code @FunctionalInterface}
 * that now has more than one abstract method: the annotation no longer compiles, and neither does any lambda or
 * method reference written for the interface. Also on an interface without the annotation that has lambdas or
 * method references the compiler now rejects ("must be a functional interface"; only on signs of an edit, as it
 * compiles the files that may hold them). Implementing the method in the classes (implement-method) cannot
 * reach the lambdas; a default body keeps every one of them, and every class, as it was. The model writes the
 * body; one that does not balance falls back to throwing {@code UnsupportedOperationException}, as a class's
 * would. One site, in the interface's file.
 */
public final class DefaultBodyRefactoring implements Refactoring {
    private static final Pattern FUNCTIONAL = Pattern.compile("@(java\\.lang\\.)?FunctionalInterface\\b");
    /** Public methods of Object: an interface may redeclare them without their counting as its abstract method. */
    private static final Set<String> OBJECT_METHODS = Set.of("equals", "hashCode", "toString");

    @Override
    public String name() {
        return "default-body";
    }

    @Override
    public String description() {
        return "give a functional interface's new method a default body, so its lambdas keep compiling";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> at = in.methodAt();
        if (at.isEmpty() || at.get().kind() != SymbolKind.METHOD || !isAbstract(at.get())) return Optional.empty();
        SymbolInfo m = at.get();
        // A method whose name was just retyped (its parameters changed too or not) is no second abstract method
        // (change-signature follows it in its lambdas and their uses).
        if (RenamedMethods.renamedByEdit(in, m)) return Optional.empty();
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        if (owner.isEmpty()) return Optional.empty();
        boolean annotated = functionalNoMore(in, owner.get());
        // Not annotated, but used as one: the compiler says its lambdas no longer compile (only on signs of an edit).
        boolean used = !annotated && owner.get().kind() == SymbolKind.INTERFACE && abstractMethods(in, owner.get()) == 2
                && (in.thorough() || AddParameterRefactoring.editedNear(in, m)) && Lambdas.functionalNoMore(in, owner.get());
        if (!annotated && !used) return Optional.empty();
        Optional<Site> site = site(in, m, owner.get());
        if (site.isEmpty()) return Optional.empty();
        String type = owner.get().name();
        String title = "Give " + type + "." + m.name() + "() a default body (" + type
                + (annotated ? " is a @FunctionalInterface" : " has lambdas") + ": its lambdas need it to have one abstract method)";
        return Optional.of(new RefactorPlan(name(), title, List.of(site.get())));
    }

    /** Whether {@code type} is a {@code @FunctionalInterface} that declares more than one abstract method now. */
    static boolean functionalNoMore(RefactorInput in, SymbolInfo type) {
        return type.kind() == SymbolKind.INTERFACE && FUNCTIONAL.matcher(type.signature()).find() && abstractMethods(in, type) >= 2;
    }

    /** How many abstract methods an interface declares (Object's public methods redeclared not counted). */
    static long abstractMethods(RefactorInput in, SymbolInfo type) {
        return in.index().declarationsIn(type.location().path()).stream()
                .filter(d -> d.kind() == SymbolKind.METHOD && d.declaringTypeKey().equals(type.key()) && isAbstract(d))
                .count();
    }

    /** Abstract in an interface: no body ({@code default}, {@code static}, {@code private} have one), not Object's. */
    static boolean isAbstract(SymbolInfo d) {
        if (d.modifiers().contains("default") || d.modifiers().contains("static") || d.modifiers().contains("private")) return false;
        return !(OBJECT_METHODS.contains(d.name()) && AddParameterRefactoring.descriptors(d.key()).size() == (d.name().equals("equals") ? 1 : 0));
    }

    /**
     * The declaration from its header's first line (after the indentation) to its semicolon becomes
     * {@code default <header> { <body> }}: {@code default} may stand before any other modifier or annotation.
     */
    private static Optional<Site> site(RefactorInput in, SymbolInfo m, SymbolInfo owner) {
        String text = in.text(m.location().path());
        int name = JavaText.offsetOf(text, m.nameRange().startLine(), m.nameRange().startColumn());
        int end = JavaText.offsetOf(text, m.location().range().endLine(), m.location().range().endColumn());
        int semicolon = text.lastIndexOf(';', Math.max(0, end - 1));
        if (semicolon < name) return Optional.empty();
        int lineStart = text.lastIndexOf('\n', Math.max(0, name - 1)) + 1;
        String indent = JavaText.indentAt(text, name);
        int start = lineStart + indent.length();
        if (start == name && lineStart > 0) {
            // The return type on the line above ("Map<String, Integer>\n    counts();"): start there.
            int above = text.lastIndexOf('\n', lineStart - 2) + 1;
            indent = JavaText.indentAt(text, above);
            start = above + indent.length();
        }
        String header = text.substring(start, semicolon).stripTrailing().replaceFirst("\\babstract\\s+", "");
        // The body one step in, the step being the members' own past the interface's closing brace's line.
        int ownerEnd = JavaText.offsetOf(text, owner.location().range().endLine(), owner.location().range().endColumn());
        String closing = JavaText.indentAt(text, text.lastIndexOf('}', Math.max(0, ownerEnd - 1)));
        String step = indent.length() > closing.length() && indent.startsWith(closing) ? indent.substring(closing.length()) : "    ";
        String bodyIndent = indent + step;
        String before = "default " + header + " {\n" + bodyIndent;
        String after = "\n" + indent + "}";
        String fallback = "throw new UnsupportedOperationException(\"" + m.name() + " is not implemented yet\");";
        String context = "// a default body for " + m.signature() + (m.javadocSummary().isEmpty() ? "" : "  // " + m.javadocSummary()) + "\n";
        return Optional.of(new Site(m.location().path(), start, semicolon + 1, before, after, context, 32,
                modelText -> ImplementMethodRefactoring.body(modelText, fallback, bodyIndent),
                new Site.Fallback(fallback, start, semicolon + 1, false)));
    }
}
