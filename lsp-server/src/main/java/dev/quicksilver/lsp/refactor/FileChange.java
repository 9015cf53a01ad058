package dev.quicksilver.lsp.refactor;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The edits a refactor makes in one file, as offsets into {@code original} (non-overlapping), and the path the file
 * moves to once edited ({@code renamedTo}; null where it stays).
 */
public record FileChange(Path file, String original, List<Replacement> replacements, Path renamedTo) {
    public FileChange(Path file, String original, List<Replacement> replacements) {
        this(file, original, replacements, null);
    }

    /** Whether applying the change alters anything: its text, or where the file is. */
    public boolean changesSomething() {
        return renamedTo != null || !apply().equals(original);
    }

    /** The same edits, the file moving to {@code target}. */
    public FileChange movedTo(Path target) {
        return new FileChange(file, original, replacements, target);
    }

    /**
     * {@code note} is null where the model's text went in, else why a fallback did (the model's answer did not
     * compile there, say) or why the place was left as it was: shown to the user, who should look there first.
     */
    public record Replacement(int start, int end, String text, String note) {
        public Replacement(int start, int end, String text) {
            this(start, end, text, null);
        }
    }

    /** Whether a replacement leaves its range as it was (a site kept only for its note). */
    public boolean unchanged(Replacement r) {
        return original.startsWith(r.text(), r.start()) && r.end() - r.start() == r.text().length();
    }

    public FileChange {
        replacements = replacements.stream().sorted(Comparator.comparingInt(Replacement::start)).toList();
    }

    /** The one-based line of {@code original} where a replacement starts. */
    public int lineOf(Replacement r) {
        return (int) original.substring(0, r.start()).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The offset in {@code original} of {@code offset} in the text {@link #apply} gives (inside a replacement: its start). */
    public int originalOffset(int offset) {
        int shift = 0;
        for (Replacement r : replacements) {
            int editedStart = r.start() + shift;
            if (offset < editedStart) break;
            if (offset < editedStart + r.text().length()) return r.start();
            shift += r.text().length() - (r.end() - r.start());
        }
        return offset - shift;
    }

    public String apply() {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (Replacement r : replacements) {
            out.append(original, at, r.start()).append(r.text());
            at = r.end();
        }
        return out.append(original.substring(at)).toString();
    }
}
