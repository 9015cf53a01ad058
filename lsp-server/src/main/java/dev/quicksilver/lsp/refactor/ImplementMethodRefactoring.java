package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * "Implement this interface (or abstract) method in all its implementations." Offered on the method's
 * declaration; the sites are the concrete subtypes (from the index's type hierarchy) that have no method
 * overriding it and inherit none from a superclass (nor get one here), and the anonymous classes of the type or
 * of such an abstract subtype ({@code new Shape() { ... }}, found at the type's references) that declare none.
 * Each gets an {@code @Override} method before its closing brace, whose body the model writes, all in one batch;
 * a body that does not balance falls back to throwing {@code UnsupportedOperationException}.
 */
public final class ImplementMethodRefactoring implements Refactoring {
    @Override
    public String name() {
        return "implement-method";
    }

    @Override
    public String description() {
        return "implement an interface or abstract method in every implementation that lacks it";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> at = in.methodAt();
        if (at.isEmpty() || at.get().kind() != SymbolKind.METHOD) return Optional.empty();
        SymbolInfo m = at.get();
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        if (owner.isEmpty()) return Optional.empty();
        boolean isAbstract = m.modifiers().contains("abstract")
                || owner.get().kind() == SymbolKind.INTERFACE && !m.modifiers().contains("default") && !m.modifiers().contains("static");
        // A method whose name was just retyped (its parameters changed too or not) is no new method: its implementations
        // are renamed (change-signature).
        if (!isAbstract || RenamedMethods.renamedByEdit(in, m)) return Optional.empty();
        List<SymbolInfo> implementations = in.index().implementations(m.key());
        Set<String> implemented = implementations.stream().map(SymbolInfo::declaringTypeKey).collect(Collectors.toSet());
        // Interfaces that give the method a body (a default method): what implements them inherits it.
        Set<String> defaults = implementations.stream().filter(d -> d.modifiers().contains("default"))
                .map(SymbolInfo::declaringTypeKey).collect(Collectors.toSet());
        List<SymbolInfo> subtypes = in.index().implementations(owner.get().key());
        List<SymbolInfo> lacking = new ArrayList<>();
        for (SymbolInfo type : subtypes) {
            if (!(type.kind() == SymbolKind.CLASS || type.kind() == SymbolKind.ENUM || type.kind() == SymbolKind.RECORD)) continue;
            if (type.modifiers().contains("abstract") || implemented.contains(type.key())) continue;
            lacking.add(type);
        }
        // A class whose superclass implements the method, or gets it here, or that implements an interface with a
        // default method for it, inherits it: another method in it would override that one (and change what the
        // class does).
        Set<String> willHave = new java.util.HashSet<>(implemented);
        lacking.forEach(t -> willHave.add(t.key()));
        List<Site> sites = new ArrayList<>();
        for (SymbolInfo type : lacking) {
            if (!inheritsFrom(in, type, willHave, defaults)) site(in, m, owner.get(), type).ifPresent(sites::add);
        }
        // Anonymous classes (new Shape() { ... }) of the type or of a subtype that does not implement it.
        Set<String> anonymousOf = new LinkedHashSet<>();
        anonymousOf.add(owner.get().key());
        for (SymbolInfo t : subtypes) {
            boolean open = t.kind() == SymbolKind.INTERFACE || t.modifiers().contains("abstract");
            if (open && !willHave.contains(t.key()) && !inheritsFrom(in, t, willHave, defaults)) anonymousOf.add(t.key());
        }
        int params = AddParameterRefactoring.descriptors(m.key()).size();
        for (String typeKey : anonymousOf) {
            for (AnonymousClasses.Body body : AnonymousClasses.of(in.index(), typeKey, in::text)) {
                boolean declared = body.methods(in.index()).stream()
                        .anyMatch(d -> d.name().equals(m.name()) && AddParameterRefactoring.descriptors(d.key()).size() == params);
                if (declared) continue;
                var binding = TypeArguments.inClauses(in, body, owner.get());
                sites.add(methodSite(in, m, binding, body.file(), body.text(), body.open(), body.close()));
            }
        }
        if (sites.isEmpty()) return Optional.empty();
        int count = sites.size();
        // The method's signature names types of the interface's file, which the implementations' may not import.
        sites.addAll(Imports.needed(in, m.location().path(), Imports.insertedBy(sites), false));
        String title = "Implement " + owner.get().name() + "." + m.name() + "() in its " + count + " implementation"
                + (count == 1 ? "" : "s")
                // Lambdas cannot get a method: a default body (the default-body refactor) is what keeps them compiling.
                + (DefaultBodyRefactoring.functionalNoMore(in, owner.get()) ? " (not its lambdas: they need a default body)" : "");
        return Optional.of(new RefactorPlan(name(), title, sites));
    }

    /**
     * Whether {@code type} inherits the method: a class of the workspace above it (its superclass, and so on) is
     * among {@code classes}, or an interface it implements, directly or through any supertype, among
     * {@code interfaces}.
     */
    private static boolean inheritsFrom(RefactorInput in, SymbolInfo type, Set<String> classes, Set<String> interfaces) {
        Set<String> seen = new java.util.HashSet<>();
        java.util.Deque<SymbolInfo> pending = new java.util.ArrayDeque<>(List.of(type));
        while (!pending.isEmpty()) {
            SymbolInfo t = pending.pop();
            if (!seen.add(t.key())) continue;
            for (String key : t.supertypeKeys()) {
                Optional<SymbolInfo> s = in.index().declaration(key);
                if (s.isEmpty()) continue;
                if (s.get().kind() == SymbolKind.CLASS ? classes.contains(key) : interfaces.contains(key)) return true;
                pending.push(s.get());
            }
        }
        return false;
    }

    private Optional<Site> site(RefactorInput in, SymbolInfo m, SymbolInfo owner, SymbolInfo type) {
        String text = in.text(type.location().path());
        TextRange r = type.location().range();
        int end = JavaText.offsetOf(text, r.endLine(), r.endColumn());
        int brace = text.lastIndexOf('}', Math.max(0, end - 1));
        if (brace < 0) return Optional.empty();
        int open = text.indexOf('{', JavaText.offsetOf(text, type.nameRange().endLine(), type.nameRange().endColumn()));
        if (open < 0 || open > brace) return Optional.empty();
        var binding = TypeArguments.inClauses(in, type, owner);
        return Optional.of(methodSite(in, m, binding, type.location().path(), text, open, brace));
    }

    /**
     * The new method before the closing brace at {@code brace} of the class body opened at {@code open}, indented as
     * the body's members are (and its statements one step further, the step being the members' own past the
     * closing brace's line): a file indented by two spaces gets two. The signature names the types that the
     * class binds m's type's variables to ({@code binding}), where it binds them all.
     */
    private static Site methodSite(RefactorInput in, SymbolInfo m, java.util.Map<String, String> binding, Path file,
                                   String text, int open, int brace) {
        String closing = JavaText.indentAt(text, brace);
        String indent = memberIndent(text, open, brace).orElse(closing + "    ");
        String step = indent.length() > closing.length() && indent.startsWith(closing) ? indent.substring(closing.length()) : "    ";
        // Insert after the last non-blank character before the closing brace.
        int at = brace;
        while (at > 0 && Character.isWhitespace(text.charAt(at - 1))) at--;
        String signature = implementationSignature(m.signature(), in.index().declaration(m.declaringTypeKey())
                .map(t -> t.kind() == SymbolKind.INTERFACE).orElse(true));
        Set<String> vars = TypeArguments.variablesOf(in, m);
        signature = TypeArguments.bound(signature, vars, binding, m).orElse(signature);
        // An empty body gets the method alone (no blank line after its '{'); a closing brace on the line of the
        // last member or of the '{' ({@code record Shout(String name) implements Loud {}}) goes to a line of its own.
        boolean empty = text.charAt(at - 1) == '{' && at - 1 == open;
        String before = (empty ? "\n" : "\n\n") + indent + "@Override\n" + indent + signature + " {\n" + indent + step;
        boolean braceOnItsLine = text.substring(at, brace).contains("\n");
        String after = "\n" + indent + "}" + (braceOnItsLine ? "" : "\n" + closing);
        int end = braceOnItsLine ? at : brace; // the blanks before a brace that moves to its own line go
        String fallback = "throw new UnsupportedOperationException(\"" + m.name() + " is not implemented yet\");";
        String context = "// " + m.signature() + (m.javadocSummary().isEmpty() ? "" : "  // " + m.javadocSummary()) + "\n";
        String bodyIndent = indent + step;
        return new Site(file, at, end, before, after, context, 32,
                modelText -> body(modelText, fallback, bodyIndent), new Site.Fallback(fallback, at, end, false));
    }

    /** The indentation of the first line with text inside the body {@code (open, close)}, if it has one. */
    private static Optional<String> memberIndent(String text, int open, int close) {
        int line = text.indexOf('\n', open) + 1;
        while (line > 0 && line < close) {
            int end = text.indexOf('\n', line);
            if (end < 0 || end > close) end = close;
            if (!text.substring(line, end).isBlank()) return Optional.of(JavaText.indentAt(text, line));
            line = end + 1;
        }
        return Optional.empty();
    }

    /**
     * The abstract method's header as an implementation's: no {@code abstract}, no trailing semicolon; an interface's
     * method is public, an abstract class's keeps its access ({@code protected abstract String label()} is
     * implemented {@code protected}, as an IDE's "add unimplemented methods" does: no wider than the class made it).
     */
    static String implementationSignature(String signature, boolean ofInterface) {
        String s = signature.strip();
        if (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
        s = s.replaceAll("(^|\\s)@Override\\s+", " ").replaceAll(ofInterface ? "\\b(abstract|public|protected)\\s+" : "\\babstract\\s+", "").strip();
        return ofInterface ? "public " + s : s;
    }

    /** The model's body cut where it would close the method, or the fallback when that is empty or unbalanced. */
    static String body(String modelText, String fallback, String indent) {
        String t = modelText;
        int depth = 0;
        int cut = t.length();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{') depth++;
            else if (c == '}') {
                if (depth == 0) {
                    cut = i;
                    break;
                }
                depth--;
            }
        }
        String b = t.substring(0, cut).strip();
        if (b.isEmpty() || !JavaText.balanced(b)) return fallback;
        return b.lines().map(String::strip).collect(Collectors.joining("\n" + indent));
    }
}
