package dev.quicksilver.lsp.completion;

import java.util.Optional;

/**
 * The last completion shown for a document: the buffer it was computed for, where, the text shown, and the edit
 * that adds the imports it needs (null: none; above the completion, so typing it through leaves it valid). When the
 * user then types the start of that text, the rest of it is the next answer, without asking the model again (as
 * Copilot and Tabby keep a suggestion while it is typed through): the answer comes at once, and it does not change
 * its mind halfway through a line it got right.
 *
 * <p>Immutable; the session keeps one per open document.
 */
public record ShownCompletion(String buffer, int offset, String text, org.eclipse.lsp4j.TextEdit imports) {
    public ShownCompletion(String buffer, int offset, String text) {
        this(buffer, offset, text, null);
    }

    /**
     * What is left of this completion in {@code now} with the cursor at {@code cursor}: present only when the one
     * change since is the insertion, at the completion's offset, of a proper start of its text, and the rest is
     * more than whitespace.
     */
    public Optional<String> rest(String now, int cursor) {
        int typed = cursor - offset;
        if (typed <= 0 || typed >= text.length() || now.length() != buffer.length() + typed) return Optional.empty();
        boolean sameBefore = now.regionMatches(0, buffer, 0, offset);
        boolean sameAfter = now.regionMatches(cursor, buffer, offset, buffer.length() - offset);
        boolean typedTheStart = now.regionMatches(offset, text, 0, typed);
        String rest = text.substring(typed);
        return sameBefore && sameAfter && typedTheStart && !rest.isBlank() ? Optional.of(rest) : Optional.empty();
    }
}
