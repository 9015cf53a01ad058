package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.lsp.refactor.ChangeSignatureRefactoring.Change;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How change-signature reads a change of parameter list, and how it rebuilds a list the new way. */
class ChangeSignatureChangeTest {
    private static Change change(List<String> old, List<String> now) {
        return Change.between(old, now).orElseThrow();
    }

    @Test
    void parametersAreMatchedByNameThenARenamedOneByItsType() {
        Change c = change(List.of("String sku", "int quantity", "boolean rush"), List.of("int quantity", "final String item", "double discount"));
        assertArrayEquals(new int[] {1, 0, -1}, c.from());
        assertEquals(List.of(2), c.added());
        assertEquals(List.of(2), c.removed());
        assertTrue(c.reordered());
        assertFalse(c.ofOneKind());
        assertEquals(List.of("q", "s", "new2"), c.arrange(List.of("s", "q", "r"), i -> "new" + i));
    }

    @Test
    void twoUnmatchedOfOneTypeAreNoRename() {
        // (int a, int b) -> (int c): which of a and b became c is not known, so c is new and both are dropped.
        Change c = change(List.of("int a", "int b"), List.of("int c"));
        assertArrayEquals(new int[] {-1}, c.from());
        assertEquals(List.of(0, 1), c.removed());
        assertEquals(List.of(1, 2), change(List.of("int a"), List.of("int a", "int b", "String c")).added());
        // (int lo, int hi) -> (int start, int end): as many of the type on each side, renamed in their order.
        Change both = change(List.of("int lo", "int hi", "String s"), List.of("int start", "int end", "String s"));
        assertArrayEquals(new int[] {0, 1, 2}, both.from());
        assertEquals(java.util.Map.of("lo", "start", "hi", "end"), both.renamed());
        assertArrayEquals(new int[] {2, 0, 1}, change(List.of("int lo", "int hi", "String s"), List.of("String s", "int end", "int start")).from());
        assertEquals(Optional.empty(), Change.between(List.of("int a", "int a"), List.of("int a")), "names repeat");
        assertEquals(Optional.empty(), Change.between(List.of("int a", "String b"), List.of("String b", "int a", "String")), "half typed");
        assertEquals(Optional.empty(), Change.between(List.of("int a", "String b"), List.of("b, a + 1")), "a call's arguments");
    }

    @Test
    void changesOfOneKindAreLeftToTheOtherRefactors() {
        assertTrue(change(List.of("int a", "int b"), List.of("int a", "int b", "int c")).ofOneKind(), "one added");
        assertTrue(change(List.of("int a", "int b"), List.of("int b")).ofOneKind(), "one removed");
        assertTrue(change(List.of("int a", "String b"), List.of("String b", "int a")).ofOneKind(), "reordered");
        assertTrue(change(List.of("int a", "String b"), List.of("int x", "String b")).ofOneKind(), "renamed");
        assertFalse(change(List.of("int a", "String b"), List.of("String c", "int a")).ofOneKind(), "renamed and reordered");
        assertFalse(change(List.of("int a", "String b"), List.of("int a", "String c", "long d")).ofOneKind(), "renamed and one added");
        assertFalse(change(List.of("int a", "String b", "long c"), List.of("int a")).ofOneKind(), "two removed");
        assertFalse(change(List.of("int a", "String b"), List.of("String b", "int a", "long c")).ofOneKind(), "reordered and one added");
        assertFalse(change(List.of("int a"), List.of("int a", "long b", "String c")).ofOneKind(), "two added");
    }

    @Test
    void aTypeIsReadWithoutAnnotationsModifiersAndBlanks() {
        assertEquals("String", Change.typeOf("final @Nullable String s"));
        assertEquals("Map<String,List<Integer>>", Change.typeOf("@Deprecated(since = \"1\") Map<String, List<Integer>> m"));
        assertEquals("int...", Change.typeOf("int... values"));
    }

    @Test
    void aListIsRebuiltWithItsLineBreaksByPlace() {
        String call = "f(a,\n  b, c)";
        Change c = change(List.of("int a", "int b", "int c"), List.of("int c", "long d", "int a"));
        assertEquals(List.of("c,\n  ", ", a"), ChangeSignatureRefactoring.rebuilt(call, 1, call.length() - 1, c).orElseThrow());
        assertEquals(Optional.empty(), ChangeSignatureRefactoring.rebuilt("f(a, b)", 1, 6, c), "not the old number of arguments");
        Change dropAll = change(List.of("int a", "String b"), List.of());
        assertEquals(List.of(""), ChangeSignatureRefactoring.rebuilt("f(1, \"x\")", 1, 8, dropAll).orElseThrow());
        // Two new arguments: three parts around them.
        Change twoNew = change(List.of("int a", "int b"), List.of("int b", "long x", "int a", "long y"));
        assertEquals(List.of("b, ", ", a, ", ""), ChangeSignatureRefactoring.rebuilt("f(a, b)", 1, 6, twoNew).orElseThrow());
    }
}
