package dev.quicksilver.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.Backends;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where CUDA is absent (CI, this machine): one sentence, and "auto" falls back to the CPU backend. */
class CudaFallbackTest {

    @Test
    void autoFallsBackToTheCpuBackendWithOneSentence() {
        Optional<String> why = CudaBackend.unavailableReason();
        assumeTrue(why.isPresent(), "a CUDA device answers here; the fallback is checked on machines without one");
        assertTrue(why.get().endsWith("using the CPU backend."), why.get());
        assertFalse(why.get().contains("\n"));
        try (Backend b = Backends.create("auto")) {
            assertEquals("cpu", b.name());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
        assertTrue(e.getMessage().startsWith("Backend cuda is unavailable: "), e.getMessage());
        // Asked for by name it does not fall back, so the message must not say it does.
        assertFalse(e.getMessage().contains("using the CPU backend"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; pass --backend auto (or cpu) to run without it."), e.getMessage());
        assertTrue(Backends.names().contains("cuda"));
    }
}
