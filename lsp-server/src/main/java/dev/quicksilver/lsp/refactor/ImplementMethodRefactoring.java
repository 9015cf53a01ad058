package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * "Implement this interface (or abstract) method in all its implementations." Offered on the method's
 * declaration; the sites are the concrete subtypes (from the index's type hierarchy) that have no method
 * overriding it. Each gets an {@code @Override} method before its closing brace, whose body the model writes,
 * all in one batch; a body that does not balance falls back to throwing {@code UnsupportedOperationException}.
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
        Optional<SymbolInfo> at = in.index().symbolAt(in.file(), in.position());
        if (at.isEmpty() || at.get().kind() != SymbolKind.METHOD) return Optional.empty();
        SymbolInfo m = at.get();
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        if (owner.isEmpty()) return Optional.empty();
        boolean isAbstract = m.modifiers().contains("abstract")
                || owner.get().kind() == SymbolKind.INTERFACE && !m.modifiers().contains("default") && !m.modifiers().contains("static");
        if (!isAbstract) return Optional.empty();
        Set<String> implemented = in.index().implementations(m.key()).stream().map(SymbolInfo::declaringTypeKey).collect(Collectors.toSet());
        List<Site> sites = new ArrayList<>();
        for (SymbolInfo type : in.index().implementations(owner.get().key())) {
            if (!(type.kind() == SymbolKind.CLASS || type.kind() == SymbolKind.ENUM || type.kind() == SymbolKind.RECORD)) continue;
            if (type.modifiers().contains("abstract") || implemented.contains(type.key())) continue;
            site(in, m, type).ifPresent(sites::add);
        }
        if (sites.isEmpty()) return Optional.empty();
        String title = "Implement " + owner.get().name() + "." + m.name() + "() in its " + sites.size() + " implementation"
                + (sites.size() == 1 ? "" : "s");
        return Optional.of(new RefactorPlan(name(), title, sites));
    }

    private Optional<Site> site(RefactorInput in, SymbolInfo m, SymbolInfo type) {
        String text = in.text(type.location().path());
        TextRange r = type.location().range();
        int end = JavaText.offsetOf(text, r.endLine(), r.endColumn());
        int brace = text.lastIndexOf('}', Math.max(0, end - 1));
        if (brace < 0) return Optional.empty();
        String typeIndent = JavaText.indentAt(text, JavaText.offsetOf(text, r.startLine(), r.startColumn()));
        String indent = typeIndent + "    ";
        // Insert after the last non-blank character before the closing brace.
        int at = brace;
        while (at > 0 && Character.isWhitespace(text.charAt(at - 1))) at--;
        String signature = implementationSignature(m.signature());
        String before = "\n\n" + indent + "@Override\n" + indent + signature + " {\n" + indent + "    ";
        String after = "\n" + indent + "}";
        String fallback = "throw new UnsupportedOperationException(\"" + m.name() + " is not implemented yet\");";
        String context = "// " + m.signature() + (m.javadocSummary().isEmpty() ? "" : "  // " + m.javadocSummary()) + "\n";
        String bodyIndent = indent + "    ";
        return Optional.of(new Site(type.location().path(), at, at, before, after, context, 32,
                modelText -> body(modelText, fallback, bodyIndent), new Site.Fallback(fallback, at, at, false)));
    }

    /** The interface's header as an implementation's: no {@code abstract}, {@code public}, no trailing semicolon. */
    static String implementationSignature(String signature) {
        String s = signature.strip();
        if (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
        s = s.replaceAll("(^|\\s)@Override\\s+", " ").replaceAll("\\b(abstract|public|protected)\\s+", "").strip();
        return "public " + s;
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
