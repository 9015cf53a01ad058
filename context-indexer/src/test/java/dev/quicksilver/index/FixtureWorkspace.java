package dev.quicksilver.index;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A small Maven workspace with known answers, written into a temp folder: shapes (an interface, three
 * implementations, one overriding another), a report that calls them, a class using a jar from a local Maven
 * repository, a broken file, other languages, and the hostile cases (binary file named .java, a symlink loop,
 * ignored and build-output folders).
 */
final class FixtureWorkspace {
    final Path root;
    final Path mavenRepository;

    static final String SHAPE = """
            package demo.shapes;

            /** A plane figure. Implementations are immutable. */
            public interface Shape {
                /** Area of the shape, in square units. Never negative. */
                double area();

                String name();
            }
            """;
    static final String CIRCLE = """
            package demo.shapes;

            public class Circle implements Shape {
                private final double radius;

                public Circle(double radius) {
                    this.radius = radius;
                }

                @Override
                public double area() {
                    return Math.PI * radius * radius;
                }

                @Override
                public String name() {
                    return "circle";
                }
            }
            """;
    static final String SQUARE = """
            package demo.shapes;

            public class Square implements Shape {
                protected final double side;

                public Square(double side) {
                    this.side = side;
                }

                public double area() {
                    return side * side;
                }

                public String name() {
                    return "square";
                }
            }
            """;
    static final String ROUNDED_SQUARE = """
            package demo.shapes;

            /** A square with rounded corners. */
            public class RoundedSquare extends Square {
                private final double cornerRadius;

                public RoundedSquare(double side, double cornerRadius) {
                    super(side);
                    this.cornerRadius = cornerRadius;
                }

                @Override
                public double area() {
                    double corner = (4 - Math.PI) * cornerRadius * cornerRadius;
                    return super.area() - corner;
                }
            }
            """;
    /** Line numbers (zero-based) below are asserted by the tests. */
    static final String REPORT = """
            package demo.app;

            import demo.shapes.Circle;
            import demo.shapes.Shape;
            import demo.shapes.Square;
            import java.util.List;

            public class Report {
                public double total(List<Shape> shapes) {
                    double sum = 0;
                    for (Shape s : shapes) {
                        sum += s.area();
                    }
                    return sum;
                }

                public String describe() {
                    Shape c = new Circle(2);
                    String label = c.name() + " " + c.area();
                    return label.trim() + new Square(3).name().length();
                }
            }
            """;
    static final String GREETING = """
            package demo.app;

            import com.example.lib.Greeter;

            public class Greeting {
                public String hello() {
                    return new Greeter().greet("world");
                }
            }
            """;
    static final String BROKEN = """
            package demo.app;

            public class Broken {
                public void fine() {
                    System.out.println("ok");
                }

                public void broken( {
                    int x = ;
                }
            """;
    static final String TOTALS = """
            package demo.app;

            import demo.shapes.Shape;
            import java.util.List;

            public class Totals {
                public double sumOfAreas(List<Shape> items) {
                    double sum = 0;
                    for (Shape item : items) {
                        sum += item.area();
                    }
                    return sum;
                }
            }
            """;
    static final String POM = """
            <project>
              <modelVersion>4.0.0</modelVersion>
              <groupId>demo</groupId>
              <artifactId>shapes</artifactId>
              <version>1.0</version>
              <properties><lib.version>1.0</lib.version></properties>
              <dependencies>
                <dependency><groupId>com.example</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency>
                <dependency><groupId>com.example</groupId><artifactId>absent</artifactId><version>9.9</version></dependency>
              </dependencies>
            </project>
            """;

    private FixtureWorkspace(Path root, Path mavenRepository) {
        this.root = root;
        this.mavenRepository = mavenRepository;
    }

    /** Writes the workspace under {@code base/ws} and a local Maven repository under {@code base/m2}. */
    static FixtureWorkspace create(Path base) throws IOException {
        Path ws = Files.createDirectories(base.resolve("ws"));
        Path m2 = Files.createDirectories(base.resolve("m2"));
        FixtureWorkspace f = new FixtureWorkspace(ws, m2);
        f.write("pom.xml", POM);
        f.write("src/main/java/demo/shapes/Shape.java", SHAPE);
        f.write("src/main/java/demo/shapes/Circle.java", CIRCLE);
        f.write("src/main/java/demo/shapes/Square.java", SQUARE);
        f.write("src/main/java/demo/shapes/RoundedSquare.java", ROUNDED_SQUARE);
        f.write("src/main/java/demo/app/Report.java", REPORT);
        f.write("src/main/java/demo/app/Greeting.java", GREETING);
        f.write("src/main/java/demo/app/Broken.java", BROKEN);
        f.write("src/main/java/demo/app/Totals.java", TOTALS);
        f.write("scripts/area.py", """
                def total_area(shapes):
                    return sum(shape.area() for shape in shapes)
                """);
        f.write("docs/notes.md", "# Notes\nThe report sums the area of every shape.\n");
        f.write(".gitignore", "generated/\n*.log\n!keep.log\n");
        f.write("generated/Generated.java", "package generated; public class Generated { void area() {} }\n");
        f.write("debug.log", "ignored log\n");
        f.write("keep.log", "re-included log\n");
        f.write("target/classes/Stale.java", "public class Stale {}\n");
        f.write(".git/config", "[core]\n");
        // A binary file with a .java name: NUL bytes in its head.
        byte[] binary = new byte[4096];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) (i % 7 == 0 ? 0 : 'A' + i % 26);
        Files.write(ws.resolve("src/main/java/demo/app/Fake.java"), binary);
        // A symlink loop: ws/loop/back -> ws
        Files.createDirectories(ws.resolve("loop"));
        Files.createSymbolicLink(ws.resolve("loop/back"), ws);
        installGreeterJar(m2.resolve("com/example/lib/1.0"), base.resolve("greeter-build"));
        return f;
    }

    Path path(String relative) {
        return root.resolve(relative);
    }

    Path write(String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    IndexSettings.Builder settings(Path dataDirectory) {
        return IndexSettings.builder(root).dataDirectory(dataDirectory).mavenRepository(mavenRepository)
                .debounce(java.time.Duration.ofMillis(50));
    }

    /** Compiles com.example.lib.Greeter with the running JDK's javac and installs it as lib-1.0.jar. */
    private static void installGreeterJar(Path artifactDir, Path scratch) throws IOException {
        Path src = scratch.resolve("src/com/example/lib/Greeter.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package com.example.lib;
                public class Greeter {
                    public String greet(String who) { return "hello " + who; }
                }
                """);
        Path classes = Files.createDirectories(scratch.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), src.toString());
        if (rc != 0) throw new IllegalStateException("javac failed on the fixture jar");
        Files.createDirectories(artifactDir);
        try (OutputStream out = Files.newOutputStream(artifactDir.resolve("lib-1.0.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("com/example/lib/Greeter.class"));
            jar.write(Files.readAllBytes(classes.resolve("com/example/lib/Greeter.class")));
            jar.closeEntry();
        }
        Files.writeString(artifactDir.resolve("lib-1.0.pom"), """
                <project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>
                <artifactId>lib</artifactId><version>1.0</version></project>
                """);
    }
}
