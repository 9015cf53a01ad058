package dev.quicksilver.lsp;

import dev.quicksilver.index.BuildListener;
import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.IndexStats;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.documents.DocumentStore;
import dev.quicksilver.lsp.documents.TextDocument;
import dev.quicksilver.lsp.model.ModelService;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * The state one connection's handlers share: client and its capabilities, settings, workspace roots and index,
 * open documents, the model service, and the worker pool. Handlers get it and nothing else (JDT LS passes its
 * {@code PreferenceManager}/{@code ProjectsManager} the same way).
 *
 * <p>Concurrency. Fields written once during {@code initialize} are volatile and read by worker threads after.
 * The index is built on a worker after {@code initialize} answers, in phases: {@link #index()} waits for the
 * first (Java declarations from their tokens: what completions need), {@link #resolvedIndex()} for the last (call
 * sites and implementations resolved: what refactors need). Both wait only on worker threads, never on LSP4J's
 * reader thread; a build cut short by {@link #close()} fails both. When the workspace folders change
 * ({@link #changeRoots}), a new index is built beside the serving one and the two futures are swapped under
 * {@code indexLock} as it becomes ready; a caller waiting on a future that was swapped waits on its successor. The model service is created on first use and replaced when settings
 * that name the model process change; {@link #model()} hands out the current one, and a replaced one is closed
 * (its in-flight requests fail and are answered with an error). Completions in flight are tracked per document so
 * a newer request cancels the older one.
 */
public final class ServerSession implements AutoCloseable {
    private final ExecutorService workers;
    private final Function<ServerSettings, ModelService> modelFactory;
    private final DocumentStore documents = new DocumentStore();
    private final Map<String, CompletableFuture<?>> completionsInFlight = new ConcurrentHashMap<>();
    private final Map<String, dev.quicksilver.lsp.completion.ShownCompletion> shownCompletions = new ConcurrentHashMap<>();
    private final Set<String> shownProblems = ConcurrentHashMap.newKeySet();
    private final AtomicInteger progressTokens = new AtomicInteger();
    private final Map<String, CompletableFuture<?>> progressRequests = new ConcurrentHashMap<>();

    private volatile LanguageClient client;
    private volatile ClientCapabilities capabilities = new ClientCapabilities();
    private volatile ServerSettings settings = ServerSettings.defaults();
    private volatile WorkspaceRoots roots = new WorkspaceRoots(List.of());
    private volatile CompletableFuture<WorkspaceIndex> index = new CompletableFuture<>();
    private volatile CompletableFuture<WorkspaceIndex> resolvedIndex = new CompletableFuture<>();
    /** Every index built and not yet closed; the one that answers queries now; the newest build's number. */
    private final Set<WorkspaceIndex> openIndexes = ConcurrentHashMap.newKeySet();
    private volatile WorkspaceIndex servingIndex;
    private final AtomicInteger indexGeneration = new AtomicInteger();
    /** Guards swapping the index futures (not the session's monitor: model() holds that while a sidecar starts). */
    private final Object indexLock = new Object();
    private volatile ModelService model;
    private volatile boolean shutdownRequested;

    public ServerSession(Function<ServerSettings, ModelService> modelFactory) {
        this.modelFactory = modelFactory;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "quicksilver-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ---- set up by initialize ----

    public void connect(LanguageClient client) {
        this.client = client;
    }

    public void initialize(ClientCapabilities caps, ServerSettings s, List<Path> workspaceRoots) {
        this.capabilities = caps == null ? new ClientCapabilities() : caps;
        this.settings = s;
        this.roots = new WorkspaceRoots(workspaceRoots);
        buildIndex(workspaceRoots, index, resolvedIndex, false);
    }

    /**
     * The client added or removed workspace folders: edits are allowed in exactly the new set at once, and a new
     * index for it is built in the background (phased, as at start; folders indexed before come back from the
     * persisted index). Completions go on using the index that serves now until the new one can answer them
     * (the open documents are handed to it then); refactors wait for the new one to be resolved; the old one is
     * closed then. A build for folders that have changed again meanwhile is abandoned.
     */
    public void changeRoots(List<Path> workspaceRoots) {
        synchronized (indexLock) {
            WorkspaceRoots next = new WorkspaceRoots(workspaceRoots);
            if (next.roots().equals(roots.roots())) return;
            roots = next;
            log(MessageType.Info, "workspace folders are now " + next.roots() + "; indexing them");
            for (WorkspaceIndex building : openIndexes) {
                if (building != servingIndex) retire(building);
            }
            buildIndex(next.roots(), new CompletableFuture<>(), new CompletableFuture<>(), true);
        }
    }

    /**
     * Builds the index of {@code workspaceRoots} on a worker, completing {@code queryable} after the first phase
     * and {@code resolved} after the last. When {@code replacing}, {@code resolved} takes the place of the
     * session's at once, {@code queryable} once it completes (if no newer build has started), and every other
     * index is closed once this one is resolved.
     */
    private void buildIndex(List<Path> workspaceRoots, CompletableFuture<WorkspaceIndex> queryable,
                            CompletableFuture<WorkspaceIndex> resolved, boolean replacing) {
        int generation = indexGeneration.incrementAndGet();
        if (workspaceRoots.isEmpty()) {
            RuntimeException none = Errors.invalidParams("the client opened no workspace folder, so there is no index; open a folder");
            queryable.completeExceptionally(none);
            resolved.completeExceptionally(none);
            if (replacing) {
                index = queryable;
                resolvedIndex = resolved;
                servingIndex = null;
                openIndexes.forEach(this::retire);
            }
            return;
        }
        // Refactors wait for this build from now on (one that misses the new folders' call sites would be
        // wrong); completions go on with the index that serves until this one can answer, or wait for this one
        // if none serves yet.
        if (replacing) {
            resolvedIndex = resolved;
            if (servingIndex == null) index = queryable;
        }
        ServerSettings s = settings;
        workers.execute(() -> {
            // Completions already use the outline by then: this tells the user why refactors wait.
            WorkDoneProgress progress = WorkDoneProgress.forServerWork(this, "index", "Quicksilver: resolving Java", "files");
            try {
                WorkspaceIndex idx = WorkspaceIndex.create(IndexSettings.builder(workspaceRoots).persistIndex(s.persistIndex()).build());
                openIndexes.add(idx);
                long t0 = System.nanoTime();
                idx.build(new BuildListener() {
                    @Override
                    public void outlineReady(IndexStats stats) {
                        log(MessageType.Info, "read the declarations of " + stats.javaFiles() + " Java files ("
                                + stats.declarations() + ") in " + millisSince(t0) + " ms; completions use them now");
                        synchronized (indexLock) {
                            if (generation == indexGeneration.get()) {
                                if (replacing) {
                                    // The open documents' buffers are newer than the files the build read.
                                    for (TextDocument doc : documents.all()) {
                                        Path path = Uris.pathOf(doc.uri()).orElse(null);
                                        if (path != null && !doc.isBinary() && roots.contains(path)) {
                                            idx.documentChanged(new DocumentSnapshot(path, doc.text()));
                                        }
                                    }
                                    index = queryable;
                                }
                                servingIndex = idx;
                            } else {
                                retire(idx); // the folders changed again while this was being built
                            }
                        }
                        queryable.complete(idx);
                    }

                    @Override
                    public void lexicalReady(IndexStats stats) {
                        log(MessageType.Info, "indexed " + stats.files() + " files for similar code in " + millisSince(t0) + " ms"
                                + (stats.javaFilesOutlined() > 0 ? "; resolving " + stats.javaFilesOutlined() + " Java files" : ""));
                        if (stats.javaFilesOutlined() > 0) progress.update(0, stats.javaFilesOutlined());
                    }

                    @Override
                    public void javaFilesResolved(int done, int total) {
                        progress.update(done, total);
                    }

                    @Override
                    public void resolved(IndexStats stats) {
                        // Still inside the build: what waits on the resolved index runs before any queued update.
                        String done = "resolved " + stats.javaFiles() + " Java files (" + stats.callSites() + " call sites"
                                + (stats.javaFilesFromCache() > 0 ? "; " + stats.javaFilesFromCache() + " files unchanged since the last start" : "")
                                + ") in " + millisSince(t0) + " ms";
                        progress.end(done);
                        log(MessageType.Info, done);
                        synchronized (indexLock) {
                            if (replacing && generation == indexGeneration.get()) {
                                for (WorkspaceIndex other : openIndexes) {
                                    if (other != idx) retire(other);
                                }
                            }
                        }
                        resolved.complete(idx);
                    }
                });
                // A build that returned unfinished was closed (the server is going away, or its folders changed).
                RuntimeException closed = Errors.internal("the workspace index was closed before it was finished");
                queryable.completeExceptionally(closed);
                resolved.completeExceptionally(closed);
            } catch (RuntimeException e) {
                problem("index", "indexing the workspace failed: " + e.getMessage());
                progress.end("indexing failed");
                queryable.completeExceptionally(e);
                resolved.completeExceptionally(e);
            }
        });
    }

    /** Closes an index that nothing should use any more (on a worker: closing may persist it). */
    private void retire(WorkspaceIndex old) {
        if (openIndexes.remove(old)) workers.execute(old::close);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    // ---- accessors ----

    public ExecutorService workers() {
        return workers;
    }

    public DocumentStore documents() {
        return documents;
    }

    public ClientCapabilities capabilities() {
        return capabilities;
    }

    public ServerSettings settings() {
        return settings;
    }

    public WorkspaceRoots roots() {
        return roots;
    }

    public Optional<LanguageClient> client() {
        return Optional.ofNullable(client);
    }

    /**
     * The index once it answers queries (the first phase of the build: every file, Java declarations from their
     * tokens; enough for completion context). Call from worker threads only.
     */
    public WorkspaceIndex index() {
        return latest(() -> index);
    }

    public CompletableFuture<WorkspaceIndex> indexFuture() {
        return index;
    }

    /**
     * The index once every Java file is resolved (call sites, references, implementations: what refactors must
     * not find only in part). Call from worker threads only.
     */
    public WorkspaceIndex resolvedIndex() {
        return latest(() -> resolvedIndex);
    }

    /** Waits for the index behind {@code future}, and again if the future was replaced meanwhile (folders changed). */
    private static WorkspaceIndex latest(java.util.function.Supplier<CompletableFuture<WorkspaceIndex>> future) {
        while (true) {
            CompletableFuture<WorkspaceIndex> current = future.get();
            try {
                WorkspaceIndex done = current.join();
                if (current == future.get()) return done;
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                if (current == future.get()) throw e;
            }
        }
    }

    /** Indexes built for changed workspace folders that do not answer queries yet (usually none). */
    public List<WorkspaceIndex> indexesBeingBuilt() {
        return openIndexes.stream().filter(i -> i != servingIndex).toList();
    }

    public CompletableFuture<WorkspaceIndex> resolvedIndexFuture() {
        return resolvedIndex;
    }

    /** The open document, or an invalid-params error that says how to fix the request. */
    public TextDocument requireDocument(String uri) {
        String key = Uris.normalize(uri);
        TextDocument doc = documents.get(key).orElseThrow(() ->
                Errors.invalidParams(uri + " is not open; send textDocument/didOpen before asking about it"));
        if (doc.isBinary()) throw Errors.invalidParams(uri + " is a binary file; Quicksilver only completes text");
        return doc;
    }

    public synchronized ModelService model() {
        if (model == null) {
            model = modelFactory.apply(settings);
            log(MessageType.Info, "model: " + model.describe());
        }
        return model;
    }

    public synchronized void updateSettings(ServerSettings next) {
        ServerSettings previous = settings;
        settings = next;
        if (model != null && next.needsNewSidecar(previous)) {
            ModelService old = model;
            model = null;
            workers.execute(old::close);
            log(MessageType.Info, "settings changed the model process; a new sidecar starts on the next request");
        }
    }

    private volatile boolean thoroughRefactors;
    private volatile boolean modelAtInitialized = true;

    /**
     * Whether the model process starts at {@code initialized}, beside the indexing (an editor: its first completion
     * must not wait for it), or at the first request that needs it (the headless refactor, whose sites may all be
     * decided without the model).
     */
    public boolean modelAtInitialized() {
        return modelAtInitialized;
    }

    public void modelAtInitialized(boolean atInitialized) {
        modelAtInitialized = atInitialized;
    }

    /**
     * Whether refactors may compile files while they are listed even without signs of an edit (the one-shot
     * headless command, which waits for its one refactor, over an index built after the user's edit); an editor
     * lists refactors at every cursor move, so there only an edit next to the declaration allows it.
     */
    public boolean thoroughRefactors() {
        return thoroughRefactors;
    }

    public void thoroughRefactors(boolean thorough) {
        thoroughRefactors = thorough;
    }

    public Map<String, CompletableFuture<?>> completionsInFlight() {
        return completionsInFlight;
    }

    /** The last completion shown for each open document (see {@link dev.quicksilver.lsp.completion.ShownCompletion}). */
    public Map<String, dev.quicksilver.lsp.completion.ShownCompletion> shownCompletions() {
        return shownCompletions;
    }

    public String nextProgressToken(String kind) {
        return "quicksilver/" + kind + "/" + progressTokens.incrementAndGet();
    }

    /** Requests that a window/workDoneProgress/cancel for their token cancels. */
    public Map<String, CompletableFuture<?>> progressRequests() {
        return progressRequests;
    }

    public boolean shutdownRequested() {
        return shutdownRequested;
    }

    public void requestShutdown() {
        shutdownRequested = true;
    }

    // ---- reaching the user ----

    /** Status and errors go to the client's log (window/logMessage) and to stderr (never stdout: that is the wire). */
    public void log(MessageType type, String message) {
        if (System.getProperty("quicksilver.quiet") == null) System.err.println("quicksilver: " + message);
        LanguageClient c = client;
        if (c != null) c.logMessage(new MessageParams(type, message));
    }

    /** A problem the user should see: logged every time, shown (window/showMessage) once per distinct problem. */
    public void problem(String key, String sentence) {
        problem(key, sentence, MessageType.Error);
    }

    /** {@link #problem(String, String)} of another severity (a warning: something the user has to do). */
    public void problem(String key, String sentence, MessageType type) {
        log(type, sentence);
        LanguageClient c = client;
        if (c != null && shownProblems.add(key + "|" + sentence)) c.showMessage(new MessageParams(type, sentence));
    }

    @Override
    public synchronized void close() {
        client = null; // the connection is going: work still finishing (an index build) reports to nobody
        completionsInFlight.values().forEach(f -> f.cancel(true));
        if (model != null) model.close();
        model = null;
        for (WorkspaceIndex open : openIndexes) open.close(); // here, not on a worker: the workers stop next
        openIndexes.clear();
        workers.shutdownNow();
    }
}
