package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting argument and parameter lists: brackets, literals and type arguments hold commas; comparisons do not. */
class JavaTextTest {
    @Test
    void insertedTextTakesTheFilesLineEnds() {
        String crlf = "class A {\r\n}\r\n";
        assertEquals("\r\n    void f() {\r\n    }", JavaText.withLineEndsOf(crlf, "\n    void f() {\n    }"));
        assertEquals("a\r\nb", JavaText.withLineEndsOf(crlf, "a\r\nb"), "CRLF already: unchanged");
        assertEquals("\n    void f() {\n    }", JavaText.withLineEndsOf("class A {\n}\n", "\n    void f() {\n    }"), "an LF file keeps LF");
    }

    @Test
    void commasInsideTypeArgumentsBracketsAndLiteralsDoNotSplit() {
        assertEquals(List.of("Map<String, List<Integer>> byName", "int count"),
                JavaText.splitTopLevel("Map<String, List<Integer>> byName, int count"));
        assertEquals(List.of("new HashMap<String, Integer>()", "f(a, b)", "\"x, y\"", "','"),
                JavaText.splitTopLevel("new HashMap<String, Integer>(), f(a, b), \"x, y\", ','"));
        assertEquals(List.of("new ArrayList<>()", "new int[] {1, 2}"), JavaText.splitTopLevel("new ArrayList<>(), new int[] {1, 2}"));
        assertEquals(List.of(), JavaText.splitTopLevel("  "));
    }

    @Test
    void commentsAreSkippedWhenMatchingBrackets() {
        String body = "{\n  // don't close here: }\n  int x = '}'; /* nor } here */\n  String s = \"}\";\n}";
        assertEquals(body.length() - 1, JavaText.matchingClose(body, 0));
        assertEquals(List.of("a /* , */", "b // ,"), JavaText.splitTopLevel("a /* , */, b // , \n"));
    }

    @Test
    void lineAndColumnAreTheInverseOfOffsetOf() {
        String text = "\nab\ncd";
        for (int offset = 0; offset <= text.length(); offset++) {
            int line = JavaText.lineOf(text, offset);
            int column = JavaText.columnOf(text, offset);
            assertEquals(offset, JavaText.offsetOf(text, line, column), "offset " + offset);
        }
        assertEquals(0, JavaText.columnOf(text, 0));
        assertEquals(2, JavaText.lineOf(text, 4));
    }

    @Test
    void comparisonsAndLambdaArrowsAreNotTypeArguments() {
        assertEquals(List.of("i < n", "x"), JavaText.splitTopLevel("i < n, x"));
        assertEquals(List.of("a<b", "c > d"), JavaText.splitTopLevel("a<b, c > d"));
        assertEquals(List.of("v -> v > 0", "Map.Entry<K, V> e"), JavaText.splitTopLevel("v -> v > 0, Map.Entry<K, V> e"));
        assertEquals(List.of("size < MAX", "Math.max(lo, hi)"), JavaText.splitTopLevel("size < MAX, Math.max(lo, hi)"));
    }
}
