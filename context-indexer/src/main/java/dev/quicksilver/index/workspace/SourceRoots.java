package dev.quicksilver.index.workspace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Java source roots: the Maven and Gradle conventions ({@code src/<set>/java} of each project folder), plus
 * the root implied by any {@code .java} file's package declaration ({@code dir/a/b/C.java} declaring
 * {@code package a.b;} has root {@code dir}), which covers plain folders of sources. A file whose folder does not
 * match its package is its own root.
 */
public final class SourceRoots {
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern LINE_COMMENT = Pattern.compile("//[^\n]*");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*package\\s+([\\w.\\s]+?)\\s*;");
    /** A package declaration is at the head of a file; reading further only costs time. */
    private static final int HEAD_CHARS = 32 * 1024;

    private final Set<Path> roots = new LinkedHashSet<>();

    public SourceRoots(Collection<Path> projectDirectories) {
        for (Path project : projectDirectories) addConventionalRoots(project);
    }

    private void addConventionalRoots(Path project) {
        Path src = project.resolve("src");
        if (!Files.isDirectory(src)) return;
        try (DirectoryStream<Path> sets = Files.newDirectoryStream(src, Files::isDirectory)) {
            for (Path set : sets) {
                Path java = set.resolve("java");
                if (Files.isDirectory(java)) roots.add(java);
            }
        } catch (IOException ignored) {
            // An unreadable src folder contributes no roots; its files are still found by the scan.
        }
    }

    /** Records the root implied by this file's package declaration and returns it. */
    public Path addFile(Path javaFile, String text) {
        Path root = rootOf(javaFile, text);
        roots.add(root);
        return root;
    }

    /** Records the root implied by a package name already known (e.g. from the file's outline) and returns it. */
    public Path addFile(Path javaFile, Optional<String> packageName) {
        Path root = rootOf(javaFile, packageName);
        roots.add(root);
        return root;
    }

    public List<Path> roots() {
        return List.copyOf(roots);
    }

    public static Path rootOf(Path javaFile, String text) {
        return rootOf(javaFile, packageOf(text));
    }

    private static Path rootOf(Path javaFile, Optional<String> pkg) {
        Path folder = javaFile.toAbsolutePath().normalize().getParent();
        if (pkg.isEmpty() || pkg.get().isEmpty()) return folder;
        String[] parts = pkg.get().split("\\.");
        Path candidate = folder;
        for (int i = parts.length - 1; i >= 0; i--) {
            if (candidate == null || candidate.getFileName() == null || !candidate.getFileName().toString().equals(parts[i])) {
                return folder;
            }
            candidate = candidate.getParent();
        }
        return candidate == null ? folder : candidate;
    }

    public static Optional<String> packageOf(String text) {
        String head = text.length() > HEAD_CHARS ? text.substring(0, HEAD_CHARS) : text;
        String code = LINE_COMMENT.matcher(BLOCK_COMMENT.matcher(head).replaceAll(" ")).replaceAll(" ");
        Matcher m = PACKAGE.matcher(code);
        return m.find() ? Optional.of(m.group(1).replaceAll("\\s+", "")) : Optional.empty();
    }
}
