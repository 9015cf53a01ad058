package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SimilarSite;
import dev.quicksilver.lsp.documents.EditHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "Apply the edit the user just made to the similar places in the workspace." The edit is the changed lines
 * of the current document's last burst of typing ({@link EditHistory}); its core is the replaced text. Sites are
 * the places the lexical index finds similar to the edited lines that still contain the replaced text (the edited
 * place itself excluded). At each, the replaced text becomes a hole the model fills with the example edit in its
 * context; an answer that does not keep the example's bracket shape falls back to the example's new text.
 */
public final class ApplySimilarEditRefactoring implements Refactoring {
    static final double MIN_SCORE = 0.3;

    @Override
    public String name() {
        return "apply-similar-edit";
    }

    @Override
    public String description() {
        return "apply the edit just made to the similar places in the workspace";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        if (in.lastEdit().isEmpty()) return Optional.empty();
        EditHistory.Edit edit = in.lastEdit().get();
        int line = in.position().line();
        if (line < edit.startLine() - 1 || line > edit.afterEndLine() + 1) return Optional.empty();
        String oldCore = edit.oldCore();
        String newCore = edit.newCore();
        boolean insertion = oldCore.isBlank();
        if (insertion) {
            // A pure insertion: anchor it on the expression it follows ("quantity()" in "item.quantity(), id"),
            // so the sites are the places with the same expression.
            String left = leftAnchor(edit.before(), edit.commonPrefix());
            if (left.isBlank()) return Optional.empty();
            oldCore = left + oldCore;
            newCore = left + newCore;
        }
        int anchorStart = edit.commonPrefix() - oldCore.length();
        if (oldCore.isBlank() || oldCore.contains("\n") && oldCore.length() > 400) return Optional.empty();
        String finalNewCore = newCore;
        String context = "// the same change was made nearby:\n// - " + edit.before().strip().replace("\n", "\n// - ")
                + "\n// + " + edit.after().strip().replace("\n", "\n// + ") + "\n";
        List<Site> sites = new ArrayList<>();
        for (SimilarSite s : in.index().similarSites(edit.before(), 40)) {
            if (s.score() < MIN_SCORE) continue;
            Path file = s.path();
            String text = in.text(file);
            int from = JavaText.lineStartOffset(text, s.startLine());
            int to = JavaText.lineStartOffset(text, s.endLine() + 2); // one line of slack: a statement split over lines
            int occ = text.indexOf(oldCore, from);
            while (occ >= 0 && occ + oldCore.length() <= to) {
                int at = occ;
                int occLine = (int) text.substring(0, occ).chars().filter(c -> c == '\n').count();
                boolean edited = file.equals(in.file()) && occLine >= edit.startLine() && occLine <= edit.afterEndLine();
                // An inserted argument or parameter goes where the anchor stands as it did in the edit: after the
                // same kind of text and before the same character ("String name)" is not "+ name;").
                boolean samePlace = !insertion || sameSurroundings(edit.before(), anchorStart, edit.commonPrefix(), text, occ, occ + oldCore.length());
                if (!edited && samePlace && sites.stream().noneMatch(x -> x.file().equals(file) && x.start() == at)) {
                    int tokens = Math.max(8, Math.min(64, newCore.length() / 2 + 4));
                    // The site's lines: a changed call's errors are reported on its name, before the hole.
                    int lineStart = text.lastIndexOf('\n', Math.max(0, occ - 1)) + 1;
                    int lineEnd = text.indexOf('\n', occ + oldCore.length());
                    sites.add(new Site(file, occ, occ + oldCore.length(), "", "", context, tokens,
                            modelText -> replacement(modelText, finalNewCore),
                            new Site.Fallback(finalNewCore, Math.min(lineStart, occ), lineEnd < 0 ? text.length() : lineEnd, true)));
                }
                occ = text.indexOf(oldCore, occ + oldCore.length());
            }
        }
        if (sites.isEmpty()) return Optional.empty();
        String shown = oldCore.strip().length() > 30 ? oldCore.strip().substring(0, 30) + "..." : oldCore.strip();
        String title = "Apply this edit (`" + shown + "` -> `" + abbreviate(newCore.strip()) + "`) to " + sites.size()
                + " similar place" + (sites.size() == 1 ? "" : "s") + " in " + sites.stream().map(Site::file).distinct().count() + " file(s)";
        return Optional.of(new RefactorPlan(name(), title, sites));
    }

    /**
     * Whether {@code [start, end)} of {@code text} stands where {@code [exampleStart, exampleEnd)} of
     * {@code example} does: the same character after it, and before it the same character, or a name's last
     * character before both (a declaration's type, a keyword), whitespace skipped on both sides.
     */
    static boolean sameSurroundings(String example, int exampleStart, int exampleEnd, String text, int start, int end) {
        char before = nonBlankBefore(example, exampleStart);
        char siteBefore = nonBlankBefore(text, start);
        boolean sameBefore = before == siteBefore
                || Character.isJavaIdentifierPart(before) && Character.isJavaIdentifierPart(siteBefore);
        return sameBefore && nonBlankFrom(example, exampleEnd) == nonBlankFrom(text, end);
    }

    private static char nonBlankBefore(String text, int index) {
        int i = index - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) i--;
        return i < 0 ? 0 : text.charAt(i);
    }

    private static char nonBlankFrom(String text, int index) {
        int i = index;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i < text.length() ? text.charAt(i) : 0;
    }

    /** The name or call that ends at {@code end}: back over balanced parentheses and identifier characters. */
    static String leftAnchor(String text, int end) {
        int i = end;
        while (i > 0) {
            char c = text.charAt(i - 1);
            if (c == ')' || c == ']') {
                int open = JavaText.matchingOpen(text, i - 1);
                if (open < 0) break;
                i = open;
            } else if (Character.isJavaIdentifierPart(c)) {
                i--;
            } else {
                break;
            }
        }
        return text.substring(i, end);
    }

    private static String abbreviate(String s) {
        return s.length() > 30 ? s.substring(0, 30) + "..." : s;
    }

    /** The model's text when it keeps the example's shape (line count, bracket counts), else the example's text. */
    static String replacement(String modelText, String newCore) {
        String t = modelText.strip();
        if (t.isEmpty()) return newCore;
        boolean sameLines = t.lines().count() == Math.max(1, newCore.lines().count());
        boolean sameBrackets = count(t, '(') == count(newCore, '(') && count(t, ')') == count(newCore, ')')
                && count(t, '{') == count(newCore, '{') && count(t, '}') == count(newCore, '}');
        return sameLines && sameBrackets && t.length() <= newCore.length() * 2 + 8 ? t : newCore;
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }
}
