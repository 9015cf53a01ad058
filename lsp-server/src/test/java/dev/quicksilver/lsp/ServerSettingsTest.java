package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Settings as editors send them: paths with ~, sidecar addresses and TLS values, and what a bad one says. */
class ServerSettingsTest {

    static ServerSettings merge(String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return ServerSettings.defaults().merge(o);
    }

    @Test
    void pathsStartingWithTildeAreInTheHomeFolder() {
        Path home = Path.of(System.getProperty("user.home"));
        assertEquals(home.resolve(".config/quicksilver/team.token"), merge("sidecarTokenFile", "~/.config/quicksilver/team.token").sidecarTokenFile());
        assertEquals(home.resolve("models/dream"), merge("modelDir", " ~/models/dream ").modelDir());
        assertEquals(Path.of("/opt/m").toAbsolutePath(), merge("modelDir", "/opt/m").modelDir());
    }

    @Test
    void sidecarAddressesAndTlsAreCheckedWithTheWayOut() {
        assertEquals("gpu1:7420,gpu2:7420", merge("sidecarAddress", "gpu1:7420,gpu2:7420").sidecarAddress());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> merge("sidecarAddress", "gpu1"));
        assertTrue(e.getMessage().startsWith("sidecarAddress: ") && e.getMessage().contains("host:port"), e.getMessage());
        assertEquals("system", merge("sidecarTls", "system").sidecarTls());
        e = assertThrows(IllegalArgumentException.class, () -> merge("sidecarTls", "~/no-such-ca.pem"));
        assertTrue(e.getMessage().startsWith("sidecarTls: ") && e.getMessage().contains("off"), e.getMessage());
    }

    @Test
    void completionsStartWhileJavaIsResolvingUnlessTold() {
        assertTrue(ServerSettings.defaults().completeWhileResolving());
        JsonObject o = new JsonObject();
        o.addProperty("completeWhileResolving", false);
        assertEquals(false, ServerSettings.defaults().merge(o).completeWhileResolving());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> merge("completeWhileResolving", "later"));
        assertTrue(e.getMessage().startsWith("completeWhileResolving must be true or false"), e.getMessage());
    }
}
