package dev.quicksilver.client.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolTargetTest {

    @Test
    void oneAddressStaysAPlainTarget() {
        assertEquals("gpu1.example.com:7420", PoolTarget.toTarget(" gpu1.example.com:7420 "));
        assertEquals("[::1]:7420", PoolTarget.toTarget("[::1]:7420"));
        assertEquals("dns:///pool.example.com:7420", PoolTarget.toTarget("dns:///pool.example.com:7420"));
    }

    @Test
    void aListBecomesAPoolTargetThatRoundTrips() {
        String target = PoolTarget.toTarget("gpu1:7420, 10.0.0.2:7421,[fe80::1]:7422,gpu1:7420");
        assertTrue(target.startsWith("quicksilver-pool:///"), target);
        List<PoolTarget.Entry> entries = PoolTarget.entriesOf(URI.create(target));
        assertEquals(List.of(new PoolTarget.Entry("gpu1", 7420), new PoolTarget.Entry("10.0.0.2", 7421),
                new PoolTarget.Entry("fe80::1", 7422)), entries);
        assertEquals("[fe80::1]:7422", entries.get(2).authority());
    }

    @Test
    void badAddressesSayWhichPartAndTheForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PoolTarget.toTarget("gpu1:7420,gpu2"));
        assertTrue(e.getMessage().contains("\"gpu2\"") && e.getMessage().contains("host:port"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PoolTarget.toTarget("gpu1:99999"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PoolTarget.toTarget("  "));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PoolTarget.toTarget("gpu1:7420,,gpu2:7420"));
    }
}
