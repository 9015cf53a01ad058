package dev.quicksilver.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cpu backend's default thread count from sysfs trees written by the test (Linux's layout). */
class CpuThreadsTest {

    @TempDir
    Path tmp;

    /** A /sys/devices/system/cpu with {@code online} and, per CPU i, {@code package[i]} and {@code core[i]}. */
    Path sysfs(String name, String online, int[] packages, int[] cores) throws IOException {
        Path root = Files.createDirectories(tmp.resolve(name));
        Files.writeString(root.resolve("online"), online + "\n");
        for (int i = 0; i < cores.length; i++) {
            Path topology = Files.createDirectories(root.resolve("cpu" + i).resolve("topology"));
            Files.writeString(topology.resolve("physical_package_id"), packages[i] + "\n");
            Files.writeString(topology.resolve("core_id"), cores[i] + "\n");
        }
        return root;
    }

    @Test
    void twoHardwareThreadsPerCoreCountOnce() throws IOException {
        // 4 cores with 2 threads each, siblings numbered n and n + 4 as Linux does
        Path smt = sysfs("smt", "0-7", new int[8], new int[] {0, 1, 2, 3, 0, 1, 2, 3});
        assertEquals(4, CpuThreads.physicalCores(smt, 8));
        assertEquals(2, CpuThreads.physicalCores(smt, 2), "a quota or an affinity mask of 2 processors");
    }

    @Test
    void coresOfTwoPackagesWithTheSameIdsAreDistinct() throws IOException {
        Path twoSockets = sysfs("sockets", "0-3", new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1});
        assertEquals(4, CpuThreads.physicalCores(twoSockets, 4));
    }

    @Test
    void offlineCpusAreLeftOut() throws IOException {
        Path gaps = sysfs("gaps", "0-1,3", new int[4], new int[] {0, 1, 2, 3});
        assertEquals(3, CpuThreads.physicalCores(gaps, 16));
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 10, 11}, CpuThreads.onlineCpus("0-3,8,10-11"));
    }

    @Test
    void withoutTopologyEveryAvailableProcessorIsUsed() throws IOException {
        assertEquals(6, CpuThreads.physicalCores(tmp.resolve("missing"), 6));
        Path broken = sysfs("broken", "0-1", new int[1], new int[] {0}); // cpu1 has no topology files
        assertEquals(2, CpuThreads.physicalCores(broken, 2));
    }

    @Test
    void thePropertyOverridesAndABadValueIsOneSentence() {
        try {
            System.setProperty(CpuThreads.PROPERTY, "3");
            assertEquals(3, CpuThreads.defaultThreads());
            try (CpuBackend cpu = new CpuBackend()) {
                assertEquals(3, cpu.threads());
            }
            System.setProperty(CpuThreads.PROPERTY, "many");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CpuThreads::defaultThreads);
            assertEquals("-Dquicksilver.cpu.threads must be a whole number of threads, at least 1; got \"many\"",
                    e.getMessage());
        } finally {
            System.clearProperty(CpuThreads.PROPERTY);
        }
        int here = CpuThreads.defaultThreads();
        assertTrue(here >= 1 && here <= Runtime.getRuntime().availableProcessors(), "here: " + here);
    }
}
