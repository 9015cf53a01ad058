package dev.quicksilver.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A creation with a class body ({@code new Shape("tri", 3) {...}}, an enum constant's {@code GREEN(0, 9) {...}}) is a
 * call of the superclass constructor that gets its arguments, as a plain {@code new Shape("tri", 3)} is: JDT binds it
 * to the anonymous class's own constructor, which no refactor of {@code Shape}'s knows. Also while the arguments do
 * not fit (right after a parameter was added or removed, when JDT binds nothing), where the arguments' types say
 * which constructor it was.
 */
class CreationCallSitesTest {
    private static final String SHAPE = """
            package p;
            public class Shape {
                public Shape(%s) { }
                public Shape(int sides) { }
            }
            """;
    private static final String COLOR = """
            package p;
            public enum Color {
                RED(255, 0),
                GREEN(0, 255) {
                    // the constant's own label: it doesn't say "green"
                    @Override public String label() { return "Green"; }
                },
                BLUE(0, 0);
                Color(%s) { }
                public String label() { return name(); }
            }
            """;
    private static final String USES = """
            package p;
            import java.util.ArrayList;
            public class Uses {
                Shape plain() { return new Shape("square", 4); }
                Shape anonymous() {
                    return new Shape("tri", 3) {
                        @Override public String toString() { return "it's a triangle"; }
                    };
                }
                Runnable ofAnInterface() { return new Runnable() { public void run() { } }; }
                ArrayList<String> generic() { return new ArrayList<String>(8) { }; }
                java.util.function.IntFunction<Shape> maker = Shape::new;
            }
            """;

    @TempDir
    Path base;

    private WorkspaceIndex index(String shapeParams, String colorParams) throws IOException {
        Path root = base.resolve("ws");
        Path p = root.resolve("src/main/java/p");
        Files.createDirectories(p);
        Files.writeString(p.resolve("Shape.java"), SHAPE.formatted(shapeParams));
        Files.writeString(p.resolve("Color.java"), COLOR.formatted(colorParams));
        Files.writeString(p.resolve("Uses.java"), USES);
        WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(root).dataDirectory(base.resolve("data-" + shapeParams.length())).build());
        index.build();
        return index;
    }

    private static Map<String, List<Integer>> callLines(WorkspaceIndex index, String... keys) {
        Map<String, List<Integer>> lines = new java.util.TreeMap<>();
        for (String key : keys) {
            lines.put(key, index.callSites(key).stream().map(c -> c.location().range().startLine()).sorted().toList());
        }
        return lines;
    }

    @Test
    void aCreationWithABodyCallsTheSuperclassConstructor() throws IOException {
        try (WorkspaceIndex index = index("String name, int sides", "int r, int g")) {
            assertEquals(Map.of(
                    "Lp/Shape;.(Ljava/lang/String;I)V", List.of(3, 5),
                    "Lp/Shape;.(I)V", List.of(),
                    "Lp/Color;.(Ljava/lang/String;III)V", List.of(2, 3, 7),
                    "Ljava/util/ArrayList;.(I)V", List.of(10)),
                    callLines(index, "Lp/Shape;.(Ljava/lang/String;I)V", "Lp/Shape;.(I)V", "Lp/Color;.(Ljava/lang/String;III)V",
                            "Ljava/util/ArrayList;.(I)V"));
            // Shape::new refers to the constructor it makes the object with, placed on "new"; the declaration is none.
            assertEquals(List.of(new TextRange(11, 57, 11, 60)), index.references("Lp/Shape;.(I)V").stream().map(r -> r.location().range()).toList());
            // new Runnable() {...} calls Object(): nothing of the workspace's, and nothing anonymous either.
            assertEquals(List.of(), index.javaFacts(base.resolve("ws/src/main/java/p/Uses.java")).orElseThrow().calls().stream()
                    .filter(c -> c.calleeKey().contains("$")).toList());
        }
    }

    @Test
    void rightAfterAParameterWasAddedTheArgumentsSayWhichConstructor() throws IOException {
        // Shape(String, int, boolean) and Shape(int) both take ("tri", 3) with one parameter more or one argument
        // fewer: the added parameter is the likelier edit. Color has one constructor.
        try (WorkspaceIndex index = index("String name, int sides, boolean filled", "int r, int g, int alpha")) {
            assertEquals(Map.of(
                    "Lp/Shape;.(Ljava/lang/String;IZ)V", List.of(3, 5),
                    "Lp/Color;.(Ljava/lang/String;IIII)V", List.of(2, 3, 7)),
                    callLines(index, "Lp/Shape;.(Ljava/lang/String;IZ)V", "Lp/Color;.(Ljava/lang/String;IIII)V"));
        }
    }

    @Test
    void rightAfterAParameterWasRemovedTheArgumentsSayWhichConstructorWhereOnlyOneFits() throws IOException {
        // ("tri", 3) is one argument too many for Shape(String) and for Shape(int) alike: better no call than a guess.
        try (WorkspaceIndex index = index("String name", "int r")) {
            assertEquals(List.of(2, 3, 7), callLines(index, "Lp/Color;.(Ljava/lang/String;II)V").values().iterator().next());
            for (String shape : List.of("Lp/Shape;.(Ljava/lang/String;)V", "Lp/Shape;.(I)V")) {
                assertEquals(List.of(), index.callSites(shape).stream().filter(c -> c.location().range().startLine() == 5).toList(), shape);
            }
        }
    }
}
