package dev.quicksilver.lsp.refactor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A shortest edit script between two sequences of lines: which old lines are deleted and which new lines are
 * inserted, every other line being matched in order (a longest common subsequence).
 *
 * <p>Algorithm: E. W. Myers, "An O(ND) Difference Algorithm and Its Variations", Algorithmica 1(2), 1986,
 * in its linear-space form (section 4b): search forward from the start and backward from the end at the same
 * time for the "middle snake" of an optimal path, then solve the two halves around it recursively. Common
 * leading and trailing lines are stripped first at every level, which is what makes refactor diffs (a few
 * changed lines in a long file) cheap. Lines are compared as small integers (equal lines share one id).
 * Time O((N+M)·D), space O(N+M), where D is the size of the script.
 *
 * <p>Among the shortest scripts the one chosen is the one GNU diff prints: a run of changed lines that could
 * slide (its first line equals the line after it, or its last the line before it) is moved the way GNU
 * diffutils moves it after its own Myers pass ({@code shift_boundaries} in its analyze.c): runs merge with
 * neighbouring runs where they can, then each goes as far down as possible unless an earlier position lines
 * up with a change in the other file. So {@code --diff} output reads like {@code diff -u}'s.
 */
public final class LineDiff {
    private final int[] a;
    private final int[] b;
    private final boolean[] deleted;
    private final boolean[] inserted;

    /** The result: {@code deleted[i]} for old line i, {@code inserted[j]} for new line j. */
    public record Script(boolean[] deleted, boolean[] inserted) {
    }

    private LineDiff(int[] a, int[] b) {
        this.a = a;
        this.b = b;
        this.deleted = new boolean[a.length];
        this.inserted = new boolean[b.length];
    }

    public static Script of(List<String> oldLines, List<String> newLines) {
        Map<String, Integer> ids = new HashMap<>();
        int[] a = new int[oldLines.size()];
        int[] b = new int[newLines.size()];
        for (int i = 0; i < a.length; i++) a[i] = ids.computeIfAbsent(oldLines.get(i), k -> ids.size());
        for (int j = 0; j < b.length; j++) b[j] = ids.computeIfAbsent(newLines.get(j), k -> ids.size());
        LineDiff d = new LineDiff(a, b);
        d.compare(0, a.length, 0, b.length);
        shiftRuns(a, d.deleted, d.inserted);
        shiftRuns(b, d.inserted, d.deleted);
        return new Script(d.deleted, d.inserted);
    }

    /**
     * Slides the runs of {@code changed} lines of one file (see the class comment); {@code otherChanged} is the
     * other file's, whose unchanged lines pair with this file's unchanged lines in order. {@code j} follows the
     * other file: the index of its unchanged line paired with line {@code i} here (or its length).
     */
    private static void shiftRuns(int[] lines, boolean[] changed, boolean[] otherChanged) {
        Flags here = new Flags(changed);
        Flags other = new Flags(otherChanged);
        int n = lines.length;
        int i = 0;
        int j = 0;
        while (true) {
            while (i < n && !here.get(i)) {
                while (other.get(j)) j++;
                j++;
                i++;
            }
            if (i == n) return;
            int start = i;
            while (here.get(i)) i++;
            while (other.get(j)) j++;
            int corresponding;
            int length;
            do {
                length = i - start;
                // Up while the line before the run equals its last line (merging with runs above).
                while (start > 0 && lines[start - 1] == lines[i - 1]) {
                    here.set(--start, true);
                    here.set(--i, false);
                    while (here.get(start - 1)) start--;
                    do j--; while (other.get(j));
                }
                // Where the run's end last lined up with a change in the other file (n: nowhere).
                corresponding = other.get(j - 1) ? i : n;
                // Down while the line after the run equals its first line (merging with runs below).
                while (i != n && lines[start] == lines[i]) {
                    here.set(start++, false);
                    here.set(i++, true);
                    while (here.get(i)) i++;
                    while (other.get(++j)) corresponding = i;
                }
            } while (length != i - start);
            // Back up to the last place that lines up with the other file's change, if there was one.
            while (corresponding < i) {
                here.set(--start, true);
                here.set(--i, false);
                do j--; while (other.get(j));
            }
        }
    }

    /** Change flags read as false outside the file, which ends the scans above at either edge. */
    private record Flags(boolean[] flags) {
        boolean get(int index) {
            return index >= 0 && index < flags.length && flags[index];
        }

        void set(int index, boolean value) {
            flags[index] = value;
        }
    }

    /** Marks the edit script of {@code a[aLo, aHi)} against {@code b[bLo, bHi)}. */
    private void compare(int aLo, int aHi, int bLo, int bHi) {
        while (aLo < aHi && bLo < bHi && a[aLo] == b[bLo]) {
            aLo++;
            bLo++;
        }
        while (aLo < aHi && bLo < bHi && a[aHi - 1] == b[bHi - 1]) {
            aHi--;
            bHi--;
        }
        if (aLo == aHi) {
            for (int j = bLo; j < bHi; j++) inserted[j] = true;
            return;
        }
        if (bLo == bHi) {
            for (int i = aLo; i < aHi; i++) deleted[i] = true;
            return;
        }
        // Both sides non-empty and differing at both ends: D >= 2, so each half around the middle snake has a
        // strictly shorter script and the recursion ends.
        int[] snake = middleSnake(aLo, aHi, bLo, bHi);
        compare(aLo, snake[0], bLo, snake[1]);
        compare(snake[2], aHi, snake[3], bHi);
    }

    /**
     * The middle snake of an optimal path through {@code a[aLo, aHi)} x {@code b[bLo, bHi)}: {x, y, u, v}, a run
     * of matching lines from (x, y) to (u, v) in absolute indexes (possibly empty) that some shortest path crosses.
     * Forward paths are furthest-reaching on diagonal k = x - y; backward ones are kept in reversed coordinates
     * (measured from the ends), where forward diagonal k is backward diagonal delta - k.
     */
    private int[] middleSnake(int aLo, int aHi, int bLo, int bHi) {
        int n = aHi - aLo;
        int m = bHi - bLo;
        int delta = n - m;
        boolean odd = (delta & 1) != 0;
        int max = (n + m + 1) / 2;
        int offset = max + 1;
        int[] forward = new int[2 * max + 3];
        int[] backward = new int[2 * max + 3];
        for (int d = 0; d <= max; d++) {
            for (int k = -d; k <= d; k += 2) {
                int x = k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                        ? forward[offset + k + 1] : forward[offset + k - 1] + 1;
                int y = x - k;
                int x0 = x;
                int y0 = y;
                while (x < n && y < m && a[aLo + x] == b[bLo + y]) {
                    x++;
                    y++;
                }
                forward[offset + k] = x;
                int kr = delta - k;
                if (odd && kr >= -(d - 1) && kr <= d - 1 && x + backward[offset + kr] >= n) {
                    return new int[] {aLo + x0, bLo + y0, aLo + x, bLo + y};
                }
            }
            for (int kr = -d; kr <= d; kr += 2) {
                int x = kr == -d || (kr != d && backward[offset + kr - 1] < backward[offset + kr + 1])
                        ? backward[offset + kr + 1] : backward[offset + kr - 1] + 1;
                int y = x - kr;
                int x0 = x;
                int y0 = y;
                while (x < n && y < m && a[aHi - 1 - x] == b[bHi - 1 - y]) {
                    x++;
                    y++;
                }
                backward[offset + kr] = x;
                int k = delta - kr;
                if (!odd && k >= -d && k <= d && x + forward[offset + k] >= n) {
                    return new int[] {aHi - x, bHi - y, aHi - x0, bHi - y0};
                }
            }
        }
        throw new IllegalStateException("no middle snake: the sequences were not compared correctly");
    }
}
