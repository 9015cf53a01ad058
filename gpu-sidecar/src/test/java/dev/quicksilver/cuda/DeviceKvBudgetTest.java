package dev.quicksilver.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.KvMemory;
import org.junit.jupiter.api.Test;

/** The device store budget's arithmetic (no device needed: free and total are given). */
class DeviceKvBudgetTest {

    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    @Test
    void theHeadroomIsTenPercentOfTheDeviceButAtLeastOneGib() {
        assertEquals(GIB, DeviceKvMemory.headroom(8 * GIB));
        assertEquals(80 * GIB / 100 * 10, DeviceKvMemory.headroom(80 * GIB));
        assertEquals(141 * GIB / 100 * 10, DeviceKvMemory.headroom(141 * GIB));
    }

    @Test
    void aBudgetThatFitsIsKept() {
        KvMemory.Budget b = DeviceKvMemory.budget(512 * MIB, 60 * GIB, 80 * GIB);
        assertEquals(512 * MIB, b.bytes());
        assertTrue(b.why().contains("61440 MiB free"), b.why());
    }

    @Test
    void aBudgetOverTheFreeMemoryIsCappedLeavingTheHeadroom() {
        long free = 20 * GIB;
        long total = 80 * GIB;
        KvMemory.Budget b = DeviceKvMemory.budget(64 * GIB, free, total);
        assertEquals(free - DeviceKvMemory.headroom(total), b.bytes());
        assertTrue(b.why().contains("capped"), b.why());
    }

    @Test
    void aFullDeviceIsRefusedWithTheWayOut() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DeviceKvMemory.budget(512 * MIB, GIB + MIB / 2, 8 * GIB));
        assertTrue(e.getMessage().contains("CPU backend"), e.getMessage());
    }
}
