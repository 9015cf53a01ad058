package dev.quicksilver.lsp.refactor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A refactor found from the index alone: what it does (the title the user sees) and where. The first
 * {@code declarations} of the sites are declarations the refactor changes along with the sites it is about (an
 * override's or a lambda's parameter list, for add-parameter), decided without the model. {@code decidedBecause} says, for the log, why the sites
 * with one candidate needed no model. {@code fileRenames} are the files the refactor moves, each to its new path
 * (a public type renamed: its file takes the type's new name), their text edited as the sites say.
 *
 * <p>A plan with a {@code refusal} is a refactor that applies here but must not run, and says why in one sentence
 * (a type renamed to a name another type of its package has): listed as a disabled code action where the client
 * shows those, an error where it is asked to run. It has no sites.
 */
public record RefactorPlan(String name, String title, List<Site> sites, int declarations, String decidedBecause, Map<Path, Path> fileRenames,
                           String refusal) {
    public RefactorPlan {
        sites = List.copyOf(sites);
        fileRenames = Map.copyOf(fileRenames);
        if (refusal != null && !sites.isEmpty()) throw new IllegalArgumentException("a refused plan has no sites");
    }

    public RefactorPlan(String name, String title, List<Site> sites, int declarations, String decidedBecause, Map<Path, Path> fileRenames) {
        this(name, title, sites, declarations, decidedBecause, fileRenames, null);
    }

    /** The refactor {@code name} applies here, and must not run: {@code reason} says why and what to do instead. */
    public static RefactorPlan refused(String name, String title, String reason) {
        return new RefactorPlan(name, title, List.of(), 0, "", Map.of(), reason);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    public RefactorPlan(String name, String title, List<Site> sites, int declarations, String decidedBecause) {
        this(name, title, sites, declarations, decidedBecause, Map.of());
    }

    public RefactorPlan(String name, String title, List<Site> sites, String decidedBecause) {
        this(name, title, sites, 0, decidedBecause);
    }

    public RefactorPlan(String name, String title, List<Site> sites) {
        this(name, title, sites, 0, "");
    }

    /** "1 call site", "3 call sites": a count in a title. */
    static String count(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    public long files() {
        return sites.stream().map(Site::file).distinct().count();
    }

    /** How many of the sites add imports ({@link Imports}): decided, and neither declarations nor arguments. */
    public long imports() {
        return sites.stream().filter(s -> Imports.isImportSite(s)).count();
    }
}
