package dev.quicksilver.index;

import java.util.List;

/**
 * One declaration of the Java index (a type, method, constructor or field), identified by its JDT binding key.
 *
 * @param key            the JDT binding key, e.g. {@code Lp/A;.run()V}; stable across files and re-parses
 * @param kind           what it is
 * @param name           simple name ({@code run}, {@code A})
 * @param qualifiedName  {@code p.A} for a type, {@code p.A.run} for a member
 * @param declaringTypeKey key of the enclosing type, empty for a top-level type
 * @param signature      the declaration header as written (annotations, modifiers, type, name, parameters, throws), whitespace collapsed
 * @param modifiers      {@code public}, {@code static}, ... in source order
 * @param javadocSummary first sentence of the javadoc, plain text, empty if none
 * @param location       the whole declaration
 * @param nameRange      the declared name only
 * @param supertypeKeys  for a type: its superclass and interfaces; for a method: the methods it overrides or implements
 */
public record SymbolInfo(String key, SymbolKind kind, String name, String qualifiedName, String declaringTypeKey,
                         String signature, List<String> modifiers, String javadocSummary, SourceLocation location,
                         TextRange nameRange, List<String> supertypeKeys) {
    public SymbolInfo {
        modifiers = List.copyOf(modifiers);
        supertypeKeys = List.copyOf(supertypeKeys);
    }
}
