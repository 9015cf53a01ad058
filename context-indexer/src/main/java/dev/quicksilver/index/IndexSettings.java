package dev.quicksilver.index;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to index a workspace. Built with {@link #builder(Path...)}, which checks every value at build time.
 *
 * @param roots            workspace folders; everything indexed lies under one of them
 * @param dataDirectory    our own folder for state (the persisted index lives under it); never inside a root
 * @param persistIndex     write the Java facts to {@code dataDirectory} and reuse them on the next start
 * @param extraClasspath   jars (or class folders) to resolve Java against, besides the JDK and Maven dependencies
 * @param mavenRepository  the local Maven repository where declared dependencies are looked up (never downloaded)
 * @param maxFileBytes     files larger than this are skipped and recorded
 * @param debounce         how long a changed file must stay quiet before it is re-parsed
 * @param javaBatchSize    files per JDT {@code createASTs} batch: larger is faster, smaller uses less heap
 * @param parserThreads    batches parsed at once
 */
public record IndexSettings(List<Path> roots, Path dataDirectory, boolean persistIndex, List<Path> extraClasspath,
                            Path mavenRepository, long maxFileBytes, Duration debounce, int javaBatchSize,
                            int parserThreads) {
    public IndexSettings {
        roots = List.copyOf(roots);
        extraClasspath = List.copyOf(extraClasspath);
    }

    public static Builder builder(Path... roots) {
        return new Builder(List.of(roots));
    }

    public static Builder builder(List<Path> roots) {
        return new Builder(roots);
    }

    public static final class Builder {
        private final List<Path> roots;
        private Path dataDirectory;
        private boolean persistIndex;
        private final List<Path> extraClasspath = new ArrayList<>();
        private Path mavenRepository = Path.of(System.getProperty("user.home"), ".m2", "repository");
        private long maxFileBytes = 1 << 20;
        private Duration debounce = Duration.ofMillis(200);
        private int javaBatchSize = 1000;
        private int parserThreads = 1;

        private Builder(List<Path> roots) {
            this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        }

        public Builder dataDirectory(Path dir) { this.dataDirectory = dir.toAbsolutePath().normalize(); return this; }
        public Builder persistIndex(boolean persist) { this.persistIndex = persist; return this; }
        public Builder addClasspath(Path jarOrFolder) { this.extraClasspath.add(jarOrFolder.toAbsolutePath().normalize()); return this; }
        public Builder mavenRepository(Path repo) { this.mavenRepository = repo.toAbsolutePath().normalize(); return this; }
        public Builder maxFileBytes(long bytes) { this.maxFileBytes = bytes; return this; }
        public Builder debounce(Duration delay) { this.debounce = delay; return this; }
        public Builder javaBatchSize(int files) { this.javaBatchSize = files; return this; }
        public Builder parserThreads(int threads) { this.parserThreads = threads; return this; }

        public IndexSettings build() {
            if (roots.isEmpty()) throw new IllegalArgumentException("at least one workspace root is needed");
            for (Path root : roots) {
                if (!Files.isDirectory(root)) throw new IllegalArgumentException("workspace root " + root + " is not a directory");
            }
            Path data = dataDirectory != null ? dataDirectory : defaultDataDirectory(roots);
            for (Path root : roots) {
                if (data.startsWith(root)) {
                    throw new IllegalArgumentException("data directory " + data + " is inside workspace root " + root
                            + ": the index never writes into the user's tree; pick a folder outside it");
                }
            }
            if (maxFileBytes <= 0) throw new IllegalArgumentException("maxFileBytes must be positive, was " + maxFileBytes);
            if (debounce.isNegative()) throw new IllegalArgumentException("debounce must not be negative, was " + debounce);
            if (javaBatchSize < 1) throw new IllegalArgumentException("javaBatchSize must be at least 1, was " + javaBatchSize);
            if (parserThreads < 1) throw new IllegalArgumentException("parserThreads must be at least 1, was " + parserThreads);
            return new IndexSettings(roots, data, persistIndex, extraClasspath, mavenRepository, maxFileBytes, debounce,
                    javaBatchSize, parserThreads);
        }

        private static Path defaultDataDirectory(List<Path> roots) {
            String cacheHome = Optional.ofNullable(System.getenv("XDG_CACHE_HOME"))
                    .orElse(Path.of(System.getProperty("user.home"), ".cache").toString());
            String id = Integer.toHexString(roots.toString().hashCode());
            return Path.of(cacheHome, "quicksilver", "index", id).toAbsolutePath().normalize();
        }
    }
}
