package dev.quicksilver.lsp.refactor;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code diff -u} / {@code git apply} format) of one changed file. The changed lines are known
 * from the edits, so no general diff algorithm is needed: each edit's lines become one hunk, and hunks closer
 * than twice the context merge.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    public static String of(String path, FileChange change) {
        String[] old = change.original().split("\n", -1);
        if (old.length > 1 && change.original().endsWith("\n")) old = java.util.Arrays.copyOf(old, old.length - 1);
        List<int[]> blocks = new ArrayList<>(); // old [fromLine, toLine] inclusive, per edit
        for (FileChange.Replacement r : change.replacements()) {
            blocks.add(new int[] {lineOf(change.original(), r.start()), lineOf(change.original(), r.end())});
        }
        // Merge blocks into hunks.
        List<int[]> hunks = new ArrayList<>();
        for (int[] b : blocks) {
            if (!hunks.isEmpty() && b[0] - hunks.getLast()[1] <= 2 * CONTEXT + 1) hunks.getLast()[1] = Math.max(hunks.getLast()[1], b[1]);
            else hunks.add(new int[] {b[0], b[1]});
        }
        String updated = change.apply();
        StringBuilder out = new StringBuilder("--- a/" + path + "\n+++ b/" + path + "\n");
        int lineDelta = 0;
        int edit = 0;
        for (int[] h : hunks) {
            int from = Math.max(0, h[0] - CONTEXT);
            int to = Math.min(old.length - 1, h[1] + CONTEXT);
            // New text of old lines [h0, h1]: apply the edits inside them to that slice.
            int sliceStart = lineStart(change.original(), h[0]);
            int sliceEnd = lineStart(change.original(), h[1] + 1);
            StringBuilder slice = new StringBuilder();
            int at = sliceStart;
            while (edit < change.replacements().size() && change.replacements().get(edit).start() < sliceEnd) {
                FileChange.Replacement r = change.replacements().get(edit++);
                slice.append(change.original(), at, r.start()).append(r.text());
                at = r.end();
            }
            slice.append(change.original(), at, Math.max(at, sliceEnd));
            String s = slice.toString();
            if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
            String[] newLines = s.split("\n", -1);
            int oldCount = to - from + 1;
            int newCount = (h[0] - from) + newLines.length + (to - h[1]);
            out.append("@@ -").append(from + 1).append(',').append(oldCount).append(" +").append(from + 1 + lineDelta)
                    .append(',').append(newCount).append(" @@\n");
            for (int i = from; i < h[0]; i++) out.append(' ').append(old[i]).append('\n');
            // Lines the edits left alone at either end of the block stay context.
            int top = 0;
            while (h[0] + top <= h[1] && top < newLines.length && old[h[0] + top].equals(newLines[top])) top++;
            int bottom = 0;
            while (h[1] - bottom >= h[0] + top && newLines.length - 1 - bottom >= top && old[h[1] - bottom].equals(newLines[newLines.length - 1 - bottom])) bottom++;
            for (int i = h[0]; i < h[0] + top; i++) out.append(' ').append(old[i]).append('\n');
            for (int i = h[0] + top; i <= h[1] - bottom; i++) out.append('-').append(old[i]).append('\n');
            for (int i = top; i < newLines.length - bottom; i++) out.append('+').append(newLines[i]).append('\n');
            for (int i = h[1] - bottom + 1; i <= h[1]; i++) out.append(' ').append(old[i]).append('\n');
            for (int i = h[1] + 1; i <= to; i++) out.append(' ').append(old[i]).append('\n');
            lineDelta += newCount - oldCount;
        }
        assert updated != null;
        return out.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 0;
        for (int i = 0; i < offset && i < text.length(); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    private static int lineStart(String text, int line) {
        int off = 0;
        for (int l = 0; l < line; l++) {
            int nl = text.indexOf('\n', off);
            if (nl < 0) return text.length();
            off = nl + 1;
        }
        return off;
    }
}
