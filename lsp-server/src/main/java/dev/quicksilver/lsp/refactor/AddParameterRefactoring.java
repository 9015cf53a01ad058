package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.ScopeVariable;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import dev.quicksilver.index.WorkspaceIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * "The user added a parameter to a method's declaration: fill the new argument at every call site." Offered on
 * the declaration, and on any call whose argument count no longer matches it. Call sites come from the index:
 * those it links to the method's current binding key, and those still linked to earlier keys of the same method
 * (other files were parsed against the old signature). A site needs an argument when it passes exactly one fewer
 * than the declaration takes; the new parameter's position comes from comparing the old and new keys' parameter
 * descriptors, or is taken as the last one. Where variables whose type passes as the parameter's are in sight
 * of a call, the argument is the one named as the parameter, else the model chooses among them
 * ({@code Site#candidates}: scored, not written); elsewhere the model writes it. The sites the model
 * fills go in one batch; an answer that is not one balanced expression falls back to a variable of the parameter's
 * name when one is in sight, else to the type's default value, and so does a bare {@code null} when such a
 * variable is in sight; an answer that does not compile falls back the same way ({@link CompileCheck}).
 */
public final class AddParameterRefactoring implements Refactoring {
    @Override
    public String name() {
        return "add-parameter";
    }

    @Override
    public String description() {
        return "fill a method's new parameter at every call site (at the declaration or a call)";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> method = methodAt(in);
        if (method.isEmpty()) return Optional.empty();
        SymbolInfo m = method.get();
        String declText = in.text(m.location().path());
        List<String> params = parameters(m, declText);
        if (params.isEmpty()) return Optional.empty();
        Set<String> keys = new LinkedHashSet<>();
        keys.add(m.key());
        keys.addAll(in.earlierKeys().apply(m.qualifiedName()));
        int inserted = params.size() - 1;
        for (String k : keys) {
            if (!k.equals(m.key())) {
                int idx = insertedIndex(descriptors(k), descriptors(m.key()));
                if (idx >= 0) inserted = idx;
            }
        }
        String param = params.get(inserted);
        List<String> paramDescriptors = descriptors(m.key());
        String paramType = inserted < paramDescriptors.size() ? typeName(paramDescriptors.get(inserted)) : null;
        String paramName = lastWord(param);
        String declaredType = param.substring(0, Math.max(0, param.length() - paramName.length())).strip();
        List<Site> sites = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        VariablesInSight sight = new VariablesInSight(in.index());
        for (String k : keys) {
            for (CallSite call : in.index().callSites(k)) {
                if (!seen.add(call.location().path() + ":" + call.location().range())) continue;
                site(in, m, call, params.size(), inserted, paramName, declaredType, paramType, sight).ifPresent(sites::add);
            }
        }
        if (sites.isEmpty()) return Optional.empty();
        String owner = m.qualifiedName().contains(".") ? m.qualifiedName().substring(0, m.qualifiedName().lastIndexOf('.')) : "";
        String ownerSimple = owner.substring(owner.lastIndexOf('.') + 1);
        long files = sites.stream().map(Site::file).distinct().count();
        String title = "Fill new parameter `" + param + "` of " + ownerSimple + "." + m.name() + "() at its "
                + sites.size() + " call site" + (sites.size() == 1 ? "" : "s") + " in " + files + " file" + (files == 1 ? "" : "s");
        return Optional.of(new RefactorPlan(name(), title, sites));
    }

    private Optional<SymbolInfo> methodAt(RefactorInput in) {
        Optional<SymbolInfo> at = in.index().symbolAt(in.file(), in.position());
        if (at.isPresent() && isMethod(at.get())) return at;
        // Anywhere on the declaration's header line(s), not only on its name.
        for (SymbolInfo s : in.index().declarationsIn(in.file())) {
            if (isMethod(s) && s.location().range().contains(in.position())
                    && in.position().line() <= s.nameRange().startLine() + 2) return Optional.of(s);
        }
        return Optional.empty();
    }

    private static boolean isMethod(SymbolInfo s) {
        return s.kind() == SymbolKind.METHOD || s.kind() == SymbolKind.CONSTRUCTOR;
    }

    /** The declared parameters, as written ("int quantity"), from the declaration's text. */
    static List<String> parameters(SymbolInfo m, String text) {
        TextRange name = m.nameRange();
        int from = JavaText.offsetOf(text, name.endLine(), name.endColumn());
        int open = text.indexOf('(', from);
        if (open < 0) return List.of();
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return List.of();
        return JavaText.splitTopLevel(text.substring(open + 1, close).replaceAll("\\s+", " "));
    }

    private Optional<Site> site(RefactorInput in, SymbolInfo m, CallSite call, int paramCount, int inserted,
                                String paramName, String declaredType, String paramType, VariablesInSight sight) {
        Path file = call.location().path();
        String text = in.text(file);
        TextRange r = call.location().range();
        int end = JavaText.offsetOf(text, r.endLine(), r.endColumn());
        int close = end - 1;
        while (close > 0 && Character.isWhitespace(text.charAt(close))) close--;
        if (close < 0 || text.charAt(close) != ')') return Optional.empty();
        int open = JavaText.matchingOpen(text, close);
        if (open < 0) return Optional.empty();
        List<String> args = JavaText.splitTopLevel(text.substring(open + 1, close));
        if (args.size() != paramCount - 1) return Optional.empty();
        int at;
        String before;
        String after;
        if (inserted >= args.size()) {
            at = close;
            before = args.isEmpty() ? "" : ", ";
            after = "";
        } else {
            // Before the argument now at the new parameter's position.
            int argStart = open + 1;
            for (int i = 0; i < inserted; i++) {
                argStart = text.indexOf(',', argStart) + 1;
            }
            while (Character.isWhitespace(text.charAt(argStart))) argStart++;
            at = argStart;
            before = "";
            after = ", ";
        }
        String scope = text.substring(Math.max(0, at - 1500), at);
        String fallback = mentions(scope, paramName) ? paramName : defaultValue(declaredType);
        String context = "// " + m.signature() + "\n";
        // The whole call: an argument of the wrong type makes the call "not applicable", reported on its name.
        int callStart = Math.min(at, JavaText.offsetOf(text, r.startLine(), r.startColumn()));
        int insertAt = at;
        sight.register(file, text, insertAt);
        Supplier<List<String>> candidates = () -> paramType == null ? List.of() : candidates(sight.at(file, insertAt), paramType, paramName);
        return Optional.of(new Site(file, at, at, before, after, context, 12, modelText -> expression(modelText, fallback, scope),
                new Site.Fallback(fallback, callStart, Math.max(at, close + 1), false), candidates));
    }

    /** Most variables offered to the model at one site: the innermost ones (a method rarely has more in sight). */
    static final int MAX_CANDIDATES = 16;

    /**
     * What the argument is chosen from at a site, when variables whose type passes as the parameter's are in sight
     * there: the one named as the parameter alone, if there is one (passed as is, as IDEs do); else those
     * variables, innermost first, for the model to choose among. None (the model writes) when no variable fits, or
     * the parameter's type is a type variable or unresolved. The type's default value is not offered: with it the
     * embedded model took the default at 90% of 200 calls of java.base whose argument was one of the variables,
     * and gave the argument back at 5%, against 65% without it ({@code bench arguments}, docs/benchmarks.md). The
     * cost is a plausible variable where none fits; every refactor edit asks for confirmation.
     */
    private static List<String> candidates(List<ScopeVariable> inSight, String paramType, String paramName) {
        List<String> names = new ArrayList<>();
        for (ScopeVariable v : inSight) {
            if (!v.assignableTo().contains(paramType)) continue;
            if (v.name().equals(paramName)) return List.of(paramName);
            if (names.size() < MAX_CANDIDATES) names.add(v.name());
        }
        return names;
    }

    /**
     * The variables in sight at a plan's sites, each file resolved once (for all its sites) when first asked, which
     * is when the refactor runs, not when it is listed: sites register their places while the plan is made.
     * Asked from the thread that runs the refactor; synchronized all the same.
     */
    private static final class VariablesInSight {
        private final WorkspaceIndex index;
        private final Map<Path, String> texts = new HashMap<>();
        private final Map<Path, List<Integer>> offsets = new HashMap<>();
        private final Map<Path, Map<Integer, List<ScopeVariable>>> resolved = new HashMap<>();

        VariablesInSight(WorkspaceIndex index) {
            this.index = index;
        }

        synchronized void register(Path file, String text, int offset) {
            texts.putIfAbsent(file, text);
            offsets.computeIfAbsent(file, f -> new ArrayList<>()).add(offset);
        }

        synchronized List<ScopeVariable> at(Path file, int offset) {
            return resolved.computeIfAbsent(file, f -> {
                List<Integer> places = offsets.get(f);
                List<List<ScopeVariable>> variables = index.variablesInScope(f, texts.get(f), places);
                Map<Integer, List<ScopeVariable>> byOffset = new HashMap<>();
                for (int i = 0; i < places.size(); i++) byOffset.put(places.get(i), variables.get(i));
                return byOffset;
            }).get(offset);
        }
    }

    /**
     * The erasure of a parameter descriptor as a qualified name ({@code I} int, {@code Ljava/util/List<...>;}
     * java.util.List, {@code [Lp/A$B;} p.A.B[]), or null for a type variable or an unresolved type.
     */
    public static String typeName(String descriptor) {
        int dims = 0;
        while (dims < descriptor.length() && descriptor.charAt(dims) == '[') dims++;
        String d = descriptor.substring(dims);
        String base = switch (d) {
            case "B" -> "byte";
            case "C" -> "char";
            case "D" -> "double";
            case "F" -> "float";
            case "I" -> "int";
            case "J" -> "long";
            case "S" -> "short";
            case "Z" -> "boolean";
            default -> {
                if (!d.startsWith("L") || !d.endsWith(";")) yield null;
                String n = d.substring(1, d.length() - 1);
                int generic = n.indexOf('<');
                if (generic >= 0) n = n.substring(0, generic);
                yield n.replace('/', '.').replace('$', '.');
            }
        };
        return base == null ? null : base + "[]".repeat(dims);
    }

    private static final Pattern LEADING_NAME = Pattern.compile("^[A-Za-z_$][A-Za-z0-9_$]*");
    private static final java.util.Set<String> NOT_NAMES = java.util.Set.of("true", "false", "null", "this", "super", "new");

    /**
     * The first balanced expression of the model's text, or the fallback when there is none, or when it
     * starts with a name that appears nowhere in {@code scope} (the text before the call site): a small
     * model readily writes a plausible identifier that the call site cannot see, which would not compile.
     * A bare {@code null} gives way to a fallback that is a variable (one named as the parameter is in
     * sight): passing null for a parameter whose namesake the caller holds is a placeholder, not an answer
     * (the embedded model wrote it at one of the demo's five sites, with {@code customerId} two lines up).
     * Other literals are kept: {@code "web"} or {@code 0} may be meant.
     */
    static String expression(String modelText, String fallback, String scope) {
        String e = expression(modelText, fallback);
        if (e.equals(fallback)) return e;
        if (e.equals("null") && LEADING_NAME.matcher(fallback).matches() && !NOT_NAMES.contains(fallback)) {
            return fallback;
        }
        var name = LEADING_NAME.matcher(e);
        if (!name.find() || NOT_NAMES.contains(name.group())) return e;
        String first = name.group();
        // A capitalised name followed by a dot is most likely a type (String.valueOf(x), List.of()), which
        // need not appear before the call site; any other name must.
        boolean typeQualifier = Character.isUpperCase(first.charAt(0)) && e.startsWith(first + ".");
        return mentions(scope, first) || typeQualifier ? e : fallback;
    }

    /** Whether {@code name} occurs as a whole word in {@code text}. */
    private static boolean mentions(String text, String name) {
        return Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(text).find();
    }

    /** The first balanced expression of the model's text, or "" (how an argument is read from what the model wrote). */
    public static String firstExpression(String modelText) {
        return expression(modelText, "");
    }

    /** The first balanced expression of the model's text, or the fallback. */
    static String expression(String modelText, String fallback) {
        String t = modelText.strip();
        int depth = 0;
        int i = 0;
        for (; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) break;
                depth--;
            } else if (depth == 0 && (c == ',' || c == ';' || c == '\n')) break;
        }
        String e = t.substring(0, i).strip();
        return e.isEmpty() || !JavaText.balanced(e) ? fallback : e;
    }

    public static String defaultValue(String type) {
        return switch (type.replaceAll("^final\\s+", "")) {
            case "int", "long", "short", "byte" -> "0";
            case "double", "float" -> "0.0";
            case "boolean" -> "false";
            case "char" -> "'\\0'";
            case "String" -> "\"\"";
            default -> "null";
        };
    }

    private static String lastWord(String param) {
        String p = param.strip();
        int i = p.length();
        while (i > 0 && Character.isJavaIdentifierPart(p.charAt(i - 1))) i--;
        return p.substring(i);
    }

    /** Parameter descriptors of a method binding key, e.g. {@code Lp/A;.f(ILjava/lang/String;)V} gives [I, Ljava/lang/String;]. */
    public static List<String> descriptors(String key) {
        int open = key.indexOf('(');
        int close = key.indexOf(')', open);
        List<String> out = new ArrayList<>();
        if (open < 0 || close < 0) return out;
        String s = key.substring(open + 1, close);
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && s.charAt(i) == '[') i++;
            char c = s.charAt(i);
            if (c == 'L' || c == 'Q' || c == 'T') {
                int depth = 0;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d == '<') depth++;
                    else if (d == '>') depth--;
                    else if (d == ';' && depth == 0) break;
                    i++;
                }
            }
            i++;
            out.add(s.substring(start, Math.min(i, s.length())));
        }
        return out;
    }

    /** Where one descriptor was inserted into {@code before} to give {@code after}, or -1. */
    static int insertedIndex(List<String> before, List<String> after) {
        if (after.size() != before.size() + 1) return -1;
        int i = 0;
        while (i < before.size() && before.get(i).equals(after.get(i))) i++;
        return before.subList(i, before.size()).equals(after.subList(i + 1, after.size())) ? i : -1;
    }
}
