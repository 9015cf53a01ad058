package dev.quicksilver.server;

import dev.quicksilver.cli.LoadedModel;
import dev.quicksilver.model.ModelFingerprint;
import dev.quicksilver.protocol.SidecarConventions;
import dev.quicksilver.protocol.v1.InfoResponse;
import dev.quicksilver.store.KvStore;
import dev.quicksilver.store.StoreContextCache;
import dev.quicksilver.transformer.KvMemory;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sidecar: the model, the KV/context store, the scheduler and the gRPC server (the Sidecar
 * service and the standard health service, both behind the token check). Used by {@code serve} and,
 * in-process, by {@code bench sidecar}.
 */
public final class SidecarServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarServer.class);

    /**
     * @param bind         address to listen on (loopback unless a pool is served deliberately)
     * @param port         0 for one the OS picks
     * @param kvCacheMb    the KV/context store's budget
     * @param contextCache share the leading context's keys/values across requests
     * @param contextChunk tokens per store chunk
     * @param batchWaitMs  how long an idle scheduler waits for requests arriving together (0: none)
     * @param poisonFreed  overwrite freed store memory (tests)
     * @param tlsCert      PEM certificate chain to serve TLS with, or null for plaintext
     * @param tlsKey       its PKCS#8 PEM private key, or null
     */
    public record Settings(String bind, int port, long kvCacheMb, boolean contextCache, int contextChunk,
                           int maxBatch, int maxQueue, int batchWaitMs, boolean poisonFreed, Path tlsCert, Path tlsKey) {

        /** Loopback, plaintext: what a spawned sidecar and the in-process benchmarks use. */
        public static Settings loopback(long kvCacheMb, boolean contextCache) {
            return new Settings("127.0.0.1", 0, kvCacheMb, contextCache, 32, 16, 64, 0, false, null, null);
        }
    }

    private final Server server;
    private final Scheduler scheduler;
    private final KvStore store;
    private final SidecarService service;
    private final HealthStatusManager health;
    private final ConnectionCount connections;

    private SidecarServer(Server server, Scheduler scheduler, KvStore store, SidecarService service,
                          HealthStatusManager health, ConnectionCount connections) {
        this.connections = connections;
        this.server = server;
        this.scheduler = scheduler;
        this.store = store;
        this.service = service;
        this.health = health;
    }

    /** Starts serving {@code loaded} (which the caller keeps and closes after this server). */
    public static SidecarServer start(LoadedModel loaded, String token, Settings s) throws IOException {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the sidecar needs a token: set " + SidecarConventions.TOKEN_ENV
                    + " or pass --token-file (a file of mode 0600)");
        }
        String modelId = ModelFingerprint.of(loaded.dir());
        KvMemory memory = loaded.model().storeMemory();
        KvMemory.Budget budget = memory.budget(s.kvCacheMb() * 1024 * 1024);
        LOG.info("KV/context store: {} MiB of {} memory ({})", budget.bytes() >> 20, memory.describe(), budget.why());
        KvStore store = new KvStore(memory, budget.bytes(), s.poisonFreed());
        StoreContextCache contextCache = new StoreContextCache(store, modelId, s.contextChunk());
        Scheduler scheduler = new Scheduler(loaded.model(), loaded.defaults().options(), store, contextCache,
                new Scheduler.Config(s.maxBatch(), s.maxQueue(), s.contextCache(), s.batchWaitMs()));
        SidecarService service = new SidecarService(loaded, modelId, scheduler, store, s.contextChunk());
        HealthStatusManager health = new HealthStatusManager();
        ServerInterceptor auth = new TokenCheck(token);
        InetAddress address = InetAddress.getByName(s.bind());
        if (!address.isLoopbackAddress()) {
            if (s.tlsCert() == null) {
                LOG.warn("listening on {}, which is not loopback, without TLS: the token and the code in every request "
                        + "cross the network in clear text; give --tls-cert and --tls-key", address);
            } else {
                LOG.info("listening on {} with TLS ({}): anyone who can reach it and has the token can use the model",
                        address, s.tlsCert());
            }
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(address, s.port()));
        if (s.tlsCert() != null) {
            builder.sslContext(serverSslContext(s.tlsCert(), s.tlsKey()));
        }
        ConnectionCount connections = new ConnectionCount();
        Server server = builder
                .addTransportFilter(connections)
                .addService(ServerInterceptors.intercept(service, auth))
                .addService(ServerInterceptors.intercept(health.getHealthService(), auth))
                .maxInboundMessageSize(64 << 20)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            scheduler.close();
            store.close();
            throw new IOException("cannot listen on " + s.bind() + ":" + s.port() + " (" + e.getMessage()
                    + "); pick another --port or leave it at 0", e);
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SidecarConventions.SERVICE_NAME, ServingStatus.SERVING);
        return new SidecarServer(server, scheduler, store, service, health, connections);
    }

    private static SslContext serverSslContext(Path cert, Path key) throws IOException {
        try {
            return GrpcSslContexts.forServer(cert.toFile(), key.toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot serve TLS with --tls-cert " + cert + " and --tls-key " + key + " ("
                    + e.getMessage() + "); give a PEM certificate chain and its unencrypted PKCS#8 PEM key (openssl "
                    + "pkcs8 -topk8 -nocrypt -in KEY -out key.pem converts one)", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Client connections open now (a connected client keeps one per sidecar, even between calls). */
    public int openConnections() {
        return connections.open.get();
    }

    /** When the last connection closed, in {@link System#nanoTime()}; the start time if none ever opened. */
    public long lastConnectionClosedNanos() {
        return connections.lastClosed;
    }

    /** Counts transports (client connections) as gRPC opens and closes them. */
    private static final class ConnectionCount extends ServerTransportFilter {
        final AtomicInteger open = new AtomicInteger();
        volatile long lastClosed = System.nanoTime();

        @Override
        public Attributes transportReady(Attributes attributes) {
            open.incrementAndGet();
            return attributes;
        }

        @Override
        public void transportTerminated(Attributes attributes) {
            if (attributes != null && open.decrementAndGet() == 0) {
                lastClosed = System.nanoTime();
            }
        }
    }

    /** The store's effective budget: {@code --kv-cache-mb}, capped by free device memory with the cuda model. */
    public long kvBudgetBytes() {
        return store.budgetBytes();
    }

    public InfoResponse info() {
        return service.info();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, cancels the ones running, frees the store. */
    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        scheduler.close();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        store.close();
    }

    /** Every call must carry the run's token; compared in constant time. */
    private static final class TokenCheck implements ServerInterceptor {
        private final byte[] token;

        TokenCheck(String token) {
            this.token = token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            String given = headers.get(SidecarConventions.TOKEN_HEADER);
            if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                call.close(Status.UNAUTHENTICATED.withDescription(given == null
                        ? "the call has no " + SidecarConventions.TOKEN_HEADER.name() + " metadata; send the "
                                + "token the sidecar was started with"
                        : "the " + SidecarConventions.TOKEN_HEADER.name() + " metadata does not match this "
                                + "sidecar's token; send the token it was started with"), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
        }
    }
}
