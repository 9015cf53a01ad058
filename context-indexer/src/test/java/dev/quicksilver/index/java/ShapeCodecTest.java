package dev.quicksilver.index.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jdt.internal.compiler.env.ClassSignature;
import org.eclipse.jdt.internal.compiler.env.EnumConstantSignature;
import org.eclipse.jdt.internal.compiler.env.IBinaryField;
import org.eclipse.jdt.internal.compiler.env.IBinaryMethod;
import org.eclipse.jdt.internal.compiler.env.IBinaryNestedType;
import org.eclipse.jdt.internal.compiler.env.IRecordComponent;
import org.eclipse.jdt.internal.compiler.impl.Constant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Type shapes survive the persisted index's stored form: every shape of a fixture with constants of every kind,
 * annotation defaults, an enum, a record, generics and member types is written, read back, and compared getter by
 * getter with the shape taken from JDT.
 */
class ShapeCodecTest {
    @TempDir
    Path tmp;

    static final String SOURCE = """
            package p;

            import java.util.List;

            public class Kinds<T extends Comparable<T>> implements Comparable<Kinds<T>> {
                public static final int I = 7;
                public static final long L = -8L;
                public static final double D = 0.5;
                public static final float F = 1.5f;
                public static final boolean B = true;
                public static final char C = 'c';
                public static final byte BY = 3;
                public static final short S = 4;
                public static final String STR = "s\\u00e9";
                protected List<? super T> items;

                public <E extends Exception> T pick(List<T> from, int at) throws E { return from.get(at); }

                @Override public int compareTo(Kinds<T> o) { return 0; }

                public enum Color { RED, GREEN }

                public record Pair<A>(A first, int second) { }

                public @interface Tag {
                    int count() default 2;
                    String name() default "n";
                    Class<?> type() default String.class;
                    Color color() default Color.GREEN;
                    String[] names() default {"a", "b"};
                }

                class Inner { }
            }
            """;

    @Test
    void everyShapeOfTheFixtureReadsBackAsTaken() throws Exception {
        Path root = tmp.resolve("src/main/java");
        Path file = root.resolve("p/Kinds.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, SOURCE);
        WorkspaceTypes types = new WorkspaceTypes();
        JavaIndexer indexer = new JavaIndexer(new JavaEnvironment(List.of(root), List.of(), false), 1 << 20, types);
        indexer.indexAll(List.of(file), 10, 1, facts -> { }, problem -> { });
        List<String> names = List.of("p/Kinds", "p/Kinds$Color", "p/Kinds$Pair", "p/Kinds$Tag", "p/Kinds$Inner");
        for (String name : names) assertTrue(types.shape(name).isPresent(), name + " has a shape");

        byte[] stored = types.stored(file);
        assertNotNull(stored);
        WorkspaceTypes restored = new WorkspaceTypes();
        assertTrue(restored.restore(file, stored));
        assertEquals(types.size(), restored.size());
        assertArrayEquals(stored, restored.stored(file), "writing what was read gives the same bytes");
        for (String name : names) assertSameShape(types.shape(name).orElseThrow(), restored.shape(name).orElseThrow());

        // The constants and defaults are there, not just equal nulls.
        TypeShape kinds = restored.shape("p/Kinds").orElseThrow();
        assertEquals("s\u00e9", field(kinds, "STR").getConstant().stringValue());
        assertEquals(-8L, field(kinds, "L").getConstant().longValue());
        TypeShape tag = restored.shape("p/Kinds$Tag").orElseThrow();
        assertEquals(2, ((Constant) method(tag, "count").getDefaultValue()).intValue());
        assertEquals("Ljava/lang/String;", String.valueOf(((ClassSignature) method(tag, "type").getDefaultValue()).getTypeName()));
        assertEquals("GREEN", String.valueOf(((EnumConstantSignature) method(tag, "color").getDefaultValue()).getEnumConstantName()));
        assertEquals(2, ((Object[]) method(tag, "names").getDefaultValue()).length);
        assertNotNull(restored.shape("p/Kinds$Pair").orElseThrow().getRecordComponents());
    }

    private static IBinaryField field(TypeShape type, String name) {
        return Arrays.stream(type.getFields()).filter(f -> String.valueOf(f.getName()).equals(name)).findFirst().orElseThrow();
    }

    private static IBinaryMethod method(TypeShape type, String name) {
        return Arrays.stream(type.getMethods()).filter(m -> String.valueOf(m.getSelector()).equals(name)).findFirst().orElseThrow();
    }

    private static void assertSameShape(TypeShape a, TypeShape b) {
        String n = a.binaryName();
        assertArrayEquals(a.getName(), b.getName(), n);
        assertArrayEquals(a.getSourceName(), b.getSourceName(), n);
        assertArrayEquals(a.getFileName(), b.getFileName(), n);
        assertEquals(a.getModifiers(), b.getModifiers(), n);
        assertEquals(a.getTagBits(), b.getTagBits(), n);
        assertArrayEquals(a.getSuperclassName(), b.getSuperclassName(), n);
        assertEquals(strings(a.getInterfaceNames()), strings(b.getInterfaceNames()), n);
        assertEquals(strings(a.getPermittedSubtypesNames()), strings(b.getPermittedSubtypesNames()), n);
        assertArrayEquals(a.getGenericSignature(), b.getGenericSignature(), n);
        assertArrayEquals(a.getEnclosingTypeName(), b.getEnclosingTypeName(), n);
        assertEquals(a.isRecord(), b.isRecord(), n);
        assertEquals(a.getMemberTypes().length, b.getMemberTypes().length, n);
        for (int i = 0; i < a.getMemberTypes().length; i++) {
            IBinaryNestedType x = a.getMemberTypes()[i];
            IBinaryNestedType y = b.getMemberTypes()[i];
            assertArrayEquals(x.getName(), y.getName(), n);
            assertArrayEquals(x.getEnclosingTypeName(), y.getEnclosingTypeName(), n);
            assertEquals(x.getModifiers(), y.getModifiers(), n);
        }
        assertEquals(a.getFields().length, b.getFields().length, n);
        for (int i = 0; i < a.getFields().length; i++) assertSameField(a.getFields()[i], b.getFields()[i], n);
        assertEquals(a.getMethods().length, b.getMethods().length, n);
        for (int i = 0; i < a.getMethods().length; i++) {
            IBinaryMethod x = a.getMethods()[i];
            IBinaryMethod y = b.getMethods()[i];
            String m = n + "." + String.valueOf(x.getSelector());
            assertArrayEquals(x.getSelector(), y.getSelector(), m);
            assertArrayEquals(x.getMethodDescriptor(), y.getMethodDescriptor(), m);
            assertArrayEquals(x.getGenericSignature(), y.getGenericSignature(), m);
            assertEquals(x.getModifiers(), y.getModifiers(), m);
            assertEquals(strings(x.getExceptionTypeNames()), strings(y.getExceptionTypeNames()), m);
            assertEquals(x.getTagBits(), y.getTagBits(), m);
            assertEquals(value(x.getDefaultValue()), value(y.getDefaultValue()), m);
        }
        IRecordComponent[] ra = a.getRecordComponents();
        IRecordComponent[] rb = b.getRecordComponents();
        assertEquals(ra == null, rb == null, n);
        if (ra != null) {
            assertEquals(ra.length, rb.length, n);
            for (int i = 0; i < ra.length; i++) assertSameField((IBinaryField) ra[i], (IBinaryField) rb[i], n);
        }
    }

    private static void assertSameField(IBinaryField x, IBinaryField y, String n) {
        String f = n + "." + String.valueOf(x.getName());
        assertArrayEquals(x.getName(), y.getName(), f);
        assertArrayEquals(x.getTypeName(), y.getTypeName(), f);
        assertArrayEquals(x.getGenericSignature(), y.getGenericSignature(), f);
        assertEquals(x.getModifiers(), y.getModifiers(), f);
        assertEquals(x.getTagBits(), y.getTagBits(), f);
        assertEquals(value(x.getConstant()), value(y.getConstant()), f);
    }

    private static List<String> strings(char[][] names) {
        if (names == null) return null;
        List<String> out = new ArrayList<>();
        for (char[] name : names) out.add(String.valueOf(name));
        return out;
    }

    /** A comparable rendering of a constant or an annotation default. */
    private static String value(Object v) {
        return switch (v) {
            case null -> "null";
            case Constant c when c == Constant.NotAConstant -> "NotAConstant";
            case Constant c -> c.typeID() + ":" + c.stringValue();
            case Object[] array -> Arrays.stream(array).map(ShapeCodecTest::value).toList().toString();
            default -> v.toString();
        };
    }
}
