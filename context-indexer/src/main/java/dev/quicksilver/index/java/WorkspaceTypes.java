package dev.quicksilver.index.java;

import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.internal.compiler.batch.ClasspathLocation;
import org.eclipse.jdt.internal.compiler.batch.FileSystem;
import org.eclipse.jdt.internal.compiler.env.IModule;
import org.eclipse.jdt.internal.compiler.env.NameEnvironmentAnswer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link TypeShape}s of the workspace's source types, by binary name, and the JDT classpath entry that answers
 * name lookups from them.
 *
 * <p>Concurrency: cold-index threads and the update thread replace one file's shapes at a time; lookups run on the
 * thread that is compiling. Plain concurrent maps suffice: a lookup sees a file's old or new shapes (a file's types
 * are put before its old names are dropped), and a compile never depends on another file changing under it because
 * updates are serialized by the caller.
 */
public final class WorkspaceTypes {
    private final Map<String, TypeShape> byBinaryName = new ConcurrentHashMap<>();
    private final Map<Path, List<String>> namesByFile = new ConcurrentHashMap<>();
    /** Package (binary form, {@code java/util}) to the number of shaped types in it. */
    private final Map<String, Integer> packages = new ConcurrentHashMap<>();

    /** Takes the shapes of every top-level type of a resolved unit (and their member types) for {@code file}. */
    void putFrom(Path file, CompilationUnit unit) {
        if (!TypeShape.supported()) return;
        String fileName = file.getFileName().toString();
        String mainTypeName = fileName.endsWith(".java") ? fileName.substring(0, fileName.length() - 5) : fileName;
        char[] path = file.toString().toCharArray();
        List<TypeShape> shapes = new ArrayList<>();
        try {
            for (Object type : unit.types()) {
                shapes.addAll(TypeShape.of(((AbstractTypeDeclaration) type).resolveBinding(), mainTypeName, path));
            }
        } catch (RuntimeException | StackOverflowError e) {
            // JDT could not complete a binding of this file: it stays source-only for other files' updates.
            shapes.clear();
        }
        put(file, shapes);
    }

    private void put(Path file, List<TypeShape> shapes) {
        List<String> names = new ArrayList<>(shapes.size());
        for (TypeShape shape : shapes) {
            String name = shape.binaryName();
            if (byBinaryName.put(name, shape) == null) packages.merge(packageOf(name), 1, Integer::sum);
            names.add(name);
        }
        List<String> previous = names.isEmpty() ? namesByFile.remove(file) : namesByFile.put(file, List.copyOf(names));
        if (previous != null) {
            for (String name : previous) if (!names.contains(name)) drop(name);
        }
    }

    /**
     * The file's shapes in a stored form (for the persisted index), or null when it has none. A restart that
     * restores a file's facts restores these too ({@link #restore}), so its one-file updates and compile checks
     * resolve against shapes as after a cold build, not against other files' sources.
     */
    public byte[] stored(Path file) {
        List<String> names = namesByFile.get(file);
        if (names == null || names.isEmpty()) return null;
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.DataOutputStream(bytes)) {
            List<TypeShape> shapes = new ArrayList<>();
            for (String name : names) {
                TypeShape shape = byBinaryName.get(name);
                if (shape != null) shapes.add(shape);
            }
            out.writeInt(shapes.size());
            for (TypeShape shape : shapes) shape.write(out);
        } catch (java.io.IOException e) {
            return null; // a shape with a value the stored form lacks: the file is resolved from source after a restart
        }
        return bytes.toByteArray();
    }

    /** Puts back the shapes {@link #stored} wrote for {@code file}; false (nothing put) when they cannot be read. */
    public boolean restore(Path file, byte[] stored) {
        if (!TypeShape.supported() || stored == null) return false;
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(stored))) {
            int count = in.readInt();
            List<TypeShape> shapes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) shapes.add(TypeShape.read(in));
            put(file, shapes);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The file left the workspace (or is no longer Java): its types are no longer answered. */
    public void remove(Path file) {
        List<String> previous = namesByFile.remove(file);
        if (previous != null) for (String name : previous) drop(name);
    }

    private void drop(String name) {
        if (byBinaryName.remove(name) != null) {
            packages.computeIfPresent(packageOf(name), (p, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The shape of a type by binary name ({@code p/Outer$Inner}), if it has one. */
    Optional<TypeShape> shape(String binaryName) {
        return Optional.ofNullable(byBinaryName.get(binaryName));
    }

    /** Number of shaped types (top-level and member). */
    public int size() {
        return byBinaryName.size();
    }

    private static String packageOf(String binaryName) {
        int slash = binaryName.lastIndexOf('/');
        return slash < 0 ? "" : binaryName.substring(0, slash);
    }

    /**
     * A classpath entry answering every shaped type except those of {@code compiling}: the files being compiled
     * declare their own types from their (new) text, and old shapes must not shadow or duplicate them.
     */
    FileSystem.Classpath classpathExcluding(Collection<Path> compiling) {
        Set<String> excluded = new java.util.HashSet<>();
        for (Path file : compiling) excluded.addAll(namesByFile.getOrDefault(file, List.of()));
        return new ShapesClasspath(excluded);
    }

    /** JDT's view of the shapes: a classpath entry of binary types, outside any module. */
    private final class ShapesClasspath extends ClasspathLocation {
        private final Set<String> excluded;

        ShapesClasspath(Set<String> excluded) {
            super(null, null);
            this.excluded = excluded;
        }

        @Override
        public NameEnvironmentAnswer findClass(char[] typeName, String qualifiedPackageName, String moduleName,
                                               String qualifiedBinaryFileName) {
            return findClass(typeName, qualifiedPackageName, moduleName, qualifiedBinaryFileName, false);
        }

        @Override
        public NameEnvironmentAnswer findClass(char[] typeName, String qualifiedPackageName, String moduleName,
                                               String qualifiedBinaryFileName, boolean asBinaryOnly) {
            String name = qualifiedBinaryFileName.endsWith(".class")
                    ? qualifiedBinaryFileName.substring(0, qualifiedBinaryFileName.length() - 6) : qualifiedBinaryFileName;
            TypeShape shape = byBinaryName.get(name);
            if (shape == null || excluded.contains(name)) return null;
            return new NameEnvironmentAnswer(shape, null);
        }

        @Override
        public boolean isPackage(String qualifiedPackageName, String moduleName) {
            return packages.containsKey(qualifiedPackageName);
        }

        @Override
        public char[][] getModulesDeclaringPackage(String qualifiedPackageName, String moduleName) {
            return singletonModuleNameIf(isPackage(qualifiedPackageName, moduleName));
        }

        @Override
        public boolean hasCompilationUnit(String qualifiedPackageName, String moduleName) {
            return isPackage(qualifiedPackageName, moduleName);
        }

        @Override public char[][][] findTypeNames(String qualifiedPackageName, String moduleName) { return null; }
        @Override public List<FileSystem.Classpath> fetchLinkedJars(FileSystem.ClasspathSectionProblemReporter problemReporter) { return null; }
        @Override public void reset() { }
        @Override public char[] normalizedPath() { return "quicksilver-workspace-types".toCharArray(); }
        @Override public String getPath() { return "quicksilver-workspace-types"; }
        @Override public void initialize() { }
        @Override public boolean hasAnnotationFileFor(String qualifiedTypeName) { return false; }
        @Override public void acceptModule(IModule module) { }
        @Override public Collection<String> getModuleNames(Collection<String> limitModules) { return List.of(); }
        @Override public Collection<String> getModuleNames(Collection<String> limitModules, Function<String, IModule> getModule) { return List.of(); }
        @Override public String toString() { return "workspace type shapes"; }
    }
}
