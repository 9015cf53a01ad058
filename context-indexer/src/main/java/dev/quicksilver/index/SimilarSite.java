package dev.quicksilver.index;

import java.nio.file.Path;

/**
 * A place in the workspace that looks like a given snippet.
 *
 * @param startLine first line, zero-based
 * @param endLine   last line, inclusive
 * @param score     token-set Jaccard similarity with the snippet, in [0, 1]
 */
public record SimilarSite(Path path, int startLine, int endLine, double score, String text) {
}
