package dev.quicksilver.index.java;

import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.WorkspaceIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outline (declarations from tokens) against the resolved facts of the same files: the promise is that a
 * declaration the first phase shows is the one the resolved phase will show. Checked on a corpus of the Java
 * shapes that trip token-level readers, and on this module's own sources.
 */
class JavaOutlineTest {
    @TempDir
    Path tmp;

    /** Files that each stress one thing a token reader can get wrong. */
    private static final List<String[]> TRICKY = List.of(
            new String[]{"p/Box.java", """
                    package p;

                    import java.util.*;
                    import static java.util.Objects.requireNonNull;

                    /** A box. Holds one value. */
                    public class Box<T extends Comparable<T>> implements Iterable<T> {
                        // a line comment between javadoc and field is not the doc
                        /** The value. */
                        // trailing note
                        private final T value;
                        private int a = 1, b[] = {1, 2}, c;
                        private final Map<String, List<Integer>> counts = new HashMap<String, List<Integer>>(), more = null;
                        static final Comparator<String> ORDER = Comparator.<String, Integer>comparing(String::length);
                        private final Runnable task = new Runnable() {
                            @Override public void run() { class Local { void hidden() { } } }
                        };
                        private final java.util.function.Function<Integer, Integer> twice = x -> { return x * 2; };
                        static { System.out.println("{ not a brace }"); }
                        { int local = '}'; }
                        private final String block = \"""
                            text { with } braces "and quotes"
                            \""";

                        /**
                         * Makes a box.
                         * @param value the value
                         */
                        @SuppressWarnings({"unchecked", "rawtypes"})
                        public Box(T value) throws IllegalArgumentException { this.value = requireNonNull(value); }

                        <R> Box(R ignored, T value) { this(value); }

                        public <R extends Comparable<R>> Box<R> map(java.util.function.Function<? super T, ? extends R> f) {
                            return new Box<>(f.apply(value));
                        }

                        int legacy()[] { return new int[0]; }

                        public final synchronized T get(int... indexes) { return value; }

                        @Override
                        public Iterator<T> iterator() { return List.of(value).iterator(); }

                        /** An inner class of a generic type. */
                        class Cursor { int at; class Deeper { } }

                        static class Plain<K, V> { K key; }

                        interface Visitor<R> { R visit(Box<?> box); default void done() { } }
                    }

                    /** A secondary type. */
                    final class Helper {
                        static int twice(int x) { return 2 * x; }
                    }
                    """},
            new String[]{"p/Shape.java", """
                    package p;

                    /// A shape, documented in Markdown.
                    ///
                    /// See [Circle] and [the spec][Box].
                    public sealed interface Shape permits Circle, Square {
                        /// The area, in `square units`.
                        double area();
                    }
                    """},
            new String[]{"p/Circle.java", """
                    package p;

                    public record Circle(double radius) implements Shape {
                        public Circle {
                            if (radius < 0) throw new IllegalArgumentException("radius < 0");
                        }
                        public double area() { return Math.PI * radius * radius; }
                        static Circle unit() { return new Circle(1); }
                    }
                    """},
            new String[]{"p/Square.java", """
                    package p;

                    public non-sealed class Square implements Shape {
                        double side;
                        public double area() { return side * side; }
                    }
                    """},
            new String[]{"p/Planet.java", """
                    package p;

                    /** Planets. */
                    public enum Planet implements java.util.function.Supplier<String> {
                        /** The first. */
                        MERCURY(3.3e23) {
                            @Override public String get() { return "hot"; }
                        },
                        @Deprecated VENUS(4.9e24),
                        EARTH(6.0e24);

                        private final double mass;

                        Planet(double mass) { this.mass = mass; }

                        public String get() { return name(); }

                        enum Kind { ROCKY, GAS }
                    }
                    """},
            new String[]{"p/Marker.java", """
                    package p;

                    import java.lang.annotation.*;

                    @Retention(RetentionPolicy.RUNTIME)
                    @Target({ElementType.TYPE, ElementType.METHOD})
                    public @interface Marker {
                        String value() default "";
                        int[] levels() default {1, 2};
                        Class<?> type() default Object.class;
                        String NAME = "marker";
                    }
                    """},
            new String[]{"p/Cache.java", """
                    package p;

                    import java.util.concurrent.ConcurrentHashMap;

                    public class Cache<@Marker K, V> {
                        private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
                        public class Entry<E> { E e; }
                        public static class Stats { long hits; }
                        protected abstract static class Policy<P> { abstract P pick(); }
                        boolean small(int n) { return n < 3 && n > -1; }
                        // not the signature: a line comment would comment out the rest of a one-line header
                        @Deprecated(since = "http://example.com/*x*/") /* inline */ int
                            noted(int n /* count */) { return n; }
                    }
                    """},
            new String[]{"p/Records.java", """
                    package p;

                    import java.util.List;

                    /** Records: the canonical constructor is implicit, compact, or declared. */
                    public class Records {
                        public record Point(int x, int y) { }
                        record Pair<A, B extends Comparable<B>>(@Deprecated A first, final List<B> second) {
                            Pair(A first) { this(first, List.of()); }
                        }
                        protected record Checked(String name) {
                            public Checked { if (name == null) throw new IllegalArgumentException(); }
                        }
                        private record Declared(long id, String... tags) {
                            private Declared(long id, String... tags) { this.id = id; this.tags = tags; }
                        }
                        record Empty() { }
                    }
                    """},
            new String[]{"Top.java", """
                    public class Top {
                        public static void main(String[] args) { System.out.println(args.length > 0 ? args[0] : "none"); }
                    }
                    """});

    @Test
    void theOutlineOfEveryDeclarationIsWhatTheResolvedIndexSays() throws IOException {
        Path root = tmp.resolve("ws");
        for (String[] file : TRICKY) {
            Path path = root.resolve(file[0]);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file[1]);
        }
        OutlineAgreement.Result result = agreement(root);
        assertTrue(result.resolved() >= 60, "the corpus is not vacuous: " + result.resolved() + " declarations compared");
        assertEquals(List.of(), result.differences());
        assertEquals(result.resolved(), result.agreeing());
        assertEquals(0, result.extra(), "the outline made up declarations");
    }

    @Test
    void thisModulesOwnSourcesOutlineAsTheyResolve() throws IOException {
        OutlineAgreement.Result result = agreement(Path.of("src/main/java").toAbsolutePath());
        assertTrue(result.resolved() > 500, "compared " + result.resolved());
        assertEquals(List.of(), result.differences());
        assertEquals(0, result.extra());
    }

    /**
     * A record that does not declare its canonical constructor gets one on its header (calls bind to it, and a
     * changed component starts from it); a compact or declared one is the record's own.
     */
    @Test
    void recordsHaveTheirImplicitCanonicalConstructor() {
        String[] records = TRICKY.stream().filter(f -> f[0].equals("p/Records.java")).findFirst().orElseThrow();
        JavaFileFacts facts = JavaOutline.of(Path.of("/ws/p/Records.java"), records[1]);
        List<String> constructors = facts.declarations().stream().filter(d -> d.kind() == SymbolKind.CONSTRUCTOR).map(SymbolInfo::signature).toList();
        assertEquals(List.of("public Point(int x, int y)", "Pair(@Deprecated A first, final List<B> second)", "Pair(A first)",
                "public Checked", "private Declared(long id, String... tags)", "Empty()"), constructors);
    }

    /** Signatures hold code only: comments out, string literals (which may hold "//" or "/*") as written. */
    @Test
    void signaturesLeaveCommentsOut() {
        String[] cache = TRICKY.stream().filter(f -> f[0].equals("p/Cache.java")).findFirst().orElseThrow();
        JavaFileFacts facts = JavaOutline.of(Path.of("/ws/p/Cache.java"), cache[1]);
        SymbolInfo noted = facts.declarations().stream().filter(d -> d.name().equals("noted")).findFirst().orElseThrow();
        assertEquals("@Deprecated(since = \"http://example.com/*x*/\") int noted(int n )", noted.signature());
    }

    @Test
    void keysFollowJdtForTypesAndAreProvisionalForMembers() {
        JavaFileFacts facts = JavaOutline.of(Path.of("/ws/p/Box.java"), TRICKY.getFirst()[1]);
        assertEquals("p", facts.packageName());
        assertEquals(List.of("java.util.*", "static java.util.Objects.requireNonNull"), facts.imports());
        assertEquals("Lp/Box<TT;>;", key(facts, "p.Box"));
        assertEquals("Lp/Box<TT;>.Cursor;", key(facts, "p.Box.Cursor"), "an inner class of a generic type");
        assertEquals("Lp/Box<TT;>.Cursor.Deeper;", key(facts, "p.Box.Cursor.Deeper"));
        assertEquals("Lp/Box$Plain<TK;TV;>;", key(facts, "p.Box.Plain"), "a static nested type: the outer type's erasure");
        assertEquals("Lp/Box$Visitor<TR;>;", key(facts, "p.Box.Visitor"));
        assertEquals("Lp/Box~Helper;", key(facts, "p.Helper"), "a secondary type");
        SymbolInfo map = facts.declarations().stream().filter(d -> d.qualifiedName().equals("p.Box.map")).findFirst().orElseThrow();
        assertTrue(JavaOutline.isProvisionalKey(map.key()), map.key());
        assertEquals("Lp/Box<TT;>;", map.declaringTypeKey());
        assertEquals("public <R extends Comparable<R>> Box<R> map(java.util.function.Function<? super T, ? extends R> f)", map.signature());
        assertFalse(facts.bindingsResolved());
        assertTrue(facts.calls().isEmpty() && facts.references().isEmpty(), "an outline resolves nothing");
        // Nothing from inside bodies: the local class and the anonymous class's method are not declarations here.
        assertTrue(facts.declarations().stream().noneMatch(d -> d.name().equals("Local") || d.name().equals("hidden") || d.name().equals("run")));
    }

    @Test
    void brokenCodeKeepsWhatCameBeforeAndNeverThrows() {
        String unterminated = "package q;\nclass A { int x; void f() { }\n class B { String s = \"never closed\n";
        JavaFileFacts facts = JavaOutline.of(Path.of("/ws/q/A.java"), unterminated);
        assertTrue(facts.declarations().stream().anyMatch(d -> d.qualifiedName().equals("q.A.x")), facts.declarations().toString());
        assertTrue(facts.declarations().stream().anyMatch(d -> d.qualifiedName().equals("q.A.f")));
        for (String text : List.of("", "package", "class", "class {", "}}}}", "@", "enum E { A(", "record R(", "interface I { void m(",
                "class C { int[] a = {1, 2", "/* never closed", "class D<T extends List<T>> { }}", "\u0000\u0001binary")) {
            JavaOutline.of(Path.of("/ws/X.java"), text); // must not throw
        }
        assertEquals(List.of(), JavaOutline.of(Path.of("/ws/module-info.java"), "module m { requires java.base; }").declarations());
    }

    @Test
    void kindsOfTheTrickyDeclarations() {
        JavaFileFacts planet = JavaOutline.of(Path.of("/ws/p/Planet.java"), TRICKY.get(4)[1]);
        assertEquals(SymbolKind.ENUM, declaration(planet, "p.Planet").kind());
        SymbolInfo mercury = declaration(planet, "p.Planet.MERCURY");
        assertEquals(SymbolKind.FIELD, mercury.kind());
        assertEquals("The first.", mercury.javadocSummary());
        assertEquals(SymbolKind.CONSTRUCTOR, declaration(planet, "p.Planet.Planet").kind());
        JavaFileFacts shape = JavaOutline.of(Path.of("/ws/p/Shape.java"), TRICKY.get(1)[1]);
        assertEquals("A shape, documented in Markdown.", declaration(shape, "p.Shape").javadocSummary());
        assertEquals("The area, in square units.", declaration(shape, "p.Shape.area").javadocSummary());
        assertEquals(List.of("public", "sealed"), declaration(shape, "p.Shape").modifiers());
        JavaFileFacts marker = JavaOutline.of(Path.of("/ws/p/Marker.java"), TRICKY.get(5)[1]);
        assertEquals(SymbolKind.ANNOTATION, declaration(marker, "p.Marker").kind());
        assertEquals("int[] levels() default {1, 2}", marker.declarations().stream()
                .filter(d -> d.name().equals("levels")).findFirst().orElseThrow().signature());
    }

    private static String key(JavaFileFacts facts, String qualifiedName) {
        return declaration(facts, qualifiedName).key();
    }

    private static SymbolInfo declaration(JavaFileFacts facts, String qualifiedName) {
        return facts.declarations().stream().filter(d -> d.qualifiedName().equals(qualifiedName)).findFirst()
                .orElseThrow(() -> new AssertionError(qualifiedName + " not in " + facts.declarations().stream().map(SymbolInfo::qualifiedName).toList()));
    }

    private OutlineAgreement.Result agreement(Path root) throws IOException {
        OutlineAgreement.Result total = OutlineAgreement.Result.empty();
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(root).dataDirectory(tmp.resolve("data")).build());
             Stream<Path> walk = Files.walk(root)) {
            index.build();
            for (Path file : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                var resolved = index.javaFacts(file).orElseThrow(() -> new AssertionError(file + " was not indexed"));
                assertTrue(resolved.bindingsResolved(), file + " resolved");
                total = total.plus(OutlineAgreement.compare(resolved, JavaOutline.of(resolved.path(), Files.readString(file)), 20), 20);
            }
        }
        return total;
    }

    /**
     * Files as they are while being written: every source of this module and of the tricky corpus, cut at random
     * places, with random spans deleted or duplicated (seeded). The outline never throws, and every declaration
     * it gives lies inside the text.
     */
    @Test
    void halfWrittenFilesNeverThrow() throws IOException {
        List<String> sources = new java.util.ArrayList<>();
        for (String[] file : TRICKY) sources.add(file[1]);
        try (Stream<Path> walk = Files.walk(Path.of("src/main/java"))) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java")).sorted().toList()) sources.add(Files.readString(p));
        }
        java.util.Random rnd = new java.util.Random(12);
        int outlines = 0;
        for (String source : sources) {
            for (int round = 0; round < 12; round++) {
                String text = switch (round % 3) {
                    case 0 -> source.substring(0, rnd.nextInt(source.length() + 1));
                    case 1 -> {
                        int a = rnd.nextInt(source.length() + 1);
                        int b = Math.min(source.length(), a + rnd.nextInt(200));
                        yield source.substring(0, a) + source.substring(b);
                    }
                    default -> {
                        int a = rnd.nextInt(source.length() + 1);
                        int b = Math.min(source.length(), a + rnd.nextInt(200));
                        yield source.substring(0, b) + source.substring(a);
                    }
                };
                JavaFileFacts facts = JavaOutline.of(Path.of("/ws/p/Mutant.java"), text);
                long lines = text.chars().filter(c -> c == '\n').count();
                for (SymbolInfo d : facts.declarations()) {
                    assertTrue(d.location().range().startLine() <= d.location().range().endLine() && d.location().range().endLine() <= lines,
                            d + " outside a text of " + lines + " lines");
                }
                outlines++;
            }
        }
        assertTrue(outlines > 600, "outlined " + outlines);
    }
}
