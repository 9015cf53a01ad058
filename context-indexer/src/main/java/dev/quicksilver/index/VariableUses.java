package dev.quicksilver.index;

import java.util.List;

/**
 * The uses of a local variable (or a parameter) in a text, found through the compiler's bindings: the offsets of the
 * names bound to it ({@code uses}, its declaration left out), whether it is a method's or constructor's parameter
 * (documented by the method's Javadoc, changed with its signature), and whether a name given to it would clash
 * ({@code clashAt}, else -1: the offset of the first name of another variable of that name used or declared where
 * this one is in scope, so that renaming this one would change what a name means).
 */
public record VariableUses(List<Integer> uses, boolean methodParameter, int clashAt) {
    public VariableUses {
        uses = List.copyOf(uses);
    }

    public boolean clashes() {
        return clashAt >= 0;
    }
}
