package dev.quicksilver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.client.SidecarClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-pipeline use against a team's pool: two sidecars started with {@code ./quicksilver sidecar serve}, and
 * the headless {@code ./quicksilver complete --sidecar A,B --sidecar-token-file F} as its own process (the
 * launcher, the packaged jars). The same completion twice goes to one replica both times (each replica's own
 * request count says which); when that replica is killed, the next run is served by the other.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HeadlessPoolE2ETest {

    static final Pattern HANDSHAKE = Pattern.compile("QUICKSILVER_SIDECAR_READY port=(\\d+)\\b.*");

    @TempDir
    Path tmp;

    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    record Replica(Process process, String address) {}

    Replica serve(Path tokenFile, String name, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "sidecar", "serve",
                "--port", "0", "--token-file", tokenFile.toString(), "--backend", "cpu", "--kv-cache-mb", "64"));
        command.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(tmp.resolve(name + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = HANDSHAKE.matcher(line.strip());
                    if (m.matches()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
            } catch (IOException e) {
                // fall through
            }
            String log;
            try {
                log = Files.readString(tmp.resolve(name + ".log"));
            } catch (IOException e) {
                log = "(no log: " + e.getMessage() + ")";
            }
            throw new IllegalStateException("sidecar " + name + " exited without a handshake: " + log);
        });
        return new Replica(p, "127.0.0.1:" + port.get(120, TimeUnit.SECONDS));
    }

    /** Runs the headless completion; returns its exit status (0: a completion came back). */
    int complete(Path ws, String pool, Path tokenFile, String run, String... more) throws Exception {
        Path file = ws.resolve("src/main/java/shapes/Report.java");
        Path out = tmp.resolve(run + ".out");
        List<String> command = new ArrayList<>(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "complete",
                "--workspace", ws.toString(), "--sidecar", pool, "--sidecar-token-file", tokenFile.toString()));
        command.addAll(List.of(more));
        command.add(file + ":5:29"); // after "import java.util.concurrent.": the model writes TimeUnit; (EditorRun.COMPLETE_AT)
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), run + " did not finish; output in " + out);
        assertEquals(0, p.exitValue(), run + " printed no completion: " + Files.readString(out));
        return p.exitValue();
    }

    static long completed(String address, String token) {
        try (SidecarClient c = SidecarClient.connect(address, token)) {
            c.awaitReady(Duration.ofSeconds(30));
            return c.info().get(30, TimeUnit.SECONDS).getScheduler().getCompletedRequests();
        } catch (Exception e) {
            throw new AssertionError("cannot read the request count of the sidecar at " + address, e);
        }
    }

    Path tokenFile(String token) throws IOException {
        Path tokenFile = Files.writeString(tmp.resolve("sidecar.token"), token);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        return tokenFile;
    }

    Path workspace() throws IOException {
        Path ws = Files.createDirectory(tmp.resolve("workspace"));
        EditorRun.copyTree(EditorRun.ROOT.resolve("tests/src/test/resources/workspace"), ws);
        return ws;
    }

    @Test
    void aHeadlessCompletionSticksToOneReplicaAndMovesWhenItDies() throws Exception {
        EditorRun.requireServer();
        String token = "pool-token-" + System.nanoTime();
        Path tokenFile = tokenFile(token);
        Replica a = serve(tokenFile, "a");
        Replica b = serve(tokenFile, "b");
        Path ws = workspace();
        String pool = a.address() + "," + b.address();

        complete(ws, pool, tokenFile, "first");
        complete(ws, pool, tokenFile, "second");
        long servedByA = completed(a.address(), token);
        long servedByB = completed(b.address(), token);
        assertTrue(servedByA + servedByB >= 2, "both runs reached the pool: " + servedByA + " + " + servedByB);
        assertTrue(servedByA == 0 || servedByB == 0,
                "the same completion went to one replica both times, not " + servedByA + " and " + servedByB);

        Replica owner = servedByA > 0 ? a : b;
        Replica other = owner == a ? b : a;
        owner.process().destroyForcibly(); // kill -9 (the launcher execs java, so this is the sidecar)
        owner.process().waitFor(30, TimeUnit.SECONDS);
        complete(ws, pool, tokenFile, "third");
        assertTrue(completed(other.address(), token) >= 1, "the other replica served the run after the kill");
    }

    /** The same headless run against a sidecar that serves TLS (the test certificates of sidecar-client). */
    @Test
    void aHeadlessCompletionOverTls() throws Exception {
        EditorRun.requireServer();
        Path tls = EditorRun.ROOT.resolve("sidecar-client/src/test/resources/tls");
        Path tokenFile = tokenFile("tls-token-" + System.nanoTime());
        Replica secure = serve(tokenFile, "tls", "--tls-cert", tls.resolve("server.pem").toString(),
                "--tls-key", tls.resolve("server.key").toString());
        complete(workspace(), secure.address(), tokenFile, "tls", "--sidecar-tls", tls.resolve("ca.pem").toString());
    }
}
