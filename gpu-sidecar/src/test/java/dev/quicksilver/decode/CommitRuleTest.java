package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class CommitRuleTest {

    private static final RandomGenerator RNG = RandomGeneratorFactory.of("L64X128MixRandom").create(7);

    private static int[] sorted(int[] a) {
        int[] c = a.clone();
        Arrays.sort(c);
        return c;
    }

    @Test
    void thresholdCommitsEveryPositionAtOrAboveTau() {
        double[] confidence = {0.2, 0.95, 0.9, 0.5, 0.91};
        int[] chosen = new CommitRule.Threshold(0.9).choose(confidence, 0, 5, RNG);
        assertArrayEquals(new int[] {1, 2, 4}, sorted(chosen));
        assertEquals(1, chosen[0], "the most confident comes first");
    }

    @Test
    void thresholdCommitsAtLeastTheMostConfidentOne() {
        double[] confidence = {0.2, 0.3, 0.25};
        assertArrayEquals(new int[] {1}, new CommitRule.Threshold(0.9).choose(confidence, 3, 3, RNG));
    }

    @Test
    void thresholdTiesGoToTheLeftmostPosition() {
        double[] confidence = {0.4, 0.6, 0.6, 0.1};
        assertArrayEquals(new int[] {1}, new CommitRule.Threshold(0.9).choose(confidence, 0, 4, RNG));
    }

    @Test
    void thresholdRejectsOutOfRangeTau() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CommitRule.Threshold(1.5));
        assertTrue(e.getMessage().contains("--threshold"));
    }

    @Test
    void factorRuleStopsAtTheFirstRankThatFailsTheBound() {
        // Sorted: 0.99, 0.95, 0.9, 0.5. f = 1: rank 2: 3 * 0.05 = 0.15 < 1; rank 3: 4 * 0.1 = 0.4 < 1;
        // rank 4: 5 * 0.5 = 2.5 >= 1, so three are committed.
        double[] confidence = {0.5, 0.9, 0.99, 0.95};
        assertArrayEquals(new int[] {2, 3, 1}, new CommitRule.Factor(1.0).choose(confidence, 0, 4, RNG));
        // A smaller factor is stricter: rank 2 needs 3 * (1 - c) < 0.1, i.e. c > 0.967, which 0.95 misses.
        assertArrayEquals(new int[] {2}, new CommitRule.Factor(0.1).choose(confidence, 0, 4, RNG));
    }

    @Test
    void factorRuleCommitsOneWhenNothingIsSure() {
        assertEquals(1, new CommitRule.Factor(1.0).choose(new double[] {0.01, 0.02}, 0, 2, RNG).length);
    }

    @Test
    void lladaScheduleSplitsTheBlockEvenlyFrontLoadingTheRemainder() {
        var rule = new CommitRule.FixedCount(4);
        int[] counts = new int[4];
        for (int step = 0; step < 4; step++) {
            counts[step] = rule.countAt(step, 10);
        }
        assertArrayEquals(new int[] {3, 3, 2, 2}, counts);
        assertEquals(10, Arrays.stream(counts).sum());
    }

    @Test
    void lladaScheduleCommitsTheKMostConfident() {
        double[] confidence = {0.1, 0.7, 0.3, 0.9, 0.2, 0.8};
        int[] chosen = new CommitRule.FixedCount(2).choose(confidence, 0, 6, RNG);
        assertArrayEquals(new int[] {3, 5, 1}, chosen);
    }

    @Test
    void dreamScheduleFollowsLinearTimesteps() {
        // 4 steps, eps = 1e-3: t = 1, 0.75025, 0.5005, 0.25075, 0.001; step 0 moves 1 - s/t = 0.24975 of the
        // masked positions, int(8 * 0.24975) = 1; the last step moves everything left.
        var rule = new CommitRule.DreamSchedule(4, 1e-3);
        double[] confidence = {0.1, 0.2, 0.9, 0.3, 0.4, 0.5, 0.6, 0.7};
        assertArrayEquals(new int[] {2}, rule.choose(confidence, 0, 8, RNG));
        assertEquals(8, rule.choose(confidence, 3, 8, RNG).length);
        assertEquals(1 - 0.75025 / 1.0, CommitRule.transferProbability(4, 1e-3, 0), 1e-12);
        assertEquals(1 - 0.5005 / 0.75025, CommitRule.transferProbability(4, 1e-3, 1), 1e-12);
    }

    @Test
    void originUnmasksEverythingAtTheLastStepAndAFractionBefore() {
        var rule = new CommitRule.RandomOrder(10, 1e-3);
        double[] confidence = new double[1000];
        int early = rule.choose(confidence, 0, 1000, RandomGeneratorFactory.of("L64X128MixRandom").create(3)).length;
        // p = 1 - s/t = 0.0999 at the first of 10 steps: about 100 of 1000.
        assertTrue(early > 60 && early < 140, "about a tenth, got " + early);
        assertEquals(1000, rule.choose(confidence, 9, 1000, RNG).length);
    }
}
