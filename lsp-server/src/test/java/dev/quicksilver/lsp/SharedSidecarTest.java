package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shareSidecar}: two language servers (two editors) of one user get one sidecar between them, and
 * the second keeps its completions when the first exits.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SharedSidecarTest {

    static final Pattern READY = Pattern.compile("sidecar ready: .*\\(pid (\\d+), shared\\)");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTheSidecar() {
        Assumptions.assumeTrue(ServerProcess.sidecarServes(), "gpu-sidecar.jar is not built; build the reactor first");
    }

    static long sharedPid(ServerProcess s) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            for (var m : s.logs) {
                Matcher matcher = READY.matcher(m.getMessage());
                if (matcher.find()) return Long.parseLong(matcher.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no shared sidecar became ready: " + s.logs);
    }

    static void complete(ServerProcess s, Path cart, int line) throws Exception {
        var r = s.server.getTextDocumentService().inlineCompletion(ServerModelTest.inline(cart, line, 8)).get(120, TimeUnit.SECONDS);
        assertNotNull(r.getRight(), "an answer, even if empty");
    }

    @Test
    void twoServersShareOneSidecarAndTheSecondOutlivesTheFirst() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path cart = SampleWorkspace.shop(ws, "Cart.java");
        int line = RefactorPlanningTest.lineOf(cart, "total after applying") + 2;
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", Files.createDirectory(tmp.resolve("run")).toString());
        JsonObject settings = new JsonObject();
        settings.addProperty("shareSidecar", true);
        long pid = -1;
        try (ServerProcess second = new ServerProcess(tmp.resolve("second.log"), env)) {
            try (ServerProcess first = new ServerProcess(tmp.resolve("first.log"), env)) {
                first.initialize(ws, Caps.modern(), settings);
                second.initialize(ws, Caps.modern(), settings);
                ServerProtocolTest.open(first, cart, Files.readString(cart));
                ServerProtocolTest.open(second, cart, Files.readString(cart));
                complete(first, cart, line); // the model service starts with the first request
                complete(second, cart, line);
                pid = sharedPid(first);
                assertEquals(pid, sharedPid(second), "one sidecar for both servers");
            }
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "the sidecar outlives the server that started it");
            complete(second, cart, line);
        } finally {
            // It would exit two minutes after the last server; a test does not wait for that.
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }
}
