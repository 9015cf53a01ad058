package dev.quicksilver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.protocol.SidecarConventions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sidecar's own life as a real process, started here by hand (the command line the client spawns,
 * {@link SpawnOptions#command}), not by the client: SIGTERM, the death of its parent, and a client in
 * connect mode that loses its sidecar and gets it back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SidecarLifecycleTest {

    static final String TOKEN = "lifecycle-token-" + ProcessHandle.current().pid();

    private final List<Process> started = new ArrayList<>();

    /** A started sidecar: its process, the port of its handshake, and its stderr (all of it once drained). */
    record Sidecar(Process process, int port, List<String> stderr, Thread stderrDrain) {
        String address() {
            return "127.0.0.1:" + port;
        }

        /** Its stderr to the end: the process has exited, and the drain has read the pipe's last line. */
        List<String> allStderr() throws InterruptedException {
            stderrDrain.join(TimeUnit.SECONDS.toMillis(30));
            return stderr;
        }
    }

    @AfterEach
    void killLeftovers() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    /** Starts {@code serve} as the client would, with {@code --port} and the parent replaced. */
    Sidecar startSidecar(int port, long parentPid) throws Exception {
        List<String> command = new ArrayList<>();
        for (String arg : SidecarProcessTest.options().build().command(parentPid)) {
            command.add(arg.equals("--port=0") ? "--port=" + port : arg);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(java.nio.file.Path.of("..").toFile());
        pb.environment().put(SidecarConventions.TOKEN_ENV, TOKEN);
        pb.environment().put("RUST_FLAVOR", "cpu");
        pb.environment().put("DJL_OFFLINE", "true");
        Process process = pb.start();
        started.add(process);
        List<String> stderr = new CopyOnWriteArrayList<>();
        Thread stderrDrain = drain(process.getErrorStream(), stderr::add);
        CompletableFuture<Integer> handshake = new CompletableFuture<>();
        drain(process.getInputStream(), line -> {
            OptionalInt p = SidecarConventions.parseHandshake(line);
            if (p.isPresent()) {
                handshake.complete(p.getAsInt());
            }
        });
        process.onExit().thenRun(() -> handshake.completeExceptionally(
                new AssertionError("the sidecar exited before its handshake: " + stderr)));
        return new Sidecar(process, handshake.get(90, TimeUnit.SECONDS), stderr, stderrDrain);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(part)) return i;
        return -1;
    }

    static Thread drain(java.io.InputStream in, java.util.function.Consumer<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A request that runs long enough to be in flight when something happens to the process. */
    static DenoiseRequestSpec longRequest() {
        return SidecarProcessTest.longRequest(480).withProgressEvery(1);
    }

    @Test
    void sigtermFailsTheCallInFlightWithAClearStatusAndExitsCleanly() throws Exception {
        Sidecar sidecar = startSidecar(0, ProcessHandle.current().pid());
        try (SidecarClient client = SidecarClient.connect(sidecar.address(), TOKEN)) {
            client.awaitReady(Duration.ofSeconds(60));
            CountDownLatch running = new CountDownLatch(1);
            CompletableFuture<DenoiseResult> pending = client.denoise(longRequest(), p -> running.countDown());
            assertTrue(running.await(60, TimeUnit.SECONDS));

            sidecar.process().destroy(); // SIGTERM
            assertTrue(sidecar.process().waitFor(30, TimeUnit.SECONDS), "the sidecar did not stop on SIGTERM");

            // 143 = 128 + SIGTERM: the JVM's exit after its shutdown hook ran (137 would be a SIGKILL).
            assertEquals(143, sidecar.process().exitValue(), sidecar.allStderr().toString());
            // The call in flight was ended by the hook (the scheduler's shutdown), not by a broken socket.
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
            SidecarException s = assertInstanceOf(SidecarException.class, e.getCause());
            assertEquals(SidecarException.Kind.UNAVAILABLE, s.kind());
            assertTrue(s.getMessage().contains("the sidecar is shutting down"), s.getMessage());
            assertTrue(!accepts(sidecar.port()), "port " + sidecar.port() + " still accepts connections");
        }
    }

    @Test
    void theSidecarStopsWhenItsParentProcessDies() throws Exception {
        Process parent = new ProcessBuilder("sleep", "600").start();
        started.add(parent);
        Sidecar sidecar = startSidecar(0, parent.pid());
        assertTrue(accepts(sidecar.port()));
        assertTrue(sidecar.process().isAlive());

        parent.destroyForcibly();
        assertTrue(sidecar.process().waitFor(30, TimeUnit.SECONDS), "the sidecar outlived its parent");
        List<String> stderr = sidecar.allStderr();
        assertEquals(0, sidecar.process().exitValue(), stderr.toString());
        // The JIT warm-up (--warm-up, 3 short decodes by default) ran before the sidecar served anything.
        int warmed = indexOf(stderr, "warmed up with 3 short decodes");
        int serving = indexOf(stderr, "ServeCommand - serving ");
        assertTrue(warmed >= 0 && serving > warmed, stderr.toString());
        assertTrue(stderr.stream().anyMatch(l -> l.contains("the parent process " + parent.pid()
                + " exited; stopping")), stderr.toString());
        assertTrue(!accepts(sidecar.port()));
    }

    @Test
    void aParentThatIsAlreadyGoneIsRefusedAtStart() throws Exception {
        Process parent = new ProcessBuilder("true").start();
        parent.waitFor();
        Exception e = assertThrows(Exception.class, () -> startSidecar(0, parent.pid()));
        assertTrue(e.getMessage().contains("the parent process " + parent.pid() + " is not running"),
                e.getMessage());
    }

    @Test
    void connectModeFailsClearlyWhileTheSidecarIsGoneAndRecoversWhenItIsBack() throws Exception {
        int port = freePort();
        Sidecar first = startSidecar(port, ProcessHandle.current().pid());
        List<String> events = new CopyOnWriteArrayList<>();
        try (SidecarClient client = SidecarClient.connect(first.address(), TOKEN,
                (state, reason) -> events.add(state + ": " + reason))) {
            client.awaitReady(Duration.ofSeconds(60));
            assertNotNull(client.denoise(DenoiseRequestSpec.infill("int x = ", 4, ";")).get(60, TimeUnit.SECONDS).text());

            CountDownLatch running = new CountDownLatch(1);
            CompletableFuture<DenoiseResult> pending = client.denoise(longRequest(), p -> running.countDown());
            assertTrue(running.await(60, TimeUnit.SECONDS));
            first.process().destroyForcibly(); // kill -9: no goodbye on the wire
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
            SidecarException s = assertInstanceOf(SidecarException.class, e.getCause());
            assertEquals(SidecarException.Kind.UNAVAILABLE, s.kind());
            assertTrue(s.getMessage().contains("the sidecar at " + first.address() + " cannot be reached"),
                    s.getMessage());

            // While it is gone, a call fails at once with the same sentence (connect mode never spawns).
            e = assertThrows(ExecutionException.class, () -> client.denoise(DenoiseRequestSpec.infill("int y = ", 4,
                    ";")).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("cannot be reached"), e.getCause().getMessage());
            waitFor(() -> events.stream().anyMatch(ev -> ev.startsWith("RESTARTING: lost the connection")),
                    "the listener hears of the lost connection: " + events);
            assertEquals(SidecarState.RESTARTING, client.state());

            // A new sidecar at the same address: the same client goes on.
            startSidecar(port, ProcessHandle.current().pid());
            DenoiseResult after = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (after == null && System.nanoTime() < deadline) {
                try {
                    after = client.denoise(DenoiseRequestSpec.infill("int z = ", 4, ";")).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException retry) {
                    // gRPC's reconnect backoff may still be running: the call fails fast until it connects
                    assertTrue(retry.getCause().getMessage().contains("cannot be reached"),
                            retry.getCause().getMessage());
                    Thread.sleep(200);
                }
            }
            assertNotNull(after, "no call succeeded within 60 s of the new sidecar's start: " + events);
            waitFor(() -> client.state() == SidecarState.READY, "READY again: " + events);
            assertTrue(events.stream().anyMatch(ev -> ev.equals("READY: the sidecar at " + first.address()
                    + " is back")), events.toString());
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A sidecar at an address that is not up yet (a pool machine rebooting): the client says why and keeps
     * trying, and serves once the sidecar is there, without a restart of the client (the editor).
     */
    @Test
    void aConnectedClientKeepsTryingUntilItsSidecarIsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> events = new CopyOnWriteArrayList<>();
        try (SidecarClient client = SidecarClient.connect("127.0.0.1:" + port, TOKEN, (st, r) -> events.add(st + ": " + r))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (events.stream().noneMatch(e -> e.startsWith("RESTARTING: ") && e.contains("trying again in"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(events.stream().anyMatch(e -> e.startsWith("RESTARTING: ") && e.contains("127.0.0.1:" + port)), events.toString());
            List<String> command = new ArrayList<>(SidecarProcessTest.options().build().command(ProcessHandle.current().pid()));
            command.replaceAll(a -> a.equals("--port=0") ? "--port=" + port : a);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put(SidecarConventions.TOKEN_ENV, TOKEN);
            Process sidecar = pb.start();
            try {
                // Between tries, calls fail at once with the reason; the client turns READY at its next try.
                long up = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (client.state() != SidecarState.READY && System.nanoTime() < up) {
                    Thread.sleep(100);
                }
                assertEquals(SidecarState.READY, client.state(), events.toString());
                DenoiseResult r = client.denoise(DenoiseRequestSpec.infill("int x = ", 4, ";")).get(60, TimeUnit.SECONDS);
                assertEquals(1, r.canvases().size());
            } finally {
                sidecar.destroy();
            }
        }
    }
}
