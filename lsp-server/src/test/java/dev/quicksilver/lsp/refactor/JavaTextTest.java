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
        String block = "\"\"\"\n  say \"hi, there (one quote)\n  \"\"\"";
        assertEquals(List.of(block, "2"), JavaText.splitTopLevel(block + ", 2"), "a text block holds quotes and commas");
    }

    @Test
    void aCreationsArgumentsCloseBeforeItsClassBody() {
        String plain = "list.add(f(a), \"x)\")";
        assertEquals(plain.length() - 1, JavaText.argumentsClose(plain, 0, plain.length()));
        String statement = "super(name, 3);\n";
        assertEquals(statement.indexOf(';') - 1, JavaText.argumentsClose(statement, 0, statement.length()));
        String anonymous = "make().new Shape(\"tri\", new int[] {3}) {\n  // it's not a { brace\n  int x = '{';\n}";
        assertEquals(anonymous.indexOf(") {"), JavaText.argumentsClose(anonymous, 0, anonymous.length()));
        String constant = "/** The green one (not {@code RED}). */\n@Deprecated(since = \"2\")\nGREEN(0, \"#0f0\") { }";
        assertEquals(constant.indexOf(") {"), JavaText.argumentsClose(constant, 0, constant.length()));
        assertEquals(-1, JavaText.argumentsClose("RED", 0, 3), "an enum constant without arguments");
        String bare = "/** Not (this). */\n@SuppressWarnings({\"a\", \"b\"}) LOW {\n}";
        assertEquals(bare.indexOf(" {\n}"), JavaText.bareEnumConstantEnd(bare, 0, bare.length()));
        assertEquals(3, JavaText.bareEnumConstantEnd("LOW", 0, 3));
        assertEquals(-1, JavaText.bareEnumConstantEnd("LOW(1)", 0, 6), "it has arguments");
        assertEquals(-1, JavaText.bareEnumConstantEnd("a.b()", 0, 5), "a call");
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
