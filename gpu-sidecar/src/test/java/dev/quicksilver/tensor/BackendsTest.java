package dev.quicksilver.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void autoPicksCpuUntilACudaBackendIsRegistered() {
        try (Backend b = Backends.create("auto")) {
            assertEquals("cpu", b.name());
        }
        try (Backend b = Backends.create(null)) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void namedBackends() {
        try (Backend b = Backends.create("reference")) {
            assertEquals("reference", b.name());
        }
        try (Backend b = Backends.create(" CPU ")) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void unknownNameSaysWhatExists() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu"));
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("reference"), e.getMessage());
    }
}
