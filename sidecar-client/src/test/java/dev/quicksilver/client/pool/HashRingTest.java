package dev.quicksilver.client.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashRingTest {

    static final List<String> THREE = List.of("gpu1:7420", "gpu2:7420", "gpu3:7420");

    @Test
    void theOwnerDependsOnTheNamesNotOnTheirOrder() {
        HashRing a = HashRing.of(THREE, 100);
        HashRing b = HashRing.of(List.of("gpu3:7420", "gpu1:7420", "gpu2:7420", "gpu1:7420"), 100);
        assertEquals(3, b.endpoints().size(), "duplicates are dropped");
        for (int k = 0; k < 500; k++) {
            assertEquals(a.owner("key" + k), b.owner("key" + k));
        }
    }

    @Test
    void keysSpreadOverEveryEndpoint() {
        HashRing ring = HashRing.of(THREE, 100);
        Map<String, Integer> counts = new HashMap<>();
        for (int k = 0; k < 3000; k++) {
            counts.merge(ring.owner("key" + k), 1, Integer::sum);
        }
        assertEquals(Set.copyOf(THREE), counts.keySet());
        for (int c : counts.values()) {
            assertTrue(c > 600 && c < 1400, "an endpoint got " + c + " of 3000 keys: " + counts);
        }
    }

    @Test
    void removingAnEndpointMovesOnlyItsKeysToTheirFallback() {
        HashRing three = HashRing.of(THREE, 100);
        HashRing two = HashRing.of(List.of("gpu1:7420", "gpu3:7420"), 100);
        int moved = 0;
        for (int k = 0; k < 2000; k++) {
            String key = "key" + k;
            List<String> order = three.preference(key);
            if (order.get(0).equals("gpu2:7420")) {
                moved++;
                assertEquals(order.get(1), two.owner(key), "a key of the removed endpoint goes to its fallback");
            } else {
                assertEquals(order.get(0), two.owner(key), "a key of a remaining endpoint stays");
            }
        }
        assertTrue(moved > 0);
    }

    @Test
    void aPreferenceListsEveryEndpointOnceOwnerFirst() {
        HashRing ring = HashRing.of(THREE, 7);
        for (int k = 0; k < 100; k++) {
            List<String> order = ring.preference("key" + k);
            assertEquals(Set.copyOf(THREE), Set.copyOf(order));
            assertEquals(3, order.size());
            assertEquals(ring.owner("key" + k), order.get(0));
        }
    }

    @Test
    void emptyAndInvalidRings() {
        HashRing empty = HashRing.of(List.of(), 100);
        assertNull(empty.owner("k"));
        assertTrue(empty.preference("k").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(THREE, 0));
    }
}
