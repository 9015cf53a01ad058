package dev.quicksilver.index.java;

import org.eclipse.jdt.core.ICompilationUnit;
import org.eclipse.jdt.core.dom.AST;
import org.eclipse.jdt.core.dom.ASTParser;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.FileASTRequestor;
import org.eclipse.jdt.internal.compiler.batch.FileSystem;
import org.eclipse.jdt.internal.compiler.batch.Main;
import org.eclipse.jdt.internal.core.dom.ICompilationUnitResolver;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a one-file update resolves against, kept alive between updates.
 *
 * <p>Why. {@link ASTParser#createAST} with {@code setEnvironment} builds a new name environment for every call and
 * answers each type the file uses by parsing that type's source (and, for names it cannot find, scanning whole
 * package folders for secondary types). On the JDK's own sources one small file pulls in 150-300 other
 * compilation units that way: ~0.3-1 s per keystroke-triggered update. Here the classpath entries live as long as
 * the index (their directory listings and secondary-type tables stay cached), and workspace types are answered
 * from their {@link TypeShape}s, which JDT turns into binary bindings lazily without parsing anything. What is
 * left is the edited file's own parse and resolve.
 *
 * <p>How. JDT's DOM entry point that takes classpath entry objects instead of path strings
 * ({@code ICompilationUnitResolver.toCompilationUnit}, what {@code ASTParser} itself calls) is reached by
 * reflection, as is the DOM-to-compiler binding link in {@link TypeShape}. If either is missing (another JDT
 * version), updates fall back to {@code ASTParser}: slower, same results.
 *
 * <p>Order of the entries is ASTParser's (running JDK, source roots, jars) with the shapes just before the source
 * roots, so a shaped type never gets parsed from source, and a type without a shape (a secondary type, a file the
 * persisted index restored, a file JDT failed on) still resolves from source.
 *
 * <p>Not thread-safe: the owner ({@link JavaIndexer#indexOne}) serializes calls.
 */
final class ResolvingEnvironment {
    private static final ICompilationUnitResolver RESOLVER = resolver();

    private final JavaEnvironment environment;
    private final WorkspaceTypes workspaceTypes;
    private final Map<String, String> options;
    private List<FileSystem.Classpath> runningJdk;
    private List<FileSystem.Classpath> sourceRoots;
    private List<FileSystem.Classpath> jars;

    ResolvingEnvironment(JavaEnvironment environment, WorkspaceTypes workspaceTypes) {
        this.environment = environment;
        this.workspaceTypes = workspaceTypes;
        this.options = environment.compilerOptions();
    }

    /** Parses {@code text} as the file {@code path} with bindings resolved; JDT's exceptions pass through. */
    CompilationUnit resolve(Path path, String text) {
        if (RESOLVER == null) return viaParser(path, text);
        if (sourceRoots == null) {
            Entries entries = openEntries();
            runningJdk = entries.runningJdk();
            sourceRoots = entries.sourceRoots();
            jars = entries.jars();
        }
        List<FileSystem.Classpath> classpath = classpath(new Entries(runningJdk, sourceRoots, jars), List.of(path));
        var unit = new org.eclipse.jdt.internal.compiler.batch.CompilationUnit(text.toCharArray(), path.toString(),
                StandardCharsets.UTF_8.name());
        int flags = ICompilationUnit.ENABLE_STATEMENTS_RECOVERY | ICompilationUnit.ENABLE_BINDINGS_RECOVERY;
        return RESOLVER.toCompilationUnit(unit, true, null, classpath, -1, AST.getJLSLatest(), options, null, null, flags, null);
    }

    /** Files were created or deleted under the source roots: forget the cached directory listings. */
    void sourceTreeChanged() {
        if (sourceRoots != null) for (FileSystem.Classpath entry : sourceRoots) entry.reset();
    }

    /**
     * Parses and resolves a batch of files as {@code ASTParser.createASTs} does (one lookup environment for the
     * batch), but with the shapes of files indexed before as a classpath entry: a type of an earlier batch becomes
     * a lazy binary binding instead of being parsed again from source. Fresh classpath entries per batch, so
     * batches may run on several threads. False when JDT's resolver is not reachable (the caller uses ASTParser).
     */
    boolean resolveBatch(List<Path> files, FileASTRequestor requestor) {
        if (RESOLVER == null) return false;
        String[] paths = files.stream().map(Path::toString).toArray(String[]::new);
        String[] encodings = new String[paths.length];
        java.util.Arrays.fill(encodings, StandardCharsets.UTF_8.name());
        int flags = ICompilationUnit.ENABLE_STATEMENTS_RECOVERY | ICompilationUnit.ENABLE_BINDINGS_RECOVERY;
        RESOLVER.resolve(paths, encodings, new String[0], requestor, AST.getJLSLatest(), options,
                classpath(openEntries(), files), flags, null);
        return true;
    }

    private List<FileSystem.Classpath> classpath(Entries entries, List<Path> compiling) {
        List<FileSystem.Classpath> classpath = new ArrayList<>();
        classpath.addAll(entries.runningJdk());
        classpath.add(workspaceTypes.classpathExcluding(compiling));
        classpath.addAll(entries.sourceRoots());
        classpath.addAll(entries.jars());
        return classpath;
    }

    private record Entries(List<FileSystem.Classpath> runningJdk, List<FileSystem.Classpath> sourceRoots,
                           List<FileSystem.Classpath> jars) {
    }

    private Entries openEntries() {
        List<FileSystem.Classpath> runningJdk = new ArrayList<>();
        if (!environment.ownsJavaLang()) org.eclipse.jdt.internal.compiler.util.Util.collectRunningVMBootclasspath(runningJdk);
        // The batch compiler's own parsing of path entries, as ASTParser.getClasspath() does it.
        StringWriter ignored = new StringWriter();
        Main main = new Main(new PrintWriter(ignored), new PrintWriter(ignored), false, null, null);
        ArrayList<FileSystem.Classpath> sources = new ArrayList<>();
        for (Path root : environment.sourceRoots()) {
            main.processPathEntries(Main.DEFAULT_SIZE_CLASSPATH, sources, root.toString(), StandardCharsets.UTF_8.name(), true, false);
        }
        ArrayList<FileSystem.Classpath> libraries = new ArrayList<>();
        for (Path jar : environment.classpath()) {
            main.processPathEntries(Main.DEFAULT_SIZE_CLASSPATH, libraries, jar.toString(), null, false, false);
        }
        return new Entries(runningJdk, sources, libraries);
    }

    private CompilationUnit viaParser(Path path, String text) {
        ASTParser parser = environment.newParser(true);
        parser.setSource(text.toCharArray());
        // Standalone bindings need a unit name; the absolute path lets JDT find the file's package and root.
        parser.setUnitName(path.toString());
        return (CompilationUnit) parser.createAST(null);
    }

    private static ICompilationUnitResolver resolver() {
        if (!TypeShape.supported()) return null;
        try {
            Method getInstance = Class.forName("org.eclipse.jdt.core.dom.CompilationUnitResolver").getDeclaredMethod("getInstance");
            getInstance.setAccessible(true);
            return (ICompilationUnitResolver) getInstance.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
