package dev.quicksilver.lsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The workspace folders, and the guard that keeps every edit inside them. A path is inside when its real path
 * (symbolic links resolved; for a file that does not exist yet, its nearest existing parent's) starts with a
 * root's real path, so a link that leads outside the workspace is outside.
 */
public final class WorkspaceRoots {
    private final List<Path> roots;
    private final List<Path> realRoots;

    public WorkspaceRoots(List<Path> roots) {
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        List<Path> real = new ArrayList<>();
        for (Path r : this.roots) real.add(realPath(r));
        this.realRoots = List.copyOf(real);
    }

    public List<Path> roots() {
        return roots;
    }

    public boolean contains(Path path) {
        Path real = realPath(path.toAbsolutePath().normalize());
        return realRoots.stream().anyMatch(real::startsWith);
    }

    /** Throws an invalid-params error naming the file when it lies outside every root. */
    public void requireInside(Path path) {
        if (!contains(path)) {
            throw Errors.invalidParams(path + " is outside the workspace folders " + roots + "; Quicksilver never edits files there");
        }
    }

    private static Path realPath(Path p) {
        Path existing = p;
        Path rest = null;
        while (existing != null && !Files.exists(existing)) {
            rest = rest == null ? existing.getFileName() : existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) return p;
        try {
            Path real = existing.toRealPath();
            return rest == null ? real : real.resolve(rest).normalize();
        } catch (IOException e) {
            return p;
        }
    }
}
