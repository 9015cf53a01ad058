package dev.quicksilver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.client.pool.AffinityKey;
import dev.quicksilver.client.pool.ContextAffinityLoadBalancer;
import dev.quicksilver.client.pool.HashRing;
import dev.quicksilver.protocol.SidecarConventions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool of two real sidecar processes behind one connected client: each call goes to the replica its
 * context hashes to (seen in each replica's own request count and store hits), and when a replica dies its
 * calls go to the other while the client stays READY.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SidecarPoolTest {

    static final String TOKEN = SidecarProcessTest.TOKEN + "-pool";
    static final int PER_REPLICA = 3;

    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    SidecarClient replica(String... args) {
        // No restarts: a replica killed by the test stays dead, as a crashed pool machine would.
        SidecarClient c = SidecarClient.spawn(SidecarProcessTest.options(args).token(TOKEN).maxRestarts(0).build());
        toClose.add(c);
        return c;
    }

    static DenoiseRequestSpec request(int context) {
        return DenoiseRequestSpec.infill("int x = ", 4, ";")
                .withContext("Ctx" + context + ".java", "class Ctx" + context + " { int field" + context + "; }")
                .withDeadline(Duration.ofSeconds(60));
    }

    static long completed(SidecarClient replica) throws Exception {
        return SidecarProcessTest.info(replica).getScheduler().getCompletedRequests();
    }

    static long hits(SidecarClient replica) throws Exception {
        return SidecarProcessTest.info(replica).getCache().getHits();
    }

    @Test
    void callsFollowTheirContextAndFailOverWhenAReplicaDies() throws Exception {
        SidecarClient a = replica();
        SidecarClient b = replica();
        a.awaitReady(Duration.ofSeconds(60));
        b.awaitReady(Duration.ofSeconds(60));
        List<String> states = new CopyOnWriteArrayList<>();
        SidecarClient pool = SidecarClient.connect(a.address() + "," + b.address(), TOKEN,
                (state, reason) -> states.add(state + ": " + reason));
        toClose.add(pool);
        pool.awaitReady(Duration.ofSeconds(30));

        // Contexts whose owner on the ring is known, PER_REPLICA of each: the ring depends only on the names.
        HashRing ring = HashRing.of(List.of(a.address(), b.address()), 100);
        List<Integer> ofA = new ArrayList<>();
        List<Integer> ofB = new ArrayList<>();
        for (int c = 0; ofA.size() < PER_REPLICA || ofB.size() < PER_REPLICA; c++) {
            String owner = ring.owner(AffinityKey.of(request(c).request()));
            List<Integer> list = owner.equals(a.address()) ? ofA : ofB;
            if (list.size() < PER_REPLICA) {
                list.add(c);
            }
        }

        for (List<Integer> contexts : List.of(ofA, ofB)) {
            for (int c : contexts) {
                SidecarClient owner = contexts == ofA ? a : b;
                SidecarClient other = contexts == ofA ? b : a;
                long ownerBefore = completed(owner);
                long otherBefore = completed(other);
                long hitsBefore = hits(owner);
                for (int i = 0; i < 2; i++) {
                    pool.denoise(request(c)).get(60, TimeUnit.SECONDS);
                }
                assertEquals(ownerBefore + 2, completed(owner), "context " + c + " went to its owner");
                assertEquals(otherBefore, completed(other), "context " + c + " did not go to the other replica");
                assertTrue(hits(owner) > hitsBefore, "the second call of context " + c + " met the first's cache");
            }
        }

        // Kill b (kill -9): its contexts move to a; the pool stays READY.
        long bPid = b.pid();
        String bAddress = b.address();
        ProcessHandle.of(bPid).orElseThrow().destroyForcibly();
        ProcessHandle.of(bPid).ifPresent(p -> p.onExit().join());
        long aBefore = completed(a);
        int failures = 0;
        for (int c : ofB) {
            for (int attempt = 0; ; attempt++) {
                try {
                    pool.denoise(request(c)).get(60, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // A call may still meet b's connection before gRPC has seen it close: retried, counted.
                    failures++;
                    assertTrue(attempt < 2, "calls still fail after b died: " + e.getCause().getMessage());
                }
            }
        }
        assertTrue(failures <= 1, failures + " calls failed after b died; at most the first should");
        assertEquals(aBefore + ofB.size(), completed(a), "b's contexts are served by a");
        assertEquals(SidecarState.READY, pool.state(), "the pool is READY while one replica is: " + states);
        assertTrue(states.stream().anyMatch(s -> s.startsWith("READY: " + bAddress + " of the sidecar pool cannot be reached")),
                "the loss of one replica is reported: " + states);

        // b comes back at its address (a restarted pool machine): reported, and its contexts return to it.
        int bPort = Integer.parseInt(bAddress.substring(bAddress.lastIndexOf(':') + 1));
        List<String> command = new ArrayList<>(SidecarProcessTest.options().build().command(ProcessHandle.current().pid()));
        command.replaceAll(arg -> arg.equals("--port=0") ? "--port=" + bPort : arg);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(SidecarConventions.TOKEN_ENV, TOKEN);
        Process again = pb.start();
        toClose.add(again::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (states.stream().noneMatch(s -> s.startsWith("READY: " + bAddress + " of the sidecar pool is back"))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(states.stream().anyMatch(s -> s.startsWith("READY: " + bAddress + " of the sidecar pool is back")),
                "the return is reported: " + states);
        long aBeforeReturn = completed(a);
        pool.denoise(request(ofB.getFirst())).get(60, TimeUnit.SECONDS);
        assertEquals(aBeforeReturn, completed(a), "b's context went back to b");
    }

    /** A replica that is full (one canvas at a time, a queue of one) passes a request to the next one on its ring. */
    @Test
    void aFullReplicaSpillsOverToTheNextOne() throws Exception {
        SidecarClient a = replica("--max-batch=1", "--max-queue=1");
        SidecarClient b = replica("--max-batch=1", "--max-queue=1");
        a.awaitReady(Duration.ofSeconds(60));
        b.awaitReady(Duration.ofSeconds(60));
        SidecarClient pool = SidecarClient.connect(a.address() + "," + b.address(), TOKEN);
        toClose.add(pool);
        pool.awaitReady(Duration.ofSeconds(30));
        HashRing ring = HashRing.of(List.of(a.address(), b.address()), ContextAffinityLoadBalancer.POINTS_PER_ENDPOINT);
        int first = 0;
        while (!ring.owner(AffinityKey.of(request(first).request())).equals(a.address())) {
            first++;
        }
        final int c = first;
        // A long request of context c fills a (one token per step, 480 steps)...
        CountDownLatch running = new CountDownLatch(1);
        DenoiseRequestSpec longOfC = DenoiseRequestSpec.infill("int x = ", 400, ";")
                .withContext("Ctx" + c + ".java", "class Ctx" + c + " { int field" + c + "; }")
                .withOptions(SidecarProcessTest.longRequest(480).request().getOptions())
                .withProgressEvery(1).withDeadline(Duration.ofSeconds(120));
        assertEquals(AffinityKey.of(request(c).request()), AffinityKey.of(longOfC.request()), "the same context, the same key");
        var longOne = pool.denoise(longOfC, p -> running.countDown());
        assertTrue(running.await(60, TimeUnit.SECONDS), "the long request runs");
        var queued = pool.denoise(longOfC); // ...and a second one waits in a's queue of one
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (SidecarProcessTest.info(a).getScheduler().getQueuedRequests() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // ...so the next request of context c, which hashes to a too, is served by b instead of refused.
        long bBefore = completed(b);
        pool.denoise(request(c)).get(60, TimeUnit.SECONDS);
        assertEquals(bBefore + 1, completed(b), "the overflow went to b");
        longOne.cancel(true);
        queued.cancel(true);
        SidecarProcessTest.awaitIdle(a);
        // A single sidecar has nowhere to spill: the same overload is refused with its reason.
        try (SidecarClient alone = SidecarClient.connect(a.address(), TOKEN)) {
            alone.awaitReady(Duration.ofSeconds(30));
            var fill = alone.denoise(longOfC);
            var fillQueued = alone.denoise(longOfC);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (SidecarProcessTest.info(a).getScheduler().getQueuedRequests() == 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> alone.denoise(request(c)).get(60, TimeUnit.SECONDS));
            assertEquals(SidecarException.Kind.BUSY, ((SidecarException) refused.getCause()).kind());
            fill.cancel(true);
            fillQueued.cancel(true);
        }
    }

    @Test
    void aPoolWithNoReplicaReachableFailsWithOneSentence() throws Exception {
        SidecarClient pool = SidecarClient.connect("127.0.0.1:1,127.0.0.1:2", TOKEN);
        toClose.add(pool);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> pool.denoise(request(0)).get(30, TimeUnit.SECONDS));
        String message = e.getCause().getMessage();
        assertTrue(message.contains("127.0.0.1:1: ") && message.contains("127.0.0.1:2: ")
                && message.contains("can be reached"), message);
    }
}
