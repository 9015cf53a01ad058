package dev.quicksilver.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quicksilver.client.DenoiseRequestSpec;
import dev.quicksilver.client.SidecarClient;
import dev.quicksilver.client.SpawnOptions;
import dev.quicksilver.client.StateListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} over a folder of shared-sidecar records: none, a live one (its numbers), a dead one (pruned). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusCommandTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path runtime;

    record Run(int exit, String out) {}

    static Run status(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            int exit = QuicksilverCli.commandLine().execute(args);
            return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void noRecordsLiveAndDeadOnes() throws Exception {
        Path jar = REPO.resolve("gpu-sidecar/target/gpu-sidecar.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "gpu-sidecar.jar is not built; build the reactor first");
        Run none = status("status", "--shared-dir", runtime.toString());
        assertEquals(0, none.exit());
        assertTrue(none.out().contains("no shared sidecar is running"), none.out());

        SpawnOptions options = SpawnOptions.builder().sidecarJar(jar).quicksilverHome(REPO)
                .sidecarArgs("--model=" + REPO.resolve("models/quicksilver-coder-mini"), "--backend=cpu").build();
        long pid;
        try (SidecarClient shared = SidecarClient.share(options, runtime, 60, StateListener.NONE)) {
            shared.awaitReady(Duration.ofSeconds(60));
            pid = shared.pid();
            shared.denoise(DenoiseRequestSpec.infill("int x = ", 4, ";")).get(60, TimeUnit.SECONDS);
            Run live = status("status", "--shared-dir", runtime.toString(), "--json");
            assertEquals(0, live.exit(), live.out());
            JsonObject sidecar = JsonParser.parseString(live.out()).getAsJsonObject().getAsJsonArray("sidecars").get(0).getAsJsonObject();
            assertEquals(pid, sidecar.get("pid").getAsLong());
            assertEquals("cpu", sidecar.get("backend").getAsString());
            assertEquals(1, sidecar.getAsJsonObject("scheduler").get("completedRequests").getAsLong());
        }
        // Stop it rather than wait for its idle exit.
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            h.onExit().join();
        });
        Run dead = status("status", "--shared-dir", runtime.toString());
        assertTrue(dead.out().contains("is gone (--prune removes such records)"), dead.out());
        Run pruned = status("status", "--shared-dir", runtime.toString(), "--prune");
        assertTrue(pruned.out().contains("removed "), pruned.out());
        try (var files = Files.list(runtime)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".properties")), "the record is gone");
        }
    }
}
