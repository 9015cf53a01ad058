package dev.quicksilver.lsp.refactor;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of one file in the format of GNU {@code diff -u} (and {@code git apply}/{@code patch}): only the
 * changed lines, three lines of context, hunks whose contexts touch or overlap merged, a count of 1 left out of
 * a hunk header, and {@code \ No newline at end of file} after a last line without one. The changed lines come
 * from a shortest edit script over lines ({@link LineDiff}, Myers 1986), not from the edits' extents, so an edit
 * that rewrites a long stretch to nearly the same text shows as the few lines that differ.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final String NO_NEWLINE = "\\ No newline at end of file\n";

    private UnifiedDiff() {
    }

    public static String of(String path, FileChange change) {
        return of(path, change.original(), change.apply());
    }

    /**
     * The diff of a change whose file moves from {@code path} to {@code renamedPath}, as git writes a rename ({@code
     * diff --git}, {@code rename from}, {@code rename to}: what {@code git apply} needs to move the file), its hunks
     * labelled {@code a/path} and {@code b/renamedPath}; a plain diff where {@code renamedPath} is null.
     */
    public static String of(String path, String renamedPath, FileChange change) {
        if (renamedPath == null) return of(path, change);
        String hunks = labelled(path, renamedPath, change.original(), change.apply());
        return "diff --git a/" + path + " b/" + renamedPath + "\n" + (hunks.isEmpty() ? "similarity index 100%\n" : "")
                + "rename from " + path + "\nrename to " + renamedPath + "\n" + hunks;
    }

    /** The diff from {@code before} to {@code after} labelled {@code a/path} and {@code b/path}; empty when equal. */
    public static String of(String path, String before, String after) {
        return labelled(path, path, before, after);
    }

    private static String labelled(String oldPath, String newPath, String before, String after) {
        List<String> oldLines = lines(before);
        List<String> newLines = lines(after);
        LineDiff.Script script = LineDiff.of(oldLines, newLines);
        List<Change> changes = changes(script, oldLines.size(), newLines.size());
        if (changes.isEmpty()) return "";
        StringBuilder out = new StringBuilder("--- a/" + oldPath + "\n+++ b/" + newPath + "\n");
        int first = 0;
        while (first < changes.size()) {
            // A hunk takes the following changes while the unchanged lines between them are at most twice the context.
            int last = first;
            while (last + 1 < changes.size() && changes.get(last + 1).oldStart - changes.get(last).oldEnd <= 2 * CONTEXT) last++;
            Change head = changes.get(first);
            Change tail = changes.get(last);
            int oldFrom = Math.max(0, head.oldStart - CONTEXT);
            int newFrom = head.newStart - (head.oldStart - oldFrom);
            int oldTo = Math.min(oldLines.size(), tail.oldEnd + CONTEXT);
            int newTo = tail.newEnd + (oldTo - tail.oldEnd);
            out.append("@@ -").append(range(oldFrom, oldTo)).append(" +").append(range(newFrom, newTo)).append(" @@\n");
            int at = oldFrom;
            for (int c = first; c <= last; c++) {
                Change ch = changes.get(c);
                for (int i = at; i < ch.oldStart; i++) line(out, ' ', oldLines.get(i));
                for (int i = ch.oldStart; i < ch.oldEnd; i++) line(out, '-', oldLines.get(i));
                for (int j = ch.newStart; j < ch.newEnd; j++) line(out, '+', newLines.get(j));
                at = ch.oldEnd;
            }
            for (int i = at; i < oldTo; i++) line(out, ' ', oldLines.get(i));
            first = last + 1;
        }
        return out.toString();
    }

    /** Old lines {@code [oldStart, oldEnd)} replaced by new lines {@code [newStart, newEnd)}; either may be empty. */
    private record Change(int oldStart, int oldEnd, int newStart, int newEnd) {
    }

    private static List<Change> changes(LineDiff.Script script, int oldCount, int newCount) {
        List<Change> changes = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < oldCount || j < newCount) {
            boolean del = i < oldCount && script.deleted()[i];
            boolean ins = j < newCount && script.inserted()[j];
            if (!del && !ins) {
                i++;
                j++;
                continue;
            }
            int oldStart = i;
            int newStart = j;
            while (i < oldCount && script.deleted()[i]) i++;
            while (j < newCount && script.inserted()[j]) j++;
            changes.add(new Change(oldStart, i, newStart, j));
        }
        return changes;
    }

    /** A hunk range as diff writes it: {@code start,count} (1-based), {@code start} alone for one line. */
    private static String range(int from, int to) {
        int count = to - from;
        if (count == 1) return String.valueOf(from + 1);
        // An empty range names the line before it (0 at the top of the file).
        return (count == 0 ? from : from + 1) + "," + count;
    }

    /** Lines with their line breaks kept, so a last line without one differs from the same line with one. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }

    private static void line(StringBuilder out, char mark, String line) {
        out.append(mark).append(line);
        if (!line.endsWith("\n")) out.append('\n').append(NO_NEWLINE);
    }
}
