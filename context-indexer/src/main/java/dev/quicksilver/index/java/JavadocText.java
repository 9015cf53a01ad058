package dev.quicksilver.index.java;

import java.util.regex.Pattern;

/** Turns a raw javadoc comment into its first sentence as plain text. */
final class JavadocText {
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|literal|link|linkplain|value)\\s+([^}]*)}");
    private static final Pattern OTHER_INLINE_TAG = Pattern.compile("\\{@\\w+\\s*([^}]*)}");
    private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][^>]*>");
    private static final int MAX_CHARS = 240;

    private JavadocText() {
    }

    static String summary(String comment) {
        if (comment == null || !comment.startsWith("/**")) return "";
        String body = comment.substring(3, comment.endsWith("*/") ? comment.length() - 2 : comment.length());
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\r?\n")) {
            String l = line.strip();
            if (l.startsWith("*")) l = l.substring(1).strip();
            if (l.startsWith("@")) break; // block tags end the description
            text.append(l).append(' ');
        }
        String plain = HTML_TAG.matcher(OTHER_INLINE_TAG.matcher(INLINE_TAG.matcher(text).replaceAll("$1")).replaceAll("$1"))
                .replaceAll("").replaceAll("\\s+", " ").strip()
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ");
        int end = firstSentenceEnd(plain);
        String sentence = end < 0 ? plain : plain.substring(0, end + 1);
        return sentence.length() <= MAX_CHARS ? sentence : sentence.substring(0, MAX_CHARS - 3) + "...";
    }

    /** The javadoc rule: a period followed by white space (or the end) ends the first sentence. */
    private static int firstSentenceEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '.' && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) return i;
        }
        return -1;
    }
}
