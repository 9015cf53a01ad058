package dev.quicksilver.index;

import dev.quicksilver.index.java.JavaFileFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-file updates resolve the edited file against the shapes of the other files' types (not their sources); the
 * facts must be the ones a cold index gives. The workspace uses the constructs whose binary form differs from the
 * source form: generic members, inner-class constructors (synthetic outer parameter), enums (synthetic constructor
 * parameters, values()), records, annotation defaults, sealed types, default methods, overloads through a static
 * import, varargs, constants in a switch, and a secondary type (resolved from source).
 */
class UpdateResolutionTest {
    private static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("p/Outer.java", """
                package p;
                import java.util.List;
                import java.util.function.Function;
                public class Outer<T extends Comparable<T>> {
                    public static final int LIMIT = 3;
                    public class Inner<U> {
                        public Inner(U value) { }
                        public <R> R map(Function<? super U, ? extends R> f, U u) { return f.apply(u); }
                    }
                    public static class Nested { public Nested(String... names) { } }
                    public interface Visitor<V> { V visit(String node); default int depth() { return 0; } }
                    public T max(List<? extends T> items) { return items.get(0); }
                    public static <E extends Enum<E>> E first(Class<E> type) { return type.getEnumConstants()[0]; }
                    public static int twice(int x) { return 2 * x; }
                    public static long twice(long x) { return 2 * x; }
                }
                class Helper { static String help() { return "h"; } }
                """);
        FILES.put("p/Color.java", """
                package p;
                public enum Color {
                    RED(1) { @Override int weight() { return 3; } }, GREEN(2);
                    private final int code;
                    Color(int code) { this.code = code; }
                    public int code() { return code; }
                    int weight() { return code; }
                }
                """);
        FILES.put("p/Point.java", """
                package p;
                public record Point(int x, int y) implements Comparable<Point> {
                    public Point { if (x < 0) throw new IllegalArgumentException(); }
                    public static Point origin() { return new Point(0, 0); }
                    public int compareTo(Point o) { return Integer.compare(x, o.x); }
                }
                """);
        FILES.put("p/Tag.java", """
                package p;
                import java.lang.annotation.*;
                @Retention(RetentionPolicy.RUNTIME) @Target({ElementType.TYPE, ElementType.METHOD})
                public @interface Tag {
                    String value() default "none";
                    Color color() default Color.GREEN;
                    Class<?> kind() default Object.class;
                    int[] sizes() default {1, 2};
                }
                """);
        FILES.put("p/Shape.java", """
                package p;
                public sealed interface Shape permits Square, Shape.Circle {
                    double area();
                    record Circle(double r) implements Shape { public double area() { return Math.PI * r * r; } }
                }
                """);
        FILES.put("p/Square.java", """
                package p;
                public final class Square implements Shape {
                    private final double side;
                    public Square(double side) { this.side = side; }
                    public double area() { return side * side; }
                }
                """);
        FILES.put("p/UsesHelper.java", """
                package p;
                class UsesHelper {
                    String h() { return Helper.help() + Outer.twice(2); }
                }
                """);
        FILES.put("q/User.java", """
                package q;
                import static p.Outer.twice;
                import static p.Outer.LIMIT;
                import java.util.List;
                import p.*;
                @Tag
                public class User {
                    @Tag(value = "x", color = Color.RED)
                    int run(List<String> names) {
                        Outer<String> outer = new Outer<>();
                        Outer<String>.Inner<Integer> inner = outer.new Inner<>(1);
                        String m = inner.map(i -> "v" + i, 2);
                        new Outer.Nested("a", "b");
                        Color c = Outer.first(Color.class);
                        Point p = Point.origin();
                        int total = p.x() + p.y() + c.code() + Color.values().length;
                        switch (total) { case LIMIT -> total++; default -> { } }
                        Outer.Visitor<Integer> v = node -> node.length();
                        Shape s = new Shape.Circle(1.0);
                        double a = s.area() + new Square(2).area();
                        return twice(total) + (int) twice(3L) + v.depth() + outer.max(names).length() + m.length() + (int) a;
                    }
                }
                """);
    }

    @TempDir
    Path base;

    private Path workspace() throws IOException {
        Path root = base.resolve("ws");
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            Path path = root.resolve("src").resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return root;
    }

    private WorkspaceIndex open(Path root) {
        return WorkspaceIndex.create(IndexSettings.builder(root).dataDirectory(base.resolve("data")).build());
    }

    private static Map<Path, JavaFileFacts> allFacts(WorkspaceIndex index, Path root) {
        Map<Path, JavaFileFacts> facts = new LinkedHashMap<>();
        for (String file : FILES.keySet()) {
            Path path = root.resolve("src").resolve(file);
            facts.put(path, index.javaFacts(path).orElseThrow(() -> new AssertionError(file + " is not indexed")));
        }
        return facts;
    }

    @Test
    void reindexingAnUnchangedFileGivesTheColdFacts() throws IOException {
        Path root = workspace();
        try (WorkspaceIndex index = open(root)) {
            index.build();
            assertEquals(List.of(), index.problems());
            Map<Path, JavaFileFacts> cold = allFacts(index, root);
            JavaFileFacts user = cold.get(root.resolve("src/q/User.java"));
            // Every call in User.run resolved (an unresolved one would be missing): 21 of them.
            assertEquals(21, user.calls().size(), () -> user.calls().toString());

            for (Path file : cold.keySet()) {
                index.reindexNow(new DocumentSnapshot(file, Files.readString(file)));
                assertEquals(cold.get(file), index.javaFacts(file).orElseThrow(), "facts of " + root.relativize(file) + " after an update");
            }
            assertEquals(List.of(), index.problems());
        }
    }

    @Test
    void anEditedFileGetsItsNewFactsAndOtherFilesKeepTheirs() throws IOException {
        Path root = workspace();
        try (WorkspaceIndex index = open(root)) {
            index.build();
            Map<Path, JavaFileFacts> cold = allFacts(index, root);
            Path userFile = root.resolve("src/q/User.java");
            String edited = FILES.get("q/User.java").replace("""
                        return twice(total)""", """
                        total += extra(new Outer<String>().new Inner<String>("w"));
                        return twice(total)""").replace("""
                    }
                }
                """, """
                    }
                    int extra(Outer<String>.Inner<String> inner) { return new Square(3).area() > 1 ? Outer.twice(5) : Color.GREEN.code(); }
                }
                """);
            index.reindexNow(new DocumentSnapshot(userFile, edited));

            String extraKey = "Lq/User;.extra(Lp/Outer<Ljava/lang/String;>.Inner<Ljava/lang/String;>;)I";
            assertTrue(index.declarationsIn(userFile).stream().anyMatch(d -> d.key().equals(extraKey)), "new method declared");
            assertEquals(List.of(at("q/User.java", edited, "extra(new")), sites(index, root, extraKey));
            assertEquals(List.of(at("q/User.java", edited, "new Square(2).area()"), at("q/User.java", edited, "new Square(3).area()")),
                    sites(index, root, "Lp/Square;.area()D"));
            assertEquals(List.of(at("p/UsesHelper.java", FILES.get("p/UsesHelper.java"), "Outer.twice(2)"),
                    at("q/User.java", edited, "twice(total)"), at("q/User.java", edited, "Outer.twice(5)")),
                    sites(index, root, "Lp/Outer;.twice(I)I"));
            // The inner class's constructor, called through an instance of the outer class.
            assertEquals(List.of(at("q/User.java", edited, "outer.new Inner<>(1)"), at("q/User.java", edited, "new Outer<String>().new Inner")),
                    sites(index, root, "Lp/Outer$Inner;.(TU;)V"));
            assertTrue(index.javaFacts(userFile).orElseThrow().references().stream().anyMatch(r -> r.targetKey().startsWith("Lp/Color;.GREEN)")
                    && r.location().range().startLine() == 23), "enum constant referenced in the new method");

            for (Map.Entry<Path, JavaFileFacts> other : cold.entrySet()) {
                if (other.getKey().equals(userFile)) continue;
                assertEquals(other.getValue(), index.javaFacts(other.getKey()).orElseThrow(), "untouched " + root.relativize(other.getKey()));
            }
        }
    }

    @Test
    void aChangedTypeIsSeenByTheNextUpdateOfAnotherFile() throws IOException {
        Path root = workspace();
        try (WorkspaceIndex index = open(root)) {
            index.build();
            Path square = root.resolve("src/p/Square.java");
            index.reindexNow(new DocumentSnapshot(square, FILES.get("p/Square.java").replace(
                    "    public double area()", "    public double perimeter() { return 4 * side; }\n    public double area()")));
            Path user = root.resolve("src/q/User.java");
            index.reindexNow(new DocumentSnapshot(user, FILES.get("q/User.java").replace(
                    "new Square(2).area()", "new Square(2).perimeter()")));
            assertEquals(List.of(at("q/User.java", FILES.get("q/User.java"), "new Square(2).area()")), sites(index, root, "Lp/Square;.perimeter()D"));
            assertEquals(List.of(), sites(index, root, "Lp/Square;.area()D"));
        }
    }

    /** Where {@code snippet} starts in {@code text}, as the index reports places: zero-based line and column. */
    private static String at(String file, String text, String snippet) {
        int offset = text.indexOf(snippet);
        assertTrue(offset >= 0, snippet);
        int line = (int) text.substring(0, offset).chars().filter(c -> c == '\n').count();
        return file + ":" + line + ":" + (offset - text.lastIndexOf('\n', offset - 1) - 1);
    }

    private static List<String> sites(WorkspaceIndex index, Path root, String methodKey) {
        return index.callSites(methodKey).stream()
                .map(c -> root.resolve("src").relativize(c.location().path()) + ":" + c.location().range().startLine()
                        + ":" + c.location().range().startColumn())
                .toList();
    }
}
