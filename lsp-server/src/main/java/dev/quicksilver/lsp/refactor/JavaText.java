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

    /** Index of the ')' that matches the '(' at {@code open}, or -1. */
    static int matchingClose(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < text.length() && !(text.charAt(j) == c && text.charAt(j - 1) != '\\')) j++;
                i = j;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) return i;
            }
        }
        return -1;
    }

    /** The top-level comma-separated parts of an argument or parameter list (empty list for blank text). */
    public static List<String> splitTopLevel(String list) {
        List<String> parts = new ArrayList<>();
        if (list.isBlank()) return parts;
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < list.length() && !(list.charAt(j) == c && list.charAt(j - 1) != '\\')) j++;
                i = j;
            } else if (c == '(' || c == '[' || c == '{' || c == '<') depth++;
            else if (c == ')' || c == ']' || c == '}' || c == '>') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(list.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(list.substring(start).strip());
        return parts;
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

    public static int offsetOf(String text, int line, int column) {
        int ls = lineStartOffset(text, line);
        int le = text.indexOf('\n', ls);
        if (le < 0) le = text.length();
        return Math.min(ls + column, le);
    }
}
