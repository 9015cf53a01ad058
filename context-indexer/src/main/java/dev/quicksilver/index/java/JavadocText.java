package dev.quicksilver.index.java;

import java.util.regex.Pattern;

/** Turns a raw javadoc comment into its first sentence as plain text. */
final class JavadocText {
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|literal|link|linkplain|value)\\s+([^}]*)}");
    private static final Pattern OTHER_INLINE_TAG = Pattern.compile("\\{@\\w+\\s*([^}]*)}");
    private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][^>]*>");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\[([^\\]]*)](?:\\[[^\\]]*]|\\([^)]*\\))?");
    private static final int MAX_CHARS = 240;

    private JavadocText() {
    }

    /** The first sentence of a {@code /** ... *}{@code /} comment or of a Markdown {@code ///} one (JEP 467). */
    static String summary(String comment) {
        if (comment == null) return "";
        boolean markdown = comment.startsWith("///");
        if (!markdown && !comment.startsWith("/**")) return "";
        String body = markdown ? comment : comment.substring(3, comment.endsWith("*/") ? comment.length() - 2 : comment.length());
        StringBuilder text = new StringBuilder();
        for (int from = 0; from <= body.length(); ) {
            int newline = body.indexOf('\n', from);
            int to = newline < 0 ? body.length() : newline;
            String l = body.substring(from, to).strip(); // strip also takes the \r of a \r\n
            from = to + 1;
            if (markdown) l = l.startsWith("///") ? l.substring(3).strip() : l;
            else if (l.startsWith("*")) l = l.substring(1).strip();
            if (l.startsWith("@")) break; // block tags end the description
            text.append(l).append(' ');
        }
        if (markdown) {
            // [text][ref] and [text](url) read as text, [ref] as ref, `code` as code
            String plain = MARKDOWN_LINK.matcher(text).replaceAll("$1").replace("`", "");
            text.setLength(0);
            text.append(plain);
        }
        String tagsOut = text.toString();
        if (tagsOut.indexOf('{') >= 0) tagsOut = OTHER_INLINE_TAG.matcher(INLINE_TAG.matcher(tagsOut).replaceAll("$1")).replaceAll("$1");
        if (tagsOut.indexOf('<') >= 0) tagsOut = HTML_TAG.matcher(tagsOut).replaceAll("");
        String plain = JavaOutline.collapse(tagsOut);
        if (plain.indexOf('&') >= 0) plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ");
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
