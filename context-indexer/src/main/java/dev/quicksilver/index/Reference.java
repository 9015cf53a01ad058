package dev.quicksilver.index;

/** A resolved use of a type, method or field by name, at {@code location} (the name only). */
public record Reference(String targetKey, SymbolKind targetKind, SourceLocation location) {
}
