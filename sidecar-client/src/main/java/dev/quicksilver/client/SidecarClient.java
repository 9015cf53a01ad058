package dev.quicksilver.client;

import dev.quicksilver.client.pool.AffinityKey;
import dev.quicksilver.client.pool.ContextAffinityLoadBalancer;
import dev.quicksilver.client.pool.ContextAffinityLoadBalancerProvider;
import dev.quicksilver.client.pool.PoolTarget;
import dev.quicksilver.protocol.SidecarConventions;
import dev.quicksilver.protocol.v1.CanvasText;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.DenoiseResponse;
import dev.quicksilver.protocol.v1.InfoRequest;
import dev.quicksilver.protocol.v1.InfoResponse;
import dev.quicksilver.protocol.v1.Result;
import dev.quicksilver.protocol.v1.SidecarGrpc;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LSP server's handle on the model process: spawn (or connect), call, cancel, survive its death.
 *
 * <p><b>Design.</b> The client holds at most one live {@code Connection} (a gRPC channel, and the child
 * process when it spawned one) and a future of the next one, {@code ready}. Every call first waits on
 * {@code ready}, so a request made while the sidecar starts or restarts simply waits (bounded by its own
 * deadline) instead of failing. When the child exits unexpectedly, its exit hook (one per process, run
 * by {@link Process#onExit()}) swaps in a fresh {@code ready} future, reports RESTARTING, and schedules a
 * start after an exponential backoff; a start that fails, or a process that dies within a minute of
 * starting, counts as a consecutive failure, and after {@code maxRestarts} of those the client reports
 * FAILED and fails calls at once with the last reason. A sidecar at an address (connected mode) that cannot be
 * reached is tried again for as long as the client lives (1 s, doubling to 30 s): the calls waiting when a
 * try fails learn why at once, later ones wait for the next try; only a refused token or a bad TLS setting
 * is final. Calls in flight when the process dies fail with
 * UNAVAILABLE and a sentence that says so; the client never retries them itself, because only the caller
 * knows whether the request still matters (an edit may have made it obsolete).
 *
 * <p><b>Shared.</b> Made with {@link #share}, the client does not own its sidecar: it finds the one this
 * machine's clients share, or starts it (see {@code SharedSidecars} for the lock and the record), and on
 * {@link #close} leaves it running for the others; the sidecar exits by itself once idle. Its death is seen
 * through its {@link ProcessHandle} (it may be another client's child) and handled like a child's: restart
 * with backoff, where "restart" means finding or starting the successor.
 *
 * <p><b>Pools.</b> In connected mode the address may name several sidecars. The one channel then holds a
 * connection to each, balanced by {@code ContextAffinityLoadBalancer}: every denoise call carries its
 * context's affinity key, so calls that share a context prefix go to the replica that has it cached, and a
 * replica that is down hands its keys to the next one on the ring. The channel is READY while any replica
 * is, so the state reported here is the pool's.
 *
 * <p><b>Cancellation.</b> {@link #denoise} returns a future whose {@code cancel} cancels the gRPC call;
 * the sidecar drops the request from its batch within one denoising step. Cancelling a future derived
 * from it ({@code thenApply} ...) does not reach the call: cancel the one returned here.
 *
 * <p><b>Threads and locks.</b> State changes happen under {@code this}; listener calls are made after the
 * lock is released, from the thread that saw the change. gRPC callbacks run on gRPC's executor. The
 * child's stdout and stderr are drained by two daemon threads each, so it never blocks on a full pipe;
 * the last stderr lines are kept to explain a failed start.
 *
 * <p><b>Security.</b> A spawned sidecar gets a fresh random token through its environment (never its
 * command line, which other users can read) and listens on loopback only; every call carries the token.
 */
public final class SidecarClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarClient.class);
    private static final Duration STABLE_AFTER = Duration.ofMinutes(1);
    private static final int STDERR_LINES = 20;
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration CONNECT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    private static final Duration CONNECT_MAX_BACKOFF = Duration.ofSeconds(30);

    /**
     * One live sidecar: the channel, and the process when there is one: {@code process} when this client
     * started it as its own child, {@code shared} when it is the machine's shared sidecar (which this client
     * neither owns nor stops).
     */
    private record Connection(ManagedChannel channel, Process process, ProcessHandle shared, String address,
                              long startedNanos, Deque<String> stderrTail) {
        boolean dead() {
            return process != null ? !process.isAlive() : shared != null && !shared.isAlive();
        }

        String exit() {
            return process != null && !process.isAlive() ? "exited with code " + process.exitValue() : "exited";
        }

        long pid() {
            return process != null ? process.pid() : shared != null ? shared.pid() : -1;
        }
    }

    private final SpawnOptions spawn;  // null when connected to an address
    private final SharedSidecars shared; // with spawn: find or start the machine's shared sidecar; else null
    private final int idleExitSeconds;   // how long a shared sidecar outlives its last client
    private final String address;      // the address given to connect, else null
    private final String token;
    private final boolean contextAffinity; // connected mode: the pool's policy (false only in comparisons)
    private final Transport transport;     // connected mode: plaintext or TLS
    private final int poolSize;            // connected mode: the address's entries (1 unless a list)
    private final StateListener listener;
    private final ScheduledExecutorService timer;

    // Guarded by this.
    private Connection current;
    private CompletableFuture<Connection> ready = new CompletableFuture<>();
    private SidecarState state = SidecarState.STARTING;
    private int consecutiveFailures;
    private boolean closed;

    private SidecarClient(SpawnOptions spawn, String address, String token, StateListener listener,
                          boolean contextAffinity, Transport transport) {
        this(spawn, null, 0, address, token, listener, contextAffinity, transport);
    }

    private SidecarClient(SpawnOptions spawn, SharedSidecars shared, int idleExitSeconds, String address, String token,
                          StateListener listener, boolean contextAffinity, Transport transport) {
        this.spawn = spawn;
        this.shared = shared;
        this.idleExitSeconds = idleExitSeconds;
        this.contextAffinity = contextAffinity;
        this.transport = transport;
        this.poolSize = address == null ? 1 : PoolTarget.entries(address).size();
        this.address = address;
        this.token = token;
        this.listener = listener == null ? StateListener.NONE : listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sidecar-client-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a local sidecar process and returns at once; calls wait until it is READY. Watch the listener
     * (or {@link #awaitReady}) to know when it is.
     */
    public static SidecarClient spawn(SpawnOptions options, StateListener listener) {
        SidecarClient client = new SidecarClient(options, null,
                options.token() != null ? options.token() : newToken(), listener, true, Transport.PLAINTEXT);
        client.report(SidecarState.STARTING, "starting the sidecar (" + options.quicksilverHome() + ")");
        client.timer.execute(client::startOnce);
        return client;
    }

    public static SidecarClient spawn(SpawnOptions options) {
        return spawn(options, StateListener.NONE);
    }

    /**
     * Uses the sidecar this machine's clients share for these options, starting it if none runs (see
     * {@link SharedSidecars}): many editors, one model load. The sidecar outlives this client and exits
     * {@code idleExitSeconds} after its last client is gone; if it dies, every client finds or starts its
     * successor, and only one is started. {@code options.token()} is ignored: the starter makes one and
     * records it, mode 0600, in {@code directory} (null: {@code $XDG_RUNTIME_DIR/quicksilver} or
     * {@code ~/.cache/quicksilver/run}).
     */
    public static SidecarClient share(SpawnOptions options, Path directory, int idleExitSeconds, StateListener listener) {
        if (idleExitSeconds < 1) {
            throw new IllegalArgumentException("idleExitSeconds must be at least 1, got " + idleExitSeconds);
        }
        SharedSidecars place = new SharedSidecars(directory != null ? directory : SharedSidecars.defaultDirectory(), options);
        SidecarClient client = new SidecarClient(options, place, idleExitSeconds, null, null, listener, true,
                Transport.PLAINTEXT);
        client.report(SidecarState.STARTING, "finding or starting the shared sidecar (" + place.directory() + ")");
        client.timer.execute(client::startOnce);
        return client;
    }

    /** A shared sidecar as its record says: where it listens, its token, whether its process is alive, its log. */
    public record SharedSidecar(Path record, long pid, String address, String token, boolean alive, Path log) {}

    /** The shared sidecars recorded in {@code directory} (null: the default one), live or left behind. */
    public static List<SharedSidecar> sharedSidecars(Path directory) {
        List<SharedSidecar> out = new ArrayList<>();
        SharedSidecars.all(directory).forEach((file, e) -> {
            String name = file.getFileName().toString();
            out.add(new SharedSidecar(file, e.pid(), "127.0.0.1:" + e.port(), e.token(),
                    ProcessHandle.of(e.pid()).map(ProcessHandle::isAlive).orElse(false),
                    file.resolveSibling(name.substring(0, name.length() - ".properties".length()) + ".log")));
        });
        return out;
    }

    /**
     * Uses sidecars that are already running (shared on this machine, or remote): {@code host:port}, or a
     * pool as {@code host1:port1,host2:port2,...} (or a name that resolves to several addresses), where each
     * call goes to the replica its context's hash picks (see {@code ContextAffinityLoadBalancer}).
     *
     * @throws IllegalArgumentException when the address is not one of those forms, saying which part
     */
    public static SidecarClient connect(String address, String token, StateListener listener) {
        return connect(address, token, Transport.PLAINTEXT, listener);
    }

    /** {@link #connect(String, String, StateListener)} over {@code transport} (TLS for a remote pool). */
    public static SidecarClient connect(String address, String token, Transport transport, StateListener listener) {
        return connect(address, token, listener, true, transport);
    }

    /**
     * {@link #connect(String, String, StateListener)}, or with {@code contextAffinity} false, gRPC's
     * {@code round_robin} over the pool instead: each call to the next replica, whatever its context. Only
     * for comparisons ({@code bench pool}); editors always get the affinity.
     */
    public static SidecarClient connect(String address, String token, StateListener listener, boolean contextAffinity) {
        return connect(address, token, listener, contextAffinity, Transport.PLAINTEXT);
    }

    private static SidecarClient connect(String address, String token, StateListener listener, boolean contextAffinity,
                                         Transport transport) {
        PoolTarget.validate(address);
        SidecarClient client = new SidecarClient(null, address, token, listener, contextAffinity, transport);
        client.report(SidecarState.STARTING, "connecting to the sidecar at " + address + " (" + transport.describe() + ")");
        client.timer.execute(client::startOnce);
        return client;
    }

    public static SidecarClient connect(String address, String token) {
        return connect(address, token, StateListener.NONE);
    }

    /** Waits until the sidecar is READY (or fails with the reason it is not). */
    public void awaitReady(Duration timeout) {
        try {
            readyFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SidecarException(SidecarException.Kind.UNAVAILABLE,
                    "the sidecar was not ready within " + timeout.toSeconds() + " s; see its log for why it is slow");
        } catch (ExecutionException e) {
            throw asSidecarException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SidecarException(SidecarException.Kind.CANCELLED, "interrupted while waiting for the sidecar");
        }
    }

    public synchronized SidecarState state() {
        return state;
    }

    /** {@code host:port} of the sidecar now serving, or null while none is. */
    public synchronized String address() {
        return current != null ? current.address() : null;
    }

    /** The process id of the spawned (or shared) sidecar now serving, or -1 (not started yet, or connected mode). */
    public synchronized long pid() {
        return current != null ? current.pid() : -1;
    }

    /**
     * Denoises: the future completes with the result, or exceptionally with a {@link SidecarException}.
     * {@code cancel(true)} on the returned future cancels the call on the sidecar.
     *
     * @param progress gets each intermediate canvas the request asked for ({@code withProgressEvery}); may be null
     */
    public CompletableFuture<DenoiseResult> denoise(DenoiseRequestSpec spec, Consumer<Progress> progress) {
        CallFuture future = new CallFuture();
        long deadlineNanos = spec.deadline() == null ? Long.MAX_VALUE : System.nanoTime() + spec.deadline().toNanos();
        readyFuture().whenComplete((conn, error) -> {
            if (error != null) {
                future.completeExceptionally(asSidecarException(error));
            } else if (!future.isDone()) {
                start(conn, spec.request(), deadlineNanos, progress, future, 0);
            }
        });
        if (spec.deadline() != null) {
            // A request waiting for a restart must still honour its deadline.
            timer.schedule(() -> future.completeExceptionally(new SidecarException(
                    SidecarException.Kind.DEADLINE_EXCEEDED, "the request passed its deadline of "
                    + spec.deadline().toMillis() + " ms before the sidecar answered")),
                    spec.deadline().toMillis() + 50, TimeUnit.MILLISECONDS);
        }
        return future;
    }

    public CompletableFuture<DenoiseResult> denoise(DenoiseRequestSpec spec) {
        return denoise(spec, null);
    }

    /** The sidecar's model, backend, limits and cache statistics. */
    public CompletableFuture<InfoResponse> info() {
        return readyFuture().thenCompose(conn -> {
            CompletableFuture<InfoResponse> f = new CompletableFuture<>();
            SidecarGrpc.newStub(conn.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .info(InfoRequest.getDefaultInstance(), new StreamObserver<>() {
                        @Override
                        public void onNext(InfoResponse value) {
                            f.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            f.completeExceptionally(translate(t, conn));
                        }

                        @Override
                        public void onCompleted() {}
                    });
            return f;
        });
    }

    // ---------------------------------------------------------------- calls

    /** A future whose cancel cancels the gRPC call (if it has started; otherwise it never starts). */
    private static final class CallFuture extends CompletableFuture<DenoiseResult> {
        private volatile ClientCallStreamObserver<DenoiseRequest> call;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            ClientCallStreamObserver<DenoiseRequest> c = call;
            if (c != null) {
                c.cancel("cancelled by the client", null);
            }
            return cancelled;
        }
    }

    /**
     * Starts the call; {@code attempt} > 0 is a spill-over in a pool: the replica this request hashes to (and
     * {@code attempt - 1} after it) said it was full, so the next one in the request's ring order takes it.
     */
    private void start(Connection conn, DenoiseRequest request, long deadlineNanos, Consumer<Progress> progress,
                       CallFuture future, int attempt) {
        Metadata affinity = new Metadata();
        affinity.put(SidecarConventions.AFFINITY_HEADER, AffinityKey.of(request));
        if (attempt > 0) {
            affinity.put(SidecarConventions.AFFINITY_ATTEMPT_HEADER, Integer.toString(attempt));
        }
        SidecarGrpc.SidecarStub stub = SidecarGrpc.newStub(conn.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(affinity));
        if (deadlineNanos != Long.MAX_VALUE) {
            stub = stub.withDeadlineAfter(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        stub.denoise(request, new ClientResponseObserver<DenoiseRequest, DenoiseResponse>() {
            private Result result;
            private boolean answered;

            @Override
            public void beforeStart(ClientCallStreamObserver<DenoiseRequest> requestStream) {
                future.call = requestStream;
                if (future.isCancelled()) {
                    requestStream.cancel("cancelled by the client", null);
                }
            }

            @Override
            public void onNext(DenoiseResponse value) {
                answered = true;
                if (value.hasResult()) {
                    result = value.getResult();
                } else if (value.hasProgress() && progress != null) {
                    List<List<String>> texts = value.getProgress().getCanvasesList().stream()
                            .map(CanvasText::getSpansList).map(List::copyOf).toList();
                    try {
                        progress.accept(new Progress(value.getProgress().getStep(), texts,
                                value.getProgress().getCommittedTokens()));
                    } catch (RuntimeException e) {
                        LOG.warn("a progress listener failed; the request goes on", e);
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                // Bounded load (Mirrokni, Thorup and Zadimoghaddam 2018, "Consistent Hashing with Bounded
                // Loads", in its simplest form): a full replica passes the request to the next one on the ring
                // rather than failing it, at most once per other replica of the pool.
                if (Status.fromThrowable(t).getCode() == Status.Code.RESOURCE_EXHAUSTED && !answered
                        && attempt + 1 < poolSize && !future.isDone()) {
                    start(conn, request, deadlineNanos, progress, future, attempt + 1);
                    return;
                }
                future.completeExceptionally(translate(t, conn));
            }

            @Override
            public void onCompleted() {
                if (result != null) {
                    future.complete(new DenoiseResult(result));
                } else {
                    future.completeExceptionally(new SidecarException(SidecarException.Kind.INTERNAL,
                            "the sidecar ended the call without a result; this is a bug in the sidecar"));
                }
            }
        });
    }

    /** One sentence per failure, naming the cause and the way out. */
    private SidecarException translate(Throwable t, Connection conn) {
        if (t instanceof SidecarException s) {
            return s;
        }
        Status status = Status.fromThrowable(t);
        String description = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            case UNAVAILABLE -> {
                ProcessHandle h = conn.process() != null ? conn.process().toHandle() : conn.shared();
                if (h != null) {
                    try {
                        h.onExit().get(500, TimeUnit.MILLISECONDS); // the exit may trail the broken socket by a moment
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException | TimeoutException e) {
                        // still alive: the connection broke for another reason
                    }
                }
                if (h != null && conn.dead()) {
                    String how = conn.process() != null ? "exit code " + conn.process().exitValue() : "pid " + conn.pid();
                    yield new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar process died during "
                            + "this request (" + how + "); it is being restarted, so retry the request", t);
                }
                yield new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar at " + conn.address()
                        + " cannot be reached (" + description + "); check that it is running", t);
            }
            case DEADLINE_EXCEEDED -> new SidecarException(SidecarException.Kind.DEADLINE_EXCEEDED,
                    "the request passed its deadline before the sidecar finished it", t);
            case CANCELLED -> new SidecarException(SidecarException.Kind.CANCELLED, "the request was cancelled", t);
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION ->
                    new SidecarException(SidecarException.Kind.INVALID_REQUEST, description, t);
            case RESOURCE_EXHAUSTED -> new SidecarException(SidecarException.Kind.BUSY, description, t);
            case UNAUTHENTICATED -> new SidecarException(SidecarException.Kind.UNAUTHENTICATED,
                    "the sidecar refused the token: " + description, t); // the server's description says the way out
            default -> new SidecarException(SidecarException.Kind.INTERNAL, "the sidecar failed: " + status.getCode()
                    + (description.isEmpty() ? "" : " " + description), t);
        };
    }

    private static SidecarException asSidecarException(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof SidecarException s ? s
                : new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar is not available: " + t.getMessage(), t);
    }

    private CompletableFuture<Connection> readyFuture() {
        Connection dead;
        synchronized (this) {
            dead = current != null && current.dead() ? current : null;
            if (dead == null) {
                return ready;
            }
        }
        // The process is gone but its exit hook has not run yet: run it now, so this call waits for the
        // restart instead of going to a dead port.
        processExited(dead, dead.exit());
        synchronized (this) {
            return ready;
        }
    }

    // ---------------------------------------------------------------- starting and restarting

    /** One attempt to bring up a connection; runs on the timer thread. */
    private void startOnce() {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (ready.isCompletedExceptionally()) {
                ready = new CompletableFuture<>(); // connected mode, after a failed try: calls wait for this one
            }
        }
        Connection conn = null;
        try {
            conn = spawn == null ? dial() : shared != null ? attachOrLaunchShared() : launch();
            healthCheck(conn);
        } catch (RuntimeException e) {
            if (conn != null) {
                shutdown(conn);
            }
            SidecarException error = e instanceof SidecarException s ? s
                    : new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar failed to start: "
                            + e.getMessage(), e);
            failedStart(error);
            return;
        }
        CompletableFuture<Connection> toComplete;
        synchronized (this) {
            if (closed) {
                shutdown(conn);
                return;
            }
            current = conn;
            toComplete = ready;
            state = SidecarState.READY;
        }
        final Connection c = conn;
        if (c.process() != null) {
            c.process().onExit().thenAccept(p -> processExited(c, c.exit()));
        } else if (c.shared() != null) {
            c.shared().onExit().thenAccept(h -> processExited(c, c.exit()));
        } else {
            watchChannel(c, c.channel().getState(false));
        }
        listener.stateChanged(SidecarState.READY, "the sidecar is serving at " + c.address()
                + (c.pid() >= 0 ? " (pid " + c.pid() + (c.shared() != null ? ", shared" : "") + ")" : ""));
        toComplete.complete(c);
    }

    private void failedStart(SidecarException error) {
        String reason = error.getMessage();
        int failures;
        boolean give;
        CompletableFuture<Connection> toFail = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            failures = ++consecutiveFailures;
            // A wrong token or a bad TLS setting will not get better by trying again; a spawned sidecar that
            // keeps failing to start has a reason that will not either. A sidecar at an address may simply
            // not be up yet (the pool machine reboots, the network is back later): keep trying.
            give = error.kind() == SidecarException.Kind.UNAUTHENTICATED
                    || error.kind() == SidecarException.Kind.INVALID_REQUEST
                    || (spawn != null && failures > spawn.maxRestarts());
            state = give ? SidecarState.FAILED : SidecarState.RESTARTING;
            if (give || spawn == null) {
                toFail = ready; // connected mode: calls waiting now learn why at once, later ones wait for the next try
            }
        }
        if (give) {
            listener.stateChanged(SidecarState.FAILED, reason);
            toFail.completeExceptionally(error);
        } else {
            Duration wait = backoff(failures);
            String retry = reason + "; trying again in " + wait.toMillis() + " ms";
            listener.stateChanged(SidecarState.RESTARTING, retry);
            if (toFail != null) {
                toFail.completeExceptionally(new SidecarException(error.kind(), retry, error));
            }
            timer.schedule(this::startOnce, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Duration backoff(int failures) {
        Duration initial = spawn != null ? spawn.initialBackoff() : CONNECT_INITIAL_BACKOFF;
        Duration max = spawn != null ? spawn.maxBackoff() : CONNECT_MAX_BACKOFF;
        long ms = initial.toMillis() << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    /** The exit hook of a spawned process: restart unless we are closing or it was replaced already. */
    private void processExited(Connection conn, String exit) {
        Duration lived = Duration.ofNanos(System.nanoTime() - conn.startedNanos());
        int failures;
        synchronized (this) {
            if (closed || current != conn) {
                return;
            }
            current = null;
            ready = new CompletableFuture<>();
            state = SidecarState.RESTARTING;
            consecutiveFailures = lived.compareTo(STABLE_AFTER) > 0 ? 1 : consecutiveFailures + 1;
            failures = consecutiveFailures;
        }
        conn.channel().shutdownNow();
        if (failures > spawn.maxRestarts()) {
            String reason = "the sidecar " + exit + ", " + failures + " times in a row; giving up (" + lastError(conn) + ")";
            CompletableFuture<Connection> toFail;
            synchronized (this) {
                state = SidecarState.FAILED;
                toFail = ready;
            }
            listener.stateChanged(SidecarState.FAILED, reason);
            toFail.completeExceptionally(new SidecarException(SidecarException.Kind.UNAVAILABLE, reason));
            return;
        }
        Duration wait = backoff(failures);
        listener.stateChanged(SidecarState.RESTARTING, "the sidecar " + exit + "; restarting it in "
                + wait.toMillis() + " ms");
        timer.schedule(this::startOnce, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Connected mode: report a lost connection and its return (gRPC reconnects by itself). */
    private void watchChannel(Connection conn, ConnectivityState last) {
        conn.channel().notifyWhenStateChanged(last, () -> {
            ConnectivityState now = conn.channel().getState(false);
            synchronized (this) {
                if (closed || current != conn) {
                    return;
                }
            }
            if (now == ConnectivityState.TRANSIENT_FAILURE) {
                report(SidecarState.RESTARTING, "lost the connection to the sidecar at " + conn.address()
                        + "; reconnecting");
            } else if (now == ConnectivityState.READY && state() != SidecarState.READY) {
                report(SidecarState.READY, "the sidecar at " + conn.address() + " is back");
            }
            if (now != ConnectivityState.SHUTDOWN) {
                watchChannel(conn, now);
            }
        });
    }

    /** A replica of the pool lost or back: the pool as a whole is still READY, so the state stays; the reason is news. */
    private void poolEvent(String reason) {
        synchronized (this) {
            if (closed || state != SidecarState.READY) {
                return;
            }
        }
        LOG.warn("{}", reason);
        listener.stateChanged(SidecarState.READY, reason);
    }

    private void report(SidecarState s, String reason) {
        synchronized (this) {
            if (closed && s != SidecarState.CLOSED) {
                return;
            }
            state = s;
        }
        listener.stateChanged(s, reason);
    }

    /** A sidecar's command with its environment: offline tokenizers, its home, the token (never on the command line). */
    private ProcessBuilder processBuilder(List<String> command, String sidecarToken) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("RUST_FLAVOR", "cpu");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("QUICKSILVER_HOME", spawn.quicksilverHome().toString());
        pb.environment().putAll(spawn.environment());
        pb.environment().put(SidecarConventions.TOKEN_ENV, sidecarToken);
        pb.directory(spawn.quicksilverHome().toFile());
        return pb;
    }

    private Connection launch() {
        ProcessBuilder pb = processBuilder(spawn.command(ProcessHandle.current().pid()), token);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "cannot start " + spawn.java() + " ("
                    + e.getMessage() + "); check SpawnOptions.java");
        }
        long started = System.nanoTime();
        Deque<String> stderrTail = new ArrayDeque<>();
        drain(process.getErrorStream(), "sidecar-stderr-" + process.pid(), line -> {
            synchronized (stderrTail) {
                if (stderrTail.size() == STDERR_LINES) {
                    stderrTail.removeFirst();
                }
                stderrTail.addLast(line);
            }
            LOG.debug("sidecar: {}", line);
        });
        CompletableFuture<Integer> port = new CompletableFuture<>();
        drain(process.getInputStream(), "sidecar-stdout-" + process.pid(), line -> {
            OptionalInt p = SidecarConventions.parseHandshake(line);
            if (p.isPresent()) {
                port.complete(p.getAsInt());
            } else {
                LOG.debug("sidecar: {}", line);
            }
        });
        process.onExit().thenRun(() -> port.completeExceptionally(new IllegalStateException("exited")));
        Connection probe = new Connection(null, process, null, "pid " + process.pid(), started, stderrTail);
        int p;
        try {
            p = port.get(spawn.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar printed no handshake within "
                    + spawn.startTimeout().toSeconds() + " s (" + lastError(probe) + ")");
        } catch (ExecutionException e) {
            waitQuietly(process);
            throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar exited with code "
                    + process.exitValue() + " before it was ready: " + lastError(probe));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new SidecarException(SidecarException.Kind.CANCELLED, "interrupted while starting the sidecar");
        }
        String addr = "127.0.0.1:" + p;
        return new Connection(channel(NettyChannelBuilder.forAddress("127.0.0.1", p).usePlaintext(), token), process, null,
                addr, started, stderrTail);
    }

    /** Shared mode: attach to the recorded sidecar if it answers, else start one and record it; under the lock. */
    private Connection attachOrLaunchShared() {
        return shared.locked(() -> {
            Optional<SharedSidecars.Entry> entry = shared.read();
            if (entry.isPresent()) {
                Optional<ProcessHandle> alive = ProcessHandle.of(entry.get().pid()).filter(ProcessHandle::isAlive);
                if (alive.isPresent()) {
                    String addr = "127.0.0.1:" + entry.get().port();
                    Connection c = new Connection(channel(NettyChannelBuilder.forAddress("127.0.0.1", entry.get().port())
                            .usePlaintext(), entry.get().token()), null, alive.get(), addr, System.nanoTime(), new ArrayDeque<>());
                    try {
                        healthCheck(c, 5_000);
                        LOG.info("attached to the shared sidecar at {} (pid {})", addr, alive.get().pid());
                        return c;
                    } catch (SidecarException e) {
                        c.channel().shutdownNow();
                        LOG.info("the recorded shared sidecar (pid {}) does not answer ({}); starting another",
                                entry.get().pid(), e.getMessage());
                    }
                }
            }
            return launchShared();
        });
    }

    /**
     * Starts the shared sidecar: not this client's child in spirit (no --parent-pid, its output to the shared
     * log rather than pipes that would break when this process exits), then records it.
     */
    private Connection launchShared() {
        String sharedToken = newToken();
        Path log = shared.log();
        // In a session of its own where setsid(1) exists: closing the terminal of the editor that started it
        // (SIGHUP to that session's processes) must not end the sidecar its other editors use. A child of the
        // JVM is no process-group leader, so setsid execs in place and the pid stays the sidecar's.
        List<String> command = new ArrayList<>(spawn.sharedCommand(idleExitSeconds));
        if (Files.isExecutable(SETSID)) {
            command.addFirst(SETSID.toString());
        }
        ProcessBuilder pb = processBuilder(command, sharedToken);
        long offset;
        Process process;
        try {
            if (Files.isRegularFile(log) && Files.size(log) > (8L << 20)) {
                Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            offset = Files.isRegularFile(log) ? Files.size(log) : 0;
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "cannot start the shared sidecar ("
                    + e.getMessage() + "); check SpawnOptions and " + log);
        }
        long started = System.nanoTime();
        Deque<String> tail = new ArrayDeque<>();
        long deadline = started + spawn.startTimeout().toNanos();
        int port = -1;
        while (port < 0) {
            for (String line : readFrom(log, offset)) {
                OptionalInt p = SidecarConventions.parseHandshake(line);
                if (p.isPresent()) {
                    port = p.getAsInt();
                    break;
                }
                tail.addLast(line);
                if (tail.size() > STDERR_LINES) {
                    tail.removeFirst();
                }
            }
            if (port >= 0) {
                break;
            }
            Connection probe = new Connection(null, process, null, "pid " + process.pid(), started, tail);
            if (!process.isAlive()) {
                throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the shared sidecar exited with code "
                        + process.exitValue() + " before it was ready: " + lastError(probe) + " (log: " + log + ")");
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the shared sidecar printed no handshake "
                        + "within " + spawn.startTimeout().toSeconds() + " s (" + lastError(probe) + "; log: " + log + ")");
            }
            tail.clear();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new SidecarException(SidecarException.Kind.CANCELLED, "interrupted while starting the sidecar");
            }
        }
        shared.write(new SharedSidecars.Entry(process.pid(), port, sharedToken));
        LOG.info("started the shared sidecar at 127.0.0.1:{} (pid {}, log {})", port, process.pid(), log);
        return new Connection(channel(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext(), sharedToken),
                null, process.toHandle(), "127.0.0.1:" + port, started, tail);
    }

    /** The lines of {@code file} after byte {@code offset} (none if it is not there yet). */
    private static List<String> readFrom(Path file, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() <= offset) {
                return List.of();
            }
            byte[] bytes = new byte[(int) Math.min(f.length() - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Connection dial() {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(PoolTarget.toTarget(address))
                .defaultLoadBalancingPolicy(contextAffinity ? ContextAffinityLoadBalancerProvider.POLICY_NAME : "round_robin")
                .disableServiceConfigLookUp()
                .setNameResolverArg(ContextAffinityLoadBalancer.POOL_EVENTS, this::poolEvent);
        if (transport.tls()) {
            builder.useTransportSecurity().sslContext(clientSslContext(transport));
        } else {
            builder.usePlaintext();
        }
        return new Connection(channel(builder, token), null, null, address, System.nanoTime(), new ArrayDeque<>());
    }

    private static ManagedChannel channel(NettyChannelBuilder builder, String token) {
        Metadata headers = new Metadata();
        headers.put(SidecarConventions.TOKEN_HEADER, token);
        // No idle mode (gRPC's default closes a connection after 30 idle minutes): an editor waits between
        // bursts of typing, and a shared sidecar counts open connections to know when it is no longer used.
        return builder
                .idleTimeout(31, TimeUnit.DAYS)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    private static SslContext clientSslContext(Transport transport) {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (transport.trustCertificates() != null) {
                b.trustManager(transport.trustCertificates().toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new SidecarException(SidecarException.Kind.INVALID_REQUEST, "cannot use "
                    + transport.trustCertificates() + " as the certificates to trust (" + e.getMessage()
                    + "); give a PEM file of certificates, or system for the JDK's certificate authorities", e);
        }
    }

    private void healthCheck(Connection conn) {
        healthCheck(conn, spawn != null ? spawn.startTimeout().toMillis() : 10_000);
    }

    private void healthCheck(Connection conn, long timeout) {
        try {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(conn.channel())
                    .withWaitForReady()
                    .withDeadlineAfter(timeout, TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(SidecarConventions.SERVICE_NAME).build());
            if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar at " + conn.address()
                        + " says it is " + r.getStatus() + "; wait for it or restart it");
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                String why = connectionError(conn);
                throw new SidecarException(SidecarException.Kind.UNAVAILABLE, "the sidecar at " + conn.address()
                        + " did not answer within " + timeout / 1000 + " s (" + why + "); " + wayOut(why), e);
            }
            throw translate(e, conn);
        }
    }

    /** The likeliest way out of a connection failure, from what gRPC said about it. */
    private String wayOut(String why) {
        String w = why.toLowerCase(Locale.ROOT);
        if (transport.tls() && w.contains("not an ssl/tls record")) {
            return "the sidecar does not serve TLS: set sidecarTls to off, or start it with --tls-cert and --tls-key";
        }
        if (transport.tls() && (w.contains("certificat") || w.contains("ssl") || w.contains("handshake"))) {
            return transport.trustCertificates() != null ? "the TLS handshake failed: check that "
                    + transport.trustCertificates() + " (sidecarTls) holds the CA that signed the sidecar's "
                    + "certificate, and that the certificate names this address"
                    : "the TLS handshake failed: the JDK's certificate authorities do not vouch for the sidecar's "
                    + "certificate; set sidecarTls to a PEM file that does";
        }
        if (!transport.tls() && (w.contains("network closed") || w.contains("connection reset"))) {
            return "if the sidecar serves TLS (serve --tls-cert), set sidecarTls to system or to a PEM file "
                    + "that trusts its certificate";
        }
        return "check that it is running and that this machine can reach it";
    }

    /** Why the channel cannot reach its sidecar(s) now: a call that does not wait for a connection says. */
    private static String connectionError(Connection conn) {
        try {
            HealthGrpc.newBlockingStub(conn.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(SidecarConventions.SERVICE_NAME).build());
            return "it answers now";
        } catch (StatusRuntimeException e) {
            String d = e.getStatus().getDescription();
            return d != null ? d : e.getStatus().getCode().toString();
        }
    }

    private static String lastError(Connection conn) {
        synchronized (conn.stderrTail()) {
            return conn.stderrTail().isEmpty() ? "no output on stderr"
                    : "last stderr line: " + conn.stderrTail().peekLast();
        }
    }

    private static void drain(java.io.InputStream in, String name, Consumer<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process is gone: nothing more to read
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void shutdown(Connection conn) {
        if (conn.channel() != null) {
            conn.channel().shutdownNow();
        }
        Process p = conn.process();
        if (p != null && p.isAlive()) {
            p.destroy(); // SIGTERM: the sidecar shuts down cleanly
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stops the spawned sidecar (SIGTERM, then SIGKILL after 5 s) and fails waiting calls. */
    @Override
    public void close() {
        Connection conn;
        CompletableFuture<Connection> pending;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            conn = current;
            current = null;
            pending = ready;
            state = SidecarState.CLOSED;
        }
        pending.completeExceptionally(new SidecarException(SidecarException.Kind.UNAVAILABLE,
                "the sidecar client was closed"));
        if (conn != null) {
            shutdown(conn);
        }
        timer.shutdownNow();
        listener.stateChanged(SidecarState.CLOSED, "the sidecar client was closed");
    }
}
