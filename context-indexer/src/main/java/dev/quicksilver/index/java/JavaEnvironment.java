package dev.quicksilver.index.java;

import org.eclipse.jdt.core.JavaCore;
import org.eclipse.jdt.core.dom.ASTParser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What JDT resolves Java against: the running JDK, the workspace's source roots, and jars. Standalone
 * {@link ASTParser#setEnvironment} only: no Eclipse workspace, so nothing ({@code .project}, {@code .classpath},
 * {@code bin/}) is ever written anywhere.
 *
 * <p>A workspace that declares {@code java.lang.Object} itself (the JDK's own sources) cannot be resolved against
 * the running JDK: every {@code java.*} package would exist twice and JDT reports them ambiguous. For such a tree
 * we leave the running JDK out and set compliance to 1.8, where JDT does not insist on a system library, while the
 * source level stays at the newest so the syntax still parses. Binding keys are the same either way.
 *
 * @param ownsJavaLang true for a workspace that is a JDK source tree
 */
public record JavaEnvironment(List<Path> sourceRoots, List<Path> classpath, boolean ownsJavaLang) {
    public JavaEnvironment {
        sourceRoots = List.copyOf(sourceRoots);
        classpath = List.copyOf(classpath);
    }

    /** Compliance and source level: the running JDK's version, capped at what this JDT supports. */
    static String javaVersion() {
        String latest = JavaCore.latestSupportedJavaVersion();
        String running = Integer.toString(Runtime.version().feature());
        try {
            return Integer.parseInt(running) <= Integer.parseInt(latest) ? running : latest;
        } catch (NumberFormatException e) {
            return latest;
        }
    }

    Map<String, String> compilerOptions() {
        Map<String, String> options = new HashMap<>(JavaCore.getOptions());
        JavaCore.setComplianceOptions(javaVersion(), options);
        options.put(JavaCore.COMPILER_SOURCE, javaVersion());
        if (ownsJavaLang) options.put(JavaCore.COMPILER_COMPLIANCE, JavaCore.VERSION_1_8);
        // We read javadoc summaries from the source text ourselves; JDT's javadoc DOM costs ~40% of parse time.
        options.put(JavaCore.COMPILER_DOC_COMMENT_SUPPORT, JavaCore.DISABLED);
        // Warnings are of no use to an index; syntax and type errors are still reported.
        for (Map.Entry<String, String> e : new ArrayList<>(options.entrySet())) {
            if (e.getKey().startsWith("org.eclipse.jdt.core.compiler.problem.")
                    && (e.getValue().equals(JavaCore.WARNING) || e.getValue().equals(JavaCore.INFO))) {
                options.put(e.getKey(), JavaCore.IGNORE);
            }
        }
        return options;
    }

    ASTParser newParser(boolean resolveBindings) {
        ASTParser parser = ASTParser.newParser(org.eclipse.jdt.core.dom.AST.getJLSLatest());
        parser.setCompilerOptions(compilerOptions());
        parser.setKind(ASTParser.K_COMPILATION_UNIT);
        parser.setResolveBindings(resolveBindings);
        parser.setBindingsRecovery(resolveBindings);
        parser.setStatementsRecovery(true);
        String[] sources = sourceRoots.stream().map(Path::toString).toArray(String[]::new);
        String[] encodings = new String[sources.length];
        java.util.Arrays.fill(encodings, StandardCharsets.UTF_8.name());
        parser.setEnvironment(classpath.stream().map(Path::toString).toArray(String[]::new), sources, encodings, !ownsJavaLang);
        return parser;
    }
}
