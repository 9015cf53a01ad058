package dev.quicksilver.index;

import java.util.Set;

/**
 * A variable visible at a place in a Java file (a local, a parameter, or a field of an enclosing type), with
 * what it can be passed as: the erasures of its type and of all its supertypes ({@code java.lang.String},
 * {@code java.lang.CharSequence}, {@code java.lang.Object}, ...; for a primitive, the primitives it widens to and
 * its boxed type's). Names are qualified with dots, arrays end in {@code []}. {@code field}: a field, not a local
 * or a parameter. {@code key}: its declaration's binding key (a field's is its {@link SymbolInfo#key()}), which
 * tells two fields of one name apart (a nested class's own, which hides the enclosing class's).
 */
public record ScopeVariable(String name, String type, Set<String> assignableTo, boolean field, String key) {
    public ScopeVariable {
        assignableTo = Set.copyOf(assignableTo);
    }
}
