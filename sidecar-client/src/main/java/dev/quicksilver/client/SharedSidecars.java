package dev.quicksilver.client;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where the clients of one machine and user find the sidecar they share: a folder (mode 0700) holding, per
 * kind of sidecar ({@link SpawnOptions#identity}), a lock file, a record of the running one (pid, port and
 * token, mode 0600) and its log.
 *
 * <p><b>Design.</b> A client that wants a sidecar takes the lock, reads the record, and attaches to the
 * sidecar it names if that process is alive and answers a health check with the recorded token; otherwise
 * it starts one, waits for its handshake, writes the record, and only then lets the lock go. So however
 * many editors start at once, one sidecar is started and the others attach to it; a record left by a
 * crashed sidecar (or a reused pid: the token check fails) is simply replaced. The sidecar is not tied to
 * the client that started it: it exits by itself once no client has been connected for a while
 * ({@code serve --idle-exit-seconds}), so it ends with the last editor, not the first.
 *
 * <p><b>Locks.</b> The lock is an OS file lock ({@link FileChannel#lock}), which serializes processes;
 * within one JVM a second {@code lock} on the same file would throw, so clients of one JVM first meet on a
 * monitor per lock file (the one static table here, keyed by path).
 */
final class SharedSidecars {

    /** The running sidecar as its starter recorded it. */
    record Entry(long pid, int port, String token) {}

    private static final ConcurrentHashMap<Path, Object> JVM_MONITORS = new ConcurrentHashMap<>();
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path directory;
    private final String key;

    SharedSidecars(Path directory, SpawnOptions options) {
        this.directory = directory.toAbsolutePath().normalize();
        this.key = hash(options.identity());
    }

    /** {@code $XDG_RUNTIME_DIR/quicksilver} where that is set, else {@code ~/.cache/quicksilver/run}. */
    static Path defaultDirectory() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "quicksilver");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "quicksilver", "run");
    }

    Path directory() {
        return directory;
    }

    Path log() {
        return directory.resolve(key + ".log");
    }

    /** Runs {@code work} holding this kind's lock (other processes and this JVM's other clients wait). */
    <T> T locked(Supplier<T> work) {
        prepareDirectory();
        Path lockFile = directory.resolve(key + ".lock");
        synchronized (JVM_MONITORS.computeIfAbsent(lockFile, k -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                return work.get();
            } catch (IOException e) {
                throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "cannot lock " + lockFile + " ("
                        + e.getMessage() + "); check the folder's permissions, or set shareSidecar to false", e);
            }
        }
    }

    /** The record, if there is a readable one. */
    Optional<Entry> read() {
        return readRecord(directory.resolve(key + ".properties"));
    }

    /** Every readable record in {@code directory} (the default one when null), by record file. */
    static Map<Path, Entry> all(Path directory) {
        Path dir = directory != null ? directory : defaultDirectory();
        Map<Path, Entry> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".properties"))
                    .forEach(f -> readRecord(f).ifPresent(e -> out.put(f, e)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Optional<Entry> readRecord(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new Entry(Long.parseLong(p.getProperty("pid")), Integer.parseInt(p.getProperty("port")),
                    p.getProperty("token")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a torn or foreign file: treated as no record, and replaced
        }
    }

    /** Writes the record readable by the owner only, whole or not at all (a rename over the old one). */
    void write(Entry entry) {
        Path file = directory.resolve(key + ".properties");
        try {
            Path tmp = POSIX ? Files.createTempFile(directory, key, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                    : Files.createTempFile(directory, key, ".tmp"); // the user's profile folder guards it there
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(entry.pid()));
            p.setProperty("port", Integer.toString(entry.port()));
            p.setProperty("token", entry.token());
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "the Quicksilver sidecar shared by this user's editors; written by the one that started it");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The folder exists, belongs to this user and admits no one else (the records hold tokens). */
    private void prepareDirectory() {
        try {
            if (!POSIX) {
                Files.createDirectories(directory);
                return;
            }
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
            var attributes = view.readAttributes();
            String me = System.getProperty("user.name");
            if (!attributes.owner().getName().equals(me)) {
                throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the shared-sidecar folder " + directory
                        + " belongs to " + attributes.owner().getName() + ", not " + me
                        + "; remove it, or set shareSidecar to false");
            }
            if (!attributes.permissions().equals(OWNER_ONLY_DIR)) {
                view.setPermissions(OWNER_ONLY_DIR);
            }
        } catch (IOException e) {
            throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "cannot prepare the shared-sidecar folder "
                    + directory + " (" + e.getMessage() + "); check its permissions, or set shareSidecar to false", e);
        }
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return "sidecar-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
