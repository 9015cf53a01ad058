package dev.quicksilver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sidecar's fixed young generation, sized to the machine. */
class SpawnOptionsTest {

    private static final long GIB = 1L << 30;

    @Test
    void youngGenerationIs512MiBOnMachinesWithFourGibibytesOrMore() {
        assertEquals("-Xmn512m", SpawnOptions.youngGenerationFlag(4 * GIB));
        assertEquals("-Xmn512m", SpawnOptions.youngGenerationFlag(24 * GIB));
    }

    @Test
    void smallMachinesGetAnEighthOfTheirMemorySoTheDefaultHeapStaysLarger() {
        assertEquals("-Xmn256m", SpawnOptions.youngGenerationFlag(2 * GIB));
        assertEquals("-Xmn64m", SpawnOptions.youngGenerationFlag(GIB / 4), "64 MiB at least");
        assertEquals("-Xmn512m", SpawnOptions.youngGenerationFlag(0), "unknown memory: the usual size");
    }

    @Test
    void theFlagsEverySidecarGetsCarryOneYoungGenerationSize() {
        assertEquals(1, SpawnOptions.REQUIRED_JVM_FLAGS.stream().filter(f -> f.startsWith("-Xmn")).count());
        assertTrue(SpawnOptions.REQUIRED_JVM_FLAGS.contains("-XX:+UseParallelGC"));
    }
}
