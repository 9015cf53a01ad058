package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where an inserted argument or parameter may go again: where its anchor stands as it did in the example. */
class ApplySimilarEditPlaceTest {
    @Test
    void theAnchorMustStandAfterTheSameKindOfTextAndBeforeTheSameCharacter() {
        String declaration = "f(String name)";
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(declaration, 9, 13, "g(int name) {", 6, 10, false), "another declaration's name");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(declaration, 9, 13, "return \"Hi \" + name;", 15, 19, false), "a use of the name");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(declaration, 9, 13, "g(String name, int n)", 9, 13, false), "not the last parameter");
        String call = "reserve(item.quantity())";
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(call, 13, 23, "reserve(first.quantity())", 14, 24, false), "the same call elsewhere");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(call, 13, 23, "int n = first.quantity();", 14, 24, false), "not an argument");
    }

    @Test
    void aKeywordBeforeTheWordMustBeTheSameKeyword() {
        String thrown = "throw new NullPointerException(\"x\");";
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(thrown, 10, 21, "  throw new NullPointerException();", 12, 23, false), "another throw");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(thrown, 10, 21, " * @throws NullPointerException if x is null", 11, 22, false), "a javadoc tag");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(thrown, 10, 21, "} catch (final NullPointerException e) {", 15, 26, false), "a catch");
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings("f(String name)", 9, 13, "g(int name) {", 6, 10, false), "a primitive type is a name");
        String call = "inventory.reserve(sku)";
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(call, 10, 11, "from.reserve(sku)", 5, 6, false), "the first letter of the same word");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(call, 10, 11, "from.reserve(sku)", 9, 10, false), "its fifth letter, also an r");
    }

    @Test
    void aReplacedExpressionMayEndWhereAnotherExpressionEnds() {
        String condition = "if (chars.length() == 0) {";
        int at = condition.indexOf("length");
        String returned = "return cs == null || cs.length() == 0;";
        int there = returned.indexOf("length");
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(condition, at, at + 13, returned, there, there + 13, true), "a statement's end");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(condition, at, at + 13, returned, there, there + 13, false), "an insertion's anchor");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(condition, at, at + 13, "x = s.length() == 0 ? 1 : 2;", 6, 19, true), "not an end");
    }

    @Test
    void wholeLinesReplacedFitAnywhere() {
        String lines = "        if (map == null) {\n            throw new NullPointerException();\n        }";
        String site = "    void f(Map map) {\n        if (map == null) {\n            throw new NullPointerException();\n        }\n        g();";
        int at = site.indexOf("if (map");
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(lines, 8, lines.length(), site, at, at + lines.length() - 8, false),
                "the example says nothing of what is around its lines");
    }

    @Test
    void onlyTheSameWordChangedTheSameWayIsDecided() {
        String thrown = "throw new NullPointerException(\"x\");";
        assertTrue(ApplySimilarEditRefactoring.renamesTheSameWord(thrown, 10, "NullPointer", "IllegalArgument", "new NullPointerException()", 4));
        assertFalse(ApplySimilarEditRefactoring.renamesTheSameWord(thrown, 10, "NullPointer", "IllegalArgument", "new NullPointerFault()", 4), "another word");
        assertTrue(ApplySimilarEditRefactoring.renamesTheSameWord("f(a, 100)", 5, "1", "2", "g(b, 100)", 5), "the same number");
        assertFalse(ApplySimilarEditRefactoring.renamesTheSameWord("f(a, 100)", 5, "1", "2", "g(b, 10)", 5), "another number");
        assertFalse(ApplySimilarEditRefactoring.renamesTheSameWord("reserve(q)", 8, "q", "q, id", "reserve(q)", 8), "an insertion: not a word");
    }
}
