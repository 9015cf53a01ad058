package dev.quicksilver.lsp.refactor;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** The edits a refactor makes in one file, as offsets into {@code original} (non-overlapping). */
public record FileChange(Path file, String original, List<Replacement> replacements) {
    public record Replacement(int start, int end, String text) {
    }

    public FileChange {
        replacements = replacements.stream().sorted(Comparator.comparingInt(Replacement::start)).toList();
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
