package dev.quicksilver.index.context;

/** A run of document text around the cursor: lines [firstLine, lastLine], zero-based, inclusive. */
record Window(String text, int firstLine, int lastLine, int tokens) {
}
