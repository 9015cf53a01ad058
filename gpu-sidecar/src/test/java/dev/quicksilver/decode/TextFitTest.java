package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Cutting the text around the holes to fit the model's positions, nearest text kept. */
class TextFitTest {

    static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    @Test
    void textThatFitsIsLeftAlone() {
        int[] lead = range(0, 10);
        int[] suffix = range(100, 105);
        TextFit fit = TextFit.keepNearest(lead, suffix, 15);
        assertSame(lead, fit.lead());
        assertSame(suffix, fit.suffix());
        assertEquals(0, fit.tokensCut());
    }

    @Test
    void farTextIsCutAndTheTextNearestTheHolesKept() {
        int[] lead = range(0, 300);
        int[] suffix = range(1000, 1200);
        TextFit fit = TextFit.keepNearest(lead, suffix, 100);
        assertEquals(100, fit.lead().length + fit.suffix().length, "the room, exactly");
        assertArrayEquals(range(300 - fit.lead().length, 300), fit.lead(), "the lead keeps its end");
        assertArrayEquals(range(1000, 1000 + fit.suffix().length), fit.suffix(), "the suffix keeps its start");
        assertEquals(25, fit.suffix().length, "a quarter of the room for the suffix when the lead is long");
        assertEquals(400, fit.tokensCut());
    }

    @Test
    void aShortLeadLeavesTheSuffixTheRestOfTheRoom() {
        TextFit fit = TextFit.keepNearest(range(0, 10), range(1000, 1200), 100);
        assertEquals(10, fit.lead().length);
        assertEquals(90, fit.suffix().length);
        assertTrue(Arrays.equals(range(0, 10), fit.lead()));
    }

    @Test
    void noRoomIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TextFit.keepNearest(range(0, 5), range(0, 5), 1));
    }
}
