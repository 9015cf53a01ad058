package dev.quicksilver.index;

import java.util.List;

/**
 * A checked exception a method declares ({@code throws OutOfStockException}): its qualified name, the name it is
 * written with in source (a member type's with its outer types, {@code Outer.Inner}), and the qualified names of it
 * and its superclasses, innermost first ({@code shop.OutOfStockException, java.lang.Exception,
 * java.lang.Throwable}): a {@code catch} or {@code throws} of any of them handles it. {@code notDeclarableBecause}
 * is null, or says why the method may not declare it (it overrides a method that does not throw it).
 */
public record CheckedException(String qualifiedName, String sourceName, List<String> supertypes, String notDeclarableBecause) {
    public CheckedException {
        supertypes = List.copyOf(supertypes);
    }

    /** The type to import for its source name to resolve: itself, or for a member type its outermost type. */
    public String importedType() {
        return qualifiedName.substring(0, qualifiedName.length() - sourceName.length()) + sourceName.split("\\.")[0];
    }
}
