package dev.quicksilver.index.lexical;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Splits source text of any language into search terms: each identifier lower-cased, plus its camelCase and
 * snake_case parts when it has more than one ({@code parseHttpHeader} gives {@code parsehttpheader},
 * {@code parse}, {@code http}, {@code header}), so a query for a part still finds the whole. Terms shorter than two
 * characters and numbers are dropped.
 */
public final class CodeTokenizer {
    private CodeTokenizer() {
    }

    public static List<String> terms(CharSequence text) {
        List<String> out = new ArrayList<>();
        forEachTerm(text, 0, text.length(), out::add);
        return out;
    }

    public static void forEachTerm(CharSequence text, int from, int to, Consumer<String> sink) {
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < to && Character.isJavaIdentifierPart(text.charAt(i))) i++;
                emitIdentifier(text.subSequence(start, i).toString(), sink);
            } else if (Character.isDigit(c)) {
                while (i < to && Character.isLetterOrDigit(text.charAt(i))) i++;
            } else {
                i++;
            }
        }
    }

    private static void emitIdentifier(String identifier, Consumer<String> sink) {
        if (identifier.length() < 2) return;
        String whole = identifier.toLowerCase(Locale.ROOT);
        sink.accept(whole);
        if (oneLowerCaseWord(identifier)) return; // most identifiers: nothing to split
        List<String> parts = splitParts(identifier);
        if (parts.size() > 1) {
            for (String part : parts) {
                if (part.length() >= 2) sink.accept(part);
            }
        }
    }

    private static boolean oneLowerCaseWord(String identifier) {
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (c < 'a' || c > 'z') return false;
        }
        return true;
    }

    /** camelCase, PascalCase, SCREAMING_SNAKE and HTTPServer-style boundaries. */
    static List<String> splitParts(String identifier) {
        List<String> parts = new ArrayList<>(4);
        int start = 0;
        int n = identifier.length();
        for (int i = 1; i <= n; i++) {
            boolean boundary;
            if (i == n) {
                boundary = true;
            } else {
                char prev = identifier.charAt(i - 1);
                char c = identifier.charAt(i);
                boundary = c == '_' || c == '$' || prev == '_' || prev == '$'
                        || (Character.isLowerCase(prev) && Character.isUpperCase(c))
                        || (Character.isLetter(prev) != Character.isLetter(c))
                        || (Character.isUpperCase(prev) && Character.isUpperCase(c) && i + 1 < n && Character.isLowerCase(identifier.charAt(i + 1)));
            }
            if (boundary) {
                // '_' and '$' are boundaries on both sides, so they stand alone and fail the letter test.
                if (Character.isLetter(identifier.charAt(start))) parts.add(identifier.substring(start, i).toLowerCase(Locale.ROOT));
                start = i;
            }
        }
        return parts;
    }
}
