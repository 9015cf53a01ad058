package dev.quicksilver.lsp.documents;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "The edit the user just made" in one document, for the apply-this-edit-elsewhere refactor. Keystrokes that
 * touch the same lines accumulate into one edit: the baseline is the text before the first keystroke of the
 * burst; a change outside the edited lines (one line of slack) starts a new burst, unless it touches only
 * import, package or blank lines (an import the editor adds for the code being typed). Not thread-safe: the
 * {@link DocumentStore} calls it under the document's lock.
 */
public final class EditHistory {
    /** The edited lines before and after, with the line where they start (in the current text). */
    public record Edit(String before, String after, int startLine, int afterEndLine) {
        /** The changed text without the common start and end: what was replaced, and by what. */
        public String oldCore() {
            return before.substring(commonPrefix(), before.length() - commonSuffix());
        }

        public String newCore() {
            return after.substring(commonPrefix(), after.length() - commonSuffix());
        }

        public int commonPrefix() {
            int n = Math.min(before.length(), after.length());
            int i = 0;
            while (i < n && before.charAt(i) == after.charAt(i)) i++;
            return i;
        }

        public int commonSuffix() {
            int p = commonPrefix();
            int n = Math.min(before.length(), after.length()) - p;
            int i = 0;
            while (i < n && before.charAt(before.length() - 1 - i) == after.charAt(after.length() - 1 - i)) i++;
            return i;
        }
    }

    private String baseline = "";
    private String current = "";
    private int burstStart = -1;
    private int burstEnd = -1;

    void reset(String text) {
        baseline = text;
        current = text;
        burstStart = -1;
        burstEnd = -1;
    }

    /** One change: {@code before} became {@code after} by replacing [start, oldEnd) with text ending at newEnd. */
    void record(String before, String after, int start, int oldEnd, int newEnd) {
        int line = lineAt(before, start);
        int endLine = lineAt(after, newEnd);
        if (burstStart >= 0 && onlyImports(before, line, lineAt(before, oldEnd)) && onlyImports(after, line, endLine)) {
            // An import the editor added for what is being typed (a completion's additional edit): part of the
            // burst, not a new one; the edit stays the code's (lastEdit leaves import lines out).
            int delta = lineAt(after, after.length()) - lineAt(before, before.length());
            if (line < burstStart) burstStart += delta;
            if (line <= burstEnd) burstEnd += delta;
            current = after;
            return;
        }
        if (burstStart < 0 || line > burstEnd + 1 || endLine < burstStart - 1) {
            baseline = before;
            burstStart = line;
            burstEnd = endLine;
        } else {
            burstStart = Math.min(burstStart, line);
            burstEnd = Math.max(burstEnd, endLine);
        }
        current = after;
    }

    Optional<Edit> lastEdit() {
        if (burstStart < 0 || baseline.equals(current)) return Optional.empty();
        return Optional.of(between(baseline, current));
    }

    /**
     * The whole lines that differ between two texts. Import, package and blank lines count only where nothing
     * else differs: an import added with the code that needs it (by the editor, or in the file a headless
     * {@code --previous} compares with) is not part of the edit.
     */
    public static Edit between(String baseline, String current) {
        String[] a = baseline.split("\n", -1);
        String[] b = current.split("\n", -1);
        Optional<Edit> code = differing(a, b, codeLines(a), codeLines(b));
        if (code.isPresent()) return code.get();
        // Only imports (or blank lines) changed: those lines are the edit.
        return differing(a, b, allLines(a), allLines(b)).orElse(new Edit("", "", 0, -1));
    }

    /**
     * The lines between the first and last of {@code linesA}/{@code linesB} (indices of {@code a} and {@code b},
     * compared in order) that differ, with what lies between them, less the equal blank lines at the edges; empty
     * where those lines are all equal.
     */
    private static Optional<Edit> differing(String[] a, String[] b, List<Integer> linesA, List<Integer> linesB) {
        int top = 0;
        while (top < linesA.size() && top < linesB.size() && a[linesA.get(top)].equals(b[linesB.get(top)])) top++;
        if (top == linesA.size() && top == linesB.size()) return Optional.empty();
        int bottom = 0;
        while (bottom < linesA.size() - top && bottom < linesB.size() - top
                && a[linesA.get(linesA.size() - 1 - bottom)].equals(b[linesB.get(linesB.size() - 1 - bottom)])) bottom++;
        // From after the last equal line above (or the first line counted), to before the first equal one below (or
        // past the last line counted).
        int fromA = top == 0 ? firstOr(linesA, a.length) : linesA.get(top - 1) + 1;
        int fromB = top == 0 ? firstOr(linesB, b.length) : linesB.get(top - 1) + 1;
        int toA = bottom == 0 ? (linesA.isEmpty() ? fromA : linesA.getLast() + 1) : linesA.get(linesA.size() - bottom);
        int toB = bottom == 0 ? (linesB.isEmpty() ? fromB : linesB.getLast() + 1) : linesB.get(linesB.size() - bottom);
        while (fromA < toA && fromB < toB && !isCode(a[fromA]) && !isCode(b[fromB]) && a[fromA].equals(b[fromB])) {
            fromA++;
            fromB++;
        }
        while (toA > fromA && toB > fromB && !isCode(a[toA - 1]) && !isCode(b[toB - 1]) && a[toA - 1].equals(b[toB - 1])) {
            toA--;
            toB--;
        }
        String before = String.join("\n", java.util.Arrays.copyOfRange(a, fromA, toA));
        String after = String.join("\n", java.util.Arrays.copyOfRange(b, fromB, toB));
        return Optional.of(new Edit(before, after, fromB, toB - 1));
    }

    private static int firstOr(List<Integer> lines, int otherwise) {
        return lines.isEmpty() ? otherwise : lines.getFirst();
    }

    private static List<Integer> allLines(String[] lines) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) out.add(i);
        return out;
    }

    private static final java.util.regex.Pattern NOT_CODE = java.util.regex.Pattern.compile("\\s*((import|package)\\s[^;]*;\\s*)?");

    /** Whether a line is code: not blank, not an import or package declaration. */
    private static boolean isCode(String line) {
        return !NOT_CODE.matcher(line).matches();
    }

    private static List<Integer> codeLines(String[] lines) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) if (isCode(lines[i])) out.add(i);
        return out;
    }

    /** Whether lines {@code [from, to]} of {@code text} are all blank, imports or a package declaration. */
    private static boolean onlyImports(String text, int from, int to) {
        String[] lines = text.split("\n", -1);
        for (int i = from; i <= to && i < lines.length; i++) if (isCode(lines[i])) return false;
        return true;
    }

    private static int lineAt(String text, int offset) {
        int line = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }
}
