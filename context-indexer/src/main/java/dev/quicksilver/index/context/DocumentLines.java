package dev.quicksilver.index.context;

import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.TokenCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * A document split at the cursor, with windows that grow line by line away from it. A position past the end of
 * its line or of the document is clamped, as LSP clients expect.
 */
final class DocumentLines {
    private final String text;
    private final List<Integer> lineStarts = new ArrayList<>();
    private final int cursorLine;
    private final int cursorOffset;

    DocumentLines(String text, TextPosition position) {
        this.text = text;
        lineStarts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') lineStarts.add(i + 1);
        }
        this.cursorLine = Math.min(position.line(), lineStarts.size() - 1);
        int lineEnd = lineEnd(cursorLine);
        this.cursorOffset = Math.min(lineStarts.get(cursorLine) + (position.line() > cursorLine ? Integer.MAX_VALUE / 2 : position.column()), lineEnd);
    }

    int cursorLine() {
        return cursorLine;
    }

    int lineCount() {
        return lineStarts.size();
    }

    String line(int line) {
        return text.substring(lineStarts.get(line), lineEnd(line));
    }

    /** End of a line's content, before its newline. */
    private int lineEnd(int line) {
        return line + 1 < lineStarts.size() ? lineStarts.get(line + 1) - 1 : text.length();
    }

    /** The text before the cursor, as many whole lines back as fit in {@code budget} tokens. */
    Window prefix(int budget, TokenCounter counter) {
        int start = lineStarts.get(cursorLine);
        String piece = text.substring(start, cursorOffset);
        int tokens = counter.count(piece);
        if (tokens > budget) return trimmedFromLeft(piece, budget, counter);
        int firstLine = cursorLine;
        int total = tokens;
        while (firstLine > 0) {
            int lineStart = lineStarts.get(firstLine - 1);
            int lineTokens = counter.count(text.substring(lineStart, lineStarts.get(firstLine)));
            if (total + lineTokens > budget) break;
            total += lineTokens;
            firstLine--;
        }
        return exact(lineStarts.get(firstLine), cursorOffset, firstLine, cursorLine, budget, counter, true);
    }

    /** The text after the cursor, as many whole lines forward as fit in {@code budget} tokens. */
    Window suffix(int budget, TokenCounter counter) {
        int end = lineEnd(cursorLine);
        String piece = text.substring(cursorOffset, end);
        if (counter.count(piece) > budget) return new Window("", cursorLine, cursorLine, 0);
        int lastLine = cursorLine;
        int total = counter.count(piece);
        while (lastLine + 1 < lineStarts.size()) {
            int lineTokens = counter.count(text.substring(lineEnd(lastLine), lineEnd(lastLine + 1)));
            if (total + lineTokens > budget) break;
            total += lineTokens;
            lastLine++;
        }
        return exact(cursorOffset, lineEnd(lastLine), cursorLine, lastLine, budget, counter, false);
    }

    /**
     * Token counts of pieces need not add up exactly (a tokenizer may merge across a newline), so the window is
     * counted once more as a whole and shrunk, from its far end, until it fits.
     */
    private Window exact(int from, int to, int firstLine, int lastLine, int budget, TokenCounter counter, boolean isPrefix) {
        while (true) {
            String piece = text.substring(from, to);
            int tokens = counter.count(piece);
            if (tokens <= budget) return new Window(piece, firstLine, lastLine, tokens);
            if (isPrefix) {
                if (firstLine == cursorLine) return new Window("", cursorLine, cursorLine, 0);
                from = lineStarts.get(++firstLine);
            } else {
                if (lastLine == cursorLine) return new Window("", cursorLine, cursorLine, 0);
                to = lineEnd(--lastLine);
            }
        }
    }

    /** A single line longer than the budget (minified code): keep its end, nearest the cursor. */
    private Window trimmedFromLeft(String piece, int budget, TokenCounter counter) {
        int lo = 0;
        int hi = piece.length();
        while (lo < hi) { // smallest cut that fits
            int mid = (lo + hi) >>> 1;
            if (counter.count(piece.substring(mid)) <= budget) hi = mid;
            else lo = mid + 1;
        }
        String kept = piece.substring(lo);
        return new Window(kept, cursorLine, cursorLine, counter.count(kept));
    }
}
