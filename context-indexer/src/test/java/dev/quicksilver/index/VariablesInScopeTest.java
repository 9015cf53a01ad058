package dev.quicksilver.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WorkspaceIndex#variablesInScope}: what a place in a Java file can name, with the types it passes as. */
class VariablesInScopeTest {
    @TempDir
    Path base;

    private static final String TEXT = """
            package demo.app;

            import demo.shapes.Circle;
            import demo.shapes.Shape;
            import java.util.List;

            public class Scopes {
                private final String title = "t";
                static int counter;

                public double total(List<Shape> shapes, int limit) {
                    double sum = 0;
                    for (Shape s : shapes) {
                        sum += s.area();
                    }
                    /*A*/
                    Runnable r = () -> { String inLambda = ""; /*B*/ };
                    try {
                        sum += 1;
                    } catch (RuntimeException e) {
                        /*C*/
                    }
                    Shape c = new Circle(2);
                    return sum;
                }

                static void helper(long n) {
                    /*D*/
                }
            }
            """;

    @Test
    void localsParametersAndFieldsInSightWithTheirTypes() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path file = fixture.write("src/main/java/demo/app/Scopes.java", TEXT);

            Map<String, ScopeVariable> a = at(index, file, "/*A*/");
            assertEquals(List.of("sum", "limit", "shapes"), List.copyOf(a.keySet()).subList(0, 3),
                    "locals innermost first; the loop's s is out of scope after the loop, c is declared later");
            assertEquals(java.util.Set.of("sum", "limit", "shapes", "title", "counter"), a.keySet(), "then the fields");
            assertEquals("double", a.get("sum").type());
            assertTrue(a.get("sum").assignableTo().containsAll(List.of("double", "java.lang.Double", "java.lang.Object")));
            assertTrue(a.get("limit").assignableTo().containsAll(List.of("int", "long", "double", "java.lang.Integer")), a.get("limit").toString());
            assertEquals("java.util.List", a.get("shapes").type());
            assertTrue(a.get("shapes").assignableTo().containsAll(List.of("java.util.List", "java.util.Collection", "java.lang.Iterable")));
            assertTrue(a.get("title").assignableTo().containsAll(List.of("java.lang.String", "java.lang.CharSequence")));

            assertTrue(at(index, file, "/*B*/").containsKey("inLambda"));
            Map<String, ScopeVariable> c = at(index, file, "/*C*/");
            assertTrue(c.containsKey("e") && c.get("e").assignableTo().contains("java.lang.Exception"), c.toString());
            assertTrue(c.containsKey("r") && !c.containsKey("inLambda"), "r is declared before the try, inLambda inside the lambda: " + c.keySet());

            Map<String, ScopeVariable> d = at(index, file, "/*D*/");
            assertEquals(List.of("n", "counter"), List.copyOf(d.keySet()), "a static method sees static fields only");
            assertTrue(d.get("n").assignableTo().contains("java.lang.Long"));

            Path report = fixture.path("src/main/java/demo/app/Report.java");
            String text = FixtureWorkspace.REPORT;
            Map<String, ScopeVariable> inDescribe = at(index, report, text, text.indexOf("return label"));
            assertTrue(inDescribe.get("c").assignableTo().contains("demo.shapes.Shape"), "a workspace type, resolved: " + inDescribe);
            assertEquals(Map.of(), at(index, fixture.path("scripts/area.py"), "x = 1", 2), "other files have none");
        }
    }

    private static final String STATIC_PLACES = """
            package demo.app;

            public class Places {
                private final int width = 1;
                static final int LIMIT = 3;
                static final int TWICE = LIMIT * 2 /*E*/;

                Places(int depth) {
                    this(depth, 0 /*F*/);
                }

                Places(int depth, int extra) {
                    int used = width /*G*/;
                }

                enum Level {
                    LOW(1 /*H*/),
                    HIGH(2) {
                        int boost = 2;

                        @Override
                        int weight() {
                            return boost /*I*/;
                        }
                    };

                    private final int code;
                    static final int COUNT = 2;

                    Level(int code) {
                        this.code = code;
                    }

                    int weight() {
                        return code /*J*/;
                    }
                }

                interface Sized {
                    class Fixed {
                        int size;
                        void show() {
                            /*K*/
                        }
                    }
                }
            }
            """;

    /**
     * Places where code runs without the enclosing object see none of its fields: a static field's initialiser, a
     * this(...) or super(...)'s arguments, an enum constant's arguments and body, and nested enums, records and
     * interfaces (static though not declared so), and classes nested in an interface.
     */
    @Test
    void staticPlacesSeeNoInstanceFieldsOfTheObjectAroundThem() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path file = fixture.write("src/main/java/demo/app/Places.java", STATIC_PLACES);
            java.util.function.Function<String, java.util.Set<String>> names =
                    marker -> at(index, file, STATIC_PLACES, STATIC_PLACES.indexOf(marker)).keySet();
            assertEquals(java.util.Set.of("LIMIT", "TWICE"), names.apply("/*E*/"), "a static field's initialiser");
            assertEquals(java.util.Set.of("depth", "LIMIT", "TWICE"), names.apply("/*F*/"), "this(...)'s arguments");
            assertEquals(java.util.Set.of("used", "depth", "extra", "width", "LIMIT", "TWICE"), names.apply("/*G*/"), "a constructor's body sees them");
            assertEquals(java.util.Set.of("LOW", "HIGH", "COUNT", "LIMIT", "TWICE"), names.apply("/*H*/"), "an enum constant's arguments");
            assertEquals(java.util.Set.of("boost", "LOW", "HIGH", "COUNT", "LIMIT", "TWICE"), names.apply("/*I*/"),
                    "an enum constant's body: its own fields, not the enum's private ones nor the outer object's");
            assertEquals(java.util.Set.of("code", "LOW", "HIGH", "COUNT", "LIMIT", "TWICE"), names.apply("/*J*/"), "a nested enum is static");
            assertEquals(java.util.Set.of("size", "LIMIT", "TWICE"), names.apply("/*K*/"), "a class in an interface is static");
        }
    }

    private static Map<String, ScopeVariable> at(WorkspaceIndex index, Path file, String marker) {
        return at(index, file, TEXT, TEXT.indexOf(marker));
    }

    private static Map<String, ScopeVariable> at(WorkspaceIndex index, Path file, String text, int offset) {
        return index.variablesInScope(file, text, offset).stream()
                .collect(Collectors.toMap(ScopeVariable::name, v -> v, (x, y) -> x, java.util.LinkedHashMap::new));
    }
}
