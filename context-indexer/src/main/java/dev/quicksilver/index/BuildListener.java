package dev.quicksilver.index;

/**
 * What {@link WorkspaceIndex#build(BuildListener)} reports as it goes. A cold build has three phases: every Java
 * file's declarations are read from its tokens ({@code JavaOutline}: seconds even on a large workspace, within a
 * few multiples of ctags); every text file enters the lexical index (similar snippets); then JDT resolves the Java
 * files in batches and their resolved facts (call sites, references, overrides) replace the outlines file by file.
 * Called on the building thread; keep the callbacks short.
 */
public interface BuildListener {
    BuildListener NONE = new BuildListener() {
    };

    /**
     * The index answers queries: {@link WorkspaceIndex#contextFor} finds every Java declaration by name (types with
     * their members, signatures and javadoc); similar snippets arrive with the lexical index, call sites,
     * references and implementations with the resolved facts.
     */
    default void outlineReady(IndexStats stats) {
    }

    /** Every text file is in the lexical index: context now has similar snippets from other files too. */
    default void lexicalReady(IndexStats stats) {
    }

    /** {@code resolved} of {@code total} Java files have their resolved facts (called after each file). */
    default void javaFilesResolved(int resolved, int total) {
    }

    /**
     * Every Java file has its resolved facts (or, where JDT failed on it, keeps its outline). Called before the
     * build lets go of the index, so no update that waited for the build has run yet.
     */
    default void resolved(IndexStats stats) {
    }
}
