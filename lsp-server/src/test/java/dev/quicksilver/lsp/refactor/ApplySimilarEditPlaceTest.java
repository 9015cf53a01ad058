package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where an inserted argument or parameter may go again: where its anchor stands as it did in the example. */
class ApplySimilarEditPlaceTest {
    @Test
    void theAnchorMustStandAfterTheSameKindOfTextAndBeforeTheSameCharacter() {
        String declaration = "f(String name)";
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(declaration, 9, 13, "g(int name) {", 6, 10), "another declaration's name");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(declaration, 9, 13, "return \"Hi \" + name;", 15, 19), "a use of the name");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(declaration, 9, 13, "g(String name, int n)", 9, 13), "not the last parameter");
        String call = "reserve(item.quantity())";
        assertTrue(ApplySimilarEditRefactoring.sameSurroundings(call, 13, 23, "reserve(first.quantity())", 14, 24), "the same call elsewhere");
        assertFalse(ApplySimilarEditRefactoring.sameSurroundings(call, 13, 23, "int n = first.quantity();", 14, 24), "not an argument");
    }
}
