package dev.quicksilver.lsp.completion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Typing through a shown completion: its rest only while the one change is typing its start at its place. */
class ShownCompletionTest {
    private static final String BEFORE = "class A {\n    int f() {\n        ";
    private static final String AFTER = "\n    }\n}\n";
    private final ShownCompletion shown = new ShownCompletion(BEFORE + AFTER, BEFORE.length(), "return 42;");

    private Optional<String> afterTyping(String typed) {
        return shown.rest(BEFORE + typed + AFTER, BEFORE.length() + typed.length());
    }

    @Test
    void theRestWhileTheStartIsTyped() {
        assertEquals(Optional.of("eturn 42;"), afterTyping("r"));
        assertEquals(Optional.of("42;"), afterTyping("return "));
        assertEquals(Optional.of(";"), afterTyping("return 42"));
    }

    @Test
    void nothingOnceTheTypingLeavesTheCompletionOrAnythingElseChanged() {
        assertEquals(Optional.empty(), afterTyping(""), "nothing typed: ask the model");
        assertEquals(Optional.empty(), afterTyping("return 42;"), "all of it typed");
        assertEquals(Optional.empty(), afterTyping("ret "), "typed something else");
        assertEquals(Optional.empty(), shown.rest("// edit\n" + BEFORE + "r" + AFTER, "// edit\n".length() + BEFORE.length() + 1),
                "a change elsewhere as well");
        assertEquals(Optional.empty(), shown.rest(BEFORE + "r" + AFTER + " ", BEFORE.length() + 1), "a change after the cursor");
        assertEquals(Optional.empty(), shown.rest(BEFORE + "r" + AFTER, BEFORE.length()), "the cursor is not after the typed text");
        ShownCompletion spaced = new ShownCompletion(BEFORE + AFTER, BEFORE.length(), "x;   ");
        assertEquals(Optional.empty(), spaced.rest(BEFORE + "x;" + AFTER, BEFORE.length() + 2), "only whitespace is left");
    }
}
