package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Javadoc references to a method by its parameter types ({@code {@link #leftPad(String, int, char)}},
 * {@code @see StringUtils#leftPad(String, int, char)}), kept in step when the parameters change, and references to
 * a method or field by its name when it is renamed: a reference to a signature that no longer exists fails {@code
 * javadoc -Xdoclint} ("reference not found"), and an IDE's change-signature and rename rewrite it. Found textually
 * in the Javadoc comments of the files that mention the name: in its own file unqualified, elsewhere qualified by
 * its type's name. A renamed type's references too ({@link #typeRenamed}), in the files where it is seen.
 */
final class JavadocLinks {
    private static final Pattern DOC_COMMENT = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

    private JavadocLinks() {
    }

    /**
     * Sites that rewrite the references to m whose types are {@code oldTypes} (as written: {@code "final
     * List<String>"} reads as {@code List}) to the types of its parameters now, {@code newParams}, the one at i being
     * the old one at {@code from[i]} (-1: new): a kept type as the reference wrote it, a new one by its simple name.
     * None where m has an overload of the old types (the references are its).
     */
    static List<Site> rewritten(RefactorInput in, SymbolInfo m, List<String> oldParams, List<String> newParams, int[] from) {
        return rewritten(in, m, m.name(), oldParams, newParams, from);
    }

    /**
     * {@link #rewritten(RefactorInput, SymbolInfo, List, List, int[])} of the references that say m's name as {@code
     * name} (its name before the edit, where the edit renamed it too).
     */
    static List<Site> rewritten(RefactorInput in, SymbolInfo m, String name, List<String> oldParams, List<String> newParams, int[] from) {
        List<String> oldTypes = oldParams.stream().map(JavadocLinks::ofParameter).toList();
        for (SymbolInfo o : in.index().declarationsIn(m.location().path())) {
            if (o != m && o.name().equals(name) && o.kind() == m.kind() && !o.key().equals(m.key()) && o.declaringTypeKey().equals(m.declaringTypeKey())
                    && AddParameterRefactoring.parameters(o, in.text(o.location().path())).stream().map(JavadocLinks::ofParameter).toList()
                    .equals(oldTypes)) {
                return List.of();
            }
        }
        java.util.Set<String> variables = variables(in, m);
        Pattern reference = Pattern.compile("(?<![\\w.])(([\\w.]+)?)#" + Pattern.quote(name) + "\\s*\\(([^)]*)\\)");
        List<Site> out = new ArrayList<>();
        forEachReference(in, m, name, reference, (file, r) -> {
            List<String> written = JavaText.splitTopLevel(r.group(3));
            if (!matches(written.stream().map(JavadocLinks::ofReference).toList(), oldTypes, variables)) return;
            List<String> types = new ArrayList<>();
            // A kept parameter as the reference wrote it, unless its type changed; a new one by its simple name.
            for (int i = 0; i < from.length; i++) {
                boolean kept = from[i] >= 0 && ofParameter(oldParams.get(from[i])).equals(ofParameter(newParams.get(i)));
                types.add(kept ? written.get(from[i]) : ofParameter(newParams.get(i)));
            }
            String list = String.join(", ", types);
            if (!list.equals(r.group(3))) out.add(Site.decided(file, r.start(3), r.end(3), list, "// " + m.signature() + "\n"));
        });
        return out;
    }

    /**
     * Sites that rename to {@code now} the references to m (a method, or a field) by its old name, {@code old}
     * ({@code {@link #price(String)}} once {@code price} is {@code cost}; m may still be named so, an overridden method
     * renamed with its override): a method's whose types are its parameters', and those without types where no other
     * member of m's type keeps the old name.
     */
    static List<Site> renamed(RefactorInput in, SymbolInfo m, String old, String now) {
        boolean method = m.kind() == dev.quicksilver.index.SymbolKind.METHOD;
        return renamed(in, m, old, now, method
                ? AddParameterRefactoring.parameters(m, in.text(m.location().path())).stream().map(JavadocLinks::ofParameter).toList() : List.of());
    }

    /**
     * {@link #renamed(RefactorInput, SymbolInfo, String, String)} of the references whose types are {@code types} (a
     * method's parameters before the edit, where it changed them too), as {@link #ofParameter} writes them.
     */
    static List<Site> renamed(RefactorInput in, SymbolInfo m, String old, String now, List<String> types) {
        boolean method = m.kind() == dev.quicksilver.index.SymbolKind.METHOD;
        boolean oldRemains = in.index().declarationsIn(m.location().path()).stream()
                .anyMatch(o -> o.name().equals(old) && o.declaringTypeKey().equals(m.declaringTypeKey()) && !o.key().equals(m.key()));
        java.util.Set<String> variables = variables(in, m);
        Pattern reference = Pattern.compile("(?<![\\w.])(([\\w.]+)?)#" + Pattern.quote(old) + "(?![\\w$])(\\s*\\(([^)]*)\\))?");
        List<Site> out = new ArrayList<>();
        forEachReference(in, m, old, reference, (file, r) -> {
            boolean typed = r.group(3) != null;
            if (typed && !method) return;
            if (typed ? !matches(JavaText.splitTopLevel(r.group(4)).stream().map(JavadocLinks::ofReference).toList(), types, variables) : oldRemains) return;
            int nameStart = r.start() + r.group(1).length() + 1;
            out.add(Site.decided(file, nameStart, nameStart + old.length(), now, "// " + m.signature() + "\n"));
        });
        return out;
    }

    /**
     * Sites that rename to {@code now} the Javadoc references to a type by its old name, {@code old}, in {@code files}
     * (where it is seen): a tag's reference ({@code {@link Shop}}, {@code {@linkplain p.Shop#price() price}}, {@code
     * @see Shop}, {@code @throws ShopException}), qualified or not, code that is its name ({@code {@code Shop}}), and
     * a type among a method reference's parameters ({@code {@link #copy(Shop)}}). Other code ({@code {@code new
     * Shop()}}) and prose are left as they are.
     */
    static List<Site> typeRenamed(RefactorInput in, java.util.Collection<Path> files, String old, String now, String context) {
        // A tag's reference may start on the comment's next line ("{@link\n * Shop}"); code that is the type's name
        // alone ({@code Shop}) names it too.
        Pattern tag = Pattern.compile("(?:\\{@(?:link|linkplain|value)|@(?:see|throws|exception))[\\s*]+(?:[\\w$]+\\.)*(" + Pattern.quote(old) + ")(?![\\w$])"
                + "|\\{@code[\\s*]+(?:[\\w$]+\\.)*(" + Pattern.quote(old) + ")\\s*}");
        Pattern parameters = Pattern.compile("#[\\w$]+\\s*\\(([^)]*)\\)");
        Pattern name = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "(?![\\w$])");
        List<Site> out = new ArrayList<>();
        for (Path file : files) {
            String text = in.text(file);
            if (!text.contains(old)) continue;
            java.util.Set<Integer> at = new java.util.TreeSet<>();
            Matcher doc = DOC_COMMENT.matcher(text);
            while (doc.find()) {
                Matcher r = tag.matcher(text).region(doc.start(), doc.end());
                while (r.find()) at.add(r.start(1) >= 0 ? r.start(1) : r.start(2));
                Matcher p = parameters.matcher(text).region(doc.start(), doc.end());
                while (p.find()) {
                    Matcher n = name.matcher(text).region(p.start(1), p.end(1));
                    while (n.find()) at.add(n.start());
                }
            }
            for (int start : at) out.add(Site.decided(file, start, start + old.length(), now, context));
        }
        return out;
    }

    /** A type variable is written as its erasure ({@code Object}, or its bound): any reference type matches it. */
    private static java.util.Set<String> variables(RefactorInput in, SymbolInfo m) {
        java.util.Set<String> variables = new java.util.HashSet<>(TypeArguments.variablesOf(in, m));
        variables.addAll(TypeArguments.methodVariables(m));
        return variables;
    }

    /**
     * Each match of {@code reference} (its first group the qualifier, empty for none) in the Javadoc comments of the
     * files that say {@code name} that refers to m's type: unqualified in m's own file, else by its type's name.
     */
    private static void forEachReference(RefactorInput in, SymbolInfo m, String name, Pattern reference, java.util.function.BiConsumer<Path, Matcher> each) {
        String owner = m.declaringTypeKey().replaceAll("^L|;$", "").replaceAll("<.*", "").replaceAll(".*[/$]", "");
        for (Path file : in.index().filesMentioning(name)) {
            String text = in.text(file);
            boolean ownFile = file.equals(m.location().path());
            Matcher doc = DOC_COMMENT.matcher(text);
            while (doc.find()) {
                Matcher r = reference.matcher(text).region(doc.start(), doc.end());
                while (r.find()) {
                    String qualifier = r.group(1);
                    if (qualifier.isEmpty() ? ownFile : qualifier.equals(owner) || qualifier.endsWith("." + owner)) each.accept(file, r);
                }
            }
        }
    }

    /** Whether a reference's types are the parameters' ({@code variables}: type variables among these, which any reference type matches). */
    private static boolean matches(List<String> written, List<String> types, java.util.Set<String> variables) {
        if (written.size() != types.size()) return false;
        for (int i = 0; i < types.size(); i++) {
            String w = written.get(i);
            String t = types.get(i);
            boolean variable = variables.contains(t.replaceAll("\\[\\]|\\.\\.\\.", "")) && !Character.isLowerCase(w.charAt(0));
            if (!w.equals(t) && !variable) return false;
        }
        return true;
    }

    /** A parameter's type as a Javadoc reference writes it ({@code "final java.util.List<String> names"}: {@code List}). */
    static String ofParameter(String param) {
        return simple(ChangeSignatureRefactoring.Change.typeOf(param));
    }

    /** A type in a Javadoc reference, compared as {@link #ofParameter} gives it ({@code java.lang.String}: {@code String}). */
    static String ofReference(String type) {
        return simple(type.replaceAll("\\s+", ""));
    }

    /** A type without type arguments and package, its array or varargs suffix kept. */
    private static String simple(String type) {
        String t = type.replaceAll("<.*>", "");
        int dims = t.indexOf('[') >= 0 ? t.indexOf('[') : t.indexOf("...");
        String base = dims >= 0 ? t.substring(0, dims) : t;
        return base.substring(base.lastIndexOf('.') + 1) + (dims >= 0 ? t.substring(dims) : "");
    }
}
