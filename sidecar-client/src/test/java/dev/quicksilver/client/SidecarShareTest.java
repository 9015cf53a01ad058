package dev.quicksilver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine's shared sidecar, with real processes: clients that start together get one sidecar between
 * them; it outlives the client that started it and exits once the last is gone; when it is killed, its
 * clients find one successor; a record left by a dead sidecar is replaced.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SidecarShareTest {

    static final int IDLE_EXIT_SECONDS = 2;

    @TempDir
    Path runtime;

    final List<SidecarClient> clients = new ArrayList<>();

    @AfterEach
    void closeAll() {
        clients.forEach(SidecarClient::close);
        // Whatever shared sidecar is left exits IDLE_EXIT_SECONDS after the last client closed.
    }

    SidecarClient client() {
        SidecarClient c = SidecarClient.share(SidecarProcessTest.options().maxRestarts(3).build(), runtime,
                IDLE_EXIT_SECONDS, StateListener.NONE);
        clients.add(c);
        return c;
    }

    static long servingPid(SidecarClient c) throws Exception {
        c.awaitReady(Duration.ofSeconds(60));
        return SidecarProcessTest.info(c).getPid();
    }

    static void complete(SidecarClient c) throws Exception {
        DenoiseResult r = c.denoise(DenoiseRequestSpec.infill("int x = ", 4, ";").withDeadline(Duration.ofSeconds(60)))
                .get(60, TimeUnit.SECONDS);
        assertEquals(1, r.canvases().size());
    }

    @Test
    void clientsStartingTogetherShareOneSidecarThatEndsWithTheLast() throws Exception {
        List<CompletableFuture<SidecarClient>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(CompletableFuture.supplyAsync(this::client));
        }
        List<Long> pids = new ArrayList<>();
        for (CompletableFuture<SidecarClient> f : starting) {
            pids.add(servingPid(f.get(60, TimeUnit.SECONDS)));
        }
        assertEquals(1, pids.stream().distinct().count(), "one sidecar for all: " + pids);
        long pid = pids.getFirst();
        assertEquals(pid, clients.getFirst().pid());
        try (Stream<Path> files = Files.list(runtime)) {
            Path record = files.filter(p -> p.toString().endsWith(".properties")).findFirst().orElseThrow();
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(record),
                    "the record holds the token: owner only");
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(runtime));
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            assertNotEquals(sessionOf(ProcessHandle.current().pid()), sessionOf(pid),
                    "the shared sidecar has a session of its own: a hang-up of its starter's terminal does not reach it");
        }

        // The clients close one by one; the sidecar serves the others, whoever started it.
        for (int i = 0; i < clients.size(); i++) {
            for (int j = i; j < clients.size(); j++) {
                complete(clients.get(j));
            }
            clients.get(i).close();
        }
        ProcessHandle sidecar = ProcessHandle.of(pid).orElseThrow();
        sidecar.onExit().get(IDLE_EXIT_SECONDS + 30, TimeUnit.SECONDS); // ends once the last client is gone
        assertTrue(!sidecar.isAlive());

        // A later client finds the dead record and starts a new one.
        SidecarClient later = client();
        long next = servingPid(later);
        assertNotEquals(pid, next);
        complete(later);
    }

    /** Field 6 of /proc/PID/stat: the session id (after the command name, which may hold spaces). */
    static long sessionOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]);
    }

    @Test
    void whenTheSharedSidecarIsKilledItsClientsFindOneSuccessor() throws Exception {
        SidecarClient a = client();
        SidecarClient b = client();
        long pid = servingPid(a);
        assertEquals(pid, servingPid(b));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long pa;
        long pb;
        do {
            Thread.sleep(200);
            pa = a.state() == SidecarState.READY ? a.pid() : -1;
            pb = b.state() == SidecarState.READY ? b.pid() : -1;
        } while ((pa <= 0 || pb <= 0 || pa == pid || pb == pid) && System.nanoTime() < deadline);
        assertTrue(pa > 0 && pa != pid, "a has a new sidecar: " + a.state());
        assertEquals(pa, pb, "one successor for both");
        complete(a);
        complete(b);
    }
}
