package dev.quicksilver.index;

/**
 * A resolved call of a method or constructor.
 *
 * @param calleeKey binding key of the called method's declaration (generic methods: the declaration, not the instance)
 * @param callerKey binding key of the enclosing method, or of the enclosing type for initializers
 * @param location  the whole call expression
 */
public record CallSite(String calleeKey, String callerKey, SourceLocation location) {
}
