package dev.quicksilver.index;

/**
 * Counts model tokens in a text. The indexer knows no tokenizer: the caller (lsp-server) passes the model's.
 */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);

    /** About 3.5 characters per token, the usual ratio for BPE tokenizers on source code; for tests and defaults. */
    static TokenCounter approximate() {
        return text -> (int) Math.ceil(text.length() / 3.5);
    }
}
