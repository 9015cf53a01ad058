package dev.quicksilver.cli;

/** Character-level similarity of a completion to its expected text. */
public final class TextSimilarity {

    private TextSimilarity() {}

    /** Levenshtein distance over UTF-16 code units (insert, delete, substitute: cost 1), two rows of memory. */
    public static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** 1 - distance / max length: 1 for equal strings (two empty strings included), 0 for nothing in common. */
    public static double similarity(String a, String b) {
        int max = Math.max(a.length(), b.length());
        return max == 0 ? 1.0 : 1.0 - (double) levenshtein(a, b) / max;
    }

    /**
     * The share of a token sequence's adjacent pairs that already occurred earlier in it: 0 for text that
     * never repeats a pair, near 1 for one pair written over and over ({@code , null, null, null}). A model
     * that commits with confidence can fill a hole with such loops, which character similarity against a
     * short expected middle barely sees; compare it with the same measure on the expected middles.
     */
    public static double repeatedPairShare(int[] tokens) {
        if (tokens.length < 3) {
            return 0;
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int repeated = 0;
        for (int i = 0; i + 1 < tokens.length; i++) {
            if (!seen.add(((long) tokens[i] << 32) | (tokens[i + 1] & 0xffffffffL))) {
                repeated++;
            }
        }
        return (double) repeated / (tokens.length - 1);
    }

    /** Exact match after trimming surrounding whitespace. */
    public static boolean exactMatch(String actual, String expected) {
        return actual.strip().equals(expected.strip());
    }
}
