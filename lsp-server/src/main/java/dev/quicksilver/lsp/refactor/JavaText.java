package dev.quicksilver.lsp.refactor;

import java.util.ArrayList;
import java.util.List;

/** Small, string-literal-aware scans of Java text that the refactors need (the index gives ranges, not trees). */
public final class JavaText {
    private JavaText() {
    }

    /** Index of the '(' that matches the ')' at {@code close}, or -1. */
    public static int matchingOpen(String text, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i - 1;
                while (j >= 0 && !(text.charAt(j) == c && (j == 0 || text.charAt(j - 1) != '\\'))) j--;
                i = Math.max(j, 0);
                continue;
            }
            if (c == ')' || c == ']' || c == '}') depth++;
            else if (c == '(' || c == '[' || c == '{') {
                depth--;
                if (depth == 0) return i;
            }
        }
        return -1;
    }

    /**
     * Index of the bracket that matches the one at {@code open}, or -1. Comments are skipped: an apostrophe in one
     * ({@code // don't}) is not a character literal.
     */
    static int matchingClose(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            int skipped = skippedEnd(text, i, text.length());
            if (skipped > i) {
                i = skipped - 1;
                continue;
            }
            char c = text.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) return i;
            }
        }
        return -1;
    }

    /**
     * The ')' that closes the arguments of the call or creation whose range (the index's) is {@code [start, end)}, or
     * -1. A creation with a class body ({@code new Shape(1) {...}}, an enum constant's {@code GREEN(0) {...}}) ends
     * with the body: its arguments close before the body's '{', the first brace outside brackets.
     */
    public static int argumentsClose(String text, int start, int end) {
        int close = end - 1;
        while (close > start && (Character.isWhitespace(text.charAt(close)) || text.charAt(close) == ';')) close--;
        if (close > start && text.charAt(close) == '}') {
            int body = topLevelBrace(text, start, close);
            close = body < 0 ? -1 : skipBlankBack(text, body) - 1;
        }
        return close > start && text.charAt(close) == ')' ? close : -1;
    }

    /**
     * Where the name ends of the enum constant without arguments whose range is {@code [start, end)} ({@code RED},
     * {@code RED { ... }}, after any javadoc and annotations), or -1 for anything else.
     */
    static int bareEnumConstantEnd(String text, int start, int end) {
        int i = start;
        while (i < end) {
            int skipped = skippedEnd(text, i, end);
            if (skipped > i) i = skipped;
            else if (Character.isWhitespace(text.charAt(i))) i++;
            else if (text.charAt(i) == '@') { // an annotation, with its arguments
                i++;
                while (i < end && (Character.isJavaIdentifierPart(text.charAt(i)) || text.charAt(i) == '.')) i++;
                int open = i;
                while (open < end && Character.isWhitespace(text.charAt(open))) open++;
                if (open < end && text.charAt(open) == '(') i = matchingClose(text, open) + 1;
                if (i <= 0) return -1;
            } else break;
        }
        if (i >= end || !Character.isJavaIdentifierStart(text.charAt(i))) return -1;
        int nameEnd = i;
        while (nameEnd < end && Character.isJavaIdentifierPart(text.charAt(nameEnd))) nameEnd++;
        int next = nameEnd;
        while (next < end && Character.isWhitespace(text.charAt(next))) next++;
        return next == end || text.charAt(next) == '{' ? nameEnd : -1;
    }

    /** The top-level comma-separated parts of an argument or parameter list (empty list for blank text). */
    public static List<String> splitTopLevel(String list) {
        List<String> parts = new ArrayList<>();
        if (list.isBlank()) return parts;
        int start = 0;
        while (true) {
            int comma = topLevelComma(list, start, list.length());
            parts.add(list.substring(start, comma).strip());
            if (comma >= list.length()) return parts;
            start = comma + 1;
        }
    }

    /**
     * Where the top-level items of the list between the brackets at {@code open} and {@code close} start and end
     * (blanks around each left out); none for a blank list.
     */
    static List<int[]> itemRanges(String text, int open, int close) {
        List<int[]> items = new ArrayList<>();
        if (text.substring(open + 1, close).isBlank()) return items;
        int start = open + 1;
        while (true) {
            int comma = topLevelComma(text, start, close);
            int a = start;
            int b = comma;
            while (a < b && Character.isWhitespace(text.charAt(a))) a++;
            while (b > a && Character.isWhitespace(text.charAt(b - 1))) b--;
            items.add(new int[] {a, b});
            if (comma >= close) return items;
            start = comma + 1;
        }
    }

    /**
     * The first comma of {@code [from, to)} outside brackets, type arguments and literals, or {@code to}. A '<'
     * opens type arguments only where {@link #opensTypeArguments} says so: in an argument list it is more often a
     * comparison ({@code f(i < n, x)}), and a '>' closes only what such a '<' opened (not a lambda's arrow).
     */
    static int topLevelComma(String text, int from, int to) {
        int comma = firstTopLevel(text, from, to, ',');
        return comma < 0 ? to : comma;
    }

    /** The first '{' of {@code [from, to)} outside brackets, comments and literals, or -1. */
    private static int topLevelBrace(String text, int from, int to) {
        return firstTopLevel(text, from, to, '{');
    }

    /** The first {@code wanted} of {@code [from, to)} outside brackets, type arguments, comments and literals, or -1. */
    private static int firstTopLevel(String text, int from, int to, char wanted) {
        int depth = 0;
        int angles = 0;
        for (int i = from; i < to; i++) {
            int skipped = skippedEnd(text, i, to);
            if (skipped > i) {
                i = skipped - 1;
                continue;
            }
            char c = text.charAt(i);
            if (c == wanted && depth == 0 && angles == 0) return i;
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == '<' && opensTypeArguments(text, i)) angles++;
            else if (c == '>' && angles > 0 && text.charAt(i - 1) != '-') angles--;
        }
        return -1;
    }

    /**
     * Whether the '<' at {@code i} opens type arguments ({@code List<String>}, {@code new HashMap<>()}) rather than
     * compares ({@code i < n}): it closes at once, or follows a capitalised name with no space between, as types are
     * written.
     */
    static boolean opensTypeArguments(String text, int i) {
        if (i + 1 < text.length() && text.charAt(i + 1) == '>') return true;
        int j = i;
        while (j > 0 && Character.isJavaIdentifierPart(text.charAt(j - 1))) j--;
        return j < i && Character.isUpperCase(text.charAt(j));
    }

    /**
     * Where the comment or string, text block or character literal that starts at {@code i} ends (past its last character, at
     * most {@code to}), or {@code i} when none starts there: scans for brackets and commas skip what it spans.
     */
    static int skippedEnd(String text, int i, int to) {
        int comment = commentEnd(text, i);
        if (comment > i) return Math.min(to, comment);
        char quote = text.charAt(i);
        if (quote != '"' && quote != '\'') return i;
        if (text.startsWith("\"\"\"", i)) { // a text block: to its closing delimiter, over the quotes inside
            int j = i + 3;
            while (j < to && !text.startsWith("\"\"\"", j)) j += text.charAt(j) == '\\' ? 2 : 1;
            return Math.min(to, j + 3);
        }
        int j = i + 1;
        while (j < to && text.charAt(j) != quote) j += text.charAt(j) == '\\' ? 2 : 1;
        return Math.min(to, j + 1);
    }

    /** The words of code in {@code [from, to)} of {@code text} ({@code [start, end)} each; comments and literals skipped), in order. */
    static List<int[]> codeWords(String text, int from, int to) {
        List<int[]> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int skipped = skippedEnd(text, i, to);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            if (!Character.isJavaIdentifierStart(text.charAt(i)) || i > 0 && Character.isJavaIdentifierPart(text.charAt(i - 1))) {
                i++;
                continue;
            }
            int wordEnd = i;
            while (wordEnd < to && Character.isJavaIdentifierPart(text.charAt(wordEnd))) wordEnd++;
            out.add(new int[] {i, wordEnd});
            i = wordEnd;
        }
        return out;
    }

    /**
     * Whether {@code offset} lies in the body of an anonymous class ({@code new Shape(1) { ... }}) that opens after
     * {@code from}: there {@code this} names the anonymous object, not the class around it.
     */
    static boolean inAnonymousBody(String text, int from, int offset) {
        java.util.ArrayDeque<Boolean> open = new java.util.ArrayDeque<>();
        int i = Math.max(0, from);
        while (i < offset) {
            int skipped = skippedEnd(text, i, offset);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            char c = text.charAt(i);
            if (c == '{') open.push(opensAnonymousBody(text, i));
            else if (c == '}' && !open.isEmpty()) open.pop();
            i++;
        }
        return open.contains(Boolean.TRUE);
    }

    /** Whether the '{' at {@code brace} opens an anonymous class's body: {@code new} Type(args) or {@code new} Type<A>(args) before it. */
    private static boolean opensAnonymousBody(String text, int brace) {
        int close = skipBlankBack(text, brace) - 1;
        if (close < 0 || text.charAt(close) != ')') return false;
        int open = matchingOpen(text, close);
        if (open < 0) return false;
        int i = skipBlankBack(text, open);
        if (i > 0 && text.charAt(i - 1) == '>') { // the type's arguments
            int depth = 0;
            do {
                i--;
                char c = text.charAt(i);
                if (c == '>') depth++;
                else if (c == '<') depth--;
            } while (i > 0 && depth > 0);
            i = skipBlankBack(text, i);
        }
        int nameEnd = i;
        while (i > 0 && (Character.isJavaIdentifierPart(text.charAt(i - 1)) || text.charAt(i - 1) == '.')) i--;
        if (i == nameEnd) return false;
        int newEnd = skipBlankBack(text, i);
        return newEnd >= 3 && text.startsWith("new", newEnd - 3) && (newEnd == 3 || !Character.isJavaIdentifierPart(text.charAt(newEnd - 4)));
    }

    /** Where a comment that starts at {@code i} ends (past its last character), or {@code i} when none starts there. */
    static int commentEnd(String text, int i) {
        if (i + 1 >= text.length() || text.charAt(i) != '/') return i;
        if (text.charAt(i + 1) == '/') {
            int nl = text.indexOf('\n', i);
            return nl < 0 ? text.length() : nl;
        }
        if (text.charAt(i + 1) == '*') {
            int end = text.indexOf("*/", i + 2);
            return end < 0 ? text.length() : end + 2;
        }
        return i;
    }

    /** Where the blanks that start at {@code i} end ({@code i} when there are none). */
    static int skipBlank(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i;
    }

    /** Where the blanks that end right before {@code i} start ({@code i} when there are none). */
    static int skipBlankBack(String text, int i) {
        while (i > 0 && Character.isWhitespace(text.charAt(i - 1))) i--;
        return i;
    }

    /** Whether the word {@code word} (a whole identifier-like token) ends right at {@code end}. */
    static boolean wordEndsAt(String text, int end, String word) {
        int start = end - word.length();
        return start >= 0 && text.startsWith(word, start) && (start == 0 || !Character.isJavaIdentifierPart(text.charAt(start - 1)));
    }

    /** Whether brackets balance and never close more than they opened. */
    static boolean balanced(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                if (--depth < 0) return false;
            }
        }
        return depth == 0;
    }

    /** The indentation of the line that contains {@code offset}. */
    static String indentAt(String text, int offset) {
        int ls = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        int i = ls;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        return text.substring(ls, i);
    }

    static int lineStartOffset(String text, int line) {
        int off = 0;
        for (int l = 0; l < line && off >= 0; l++) {
            off = text.indexOf('\n', off);
            if (off < 0) return text.length();
            off++;
        }
        return off;
    }

    /** The zero-based line of {@code offset} in {@code text} (the inverse of {@link #offsetOf}). */
    public static int lineOf(String text, int offset) {
        int line = 0;
        for (int i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
        return line;
    }

    /**
     * {@code inserted} with the line ends of {@code file}: a file written with CRLF gets CRLF in what a refactor
     * inserts (its sites and the model write LF), so no line of it comes out with the other ending.
     */
    static String withLineEndsOf(String file, String inserted) {
        if (!file.contains("\r\n") || !inserted.contains("\n")) return inserted;
        return inserted.replaceAll("(?<!\r)\n", "\r\n");
    }

    /** The zero-based column of {@code offset} in its line of {@code text}. */
    public static int columnOf(String text, int offset) {
        return offset - (text.lastIndexOf('\n', offset - 1) + 1);
    }

    public static int offsetOf(String text, int line, int column) {
        int ls = lineStartOffset(text, line);
        int le = text.indexOf('\n', ls);
        if (le < 0) le = text.length();
        return Math.min(ls + column, le);
    }
}
