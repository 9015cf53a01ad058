package dev.quicksilver.index.workspace;

import dev.quicksilver.index.IndexProblem;
import dev.quicksilver.index.IndexProblem.Reason;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Walks the workspace roots and decides which files are worth indexing.
 *
 * <p>Skipped: VCS and tool folders; build outputs ({@code target} next to a {@code pom.xml}, {@code build} next to
 * a Gradle build, {@code bin}/{@code out} of a project); paths matched by {@code .gitignore} files (nested ones
 * too) and {@code .git/info/exclude}; files with a well-known binary extension; files over the size limit. Links
 * are followed once: the same file reached twice is listed once, and a link back to a parent folder is recorded
 * as {@link Reason#SYMLINK_LOOP} (the JDK's walker detects the cycle).
 */
public final class WorkspaceScanner {
    private static final Set<String> ALWAYS_SKIPPED_DIRECTORIES = Set.of(
            ".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".gradle", ".idea", ".settings", ".metadata",
            "node_modules", "__pycache__", ".mvn", ".m2", ".cache", ".venv", ".tox");
    private static final Set<String> BUILD_OUTPUT_DIRECTORIES = Set.of("target", "build", "out", "bin");
    private static final Set<String> PROJECT_MARKERS = Set.of(
            "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "build.xml",
            ".project", "build.sbt");
    private static final Set<String> BINARY_EXTENSIONS = Set.of(
            "class", "jar", "war", "ear", "zip", "gz", "tgz", "xz", "bz2", "7z", "tar", "png", "jpg", "jpeg", "gif",
            "bmp", "ico", "webp", "pdf", "so", "dll", "dylib", "exe", "o", "a", "bin", "woff", "woff2", "ttf", "otf",
            "eot", "mp3", "mp4", "wav", "ogg", "mov", "avi", "safetensors", "npy", "npz", "pt", "onnx", "gguf",
            "jks", "keystore", "db", "sqlite", "dat", "idx", "pack");

    private final long maxFileBytes;
    private final List<Path> excludedFolders;

    /**
     * @param excludedFolders folders never entered (our own data folder, should it sit inside a root)
     */
    public WorkspaceScanner(long maxFileBytes, List<Path> excludedFolders) {
        this.maxFileBytes = maxFileBytes;
        this.excludedFolders = List.copyOf(excludedFolders);
    }

    public WorkspaceModel scan(List<Path> roots) {
        List<Path> files = new ArrayList<>();
        List<Path> projects = new ArrayList<>();
        List<IndexProblem> skipped = new ArrayList<>();
        Set<Object> seenFiles = new HashSet<>();
        for (Path root : roots) {
            walk(root.toAbsolutePath().normalize(), files, projects, skipped, seenFiles);
        }
        return new WorkspaceModel(roots, files, projects, skipped);
    }

    /** Whether a single path (from a file event) would be indexed by a scan; its folders are checked too. */
    public boolean accepts(List<Path> roots, Path file) {
        Path root = roots.stream().filter(file::startsWith).findFirst().orElse(null);
        if (root == null || !Files.isRegularFile(file)) return false;
        Deque<GitIgnoreRules> ignores = new ArrayDeque<>();
        GitIgnoreRules.load(root, root.resolve(".git/info/exclude")).ifPresent(ignores::push);
        Path dir = root;
        for (Path part : root.relativize(file.getParent())) {
            GitIgnoreRules.load(dir, dir.resolve(".gitignore")).ifPresent(ignores::push);
            Path child = dir.resolve(part);
            if (skipDirectory(child) || isIgnored(ignores, child, true)) return false;
            dir = child;
        }
        GitIgnoreRules.load(dir, dir.resolve(".gitignore")).ifPresent(ignores::push);
        try {
            return !isIgnored(ignores, file, false) && !hasBinaryExtension(file) && Files.size(file) <= maxFileBytes;
        } catch (IOException e) {
            return false;
        }
    }

    private void walk(Path root, List<Path> files, List<Path> projects, List<IndexProblem> skipped, Set<Object> seenFiles) {
        // One entry per folder on the current path: its .gitignore rules, or null when it has none.
        Deque<Optional<GitIgnoreRules>> ignoreStack = new ArrayDeque<>();
        Deque<GitIgnoreRules> active = new ArrayDeque<>();
        GitIgnoreRules.load(root, root.resolve(".git/info/exclude")).ifPresent(active::push);
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && (skipDirectory(dir) || isIgnored(active, dir, true))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (isProjectDirectory(dir)) projects.add(dir);
                    Optional<GitIgnoreRules> rules = GitIgnoreRules.load(dir, dir.resolve(".gitignore"));
                    rules.ifPresent(active::push);
                    ignoreStack.push(rules);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                    if (!ignoreStack.isEmpty() && ignoreStack.pop().isPresent()) active.pop();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile() || hasBinaryExtension(file) || isIgnored(active, file, false)) {
                        return FileVisitResult.CONTINUE;
                    }
                    Object identity = attrs.fileKey() != null ? attrs.fileKey() : file;
                    if (!seenFiles.add(identity)) return FileVisitResult.CONTINUE;
                    if (attrs.size() > maxFileBytes) {
                        skipped.add(new IndexProblem(file, Reason.TOO_LARGE, attrs.size() + " bytes, limit " + maxFileBytes));
                    } else {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    if (exc instanceof FileSystemLoopException) {
                        skipped.add(new IndexProblem(file, Reason.SYMLINK_LOOP, "links back to " + root.relativize(file).getParent()));
                    } else {
                        skipped.add(new IndexProblem(file, Reason.UNREADABLE, String.valueOf(exc.getMessage())));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            skipped.add(new IndexProblem(root, Reason.UNREADABLE, String.valueOf(e.getMessage())));
        }
    }

    private boolean skipDirectory(Path dir) {
        String name = dir.getFileName().toString();
        if (ALWAYS_SKIPPED_DIRECTORIES.contains(name)) return true;
        for (Path excluded : excludedFolders) {
            if (dir.startsWith(excluded)) return true;
        }
        // "build" or "target" may be a package name; only a project's own output folder is skipped.
        return BUILD_OUTPUT_DIRECTORIES.contains(name) && dir.getParent() != null && isProjectDirectory(dir.getParent());
    }

    private static boolean isProjectDirectory(Path dir) {
        for (String marker : PROJECT_MARKERS) {
            if (Files.exists(dir.resolve(marker))) return true;
        }
        return false;
    }

    /** The deepest ignore file that has a matching rule decides (gitignore(5): lower levels override higher). */
    private static boolean isIgnored(Deque<GitIgnoreRules> deepestFirst, Path path, boolean isDirectory) {
        for (GitIgnoreRules rules : deepestFirst) {
            Optional<Boolean> verdict = rules.match(path, isDirectory);
            if (verdict.isPresent()) return verdict.get();
        }
        return false;
    }

    private static boolean hasBinaryExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && BINARY_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
