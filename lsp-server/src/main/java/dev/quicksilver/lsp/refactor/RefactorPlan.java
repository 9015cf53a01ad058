package dev.quicksilver.lsp.refactor;

import java.util.List;

/** A refactor found from the index alone: what it does (the title the user sees) and where. */
public record RefactorPlan(String name, String title, List<Site> sites) {
    public RefactorPlan {
        sites = List.copyOf(sites);
    }

    public long files() {
        return sites.stream().map(Site::file).distinct().count();
    }
}
