package dev.quicksilver.cli;

import dev.quicksilver.protocol.SidecarConventions;
import dev.quicksilver.server.SidecarServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the sidecar main. Loads the model, listens on loopback (or {@code --bind}, optionally with
 * TLS), prints the handshake line ({@code QUICKSILVER_SIDECAR_READY port=N pid=P}) on stdout, and serves until
 * SIGTERM (or until its parent process exits, with {@code --parent-pid}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the model process: gRPC on loopback (or --bind, with --tls-cert/--tls-key, for a pool), token required (env "
                + SidecarConventions.TOKEN_ENV + " or --token-file).")
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}: loopback).")
    String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "Port; 0 (default) lets the OS pick one, printed in the handshake line.")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the token from FILE (mode 0600) instead of $" + SidecarConventions.TOKEN_ENV + ".")
    Path tokenFile;

    @Option(names = "--parent-pid", paramLabel = "PID",
            description = "Exit when process PID exits (the LSP server that spawned this sidecar).")
    Long parentPid;

    @Option(names = "--idle-exit-seconds", paramLabel = "S",
            description = "Exit once no client has been connected for S seconds (a sidecar shared by the editors of "
                    + "this machine ends with the last of them); 0 (default): never.")
    int idleExitSeconds;

    @Option(names = "--kv-cache-mb", paramLabel = "MB", defaultValue = "512",
            description = "Budget of the KV/context store in MiB, working caches included (default ${DEFAULT-VALUE}).")
    long kvCacheMb;

    @Option(names = "--context-cache", paramLabel = "on|off", defaultValue = "on",
            description = "Share the keys/values of a leading context across requests (an approximation for "
                    + "bidirectional models; see docs/benchmarks.md) (default ${DEFAULT-VALUE}).")
    String contextCache;

    @Option(names = "--context-chunk", paramLabel = "TOKENS", defaultValue = "32",
            description = "Tokens per context-store chunk (default ${DEFAULT-VALUE}).")
    int contextChunk;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "16",
            description = "Most canvases in one batched forward (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-queue", paramLabel = "N", defaultValue = "64",
            description = "Most requests waiting; beyond, calls get RESOURCE_EXHAUSTED (default ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--batch-wait-ms", paramLabel = "MS", defaultValue = "0",
            description = "How long an idle sidecar waits, once a request arrives, for others to start with it in "
                    + "one forward; later ones join at the next step anyway (default ${DEFAULT-VALUE}: start at once).")
    int batchWaitMs;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve TLS with this PEM certificate chain (with --tls-key); for a pool on other machines.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The certificate's unencrypted PKCS#8 PEM private key (with --tls-cert).")
    Path tlsKey;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "3",
            description = "Short decodes run before the handshake, so that the first request does not pay for the JIT "
                    + "compiling the forward pass (0: none; default ${DEFAULT-VALUE}).")
    int warmUps;

    @Option(names = "--poison-freed", hidden = true, description = "Overwrite freed store memory (tests).")
    boolean poisonFreed;

    @Override
    public Integer call() throws Exception {
        boolean sharedContext = onOff(contextCache, "--context-cache");
        String token = token();
        if (parentPid != null && ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false) == false) {
            throw new CliException("the parent process " + parentPid + " is not running; nothing to serve");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CliException("--tls-cert and --tls-key go together; give both (or neither, for plaintext)");
        }
        for (Path f : new Path[] {tlsCert, tlsKey}) {
            if (f != null && !Files.isReadable(f)) {
                throw new CliException((f == tlsCert ? "--tls-cert " : "--tls-key ") + f + " cannot be read; give a PEM file");
            }
        }
        SidecarServer.Settings settings = new SidecarServer.Settings(bind, port, kvCacheMb, sharedContext,
                contextChunk, maxBatch, maxQueue, batchWaitMs, poisonFreed, tlsCert, tlsKey);
        if (idleExitSeconds < 0) {
            throw new CliException("--idle-exit-seconds must be 0 (never) or more, got " + idleExitSeconds);
        }
        if (kvCacheMb < 1) {
            throw new CliException("--kv-cache-mb must be at least 1, got " + kvCacheMb);
        }
        if (warmUps < 0) {
            throw new CliException("--warm-up must be 0 (none) or more, got " + warmUps);
        }
        LoadedModel loaded = LoadedModel.open(modelOptions);
        warmUp(loaded, warmUps);
        SidecarServer server;
        try {
            server = SidecarServer.start(loaded, token, settings);
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e instanceof IOException io ? new CliException(io.getMessage()) : e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("stopping: finishing calls in flight, freeing the model");
            server.close();
            loaded.close();
            stopped.countDown();
        }, "quicksilver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (parentPid != null) {
            // The parent may have exited while the model loaded: then there is no handle, and nothing to serve.
            ProcessHandle.of(parentPid).filter(ProcessHandle::isAlive).map(ProcessHandle::onExit)
                    .orElse(java.util.concurrent.CompletableFuture.completedFuture(null))
                    .thenRun(() -> {
                        LOG.info("the parent process {} exited; stopping", parentPid);
                        System.exit(0);
                    });
        }
        if (idleExitSeconds > 0) {
            exitWhenIdle(server, idleExitSeconds);
        }
        LOG.info("serving {} on the {} backend at {}:{} ({}, kv cache {} MiB, context cache {}, max batch {})",
                loaded.dir().getFileName(), loaded.model().backendName(), bind, server.port(),
                tlsCert != null ? "TLS" : "plaintext", server.kvBudgetBytes() >> 20, sharedContext ? "on" : "off", maxBatch);
        System.out.println(SidecarConventions.handshake(server.port(), ProcessHandle.current().pid()));
        System.out.flush();
        server.awaitTermination();
        stopped.await();
        return 0;
    }

    /**
     * Runs {@code count} short infills of a Java line with the model's own decoding defaults, outside the scheduler
     * (its statistics stay the requests'), so that the JIT has compiled the forward pass before the first request:
     * on a 2-core CPU an editor's first completion otherwise spent 1.3 s in its 6 denoising steps, later ones 30-200
     * ms. The sidecar starts beside the language server's indexing, so this is rarely time anyone waits for.
     */
    static void warmUp(LoadedModel loaded, int count) {
        if (count == 0) return;
        long start = System.nanoTime();
        var options = loaded.defaults().options();
        try {
            for (int i = 0; i < count; i++) {
                var canvas = loaded.canvas("public final class Counter {\n    private int count;\n\n    public int next() {\n        ", 16,
                        "\n    }\n}\n", options.mode(), true).request();
                dev.quicksilver.decode.Decoder.generate(loaded.model(), options, canvas);
            }
            LOG.info("warmed up with {} short decodes in {} ms", count, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            // Only a head start: a model that cannot take this canvas still serves the requests it can.
            LOG.warn("the warm-up decode failed ({}); serving without it", e.toString());
        }
    }

    /** Checks every second; the shutdown hook then stops the server and frees the model as on SIGTERM. */
    private static void exitWhenIdle(SidecarServer server, int seconds) {
        Thread watch = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long idle = System.nanoTime() - server.lastConnectionClosedNanos();
                if (server.openConnections() == 0 && idle >= TimeUnit.SECONDS.toNanos(seconds)) {
                    LOG.info("no client has been connected for {} s; exiting", seconds);
                    System.exit(0);
                }
            }
        }, "quicksilver-idle-exit");
        watch.setDaemon(true);
        watch.start();
    }

    private static boolean onOff(String value, String option) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new CliException(option + " takes on or off, got '" + value + "'");
        };
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            if (!Files.isRegularFile(tokenFile)) {
                throw new CliException("--token-file " + tokenFile + " does not exist; write the token there "
                        + "(mode 0600) or set " + SidecarConventions.TOKEN_ENV);
            }
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(tokenFile);
                if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new CliException("--token-file " + tokenFile + " can be read by other users; "
                            + "chmod 600 it");
                }
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing to check
            }
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new CliException("--token-file " + tokenFile + " is empty; write the token into it");
            }
            return token;
        }
        String token = System.getenv(SidecarConventions.TOKEN_ENV);
        if (token == null || token.isBlank()) {
            throw new CliException("no token: set " + SidecarConventions.TOKEN_ENV
                    + " or pass --token-file FILE (mode 0600)");
        }
        return token.strip();
    }
}
