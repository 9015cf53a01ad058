package dev.quicksilver.index.workspace;

import dev.quicksilver.index.IndexProblem;

import java.nio.file.Path;
import java.util.List;

/**
 * What a scan of the workspace found: the files worth indexing (not ignored, not in build outputs or VCS folders,
 * not over the size limit), and the files it skipped with the reason. Binary content is detected later, when a
 * file is read ({@link FileText}).
 */
public record WorkspaceModel(List<Path> roots, List<Path> files, List<Path> projectDirectories,
                             List<IndexProblem> skipped) {
    public WorkspaceModel {
        roots = List.copyOf(roots);
        files = List.copyOf(files);
        projectDirectories = List.copyOf(projectDirectories);
        skipped = List.copyOf(skipped);
    }

    public List<Path> javaFiles() {
        return files.stream().filter(WorkspaceModel::isJava).toList();
    }

    public static boolean isJava(Path path) {
        return path.getFileName().toString().endsWith(".java");
    }
}
