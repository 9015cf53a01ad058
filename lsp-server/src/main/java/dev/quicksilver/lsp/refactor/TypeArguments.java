package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A generic type's type variables as a subtype, an anonymous class or a lambda sees them. A signature copied from
 * {@code interface Conv<I, O>} into {@code class Length implements Conv<String, Integer>} must say {@code Integer
 * twice(String in, Integer seed)}, not {@code O twice(I in, O seed)}, which does not compile there. The binding
 * comes from the subtype's {@code extends}/{@code implements} clause (through the supertypes between, each
 * clause in the terms of the one below it; a raw one erases the whole signature, {@link #RAW}), or from matching
 * types as written on both sides: old parameters ({@code T value} against {@code Map<String, Integer> value}),
 * return types. Headers are read from the files: the index's signatures may be cut short.
 */
final class TypeArguments {
    private TypeArguments() {
    }

    /** Deepest chain of supertypes {@link #inClauses} follows. */
    private static final int MAX_DEPTH = 8;

    /** A type variable: its name and erasure ({@code T extends Comparable<T>}: Comparable). */
    record Variable(String name, String erasure) {
    }

    /**
     * The type variables a type declares, from its header in its file ({@code public interface Conv<I, O extends
     * Number>}; the index's signature may be cut short).
     */
    static List<Variable> variables(RefactorInput in, SymbolInfo type) {
        String header = header(in, type);
        int at = identifierEnd(header, 0);
        while (at < header.length() && Character.isWhitespace(header.charAt(at))) at++;
        return variablesAt(header, at);
    }

    /**
     * A type's header from its name to its body's brace, comments out ({@code Wrap<X> implements Conv<X, List<X>>}):
     * read from the file, as the index's signature may be cut short.
     */
    static String header(RefactorInput in, SymbolInfo type) {
        String text = in.text(type.location().path());
        int from = JavaText.offsetOf(text, type.nameRange().startLine(), type.nameRange().startColumn());
        int brace = text.indexOf('{', from);
        return withoutComments(text.substring(from, brace < 0 ? text.length() : brace));
    }

    private static int identifierEnd(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isJavaIdentifierPart(text.charAt(i))) i++;
        return i;
    }

    /** A header without its comments (a Javadoc's "this class appears ..." is not a declaration). */
    static String withoutComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    /**
     * A method's return type as its signature writes it ({@code T} of {@code public abstract T read(JsonReader in)}),
     * or empty for a constructor or a header it cannot read.
     */
    static String returnType(SymbolInfo method) {
        String s = method.signature().replaceAll("@[\\w.]+(\\([^)]*\\))?", " "); // the index's signatures hold no comments
        Matcher name = Pattern.compile("(?<![\\p{javaJavaIdentifierPart}])" + Pattern.quote(method.name()) + "\\s*\\(").matcher(s);
        if (!name.find()) return "";
        String before = s.substring(0, name.start()).strip()
                .replaceAll("\\b(public|protected|private|static|abstract|final|default|synchronized|native|strictfp)\\s+", "").strip();
        if (before.startsWith("<")) {
            int close = matchingAngle(before, 0);
            before = close < 0 ? "" : before.substring(close + 1).strip();
        }
        return before;
    }

    /**
     * The type variables a member of a generic type may name that a subtype must bind: its type's, less those the
     * method declares itself (empty when its type is not in the index).
     */
    static Set<String> variablesOf(RefactorInput in, SymbolInfo member) {
        Optional<SymbolInfo> owner = in.index().declaration(member.declaringTypeKey());
        if (owner.isEmpty()) return Set.of();
        Set<String> out = new java.util.HashSet<>();
        for (Variable v : variables(in, owner.get())) out.add(v.name());
        out.removeAll(methodVariables(member));
        return out;
    }

    /**
     * Binds {@code vars} by matching parameters as declared against the same parameters as written elsewhere (an
     * override's, a typed lambda's), one by one; nothing when the counts differ.
     */
    static void unifyParameters(List<String> declared, List<String> written, Set<String> vars, Map<String, String> out) {
        if (declared.size() != written.size()) return;
        for (int i = 0; i < declared.size(); i++) unify(typeOf(declared.get(i)), typeOf(written.get(i)), vars, out);
    }

    /** The names of the type variables a generic method declares ({@code <R> R map(...)}) before its return type. */
    static Set<String> methodVariables(SymbolInfo method) {
        Set<String> out = new java.util.HashSet<>();
        for (Variable v : methodVariableList(method)) out.add(v.name());
        return out;
    }

    private static List<Variable> methodVariableList(SymbolInfo method) {
        String s = method.signature().replaceAll("@\\w+(\\([^)]*\\))?", " ");
        int paren = s.indexOf('(');
        int angle = s.indexOf('<');
        if (angle < 0 || paren >= 0 && angle > paren) return List.of();
        // Only a list before the return type: modifiers may stand before it, nothing else.
        if (!s.substring(0, angle).strip().matches("((public|protected|private|static|abstract|final|default|synchronized|native|strictfp)\\s*)*")) {
            return List.of();
        }
        return variablesAt(s, angle);
    }

    private static List<Variable> variablesAt(String text, int angle) {
        if (angle >= text.length() || text.charAt(angle) != '<') return List.of();
        int close = matchingAngle(text, angle);
        if (close < 0) return List.of();
        List<Variable> out = new ArrayList<>();
        for (String p : JavaText.splitTopLevel(text.substring(angle + 1, close))) {
            String[] words = p.replaceAll("@\\w+", " ").strip().split("\\s+", 3);
            if (words.length == 0 || words[0].isEmpty()) continue;
            String erasure = "Object";
            if (words.length == 3 && words[1].equals("extends")) erasure = rawName(words[2].split("&")[0].strip());
            out.add(new Variable(words[0], erasure));
        }
        return out;
    }

    /**
     * The binding of {@code target}'s type variables in the class {@code type}: {@code class Length implements
     * Conv<String, Integer>} binds I and O; through {@code class Wrap<X> extends Base<X>} and {@code Base<Y>
     * implements Conv<Y, Long>}, I is X. Empty when the chain does not reach target or a clause cannot be read.
     */
    static Map<String, String> inClauses(RefactorInput in, SymbolInfo type, SymbolInfo target) {
        return inClauses(in, header(in, type), true, type.supertypeKeys(), target, 0);
    }

    /** {@link #inClauses} for an anonymous class: its clause is what stands between {@code new} and its body. */
    static Map<String, String> inClauses(RefactorInput in, AnonymousClasses.Body body, SymbolInfo target) {
        return inClauses(in, withoutComments(body.header()), false, List.of(body.typeKey()), target, 0);
    }

    /**
     * The binding in a header whose clauses name the supertypes {@code supertypeKeys}; {@code declares}: the header
     * starts with the declared type's name and type parameters (else with the supertype's name and its arguments).
     */
    private static Map<String, String> inClauses(RefactorInput in, String header, boolean declares, List<String> supertypeKeys,
                                                 SymbolInfo target, int depth) {
        if (supertypeKeys.contains(target.key())) return clauseBinding(in, header, declares, target).orElse(Map.of());
        if (depth == MAX_DEPTH) return Map.of();
        for (String key : supertypeKeys) {
            Optional<SymbolInfo> s = in.index().declaration(key);
            if (s.isEmpty()) continue;
            Map<String, String> above = inClauses(in, header(in, s.get()), true, s.get().supertypeKeys(), target, depth + 1);
            if (above.isEmpty()) continue;
            Optional<Map<String, String>> here = clauseBinding(in, header, declares, s.get());
            if (here.isEmpty()) return Map.of();
            // A raw type's supertypes are raw too (JLS 4.8): what is above it is erased.
            if (here.get().containsKey(RAW)) return rawBinding(in, target);
            Map<String, String> out = new LinkedHashMap<>();
            above.forEach((name, bound) -> out.put(name, substitute(bound, here.get())));
            return out;
        }
        return Map.of();
    }

    /**
     * The key a binding holds when the subtype sees the generic type raw ({@code class Old implements Conv}): its
     * members' signatures are then erased as a whole ({@code Map<T, U>} is {@code Map}), not just its variables.
     */
    static final String RAW = "<raw>";

    private static Map<String, String> rawBinding(RefactorInput in, SymbolInfo type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Variable v : variables(in, type)) out.put(v.name(), v.erasure());
        out.put(RAW, "");
        return out;
    }

    /** The binding of {@code type}'s variables by the clause in {@code header} that names it ({@code Conv<String, Integer>}). */
    private static Optional<Map<String, String>> clauseBinding(RefactorInput in, String header, boolean declares, SymbolInfo type) {
        List<Variable> vars = variables(in, type);
        Map<String, String> out = new LinkedHashMap<>();
        if (vars.isEmpty()) return Optional.of(out);
        Matcher m = Pattern.compile("(?<![\\p{javaJavaIdentifierPart}])" + Pattern.quote(type.name()) + "(?![\\p{javaJavaIdentifierPart}])\\s*")
                .matcher(header);
        int from = declares ? clausesStart(header) : 0;
        while (m.find(from)) {
            from = m.end();
            if (m.end() < header.length() && header.charAt(m.end()) == '<') {
                int close = matchingAngle(header, m.end());
                if (close < 0) return Optional.empty();
                String inside = header.substring(m.end() + 1, close);
                if (inside.isBlank()) return Optional.empty(); // the diamond: inferred, not written
                List<String> args = JavaText.splitTopLevel(inside);
                if (args.size() != vars.size()) return Optional.empty();
                for (int i = 0; i < vars.size(); i++) out.put(vars.get(i).name(), args.get(i).strip());
            } else {
                return Optional.of(rawBinding(in, type));
            }
            return Optional.of(out);
        }
        return Optional.empty();
    }

    /** Where a declared type's supertypes may start in its header: past its name and type parameters. */
    private static int clausesStart(String header) {
        int i = identifierEnd(header, 0);
        while (i < header.length() && Character.isWhitespace(header.charAt(i))) i++;
        if (i < header.length() && header.charAt(i) == '<') {
            int close = matchingAngle(header, i);
            return close < 0 ? header.length() : close + 1;
        }
        return i;
    }

    /**
     * Binds {@code vars} by matching a type as declared against the same type as written elsewhere ({@code
     * Map<K, List<V>>} against {@code Map<String, List<Long>>}): what stands where a variable stood.
     */
    static void unify(String declared, String actual, Set<String> vars, Map<String, String> out) {
        String d = bare(declared);
        String a = bare(actual);
        while (d.endsWith("[]") && a.endsWith("[]")) {
            d = d.substring(0, d.length() - 2).strip();
            a = a.substring(0, a.length() - 2).strip();
        }
        if (vars.contains(d)) {
            out.putIfAbsent(d, a);
            return;
        }
        for (String wildcard : List.of("? extends ", "? super ")) {
            if (d.startsWith(wildcard) && a.startsWith(wildcard)) {
                unify(d.substring(wildcard.length()), a.substring(wildcard.length()), vars, out);
                return;
            }
        }
        int dOpen = d.indexOf('<');
        int aOpen = a.indexOf('<');
        if (dOpen < 0 || aOpen < 0 || !d.endsWith(">") || !a.endsWith(">")) return;
        // The same generic type on both sides (a covariant return type's subclass may order its arguments otherwise).
        if (!simpleName(d.substring(0, dOpen)).equals(simpleName(a.substring(0, aOpen)))) return;
        List<String> dArgs = JavaText.splitTopLevel(d.substring(dOpen + 1, d.length() - 1));
        List<String> aArgs = JavaText.splitTopLevel(a.substring(aOpen + 1, a.length() - 1));
        if (dArgs.size() != aArgs.size()) return;
        for (int i = 0; i < dArgs.size(); i++) unify(dArgs.get(i), aArgs.get(i), vars, out);
    }

    /** A parameter's type without its name, {@code final}, annotations and extra blanks; varargs as an array. */
    static String typeOf(String parameter) {
        String p = parameter.replaceAll("@[\\w.]+(\\([^)]*\\))?", " ").replaceAll("\\bfinal\\s+", " ").strip();
        int nameStart = p.length();
        while (nameStart > 0 && Character.isJavaIdentifierPart(p.charAt(nameStart - 1))) nameStart--;
        String type = nameStart > 0 ? p.substring(0, nameStart) : p;
        return bare(type.replace("...", "[]"));
    }

    private static String bare(String type) {
        return type.replaceAll("@[\\w.]+(\\([^)]*\\))?", " ").replaceAll("\\bfinal\\s+", " ")
                .replaceAll("\\s*([<>,\\[\\]])\\s*", "$1").replace(",", ", ").strip();
    }

    /** Whether {@code text} names one of {@code vars} (as a whole word, not a member of something: {@code Map.Entry}). */
    static boolean mentions(String text, Set<String> vars) {
        Matcher m = WORD.matcher(text);
        while (m.find()) if (vars.contains(m.group()) && !(m.start() > 0 && text.charAt(m.start() - 1) == '.')) return true;
        return false;
    }

    /**
     * {@code text} (of {@code method}'s signature) with each of the binding's variables replaced by what it is bound
     * to, all at once; empty when it names a variable of {@code vars} that the binding leaves open. A raw binding
     * ({@link #RAW}) erases the whole text.
     */
    static Optional<String> bound(String text, Set<String> vars, Map<String, String> binding, SymbolInfo method) {
        if (binding.containsKey(RAW)) {
            // Seen raw: the erasure of the whole text, the method's own type variables erased too.
            Map<String, String> erasures = new LinkedHashMap<>(binding);
            erasures.remove(RAW);
            for (Variable v : methodVariableList(method)) erasures.put(v.name(), v.erasure());
            for (String v : vars) erasures.putIfAbsent(v, "Object");
            return Optional.of(substitute(withoutTypeArguments(text), erasures));
        }
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            boolean member = m.start() > 0 && text.charAt(m.start() - 1) == '.';
            if (!member && vars.contains(m.group()) && !binding.containsKey(m.group())) return Optional.empty();
        }
        return Optional.of(substitute(text, binding));
    }

    private static String substitute(String text, Map<String, String> binding) {
        if (binding.isEmpty()) return text;
        StringBuilder out = new StringBuilder();
        Matcher m = WORD.matcher(text);
        int last = 0;
        while (m.find()) {
            boolean member = m.start() > 0 && text.charAt(m.start() - 1) == '.';
            String to = member ? null : binding.get(m.group());
            if (to == null) continue;
            out.append(text, last, m.start()).append(to);
            last = m.end();
        }
        return out.append(text.substring(last)).toString();
    }

    /** {@code text} without its angle-bracket groups ({@code public <R> R f(Map<K, V> m)} -> {@code public R f(Map m)}). */
    private static String withoutTypeArguments(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<') depth++;
            else if (c == '>' && depth > 0) depth--;
            else if (depth == 0) out.append(c);
        }
        return out.toString().replaceAll("\\s+", " ").replaceAll("\\s+([,)\\[])", "$1").strip();
    }

    private static final Pattern WORD = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*");

    private static String simpleName(String type) {
        String t = type.strip();
        return t.substring(t.lastIndexOf('.') + 1);
    }

    private static String rawName(String type) {
        int angle = type.indexOf('<');
        return (angle < 0 ? type : type.substring(0, angle)).strip();
    }

    /** Index of the '>' that closes the '<' at {@code open}, or -1. */
    static int matchingAngle(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<') depth++;
            else if (c == '>' && --depth == 0) return i;
            else if (c == '{' || c == ';') return -1;
        }
        return -1;
    }
}
