package dev.quicksilver.cuda.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a machine without CUDA sees: one sentence, no stack trace; and the committed fatbin is there. */
class AbsentLibraryTest {

    @Test
    void theReasonIsOneSentenceWhenCudaIsMissing() {
        Optional<String> why = Gpu.unavailableReason();
        if (why.isEmpty()) {
            return; // a machine with a driver and a device: nothing to check here
        }
        String s = why.get();
        assertTrue(s.endsWith("using the CPU backend."), s);
        assertFalse(s.contains("\n"), s);
        assertFalse(s.contains("Exception"), s);
    }

    @Test
    void unavailableExceptionsCarryNoStackTrace() {
        CudaUnavailableException e = new CudaUnavailableException("CUDA driver not found: using the CPU backend.");
        assertEquals(0, e.getStackTrace().length);
        assertNull(e.getCause());
    }

    @Test
    void theFatbinIsCommittedAndHasEveryArchitecture() {
        byte[] image = CudaKernels.fatbin();
        assertTrue(image.length > 10_000, "fatbin too small: " + image.length);
        // A fatbin starts with its magic 0xBA55ED50 (little-endian).
        assertEquals(0x50, image[0] & 0xFF);
        assertEquals(0xED, image[1] & 0xFF);
        assertEquals(0x55, image[2] & 0xFF);
        assertEquals(0xBA, image[3] & 0xFF);
    }

    @Test
    void errorMessagesNameTheCallAndTheError() {
        CudaException e = new CudaException("cuMemAlloc_v2(1024 bytes)", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
        assertEquals("cuMemAlloc_v2(1024 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", e.getMessage());
    }

    @Test
    void theSearchPathHonoursTheEnvironmentOverride() {
        String old = System.getProperty(NativeLibraries.PROPERTY);
        try {
            System.setProperty(NativeLibraries.PROPERTY, System.getProperty("java.io.tmpdir"));
            assertEquals(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), NativeLibraries.searchPath().get(0));
        } finally {
            if (old == null) {
                System.clearProperty(NativeLibraries.PROPERTY);
            } else {
                System.setProperty(NativeLibraries.PROPERTY, old);
            }
        }
    }
}
