package dev.quicksilver.lsp.refactor;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * One place a refactor edits: {@code [start, end)} of {@code file}'s current text becomes
 * {@code before + finish(model text) + after}. The model sees the file around the place, with the hole between
 * {@code before} and {@code after}, and {@code context} (what the refactor is about) ahead of it.
 */
public record Site(Path file, int start, int end, String before, String after, String context, int maxTokens,
                   UnaryOperator<String> finish) {
}
