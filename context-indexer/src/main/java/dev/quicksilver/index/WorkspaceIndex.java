package dev.quicksilver.index;

import dev.quicksilver.index.IndexProblem.Reason;
import dev.quicksilver.index.context.ContextAssembler;
import dev.quicksilver.index.java.JavaEnvironment;
import dev.quicksilver.index.java.JavaFileFacts;
import dev.quicksilver.index.java.JavaIndexer;
import dev.quicksilver.index.java.JavaOutline;
import dev.quicksilver.index.java.SymbolTable;
import dev.quicksilver.index.java.WorkspaceTypes;
import dev.quicksilver.index.lexical.LexicalIndex;
import dev.quicksilver.index.lexical.SimilarSiteFinder;
import dev.quicksilver.index.store.FileStamp;
import dev.quicksilver.index.store.IndexStore;
import dev.quicksilver.index.workspace.FileText;
import dev.quicksilver.index.workspace.MavenDependencies;
import dev.quicksilver.index.workspace.SourceRoots;
import dev.quicksilver.index.workspace.WorkspaceModel;
import dev.quicksilver.index.workspace.WorkspaceScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The workspace index: what {@code lsp-server} talks to. {@link #build(BuildListener)} indexes the workspace once,
 * in three phases that each answer more (declarations from tokens, the lexical index, resolved Java; or, for the
 * last, the persisted Java index and only what changed and what uses it); then editor and file events keep it
 * current, one file at a time, and the queries ({@link #contextFor}, {@link #callSites}, {@link #implementations},
 * {@link #similarSites}, ...) answer from memory.
 *
 * <p>Concurrency. Readers and one writer at a time:
 * <ul>
 *   <li>Queries run on any thread, at any time, also during {@link #build()} and updates. The two indexes
 *       ({@link SymbolTable}, {@link LexicalIndex}) each guard themselves with a read/write lock held only to swap
 *       one file's entries, so a query sees every file either before or after its update, never half of it.</li>
 *   <li>Writers (cold build, re-parse of a file, deletion) are serialized by {@code updateLock}; parsing happens
 *       outside the index locks, so a slow parse never blocks a query. The build's first two phases read and
 *       tokenize files on all cores (the common fork-join pool) but link them into the indexes on the building
 *       thread. {@link #close()} makes a build that is still resolving stop at its next file.</li>
 *   <li>Debounced updates run on one daemon thread ("context-indexer-updates"); {@link #flush()} runs the pending
 *       ones immediately.</li>
 *   <li>{@link #compileErrors} compiles under {@code updateLock} (the compiler's environment is the writers'), and
 *       remembers each result with the Java state it was computed in ({@code javaState}, bumped by every change to
 *       a file's facts or the source roots); a result is reused only
 *       in the same state, and one whose state moved during the compile is not kept.</li>
 * </ul>
 * Bad input (unparseable, unreadable, binary, huge files) is recorded in {@link #problems()} and skipped; no query
 * or update throws because of a file's content.
 */
public final class WorkspaceIndex implements AutoCloseable {
    /** Files read and prepared at once in the first phases of a cold build (bounds the texts held together). */
    private static final int PARALLEL_SLICE = 256;
    private final IndexSettings settings;
    private final WorkspaceScanner scanner;
    private final SymbolTable symbols = new SymbolTable();
    private final LexicalIndex lexical = new LexicalIndex();
    private final WorkspaceTypes workspaceTypes = new WorkspaceTypes();
    private final IndexStore store;
    private final ContextAssembler contextAssembler;
    private final SimilarSiteFinder similarSiteFinder;

    private final ReentrantLock updateLock = new ReentrantLock();
    /**
     * Bumped by every change to what the Java index knows (a file's facts or types, the source roots): a compile's
     * errors are valid only in the state they were computed in. Refactors compile the same files again and again
     * while the user moves the cursor (code actions), with nothing changed in between.
     */
    private final java.util.concurrent.atomic.AtomicLong javaState = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Compiles remembered, least recently used out first (a refactor's rounds compile a file with several texts;
     * each entry holds its text: ~15 MB at 30 KB a file).
     */
    private final StateCache<CompileKey, List<CompileError>> compiles = new StateCache<>(512);
    /** The lambdas found in a file for some methods ({@link #lambdasImplementing}), remembered as compiles are. */
    private final StateCache<LambdaKey, List<LambdaSite>> lambdaSearches = new StateCache<>(256);

    private record CompileKey(Path file, String text) {
    }

    /** A variable's uses ({@link #variableUses}), remembered as compiles are: asked again at every cursor move. */
    private final StateCache<VariableKey, List<VariableUses>> variableSearches = new StateCache<>(64);

    private record VariableKey(Path file, String text, int nameOffset, String newName, boolean privateFields) {
    }

    private record LambdaKey(Path file, String text, Set<String> methodKeys) {
    }

    /** The checked exceptions of a method ({@link #checkedExceptions}) and how they are handled at calls ({@link #exceptionSites}), remembered so. */
    private final StateCache<ThrownKey, List<CheckedException>> thrownSearches = new StateCache<>(64);
    private final StateCache<ExceptionKey, List<Optional<ExceptionSite>>> exceptionSearches = new StateCache<>(256);

    private record ThrownKey(Path file, String text, int nameOffset) {
    }

    private record ExceptionKey(Path file, String text, List<List<Integer>> calls, List<String> supertypes) {
    }

    private final StateCache<CatchKey, List<Optional<CatchEdit>>> catchSearches = new StateCache<>(64);

    private record CatchKey(Path file, String text, List<List<Integer>> catches, List<List<Integer>> calls) {
    }

    /**
     * Results of resolving a text, each valid in the {@link #javaState} it was computed in; least recently used
     * out first beyond {@code capacity}. Used under {@code updateLock}.
     */
    private static final class StateCache<K, V> {
        private record Stamped<V>(long state, V value) {
        }

        private final Map<K, Stamped<V>> entries;

        StateCache(int capacity) {
            entries = new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, Stamped<V>> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** The value computed in {@code state}, or null. */
        V get(K key, long state) {
            Stamped<V> e = entries.get(key);
            return e != null && e.state() == state ? e.value() : null;
        }

        void put(K key, long state, V value) {
            entries.put(key, new Stamped<>(state, value));
        }
    }
    private final Map<Path, String> openDocuments = new ConcurrentHashMap<>();
    /** Type shapes of the unchanged files of a restart, until their facts are restored (build thread only). */
    private final Map<Path, byte[]> storedShapes = new HashMap<>();
    /** The buffer text each file was last indexed from, while its index entry came from an open buffer. */
    private final Map<Path, String> indexedBuffers = new ConcurrentHashMap<>();
    private final Map<Path, List<IndexProblem>> problems = new ConcurrentHashMap<>();
    private final Map<Path, FileStamp> stamps = new ConcurrentHashMap<>();
    private final Set<Path> sourceRoots = ConcurrentHashMap.newKeySet();
    /** Java files whose facts are still their outline (declarations only), waiting for the resolved phase. */
    private final Set<Path> outlined = ConcurrentHashMap.newKeySet();
    private final Map<Path, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService updates;
    private volatile JavaIndexer javaIndexer;
    /** Set by {@link #close()}: a build in progress stops delivering files and returns. */
    private volatile boolean closed;
    /** Set when a build has run to its end: only then does {@link #close()} persist the index. */
    private volatile boolean built;
    private volatile int javaFilesFromCache;

    private WorkspaceIndex(IndexSettings settings) {
        this.settings = settings;
        this.scanner = new WorkspaceScanner(settings.maxFileBytes(), List.of(settings.dataDirectory()));
        this.store = new IndexStore(settings.dataDirectory());
        this.contextAssembler = new ContextAssembler(symbols, lexical, this::currentText);
        this.similarSiteFinder = new SimilarSiteFinder(lexical, this::currentText);
        this.javaIndexer = new JavaIndexer(new JavaEnvironment(List.of(), settings.extraClasspath(), false), settings.maxFileBytes(), workspaceTypes);
        this.updates = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "context-indexer-updates");
            t.setDaemon(true);
            return t;
        });
    }

    /** An empty index for these settings; call {@link #build()} to fill it. */
    public static WorkspaceIndex create(IndexSettings settings) {
        return new WorkspaceIndex(settings);
    }

    // ---- cold index ----

    /** {@link #build(BuildListener)} without a listener. */
    public IndexStats build() {
        return build(BuildListener.NONE);
    }

    /**
     * Scans the workspace and indexes every file: lexically all text files, with JDT all Java files. With
     * {@link IndexSettings#persistIndex()} the Java facts of unchanged files come from the persisted index.
     *
     * <p>Three phases (see {@link BuildListener}), each answering queries with more: the declarations of every
     * Java file read from its tokens ({@link JavaOutline}, the part comparable to what ctags does), then every text
     * file in the lexical index, then the resolved facts, which replace each file's outline as JDT delivers them.
     */
    public IndexStats build(BuildListener listener) {
        updateLock.lock();
        try {
            WorkspaceModel model = scanner.scan(settings.roots());
            for (IndexProblem p : model.skipped()) record(p);
            SourceRoots roots = new SourceRoots(model.projectDirectories());
            List<Path> javaFiles = new ArrayList<>();
            boolean[] ownsJavaLang = {false};

            // Phase one: declarations from tokens.
            List<Path> javaSources = model.files().stream().filter(WorkspaceModel::isJava).toList();
            inParallelSlices(javaSources, this::outline, facts -> {
                String pkg = facts.packageName();
                Path root = roots.addFile(facts.path(), pkg.isEmpty() ? Optional.empty() : Optional.of(pkg));
                if (facts.path().equals(root.resolve("java/lang/Object.java"))) ownsJavaLang[0] = true;
                javaFiles.add(facts.path());
                if (!isModuleInfo(facts.path())) {
                    symbols.put(facts);
                    javaState.incrementAndGet();
                    outlined.add(facts.path());
                }
            });
            sourceRoots.addAll(roots.roots());
            listener.outlineReady(stats());
            if (closed) return stats();

            // Phase two: every text file in the lexical index.
            inParallelSlices(model.files(), this::lexicalChunks, file -> {
                lexical.put(file.path(), file.chunks());
                file.stamp().ifPresent(s -> stamps.put(file.path(), s));
            });
            listener.lexicalReady(stats());
            if (closed) return stats();

            // Phase three: resolved facts replace the outlines.
            List<Path> classpath = classpath(model.projectDirectories());
            javaIndexer = new JavaIndexer(new JavaEnvironment(roots.roots(), classpath, ownsJavaLang[0]), settings.maxFileBytes(), workspaceTypes);
            javaState.incrementAndGet();
            if (ownsJavaLang[0]) {
                // A JDK source tree is compiled at compliance 1.8 (see JavaEnvironment), where module-info means nothing.
                javaFiles.removeIf(WorkspaceIndex::isModuleInfo);
            }
            Restore restore = restoreFromCache(javaFiles);
            try {
                resolveWhatChanged(restore, listener);
            } catch (CancellationException e) {
                return stats(); // closed while resolving: nobody is listening any more
            } finally {
                storedShapes.clear(); // what a re-resolved file would have restored: it has fresh shapes now
            }
            built = true;
            if (settings.persistIndex()) save();
            IndexStats stats = stats();
            listener.resolved(stats);
            return stats;
        } finally {
            updateLock.unlock();
        }
    }

    /**
     * Resolves the Java files that changed since the index was persisted, then every unchanged file whose
     * persisted facts may now be wrong, until none is left: the files that use a declaration that is gone, gained
     * an overload or changed its supertypes ({@link #staleKeys}); the files a new type may take a name from
     * ({@link #shadowedByNewTypes}); and, wave after wave, the users of whatever those re-resolved files declare
     * differently now (a method of an unchanged file is re-keyed when a type in its signature moved). The others
     * keep their persisted facts. Without a persisted index every file is in the first list.
     */
    private void resolveWhatChanged(Restore restore, BuildListener listener) {
        AtomicInteger resolved = new AtomicInteger();
        int total = restore.changed().size() + restore.dependents().size();
        resolve(restore.changed(), resolved, total, listener);
        Map<Path, JavaFileFacts> restored = new LinkedHashMap<>(restore.restored());
        Set<String> stale = staleKeys(restore.before());
        Map<Path, JavaFileFacts> wave = new LinkedHashMap<>();
        for (Map.Entry<Path, JavaFileFacts> e : restore.dependents().entrySet()) {
            if (dependsOn(e.getValue(), stale)) {
                wave.put(e.getKey(), e.getValue());
            } else {
                restore(e.getValue());
                restored.put(e.getKey(), e.getValue());
                listener.javaFilesResolved(resolved.incrementAndGet(), total);
            }
        }
        for (Path file : shadowedByNewTypes(restore, restored)) wave.put(file, restored.get(file));
        while (!wave.isEmpty()) {
            for (Path file : wave.keySet()) {
                if (restored.remove(file) != null) {
                    javaFilesFromCache--; // restored first, resolved again now
                    total++;
                }
            }
            resolve(List.copyOf(wave.keySet()), resolved, total, listener);
            Set<String> rekeyed = staleKeys(wave);
            wave = new LinkedHashMap<>();
            if (rekeyed.isEmpty()) break;
            for (Map.Entry<Path, JavaFileFacts> e : restored.entrySet()) {
                if (dependsOn(e.getValue(), rekeyed)) wave.put(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Restored files whose simple names may now bind to a type that is new since the index was persisted: the
     * files of its package (a type of one's own package beats an on-demand import, and a name that did not
     * resolve before may now) and the files that import its package on demand or the type itself, of those only
     * the ones that say its name (the lexical index's terms, then the file's text, word for word) and do not
     * already refer to that very type (a file whose facts were not persisted, an editor buffer's, is "new" at a
     * restart, and the files that use it bind to it already).
     */
    private List<Path> shadowedByNewTypes(Restore restore, Map<Path, JavaFileFacts> restored) {
        record NewType(String packageName, String name, String key) {
        }
        List<NewType> newTypes = new ArrayList<>();
        for (Path file : restore.changed()) {
            Set<String> keysBefore = new HashSet<>();
            JavaFileFacts before = restore.before().get(file);
            if (before != null) for (SymbolInfo d : before.declarations()) keysBefore.add(d.key());
            symbols.facts(file).ifPresent(now -> {
                for (SymbolInfo d : now.declarations()) {
                    if (d.kind().isType() && d.declaringTypeKey().isEmpty() && !keysBefore.contains(d.key())) {
                        newTypes.add(new NewType(now.packageName(), d.name(), d.key()));
                    }
                }
            });
        }
        Set<Path> result = new LinkedHashSet<>();
        for (NewType type : newTypes) {
            Set<Path> mentioning = lexical.filesWithTerm(type.name().toLowerCase(java.util.Locale.ROOT));
            String qualified = type.packageName().isEmpty() ? type.name() : type.packageName() + "." + type.name();
            java.util.regex.Pattern word = java.util.regex.Pattern.compile("(?<![\\w$])" + java.util.regex.Pattern.quote(type.name()) + "(?![\\w$])");
            for (Map.Entry<Path, JavaFileFacts> e : restored.entrySet()) {
                JavaFileFacts f = e.getValue();
                boolean sees = f.packageName().equals(type.packageName()) || f.imports().contains(type.packageName() + ".*")
                        || f.imports().contains(qualified);
                if (!sees || !mentioning.contains(e.getKey()) || result.contains(e.getKey())) continue;
                if (f.references().stream().anyMatch(r -> r.targetKey().equals(type.key()))) continue;
                if (readIndexable(e.getKey()).map(text -> word.matcher(text).find()).orElse(true)) result.add(e.getKey());
            }
        }
        return List.copyOf(result);
    }

    /**
     * Runs {@code work} over {@code files} on all cores (it must touch no shared state), a slice at a time so that
     * only a slice's texts are held at once, and hands the results to {@code link} on this thread, in order.
     */
    private static <T> void inParallelSlices(List<Path> files, Function<Path, T> work, Consumer<T> link) {
        for (int from = 0; from < files.size(); from += PARALLEL_SLICE) {
            List<Path> slice = files.subList(from, Math.min(files.size(), from + PARALLEL_SLICE));
            for (T result : slice.parallelStream().map(work).toList()) {
                if (result != null) link.accept(result);
            }
        }
    }

    /**
     * A Java file's outline, or null if it cannot be read as text (the lexical phase records why). Code the
     * outline trips on gets an empty one: the resolved phase reads that file properly, and one file never stops
     * the first phase.
     */
    private JavaFileFacts outline(Path file) {
        if (!(FileText.read(file, settings.maxFileBytes()) instanceof FileText.Text(String text))) return null;
        try {
            return JavaOutline.of(file, text);
        } catch (RuntimeException | StackOverflowError e) {
            return new JavaFileFacts(file, "", List.of(), List.of(), List.of(), List.of(), 0, "", false);
        }
    }

    private record LexicalFile(Path path, LexicalIndex.PreparedFile chunks, Optional<FileStamp> stamp) {
    }

    private LexicalFile lexicalChunks(Path file) {
        Optional<String> text = readIndexable(file);
        return text.map(t -> new LexicalFile(file, LexicalIndex.prepare(t), FileStamp.of(file))).orElse(null);
    }

    private static boolean isModuleInfo(Path file) {
        return file.getFileName().toString().equals("module-info.java");
    }

    private void resolve(List<Path> files, AtomicInteger resolved, int total, BuildListener listener) {
        javaIndexer.indexAll(files, settings.javaBatchSize(), settings.parserThreads(), facts -> {
            if (closed) throw new CancellationException("the index was closed");
            symbols.put(facts);
            javaState.incrementAndGet();
            outlined.remove(facts.path());
            indexedBuffers.remove(facts.path()); // facts from the file on disk now
            listener.javaFilesResolved(resolved.incrementAndGet(), total);
        }, this::record, () -> closed);
    }

    /**
     * What a cold build does with the persisted index.
     *
     * @param changed     Java files to resolve: new, or changed since they were persisted (all files without one)
     * @param before      the persisted facts of the files that changed or are gone
     * @param dependents  unchanged files whose persisted facts use a declaration of a file in {@code before}: they
     *                    are resolved again only if that declaration changed (see {@link #staleKeys})
     * @param restored    the unchanged files restored already, with their persisted facts
     */
    private record Restore(List<Path> changed, Map<Path, JavaFileFacts> before, Map<Path, JavaFileFacts> dependents,
                           Map<Path, JavaFileFacts> restored) {
    }

    /** Restores the persisted facts of the Java files that neither changed nor use what changed. */
    private Restore restoreFromCache(List<Path> javaFiles) {
        javaFilesFromCache = 0;
        Optional<Map<Path, IndexStore.Entry>> loaded = settings.persistIndex() ? store.load(fingerprint()) : Optional.empty();
        if (loaded.isEmpty()) return new Restore(javaFiles, Map.of(), Map.of(), Map.of());
        Map<Path, IndexStore.Entry> cache = loaded.get();
        List<Path> changed = new ArrayList<>();
        Map<Path, JavaFileFacts> unchanged = new LinkedHashMap<>();
        for (Path file : javaFiles) {
            IndexStore.Entry entry = cache.get(file);
            if (entry != null && entry.stamp().equals(stamps.get(file))) {
                unchanged.put(file, entry.facts());
                if (entry.shapes() != null) storedShapes.put(file, entry.shapes());
            }
            else changed.add(file);
        }
        Map<Path, JavaFileFacts> before = new HashMap<>();
        Set<String> keysBefore = new HashSet<>();
        for (IndexStore.Entry entry : cache.values()) {
            Path file = entry.facts().path();
            if (unchanged.containsKey(file)) continue;
            before.put(file, entry.facts());
            for (SymbolInfo d : entry.facts().declarations()) keysBefore.add(d.key());
        }
        Map<Path, JavaFileFacts> dependents = new LinkedHashMap<>();
        Map<Path, JavaFileFacts> restored = new LinkedHashMap<>();
        for (Map.Entry<Path, JavaFileFacts> e : unchanged.entrySet()) {
            if (dependsOn(e.getValue(), keysBefore)) {
                dependents.put(e.getKey(), e.getValue());
            } else {
                restore(e.getValue());
                restored.put(e.getKey(), e.getValue());
            }
        }
        return new Restore(changed, before, dependents, restored);
    }

    private void restore(JavaFileFacts facts) {
        workspaceTypes.restore(facts.path(), storedShapes.remove(facts.path()));
        symbols.put(facts);
        javaState.incrementAndGet();
        outlined.remove(facts.path());
        indexedBuffers.remove(facts.path()); // facts of the file on disk
        if (facts.syntaxErrors() > 0) {
            record(new IndexProblem(facts.path(), Reason.JAVA_SYNTAX_ERRORS, facts.syntaxErrors()
                    + " syntax error(s), first at " + facts.firstError()));
        }
        javaFilesFromCache++;
    }

    /**
     * Keys whose users must be resolved again, from the persisted facts of changed (or deleted) files and their
     * facts now: a declaration that is gone (a changed signature changes the key); every overload of a method
     * that gained an overload (a call may now bind to the new one); and a type whose supertypes changed (an
     * inherited member used through it may be gone). A change inside bodies changes none of these: the files
     * that use such a file keep their persisted facts. (New types are {@link #shadowedByNewTypes}'s.)
     */
    private Set<String> staleKeys(Map<Path, JavaFileFacts> before) {
        Set<String> stale = new HashSet<>();
        for (Map.Entry<Path, JavaFileFacts> e : before.entrySet()) {
            List<SymbolInfo> now = symbols.facts(e.getKey()).filter(f -> !outlined.contains(e.getKey()))
                    .map(JavaFileFacts::declarations).orElse(List.of());
            Map<String, SymbolInfo> nowByKey = new HashMap<>();
            Set<String> namesWithNewOverloads = new HashSet<>();
            for (SymbolInfo d : now) nowByKey.put(d.key(), d);
            Set<String> keysBefore = new HashSet<>();
            for (SymbolInfo d : e.getValue().declarations()) keysBefore.add(d.key());
            for (SymbolInfo d : now) {
                if (!keysBefore.contains(d.key()) && !d.kind().isType()) namesWithNewOverloads.add(d.declaringTypeKey() + "#" + d.name());
            }
            for (SymbolInfo old : e.getValue().declarations()) {
                SymbolInfo current = nowByKey.get(old.key());
                if (current == null
                        || (old.kind().isType() && !old.supertypeKeys().equals(current.supertypeKeys()))
                        || namesWithNewOverloads.contains(old.declaringTypeKey() + "#" + old.name())) {
                    stale.add(old.key());
                }
            }
        }
        return stale;
    }

    private static boolean dependsOn(JavaFileFacts facts, Set<String> keys) {
        for (CallSite c : facts.calls()) if (keys.contains(c.calleeKey())) return true;
        for (Reference r : facts.references()) if (keys.contains(r.targetKey())) return true;
        for (SymbolInfo d : facts.declarations()) {
            for (String supertype : d.supertypeKeys()) if (keys.contains(supertype)) return true;
        }
        return false;
    }

    private List<Path> classpath(List<Path> projectDirectories) {
        Set<Path> entries = new LinkedHashSet<>(settings.extraClasspath());
        MavenDependencies maven = new MavenDependencies(settings.mavenRepository());
        for (Path project : projectDirectories) {
            Path pom = project.resolve("pom.xml");
            if (!Files.isRegularFile(pom)) continue;
            MavenDependencies.Resolution resolution = maven.resolve(pom);
            entries.addAll(resolution.jars());
            for (MavenDependencies.Coordinates missing : resolution.missing()) {
                record(new IndexProblem(pom, Reason.MISSING_DEPENDENCY, missing + " is not in " + settings.mavenRepository()));
            }
        }
        return List.copyOf(entries);
    }

    /** Persists the Java index now (also done after {@link #build()} and on {@link #close()} when enabled). */
    public void save() {
        updateLock.lock();
        try {
            Map<Path, IndexStore.Entry> entries = new HashMap<>();
            for (JavaFileFacts facts : symbols.allFacts()) {
                FileStamp stamp = stamps.get(facts.path());
                // Facts of an unsaved editor buffer do not describe the file on disk, and an outline is not what a
                // restart should trust: leave them out.
                if (stamp != null && !openDocuments.containsKey(facts.path()) && !outlined.contains(facts.path())) {
                    entries.put(facts.path(), new IndexStore.Entry(stamp, facts, workspaceTypes.stored(facts.path())));
                }
            }
            store.save(fingerprint(), entries, settings.roots());
            store.removeAbandonedSiblings();
        } catch (IOException e) {
            // The persisted index only speeds up the next start; failing to write it loses nothing now.
        } finally {
            updateLock.unlock();
        }
    }

    /** Everything the Java facts depend on besides the files themselves. */
    private String fingerprint() {
        JavaEnvironment env = javaIndexer.environment();
        return "v2|" + Runtime.version().feature() + "|" + settings.roots() + "|" + env.classpath() + "|" + env.ownsJavaLang();
    }

    // ---- incremental updates ----

    /** The editor's buffer changed: re-index it after {@link IndexSettings#debounce()} of quiet. */
    public void documentChanged(DocumentSnapshot document) {
        openDocuments.put(document.path(), document.text());
        schedule(document.path());
    }

    /** The editor closed the document: the file on disk is the truth again. */
    public void documentClosed(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (openDocuments.remove(p) != null) schedule(p);
    }

    /** Watched-file events: deletions apply at once, creations and changes are debounced. */
    public void fileEvents(List<FileEvent> events) {
        for (FileEvent event : events) {
            Path path = event.path();
            switch (event.kind()) {
                case DELETED -> {
                    cancelPending(path);
                    updateLock.lock();
                    try {
                        for (Path indexed : indexedPathsUnder(path)) removeLocked(indexed);
                        problems.keySet().removeIf(p -> p.startsWith(path));
                    } finally {
                        updateLock.unlock();
                    }
                }
                case CREATED, CHANGED -> {
                    if (Files.isDirectory(path)) {
                        try (Stream<Path> files = Files.walk(path)) {
                            files.filter(Files::isRegularFile).forEach(this::schedule);
                        } catch (IOException | RuntimeException e) {
                            record(new IndexProblem(path, Reason.UNREADABLE, String.valueOf(e.getMessage())));
                        }
                    } else {
                        schedule(path);
                    }
                }
            }
        }
    }

    /** Runs every pending debounced update now, on the calling thread. */
    public void flush() {
        for (Path path : List.copyOf(pending.keySet())) {
            ScheduledFuture<?> f = pending.remove(path);
            if (f != null && f.cancel(false)) reindexNow(path);
        }
    }

    /**
     * Re-indexes one file immediately from its open buffer or from disk; a file that is gone or no longer
     * indexable (ignored, binary, too large) leaves the index. This is the one-file update the benchmark times.
     */
    public void reindexNow(Path path) {
        Path file = path.toAbsolutePath().normalize();
        updateLock.lock();
        try {
            problems.remove(file);
            String open = openDocuments.get(file);
            Optional<String> text;
            if (open != null) {
                text = settings.roots().stream().anyMatch(file::startsWith) ? Optional.of(open) : Optional.empty();
            } else if (Files.notExists(file)) {
                text = Optional.empty(); // gone (renamed, deleted) since it was scheduled: out, and no problem to report
            } else {
                text = scanner.accepts(settings.roots(), file) ? readIndexable(file) : Optional.empty();
            }
            if (text.isEmpty()) {
                removeLocked(file);
                return;
            }
            indexedBuffers.remove(file); // until this update is done
            lexical.put(file, text.get());
            if (open == null) FileStamp.of(file).ifPresent(s -> stamps.put(file, s));
            boolean skipJava = javaIndexer.environment().ownsJavaLang() && file.getFileName().toString().equals("module-info.java");
            if (WorkspaceModel.isJava(file) && !skipJava) {
                Path root = SourceRoots.rootOf(file, text.get());
                if (sourceRoots.add(root)) {
                    // A new source root: later parses must resolve against it too.
                    JavaEnvironment env = javaIndexer.environment();
                    javaIndexer = new JavaIndexer(new JavaEnvironment(List.copyOf(sourceRoots), env.classpath(), env.ownsJavaLang()),
                            settings.maxFileBytes(), workspaceTypes);
                } else if (symbols.facts(file).isEmpty()) {
                    javaIndexer.sourceTreeChanged(); // a new file: cached folder listings do not have it yet
                }
                symbols.put(javaIndexer.indexOne(file, text.get(), this::record));
                javaState.incrementAndGet();
                outlined.remove(file);
            }
            if (open != null) indexedBuffers.put(file, open);
        } finally {
            updateLock.unlock();
        }
    }

    /**
     * The compiler's errors for {@code text} as the Java file {@code path} (which need not be saved), resolved
     * against the workspace as the index knows it now; nothing is recorded or changed. Empty for other files.
     * Remembered until the index changes.
     */
    public List<CompileError> compileErrors(Path path, String text) {
        return remembered(path, compiles, file -> new CompileKey(file, text), file -> javaIndexer.compileErrors(file, text));
    }

    /**
     * The lambdas in {@code text} as the Java file {@code path} that implement one of the methods {@code methodKeys}
     * (their target type's functional method is one of them), resolved against the workspace as the index knows it
     * now; nothing is recorded. Empty for other files. Remembered until the index changes (code actions ask at
     * every cursor move).
     */
    public List<LambdaSite> lambdasImplementing(Path path, String text, Set<String> methodKeys) {
        return remembered(path, lambdaSearches, file -> new LambdaKey(file, text, Set.copyOf(methodKeys)),
                file -> javaIndexer.lambdasImplementing(file, text, methodKeys));
    }

    /**
     * What {@code resolve} finds in the Java file {@code path} (normalized) under {@code updateLock} (the
     * compiler's environment is the writers'), remembered in {@code cache} under {@code keyOf} until the index
     * changes; empty for other files and before the Java index exists.
     */
    private <K, V> List<V> remembered(Path path, StateCache<K, List<V>> cache, java.util.function.Function<Path, K> keyOf,
                                      java.util.function.Function<Path, List<V>> resolve) {
        Path file = path.toAbsolutePath().normalize();
        if (!WorkspaceModel.isJava(file)) return List.of();
        updateLock.lock();
        try {
            if (javaIndexer == null) return List.of();
            long state = javaState.get();
            K key = keyOf.apply(file);
            List<V> cached = cache.get(key, state);
            if (cached != null) return cached;
            List<V> found = List.copyOf(resolve.apply(file));
            if (javaState.get() == state) cache.put(key, state, found);
            return found;
        } finally {
            updateLock.unlock();
        }
    }

    /**
     * The checked exceptions declared by the method or constructor named at {@code nameOffset} of {@code text} as the
     * Java file {@code path}, resolved against the workspace as the index knows it now, each with whether that method
     * may declare it. Empty for other files.
     */
    public List<CheckedException> checkedExceptions(Path path, String text, int nameOffset) {
        return remembered(path, thrownSearches, file -> new ThrownKey(file, text, nameOffset), file -> javaIndexer.checkedExceptions(file, text, nameOffset));
    }

    /**
     * How the checked exception whose qualified names and superclasses' are {@code supertypes} ({@link
     * CheckedException#supertypes()}) is handled, or could be, at each call {@code [start, end)} of {@code text} as
     * the Java file {@code path}, from one resolve; null where no call is there (and for every call of other files).
     * Remembered until the index changes (code actions ask at every cursor move).
     */
    public List<ExceptionSite> exceptionSites(Path path, String text, List<int[]> calls, List<String> supertypes) {
        List<ExceptionSite> none = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) none.add(null);
        List<List<Integer>> ranges = calls.stream().map(c -> List.of(c[0], c[1])).toList();
        List<Optional<ExceptionSite>> found = remembered(path, exceptionSearches, file -> new ExceptionKey(file, text, ranges, List.copyOf(supertypes)),
                file -> javaIndexer.exceptionSites(file, text, calls, supertypes).stream().map(Optional::ofNullable).toList());
        return found.isEmpty() && !calls.isEmpty() ? none : found.stream().map(o -> o.orElse(null)).toList();
    }

    /**
     * The edits that drop the catch clauses whose types are at {@code catches} of {@code text} as the Java file
     * {@code path} (where the compiler says they are unreachable: a method in the try no longer throws what they
     * catch), each only where its try holds one of {@code calls}, else null: the clause, a multi-catch's type, or a try
     * with no other clause replaced by its body's statements. Remembered until the index changes.
     */
    public List<CatchEdit> droppedCatches(Path path, String text, List<int[]> catches, List<int[]> calls) {
        List<CatchEdit> none = new ArrayList<>();
        for (int i = 0; i < catches.size(); i++) none.add(null);
        List<List<Integer>> catchRanges = catches.stream().map(c -> List.of(c[0], c[1])).toList();
        List<List<Integer>> callRanges = calls.stream().map(c -> List.of(c[0], c[1])).toList();
        List<Optional<CatchEdit>> found = remembered(path, catchSearches, file -> new CatchKey(file, text, catchRanges, callRanges),
                file -> javaIndexer.droppedCatches(file, text, catches, calls).stream().map(Optional::ofNullable).toList());
        return found.isEmpty() && !catches.isEmpty() ? none : found.stream().map(o -> o.orElse(null)).toList();
    }

    /**
     * The uses of the local variable or parameter declared by the name at {@code nameOffset} of {@code text} (the
     * Java file {@code path} as it may have been before an edit), found through the compiler's bindings, and whether
     * {@code newName} would clash with another variable in its scope; empty where no local variable or parameter is
     * declared there.
     */
    public Optional<VariableUses> variableUses(Path path, String text, int nameOffset, String newName) {
        return variableUses(path, text, List.of(nameOffset), List.of(newName)).getFirst();
    }

    /**
     * {@link #variableUses(Path, String, int, String)} of several names of one text ({@code nameOffsets[i]} to be
     * renamed {@code newNames[i]}), which is resolved once for those not remembered.
     */
    public List<Optional<VariableUses>> variableUses(Path path, String text, List<Integer> nameOffsets, List<String> newNames) {
        return variableUses(path, text, nameOffsets, newNames, false);
    }

    /**
     * {@link #variableUses(Path, String, List, List)}, and of the private fields declared there (seen in their file
     * alone): every name bound to the field, and a clash wherever the new name is said in the file.
     */
    public List<Optional<VariableUses>> localOrPrivateFieldUses(Path path, String text, List<Integer> nameOffsets, List<String> newNames) {
        return variableUses(path, text, nameOffsets, newNames, true);
    }

    private List<Optional<VariableUses>> variableUses(Path path, String text, List<Integer> nameOffsets, List<String> newNames, boolean fields) {
        Path file = path.toAbsolutePath().normalize();
        List<Optional<VariableUses>> out = new ArrayList<>();
        for (int i = 0; i < nameOffsets.size(); i++) out.add(Optional.empty());
        if (!WorkspaceModel.isJava(file)) return out;
        updateLock.lock();
        try {
            if (javaIndexer == null) return out;
            long state = javaState.get();
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < nameOffsets.size(); i++) {
                List<VariableUses> cached = variableSearches.get(new VariableKey(file, text, nameOffsets.get(i), newNames.get(i), fields), state);
                if (cached == null) missing.add(i);
                else out.set(i, cached.stream().findFirst());
            }
            if (missing.isEmpty()) return out;
            List<Optional<VariableUses>> found = javaIndexer.variableUses(file, text, missing.stream().map(nameOffsets::get).toList(),
                    missing.stream().map(newNames::get).toList(), fields);
            for (int m = 0; m < missing.size(); m++) {
                int i = missing.get(m);
                out.set(i, found.get(m));
                if (javaState.get() == state) {
                    variableSearches.put(new VariableKey(file, text, nameOffsets.get(i), newNames.get(i), fields), state, found.get(m).stream().toList());
                }
            }
            return out;
        } finally {
            updateLock.unlock();
        }
    }

    /**
     * The variables (locals, parameters, fields) in sight at {@code offset} of {@code text} as the Java file
     * {@code path}, innermost first, with the types each can be passed as. Empty for other files.
     */
    public List<ScopeVariable> variablesInScope(Path path, String text, int offset) {
        return variablesInScope(path, text, List.of(offset)).getFirst();
    }

    /** {@link #variablesInScope(Path, String, int)} at several offsets of one text, which is resolved once. */
    public List<List<ScopeVariable>> variablesInScope(Path path, String text, List<Integer> offsets) {
        Path file = path.toAbsolutePath().normalize();
        List<List<ScopeVariable>> none = offsets.stream().map(o -> List.<ScopeVariable>of()).toList();
        if (!WorkspaceModel.isJava(file)) return none;
        updateLock.lock();
        try {
            return javaIndexer == null ? none : javaIndexer.variablesInScope(file, text, offsets);
        } finally {
            updateLock.unlock();
        }
    }

    /**
     * The caller wants the index to hold this buffer now, not debounced (a refactor's planning, benchmarks). A
     * buffer the index was last built from already, text for text, is not indexed again: an editor asks for code
     * actions at every cursor move, and resolving a large file costs tens of milliseconds each time.
     *
     * @return whether the buffer was indexed (false: the index held this text already)
     */
    public boolean reindexNow(DocumentSnapshot document) {
        openDocuments.put(document.path(), document.text());
        Path file = document.path().toAbsolutePath().normalize();
        if (document.text().equals(indexedBuffers.get(file))) return false;
        cancelPending(document.path());
        reindexNow(document.path());
        return true;
    }

    private void schedule(Path path) {
        Path file = path.toAbsolutePath().normalize();
        ScheduledFuture<?> next = updates.schedule(() -> {
            pending.remove(file);
            reindexNow(file);
        }, settings.debounce().toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = pending.put(file, next);
        if (previous != null) previous.cancel(false);
    }

    private void cancelPending(Path path) {
        for (Path p : List.copyOf(pending.keySet())) {
            if (p.startsWith(path)) {
                ScheduledFuture<?> f = pending.remove(p);
                if (f != null) f.cancel(false);
            }
        }
    }

    /** Takes a file out of both indexes; its recorded problems stay (a binary file keeps saying why it is out). */
    private void removeLocked(Path file) {
        indexedBuffers.remove(file);
        lexical.remove(file);
        boolean wasJava = symbols.facts(file).isPresent();
        symbols.remove(file);
        outlined.remove(file);
        stamps.remove(file);
        workspaceTypes.remove(file);
        javaState.incrementAndGet();
        if (wasJava && javaIndexer != null) javaIndexer.sourceTreeChanged();
    }

    private List<Path> indexedPathsUnder(Path path) {
        Set<Path> result = new LinkedHashSet<>();
        for (Path p : stamps.keySet()) if (p.startsWith(path)) result.add(p);
        for (JavaFileFacts f : symbols.allFacts()) if (f.path().startsWith(path)) result.add(f.path());
        if (lexical.contains(path)) result.add(path);
        return List.copyOf(result);
    }

    private Optional<String> readIndexable(Path file) {
        return switch (FileText.read(file, settings.maxFileBytes())) {
            case FileText.Text(String text) -> Optional.of(text);
            case FileText.NotText(Reason reason, String detail) -> {
                record(new IndexProblem(file, reason, detail));
                yield Optional.empty();
            }
        };
    }

    /** The text a query should see: the editor's buffer if open, else the file on disk. */
    private Optional<String> currentText(Path path) {
        String open = openDocuments.get(path);
        if (open != null) return Optional.of(open);
        return FileText.read(path, settings.maxFileBytes()) instanceof FileText.Text(String text) ? Optional.of(text) : Optional.empty();
    }

    private void record(IndexProblem problem) {
        problems.computeIfAbsent(problem.path(), p -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(problem);
    }

    // ---- queries ----

    /**
     * The model's context for a cursor: prefix and suffix windows of {@code document}, declarations of symbols used
     * near the cursor, and similar snippets from other files, in that order, within {@code tokenBudget} tokens as
     * counted by {@code tokenCounter}. See {@link Context} and {@link ContextAssembler} for the policy.
     */
    public Context contextFor(DocumentSnapshot document, TextPosition position, int tokenBudget, TokenCounter tokenCounter) {
        return contextAssembler.assemble(document, position, tokenBudget, tokenCounter);
    }

    /** Resolved calls of the method or constructor with this binding key, by file and position. */
    public List<CallSite> callSites(String methodKey) {
        return symbols.callSites(methodKey);
    }

    /** Methods that override or implement this method (transitively), or subtypes of this type. */
    public List<SymbolInfo> implementations(String key) {
        return symbols.implementations(key);
    }

    /** Places in the workspace that look like {@code snippet}, most similar first (the snippet's own place included). */
    public List<SimilarSite> similarSites(String snippet, int limit) {
        return similarSiteFinder.find(snippet, limit, p -> false);
    }

    /** The indexed files in which this identifier occurs as a whole word (in code, comments or strings). */
    public Set<Path> filesMentioning(String identifier) {
        return lexical.filesWithTerm(identifier.toLowerCase(java.util.Locale.ROOT));
    }

    /** Resolved uses of the type, method or field with this binding key. */
    public List<Reference> references(String key) {
        return symbols.references(key);
    }

    /** The declaration whose name, or the resolved reference that, covers this position. */
    public Optional<SymbolInfo> symbolAt(Path path, TextPosition position) {
        return symbols.symbolAt(path.toAbsolutePath().normalize(), position);
    }

    public Optional<SymbolInfo> declaration(String key) {
        return symbols.declaration(key);
    }

    public List<SymbolInfo> declarationsNamed(String simpleName) {
        return symbols.declarationsNamed(simpleName);
    }

    /** Declarations in one file, in source order. */
    public List<SymbolInfo> declarationsIn(Path path) {
        return symbols.facts(path.toAbsolutePath().normalize()).map(JavaFileFacts::declarations).orElse(List.of());
    }

    /** Everything the Java index holds for one file (declarations, call sites, references), if it is indexed. */
    public Optional<JavaFileFacts> javaFacts(Path path) {
        return symbols.facts(path.toAbsolutePath().normalize());
    }

    /** Files skipped or indexed in part, and why, ordered by path. */
    public List<IndexProblem> problems() {
        List<IndexProblem> all = new ArrayList<>();
        for (List<IndexProblem> list : problems.values()) all.addAll(list);
        all.sort(Comparator.comparing((IndexProblem p) -> p.path().toString()).thenComparing(p -> p.reason().name()));
        return all;
    }

    /** Whether this Java file's facts are resolved (not only its outline); false for files not in the Java index. */
    public boolean isResolved(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return symbols.facts(p).isPresent() && !outlined.contains(p);
    }

    public boolean isIndexed(Path path) {
        return lexical.contains(path.toAbsolutePath().normalize());
    }

    public IndexStats stats() {
        SymbolTable.Stats s = symbols.stats();
        List<Path> roots = sourceRoots.stream().sorted().toList();
        return new IndexStats(lexical.fileCount(), s.files(), javaFilesFromCache, outlined.size(), s.declarations(), s.callSites(),
                s.references(), lexical.chunkCount(), problems().size(), roots, javaIndexer.environment().classpath(), workspaceTypes.size());
    }

    public IndexSettings settings() {
        return settings;
    }

    /** Stops the update thread (pending updates are dropped) and persists the index when enabled. */
    @Override
    public void close() {
        closed = true; // a build still running stops at its next file (see build)
        updates.shutdownNow();
        pending.clear();
        // An unfinished build would persist less than the file on disk already holds: keep that one.
        if (settings.persistIndex() && built) save();
    }
}
