package dev.quicksilver.index;

/** What a declaration in the Java index is. */
public enum SymbolKind {
    CLASS, INTERFACE, ENUM, RECORD, ANNOTATION, METHOD, CONSTRUCTOR, FIELD;

    public boolean isType() {
        return ordinal() <= ANNOTATION.ordinal();
    }
}
