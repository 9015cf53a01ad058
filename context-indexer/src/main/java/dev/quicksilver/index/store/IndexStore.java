package dev.quicksilver.index.store;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import dev.quicksilver.index.java.JavaFileFacts;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The persisted Java index, for a fast restart: per file its {@link FileStamp} and {@link JavaFileFacts}, in one
 * binary file under our data folder (never the user's tree). Strings (binding keys above all) are written once
 * and then referred to by number. The file starts with a format version and a fingerprint of everything the facts
 * depend on (roots, classpath, JDK); a mismatch, or any read error, means "no cache", never a failure.
 *
 * <p>Not thread-safe by itself: the caller saves from its single update thread, and writes go to a temporary
 * file moved into place atomically, so a reader never sees half a file.
 */
public final class IndexStore {
    private static final int MAGIC = 0x51534958; // "QSIX"
    private static final int FORMAT_VERSION = 4; // 2: each file's type shapes beside its facts; 3: signatures without comments; 4: creations with a class body call the superclass constructor; Shape::new refers to its constructor
    private static final String FILE_NAME = "java-index.bin";
    private static final String ROOTS_FILE = "roots.txt";

    /** A file's stamp and facts, and its type shapes in their stored form (null: none; see {@code WorkspaceTypes}). */
    public record Entry(FileStamp stamp, JavaFileFacts facts, byte[] shapes) {
    }

    private final Path file;

    public IndexStore(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * Writes the index, and beside it the workspace roots it describes ({@value #ROOTS_FILE}): indexes of
     * workspaces that are gone (a deleted checkout, a temporary folder) are then removed by
     * {@link #removeAbandonedSiblings}.
     */
    public void save(String fingerprint, Map<Path, Entry> entries, List<Path> roots) throws IOException {
        save(fingerprint, entries);
        StringBuilder text = new StringBuilder();
        for (Path root : roots) text.append(root).append('\n');
        Files.writeString(file.resolveSibling(ROOTS_FILE), text);
    }

    /**
     * Deletes the other index folders beside this one whose workspace roots all no longer exist. Only folders
     * holding nothing but what this class writes are touched; returns how many were removed.
     */
    public int removeAbandonedSiblings() {
        Path folder = file.getParent();
        Path parent = folder.getParent();
        if (parent == null || !Files.isDirectory(parent)) return 0;
        int removed = 0;
        try (var siblings = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path sibling : siblings) {
                if (sibling.equals(folder)) continue;
                Path roots = sibling.resolve(ROOTS_FILE);
                if (!Files.isRegularFile(roots)) continue;
                List<String> listed = Files.readAllLines(roots).stream().filter(l -> !l.isBlank()).toList();
                if (listed.isEmpty() || listed.stream().anyMatch(r -> Files.exists(Path.of(r)))) continue;
                List<Path> contents;
                try (var c = Files.list(sibling)) {
                    contents = c.toList();
                }
                if (!contents.stream().allMatch(p -> ours(p.getFileName().toString()))) continue;
                for (Path p : contents) Files.deleteIfExists(p);
                Files.deleteIfExists(sibling);
                removed++;
            }
        } catch (IOException | RuntimeException e) {
            // Tidying up is best effort: an unreadable sibling stays.
        }
        return removed;
    }

    private static boolean ours(String name) {
        return name.equals(FILE_NAME) || name.equals(ROOTS_FILE) || (name.startsWith(FILE_NAME + ".") && name.endsWith(".tmp"));
    }

    public void save(String fingerprint, Map<Path, Entry> entries) throws IOException {
        Files.createDirectories(file.getParent());
        // A name of its own: two servers on one workspace (two editor windows) may save at once.
        Path temporary = file.resolveSibling(FILE_NAME + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().threadId() + ".tmp");
        try {
            write(temporary, fingerprint, entries);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary); // left only by a failed write
        }
    }

    private static void write(Path temporary, String fingerprint, Map<Path, Entry> entries) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
            StringTable strings = new StringTable(out);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeUTF(fingerprint);
            out.writeInt(entries.size());
            for (Entry entry : entries.values()) {
                JavaFileFacts f = entry.facts();
                strings.write(f.path().toString());
                out.writeLong(entry.stamp().size());
                out.writeLong(entry.stamp().modifiedMillis());
                strings.write(f.packageName());
                writeStrings(strings, out, f.imports());
                out.writeInt(f.declarations().size());
                for (SymbolInfo d : f.declarations()) {
                    strings.write(d.key());
                    out.writeByte(d.kind().ordinal());
                    strings.write(d.name());
                    strings.write(d.qualifiedName());
                    strings.write(d.declaringTypeKey());
                    strings.write(d.signature());
                    writeStrings(strings, out, d.modifiers());
                    strings.write(d.javadocSummary());
                    writeRange(out, d.location().range());
                    writeRange(out, d.nameRange());
                    writeStrings(strings, out, d.supertypeKeys());
                }
                out.writeInt(f.calls().size());
                for (CallSite c : f.calls()) {
                    strings.write(c.calleeKey());
                    strings.write(c.callerKey());
                    writeRange(out, c.location().range());
                }
                out.writeInt(f.references().size());
                for (Reference r : f.references()) {
                    strings.write(r.targetKey());
                    out.writeByte(r.targetKind().ordinal());
                    writeRange(out, r.location().range());
                }
                out.writeInt(f.syntaxErrors());
                strings.write(f.firstError());
                out.writeBoolean(f.bindingsResolved());
                byte[] shapes = entry.shapes();
                out.writeInt(shapes == null ? -1 : shapes.length);
                if (shapes != null) out.write(shapes);
            }
        }
    }

    /** The persisted entries, or empty when there are none, they are stale, or they cannot be read. */
    public Optional<Map<Path, Entry>> load(String fingerprint) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT_VERSION || !in.readUTF().equals(fingerprint)) {
                return Optional.empty();
            }
            StringReader strings = new StringReader(in);
            SymbolKind[] kinds = SymbolKind.values();
            int count = in.readInt();
            Map<Path, Entry> entries = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                Path path = Path.of(strings.read());
                FileStamp stamp = new FileStamp(in.readLong(), in.readLong());
                String packageName = strings.read();
                List<String> imports = readStrings(strings, in);
                int declarationCount = in.readInt();
                List<SymbolInfo> declarations = new ArrayList<>(declarationCount);
                for (int d = 0; d < declarationCount; d++) {
                    String key = strings.read();
                    SymbolKind kind = kinds[in.readByte()];
                    String name = strings.read();
                    String qualifiedName = strings.read();
                    String declaringTypeKey = strings.read();
                    String signature = strings.read();
                    List<String> modifiers = readStrings(strings, in);
                    String javadoc = strings.read();
                    SourceLocation location = new SourceLocation(path, readRange(in));
                    TextRange nameRange = readRange(in);
                    declarations.add(new SymbolInfo(key, kind, name, qualifiedName, declaringTypeKey, signature, modifiers,
                            javadoc, location, nameRange, readStrings(strings, in)));
                }
                int callCount = in.readInt();
                List<CallSite> calls = new ArrayList<>(callCount);
                for (int c = 0; c < callCount; c++) {
                    calls.add(new CallSite(strings.read(), strings.read(), new SourceLocation(path, readRange(in))));
                }
                int referenceCount = in.readInt();
                List<Reference> references = new ArrayList<>(referenceCount);
                for (int r = 0; r < referenceCount; r++) {
                    String target = strings.read();
                    SymbolKind kind = kinds[in.readByte()];
                    references.add(new Reference(target, kind, new SourceLocation(path, readRange(in))));
                }
                int syntaxErrors = in.readInt();
                String firstError = strings.read();
                boolean resolved = in.readBoolean();
                int shapeBytes = in.readInt();
                byte[] shapes = shapeBytes < 0 ? null : in.readNBytes(shapeBytes);
                if (shapes != null && shapes.length != shapeBytes) throw new IOException("the index file ends inside " + path + "'s shapes");
                entries.put(path, new Entry(stamp, new JavaFileFacts(path, packageName, imports, declarations, calls,
                        references, syntaxErrors, firstError, resolved), shapes));
            }
            return Optional.of(entries);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged cache is just a cold start
        }
    }

    private static void writeRange(DataOutputStream out, TextRange r) throws IOException {
        out.writeInt(r.startLine());
        out.writeInt(r.startColumn());
        out.writeInt(r.endLine());
        out.writeInt(r.endColumn());
    }

    private static TextRange readRange(DataInputStream in) throws IOException {
        return new TextRange(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }

    private static void writeStrings(StringTable strings, DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) strings.write(v);
    }

    private static List<String> readStrings(StringReader strings, DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) values.add(strings.read());
        return values;
    }

    /** Writes a string the first time as -1 and its text, afterwards as its number. */
    private static final class StringTable {
        private final DataOutputStream out;
        private final Map<String, Integer> numbers = new HashMap<>();

        StringTable(DataOutputStream out) {
            this.out = out;
        }

        void write(String s) throws IOException {
            Integer n = numbers.get(s);
            if (n != null) {
                out.writeInt(n);
                return;
            }
            numbers.put(s, numbers.size());
            out.writeInt(-1);
            byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static final class StringReader {
        private final DataInputStream in;
        private final List<String> strings = new ArrayList<>();

        StringReader(DataInputStream in) {
            this.in = in;
        }

        String read() throws IOException {
            int n = in.readInt();
            if (n >= 0) return strings.get(n);
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            String s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).intern();
            strings.add(s);
            return s;
        }
    }
}
