package dev.quicksilver.lsp.refactor;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One place a refactor edits: {@code [start, end)} of {@code file}'s current text becomes
 * {@code before + finish(model text) + after}. The model sees the file around the place, with the hole between
 * {@code before} and {@code after}, and {@code context} (what the refactor is about) ahead of it.
 *
 * <p>{@code candidates}, when it gives any, makes the hole a choice: the model picks the candidate it scores
 * highest instead of writing (the variables in sight of a parameter's type, say). A supplier, since finding them
 * compiles the file: that is done when the refactor runs, not when it is listed.
 */
public record Site(Path file, int start, int end, String before, String after, String context, int maxTokens,
                   UnaryOperator<String> finish, Fallback fallback, Supplier<List<String>> candidates, String caveat) {
    /**
     * A site whose text may change what the code does (a method reference's receiver evaluated at each call once
     * it is a lambda): {@code caveat} says how, and is reported where the text goes in, as a fallback's note is.
     */
    public Site(Path file, int start, int end, String before, String after, String context, int maxTokens,
                UnaryOperator<String> finish, Fallback fallback, Supplier<List<String>> candidates) {
        this(file, start, end, before, after, context, maxTokens, finish, fallback, candidates, null);
    }

    /**
     * What the hole gets instead when the model's answer is not usable ({@code finish} returns {@code text} then) or
     * does not compile there ({@link CompileCheck}). Compile errors within {@code [checkFrom, checkTo)} (offsets into
     * the current text, around the site's {@code [start, end)}: the whole call for an argument, say) count against
     * the answer. An {@code optional} site (a place found by similarity, which may not be similar after all) is left
     * as it was when what it would get adds a compile error there that the file without it does not have.
     *
     * <p>The text may come from a supplier that is asked only when the refactor runs: add-parameter's fallback is a
     * variable of the parameter's name only where the compiler sees one at the site, and finding that compiles the
     * file, which listing a refactor must not do.
     */
    public record Fallback(Supplier<String> textSource, int checkFrom, int checkTo, boolean optional) {
        public Fallback(String text, int checkFrom, int checkTo, boolean optional) {
            this(() -> text, checkFrom, checkTo, optional);
        }

        public String text() {
            return textSource.get();
        }
    }

    /** A site the model writes (no candidates). */
    public Site(Path file, int start, int end, String before, String after, String context, int maxTokens,
                UnaryOperator<String> finish, Fallback fallback) {
        this(file, start, end, before, after, context, maxTokens, finish, fallback, List::of);
    }

    /**
     * A site decided without the model: {@code text} in place of {@code [start, end)} (a renamed name, a rewritten
     * Javadoc tag), checked there alone.
     */
    public static Site decided(Path file, int start, int end, String text, String context) {
        return new Site(file, start, end, "", "", context, 1, modelText -> text, new Fallback(text, start, end, false), () -> List.of(text));
    }

    public Site {
        if (fallback.checkFrom() > start || fallback.checkTo() < end || start > end) {
            throw new IllegalArgumentException("a site's check region [" + fallback.checkFrom() + ", " + fallback.checkTo()
                    + ") must contain its edit [" + start + ", " + end + ")");
        }
    }
}
