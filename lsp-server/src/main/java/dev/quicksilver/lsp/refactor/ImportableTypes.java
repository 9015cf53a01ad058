package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.WorkspaceIndex;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The type a simple name can be imported as, where there is one: the public top-level types of the workspace of
 * that name, and the public types of that name in the JDK's packages code imports most. A name two of them share
 * ({@code List}: {@code java.util.List}, and a workspace's own {@code List}) is nobody's: which one the model meant is
 * a guess. What an IDE's auto-import proposes when it has one answer.
 *
 * <p>Concurrency: the JDK's answers are cached in a concurrent map (a class lookup without initialization, once per
 * name); the workspace's are read from the index at each call.
 */
public final class ImportableTypes {
    /** The JDK packages whose types model-written code uses without qualifying them; java.lang needs no import. */
    static final List<String> JDK_PACKAGES = List.of("java.util", "java.util.function", "java.util.stream", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.regex", "java.io", "java.nio.file", "java.nio.charset", "java.math", "java.net",
            "java.time", "java.time.format");

    /** Simple name to the JDK's public types of that name ({@link #inJdk}), looked up once each. */
    private static final Map<String, List<String>> JDK_TYPES = new ConcurrentHashMap<>();

    private ImportableTypes() {
    }

    /** Import lines to put into a file: where ({@code offset}), the block ({@code text}), and its lines. */
    public record Insertion(int offset, String text, List<String> lines) {
    }

    /**
     * The insertion into {@code text} (of {@code file}) of the imports of those {@code names} that {@code importable}
     * knows one type for and the text does not import (nor names another type so); empty where there is none.
     */
    public static Optional<Insertion> insertion(java.nio.file.Path file, String text, java.util.Collection<String> names,
                                                java.util.function.Function<String, Optional<String>> importable) {
        List<String> lines = new java.util.ArrayList<>();
        for (String name : names) importable.apply(name).filter(q -> Imports.lacks(text, q, name)).ifPresent(q -> lines.add("import " + q + ";"));
        if (lines.isEmpty()) return Optional.empty();
        Site site = Imports.site(file, text, lines, false);
        return Optional.of(new Insertion(site.start(), site.fallback().text(), lines));
    }

    private static final java.util.regex.Pattern UNRESOLVED = java.util.regex.Pattern.compile("([A-Z][\\w$]*) cannot be resolved( to a type| to a variable)?");

    /**
     * The simple name of the type an error says the compiler cannot find: "X cannot be resolved to a type", or "X
     * cannot be resolved" (to a variable) where a dot follows it ({@code Objects.equals(...)}); null for any other
     * error.
     */
    public static String unresolvedTypeName(String text, CompileError e) {
        if (!e.unknownName()) return null;
        java.util.regex.Matcher m = UNRESOLVED.matcher(e.message());
        if (!m.matches() || e.end() > text.length() || !text.substring(e.start(), e.end()).equals(m.group(1))) return null;
        boolean type = " to a type".equals(m.group(2));
        int next = JavaText.skipBlank(text, e.end());
        return type || next < text.length() && text.charAt(next) == '.' ? m.group(1) : null;
    }

    /** Whether {@code text} is import lines (and blanks) only. */
    public static boolean onlyImports(String text) {
        return Imports.onlyImports(text);
    }

    /** The one type {@code name} can be imported as, or empty (none, or more than one; a java.lang type needs none). */
    public static Optional<String> of(WorkspaceIndex index, String name) {
        if (name.isEmpty() || !Character.isUpperCase(name.charAt(0))) return Optional.empty();
        List<String> jdk = inJdk(name);
        if (jdk.contains("java.lang." + name)) return Optional.empty();
        TreeSet<String> found = new TreeSet<>(jdk);
        index.declarationsNamed(name).stream()
                .filter(d -> d.kind().isType() && d.declaringTypeKey().isEmpty() && d.modifiers().contains("public"))
                .forEach(d -> found.add(d.qualifiedName()));
        return found.size() == 1 ? Optional.of(found.first()) : Optional.empty();
    }

    /** The JDK's public types of the name: java.lang's alone where it has one, else those of {@link #JDK_PACKAGES}. */
    private static List<String> inJdk(String name) {
        return JDK_TYPES.computeIfAbsent(name, n -> publicJdkType("java.lang." + n) ? List.of("java.lang." + n)
                : JDK_PACKAGES.stream().map(p -> p + "." + n).filter(ImportableTypes::publicJdkType).toList());
    }

    /** Whether the JDK has a public top-level type of this qualified name. */
    static boolean publicJdkType(String qualified) {
        try {
            Class<?> c = Class.forName(qualified, false, ClassLoader.getPlatformClassLoader());
            return Modifier.isPublic(c.getModifiers()) && c.getEnclosingClass() == null;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
