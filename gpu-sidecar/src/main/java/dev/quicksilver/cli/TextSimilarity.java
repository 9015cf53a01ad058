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

    /** Exact match after trimming surrounding whitespace. */
    public static boolean exactMatch(String actual, String expected) {
        return actual.strip().equals(expected.strip());
    }
}
