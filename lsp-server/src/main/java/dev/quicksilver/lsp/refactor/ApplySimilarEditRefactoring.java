package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SimilarSite;
import dev.quicksilver.lsp.documents.EditHistory;
import java.nio.file.Path;
import dev.quicksilver.index.lexical.CodeTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "Apply the edit the user just made to the similar places in the workspace." The edit is the changed lines
 * of the current document's last burst of typing ({@link EditHistory}); its core is the replaced text. Sites are
 * the places that hold the replaced text, in the files that name its words, whose lines look like the edited ones
 * and where it stands as it did in the edit (the edited place itself excluded). Replaced text becomes what it
 * became in the edit, decided without the model. An insertion ({@code item.quantity()} -> {@code item.quantity(),
 * customerId}) is anchored on what it follows, and there the inserted text is a hole the model fills with the
 * example edit in its context (the variable may have another name there); an answer that does not keep the
 * example's bracket shape falls back to the example's new text. A place where the result does not compile is left
 * as it was ({@link CompileCheck}).
 */
public final class ApplySimilarEditRefactoring implements Refactoring {
    /** Below this Jaccard similarity of terms with the edited lines a place is not the same kind of code. */
    static final double MIN_SCORE = 0.3;
    /** Places one application edits at most; the most similar are kept. */
    static final int MAX_SITES = 400;
    /** Beyond this many files naming the replaced text's identifiers, only the lexical index's best windows are read. */
    static final int MAX_SCANNED_FILES = 1500;

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
        // A declaration's name retyped is a rename (change-signature, rename-field), not an edit to copy elsewhere.
        if (CompiledRenames.retypesADeclaration(in)) return Optional.empty();
        String oldCore = edit.oldCore();
        String newCore = edit.newCore();
        int coreStart = edit.commonPrefix(); // where oldCore starts in edit.before()
        boolean insertion = oldCore.isBlank();
        if (insertion) {
            // A pure insertion: anchor it on the expression it follows ("quantity()" in "item.quantity(), id"),
            // so the sites are the places with the same expression.
            String left = leftAnchor(edit.before(), edit.commonPrefix());
            if (left.isBlank()) return Optional.empty();
            oldCore = left + oldCore;
            newCore = left + newCore;
            coreStart -= left.length();
        }
        if (oldCore.isBlank() || oldCore.contains("\n") && oldCore.length() > 400) return Optional.empty();
        String finalNewCore = newCore;
        String context = "// the same change was made nearby:\n// - " + edit.before().strip().replace("\n", "\n// - ")
                + "\n// + " + edit.after().strip().replace("\n", "\n// + ") + "\n";
        String before = edit.before().strip();
        Set<String> beforeTerms = new HashSet<>(CodeTokenizer.terms(before));
        int height = (int) Math.max(1, before.lines().count());
        // An expression replaced whole (s.length() == 0 -> s.isEmpty()) says by itself that a place is the same
        // code, wherever it stands as it did in the edit; a lone word or an insertion's anchor needs lines like the
        // edited ones around it too.
        String core = oldCore.strip();
        boolean distinctive = !insertion && core.length() >= 6 && !isWordPart(core) && core.chars().anyMatch(c -> "()=<>!+-*/&|?".indexOf(c) >= 0);
        List<Site> sites = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (Path file : candidateFiles(in, edit, coreStart)) {
            String text = in.text(file);
            boolean editedFile = file.equals(in.file());
            for (int occ = text.indexOf(oldCore); occ >= 0; occ = text.indexOf(oldCore, occ + oldCore.length())) {
                // The text must stand where it did in the edit: after the same kind of text and before the same
                // character ("String name)" is not "+ name;", "@throws Failure" is not "new Failure(").
                if (!sameSurroundings(edit.before(), coreStart, coreStart + oldCore.length(), text, occ, occ + oldCore.length(), !insertion)) continue;
                if (editedFile) {
                    int occLine = JavaText.lineOf(text, occ);
                    if (occLine >= edit.startLine() && occLine <= edit.afterEndLine()) continue;
                }
                double score = bestWindowScore(text, occ, height, beforeTerms);
                if (score < MIN_SCORE && !distinctive) continue;
                int at = occ;
                int tokens = Math.max(8, Math.min(64, newCore.length() / 2 + 4));
                // The site's lines: a changed call's errors are reported on its name, before the hole.
                int lineStart = text.lastIndexOf('\n', Math.max(0, occ - 1)) + 1;
                int lineEnd = text.indexOf('\n', occ + oldCore.length());
                // The same text replaced (a renamed type, a changed call) becomes what it became in the edit: the
                // model has nothing to decide. What an insertion adds may depend on the place (a variable's name).
                List<String> decided = !insertion || renamesTheSameWord(edit.before(), coreStart, oldCore, finalNewCore, text, occ)
                        ? List.of(finalNewCore) : List.of();
                sites.add(new Site(file, at, at + oldCore.length(), "", "", context, tokens,
                        modelText -> replacement(modelText, finalNewCore),
                        new Site.Fallback(finalNewCore, Math.min(lineStart, occ), lineEnd < 0 ? text.length() : lineEnd, true), () -> decided));
                scores.add(score);
            }
        }
        int found = sites.size();
        if (sites.size() > MAX_SITES) {
            // The most similar places first; the rest are left for the next application of the same edit.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < sites.size(); i++) order.add(i);
            order.sort((a, b) -> Double.compare(scores.get(b), scores.get(a)));
            List<Site> kept = new ArrayList<>();
            for (int i = 0; i < MAX_SITES; i++) kept.add(sites.get(order.get(i)));
            sites = kept;
        }
        if (sites.isEmpty()) return Optional.empty();
        // Shown in whole words: the core of `NullPointerException` -> `IllegalArgumentException` is `NullPointer`.
        String b = edit.before();
        int coreEnd = coreStart + oldCore.length();
        int wordStart = coreStart;
        while (wordStart > 0 && Character.isJavaIdentifierPart(b.charAt(wordStart - 1))) wordStart--;
        int wordEnd = coreEnd;
        while (wordEnd < b.length() && Character.isJavaIdentifierPart(b.charAt(wordEnd))) wordEnd++;
        String oldWords = b.substring(wordStart, wordEnd);
        String newWords = b.substring(wordStart, coreStart) + newCore + b.substring(coreEnd, wordEnd);
        String title = "Apply this edit (`" + abbreviate(oldWords.strip()) + "` -> `" + abbreviate(newWords.strip()) + "`) to " + sites.size()
                + " similar place" + (sites.size() == 1 ? "" : "s") + " in " + sites.stream().map(Site::file).distinct().count() + " file(s)"
                + (found > sites.size() ? " (the most similar of " + found + ")" : "");
        // What the edit brought in may name a type the edited file imports and the places' files do not.
        List<Site> all = new ArrayList<>(sites);
        all.addAll(Imports.needed(in, in.file(), Imports.insertedBy(sites), true));
        return Optional.of(new RefactorPlan(name(), title, all, "the same text changed as in the edit"));
    }

    /**
     * The files that may hold the replaced text: those naming every identifier it touches (whole identifiers, as
     * the lexical index keeps them: "NullPointer" of "NullPointerException" is looked up as the latter). Text with
     * no identifier (an operator, a literal), or identifiers named in too many files to read, falls back to the
     * files of the lexical index's most similar windows.
     */
    private static List<Path> candidateFiles(RefactorInput in, EditHistory.Edit edit, int coreStart) {
        String before = edit.before();
        int from = coreStart;
        int to = Math.max(edit.commonPrefix(), before.length() - edit.commonSuffix());
        while (from > 0 && Character.isJavaIdentifierPart(before.charAt(from - 1))) from--;
        while (to < before.length() && Character.isJavaIdentifierPart(before.charAt(to))) to++;
        Set<String> identifiers = new LinkedHashSet<>();
        java.util.regex.Matcher m = IDENTIFIER.matcher(before.substring(from, Math.min(to, before.length())));
        while (m.find()) if (m.group().length() >= 2) identifiers.add(m.group());
        if (!identifiers.isEmpty()) {
            Set<Path> files = null;
            for (String identifier : identifiers) {
                Set<Path> naming = in.index().filesMentioning(identifier);
                if (files == null) files = new LinkedHashSet<>(naming);
                else files.retainAll(naming);
            }
            if (files.size() <= MAX_SCANNED_FILES) return files.stream().sorted().toList();
        }
        return in.index().similarSites(before, 40).stream().map(SimilarSite::path).distinct().sorted().toList();
    }

    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*");

    /**
     * The best Jaccard similarity with the edited lines' terms of a window of {@code height} lines holding the line of
     * {@code offset} (the measure of {@link dev.quicksilver.index.lexical.SimilarSiteFinder}, per place).
     */
    private static double bestWindowScore(String text, int offset, int height, Set<String> beforeTerms) {
        // The terms of the lines from height - 1 above the offset's line to height - 1 below it.
        List<Set<String>> lines = new ArrayList<>();
        int first = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        for (int up = 1; up < height && first > 0; up++) first = text.lastIndexOf('\n', first - 2) + 1;
        int own = -1;
        int start = first;
        while (start <= text.length() && lines.size() < (own < 0 ? Integer.MAX_VALUE : own + height)) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            if (own < 0 && offset <= end) own = lines.size();
            lines.add(new HashSet<>(CodeTokenizer.terms(text.substring(start, end))));
            start = end + 1;
        }
        double best = 0;
        for (int from = Math.max(0, own - height + 1); from <= own; from++) {
            Set<String> window = new HashSet<>();
            for (int l = from; l < from + height && l < lines.size(); l++) window.addAll(lines.get(l));
            int shared = 0;
            for (String t : beforeTerms) if (window.contains(t)) shared++;
            int union = beforeTerms.size() + window.size() - shared;
            best = Math.max(best, union == 0 ? 0 : (double) shared / union);
        }
        return best;
    }

    /**
     * Whether {@code [start, end)} of {@code text} stands where {@code [exampleStart, exampleEnd)} of
     * {@code example} does, each widened to whole words (the parts of the word outside it the same on both sides):
     * the same character after it, and before it the same
     * character, or a word before both that is the same keyword or no keyword on either side (a declaration's
     * type, a receiver; primitive types count as names), whitespace skipped on both sides. A {@code replaced}
     * expression that balances its brackets may end where the example's ends or where another expression does:
     * {@code )}, {@code ;} and {@code ,} are one there ({@code if (s.length() == 0)} and {@code return s.length() ==
     * 0;}); an insertion's anchor is not (a parameter added after the last one does not go after the first).
     */
    static boolean sameSurroundings(String example, int exampleStart, int exampleEnd, String text, int start, int end, boolean replaced) {
        int es = wordStart(example, exampleStart);
        int ts = wordStart(text, start);
        int ee = wordEnd(example, exampleEnd);
        int te = wordEnd(text, end);
        // Inside a word, at the same place in the same word ("r" of "reserve" is its first letter, not its fifth).
        if (!example.substring(es, exampleStart).equals(text.substring(ts, start))
                || !example.substring(exampleEnd, ee).equals(text.substring(end, te))) {
            return false;
        }
        // The example is the edited lines: where it starts or ends with the edit (whole lines replaced), it says
        // nothing of what stands around them, and any place does.
        char before = nonBlankBefore(example, es);
        char siteBefore = nonBlankBefore(text, ts);
        boolean sameBefore = before == 0 || before == siteBefore
                || Character.isJavaIdentifierPart(before) && Character.isJavaIdentifierPart(siteBefore)
                && keywordOrName(wordBefore(example, es)).equals(keywordOrName(wordBefore(text, ts)));
        char after = nonBlankFrom(example, ee);
        char siteAfter = nonBlankFrom(text, te);
        boolean expressionEnds = replaced && EXPRESSION_END.indexOf(after) >= 0 && EXPRESSION_END.indexOf(siteAfter) >= 0
                && JavaText.balanced(example.substring(exampleStart, exampleEnd));
        return sameBefore && (after == 0 || after == siteAfter || expressionEnds);
    }

    /** Characters after which an expression has ended: a condition's or call's parenthesis, a statement, an argument. */
    private static final String EXPRESSION_END = ");,";

    /**
     * Whether the occurrence at {@code at} of {@code text} is the example's replaced text inside the same word at
     * the same place (every "NullPointerException" when "NullPointer" became "IllegalArgument"), so that it changes
     * as the example did: only for a change of name characters.
     */
    static boolean renamesTheSameWord(String example, int exampleStart, String oldCore, String newCore, String text, int at) {
        if (!isWordPart(oldCore) || !isWordPart(newCore)) return false;
        int es = wordStart(example, exampleStart);
        int ts = wordStart(text, at);
        return exampleStart - es == at - ts && example.substring(es, wordEnd(example, exampleStart + oldCore.length()))
                .equals(text.substring(ts, wordEnd(text, at + oldCore.length())));
    }

    private static boolean isWordPart(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isJavaIdentifierPart);
    }

    private static int wordStart(String text, int at) {
        while (at > 0 && Character.isJavaIdentifierPart(text.charAt(at - 1))) at--;
        return at;
    }

    private static int wordEnd(String text, int at) {
        while (at < text.length() && Character.isJavaIdentifierPart(text.charAt(at))) at++;
        return at;
    }

    /** The word that ends at the last non-blank character before {@code index}. */
    private static String wordBefore(String text, int index) {
        int end = index;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        return text.substring(wordStart(text, end), end);
    }

    /** A keyword stands for itself; any other word (primitive types included) is a name. */
    private static String keywordOrName(String word) {
        return KEYWORDS.contains(word) ? word : "";
    }

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "break", "case", "catch", "class", "continue",
            "default", "do", "else", "enum", "extends", "final", "finally", "for", "if", "implements", "import", "instanceof",
            "interface", "native", "new", "package", "private", "protected", "public", "return", "static", "super",
            "switch", "synchronized", "this", "throw", "throws", "transient", "try", "volatile", "while", "yield");

    private static char nonBlankBefore(String text, int index) {
        int i = index - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) i--;
        return i < 0 ? 0 : text.charAt(i);
    }

    private static char nonBlankFrom(String text, int index) {
        int i = JavaText.skipBlank(text, index);
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
