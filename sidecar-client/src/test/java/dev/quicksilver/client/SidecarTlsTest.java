package dev.quicksilver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.client.pool.AffinityKey;
import dev.quicksilver.client.pool.ContextAffinityLoadBalancer;
import dev.quicksilver.client.pool.HashRing;
import dev.quicksilver.protocol.SidecarConventions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sidecar serving TLS ({@code serve --tls-cert --tls-key}, a real child process) and connected clients:
 * one that trusts the certificate's CA is served; one without TLS and one trusting another CA are refused
 * with one sentence each, as is a TLS client of a plaintext sidecar; a key that is not a key stops
 * {@code serve} with one sentence naming the option.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SidecarTlsTest {

    static final Path TLS = Path.of("src/test/resources/tls").toAbsolutePath();
    static final String TOKEN = SidecarProcessTest.TOKEN + "-tls";

    static Process sidecar;
    static String address;

    static ProcessBuilder serve(String... tlsArgs) {
        List<String> command = SidecarProcessTest.options(tlsArgs).build().command(ProcessHandle.current().pid());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put(SidecarConventions.TOKEN_ENV, TOKEN);
        return pb;
    }

    @BeforeAll
    static void start() throws Exception {
        sidecar = serve("--tls-cert=" + TLS.resolve("server.pem"), "--tls-key=" + TLS.resolve("server.key"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(sidecar.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                OptionalInt port = SidecarConventions.parseHandshake(line);
                if (port.isPresent()) {
                    address = "127.0.0.1:" + port.getAsInt();
                    return;
                }
            }
        }
        throw new IllegalStateException("the TLS sidecar exited before its handshake (exit " + sidecar.waitFor() + ")");
    }

    @AfterAll
    static void stop() {
        if (sidecar != null) {
            sidecar.destroy();
        }
    }

    @Test
    void aClientTrustingTheCaIsServed() throws Exception {
        try (SidecarClient c = SidecarClient.connect(address, TOKEN, Transport.parse(TLS.resolve("ca.pem").toString()),
                StateListener.NONE)) {
            c.awaitReady(Duration.ofSeconds(30));
            DenoiseResult r = c.denoise(DenoiseRequestSpec.infill("int x = ", 4, ";")).get(60, TimeUnit.SECONDS);
            assertEquals(1, r.canvases().size());
            assertTrue(c.info().get(10, TimeUnit.SECONDS).getScheduler().getCompletedRequests() >= 1);
        }
    }

    /** A pool of two TLS replicas whose certificates name only their own entry: each is checked against it. */
    @Test
    void aTlsPoolChecksEachReplicaAgainstItsOwnName() throws Exception {
        Process byName = serve("--tls-cert=" + TLS.resolve("localhost-only.pem"), "--tls-key=" + TLS.resolve("localhost-only.key"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process byIp = serve("--tls-cert=" + TLS.resolve("ip-only.pem"), "--tls-key=" + TLS.resolve("ip-only.key"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String nameEntry = "localhost:" + handshakePort(byName);
            String ipEntry = "127.0.0.1:" + handshakePort(byIp);
            Transport tls = Transport.parse(TLS.resolve("ca.pem").toString());
            // One context owned by each replica on the pool's ring.
            HashRing ring = HashRing.of(List.of(nameEntry, ipEntry), ContextAffinityLoadBalancer.POINTS_PER_ENDPOINT);
            Map<String, DenoiseRequestSpec> byOwner = new HashMap<>();
            for (int i = 0; byOwner.size() < 2; i++) {
                DenoiseRequestSpec r = DenoiseRequestSpec.infill("int x = ", 2, ";").withContext("C" + i + ".java", "class C" + i + " {}");
                byOwner.putIfAbsent(ring.owner(AffinityKey.of(r.request())), r);
            }
            try (SidecarClient c = SidecarClient.connect(nameEntry + "," + ipEntry, TOKEN, tls, StateListener.NONE)) {
                c.awaitReady(Duration.ofSeconds(30));
                for (DenoiseRequestSpec r : byOwner.values()) {
                    c.denoise(r).get(60, TimeUnit.SECONDS);
                }
            }
            for (String entry : List.of(nameEntry, ipEntry)) {
                try (SidecarClient direct = SidecarClient.connect(entry, TOKEN, tls, StateListener.NONE)) {
                    direct.awaitReady(Duration.ofSeconds(30));
                    assertEquals(1, direct.info().get(10, TimeUnit.SECONDS).getScheduler().getCompletedRequests(),
                            entry + " served its context over TLS, checked against its own name");
                }
            }
        } finally {
            byName.destroy();
            byIp.destroy();
        }
    }

    static int handshakePort(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            OptionalInt port = SidecarConventions.parseHandshake(line);
            if (port.isPresent()) {
                return port.getAsInt();
            }
        }
        throw new IllegalStateException("a TLS sidecar exited before its handshake (exit " + p.waitFor() + ")");
    }

    @Test
    void aClientTrustingAnotherCaIsRefusedWithOneSentence() {
        try (SidecarClient c = SidecarClient.connect(address, TOKEN,
                Transport.parse(TLS.resolve("other-ca.pem").toString()), StateListener.NONE)) {
            SidecarException e = assertThrows(SidecarException.class, () -> c.awaitReady(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains(address) && e.getMessage().contains("certification path")
                    && e.getMessage().contains("other-ca.pem (sidecarTls)") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aPlaintextClientIsRefusedWithTheWayOut() {
        try (SidecarClient c = SidecarClient.connect(address, TOKEN)) {
            SidecarException e = assertThrows(SidecarException.class, () -> c.awaitReady(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains(address) && e.getMessage().contains("sidecarTls"), e.getMessage());
        }
    }

    @Test
    void aTlsClientOfAPlaintextSidecarIsToldSo() throws Exception {
        try (SidecarClient plain = SidecarClient.spawn(SidecarProcessTest.options().token(TOKEN).build())) {
            plain.awaitReady(Duration.ofSeconds(60));
            try (SidecarClient c = SidecarClient.connect(plain.address(), TOKEN,
                    Transport.parse(TLS.resolve("ca.pem").toString()), StateListener.NONE)) {
                SidecarException e = assertThrows(SidecarException.class, () -> c.awaitReady(Duration.ofSeconds(30)));
                assertTrue(e.getMessage().contains("does not serve TLS"), e.getMessage());
            }
        }
    }

    @Test
    void aTrustFileThatIsNotThereIsABadSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transport.parse(TLS.resolve("missing.pem").toString()));
        assertTrue(e.getMessage().contains("missing.pem") && e.getMessage().contains("system"), e.getMessage());
        assertEquals(Transport.PLAINTEXT, Transport.parse(" off "));
        assertEquals(new Transport(true, null), Transport.parse("system"));
    }

    @Test
    void serveRefusesAKeyThatIsNotAKey() throws Exception {
        Process p = serve("--tls-cert=" + TLS.resolve("server.pem"), "--tls-key=" + TLS.resolve("ca.pem"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("--tls-key") && err.contains("PKCS#8"), err);
        Process half = serve("--tls-cert=" + TLS.resolve("server.pem")).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String halfErr = new String(half.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(half.waitFor(60, TimeUnit.SECONDS));
        assertTrue(halfErr.contains("--tls-cert and --tls-key go together"), halfErr);
        assertTrue(Files.isRegularFile(TLS.resolve("server.key")));
    }
}
