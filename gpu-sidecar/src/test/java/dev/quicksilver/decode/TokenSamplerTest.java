package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void greedyTakesTheArgmaxWithItsProbabilityMarginAndEntropy() {
        float[] logits = {0.5f, 2.0f, -1.0f, 1.5f, 0.0f};
        Candidate c = new TokenSampler(SamplingOptions.GREEDY, -1).pick(logits, 0, 5, rng(1));
        double[] p = softmax(logits);
        assertEquals(1, c.token());
        // The greedy path computes in float (see TokenSampler); the general path's doubles agree to 1e-12.
        assertEquals(p[1], c.probability(), 1e-6);
        assertEquals(p[1] - p[3], c.margin(), 1e-6);
        double negEntropy = 0;
        for (double q : p) {
            negEntropy += q * Math.log(q);
        }
        assertEquals(negEntropy, c.negativeEntropy(), 1e-6);
        Candidate exact = new TokenSampler(SamplingOptions.GREEDY, -1).pickGeneral(logits, 0, 5, rng(1));
        assertEquals(p[1], exact.probability(), 1e-12);
        assertEquals(negEntropy, exact.negativeEntropy(), 1e-12);
    }

    @Test
    void theEndPenaltyLowersTheEndTokensBeforeAnythingElse() {
        // Token 0 is EOS, 4 is pad; EOS leads by 0.5 over token 1, pad trails.
        float[] logits = {2.5f, 2.0f, -1.0f, 1.5f, 0.0f};
        int[] ends = {0, 4};
        TokenSampler none = new TokenSampler(SamplingOptions.GREEDY, -1, ends);
        assertEquals(0, none.pick(logits, 0, 5, rng(1)).token(), "no penalty: EOS");
        assertTrue(none.picksRawArgmax(5));

        TokenSampler small = new TokenSampler(new SamplingOptions(0, 1, 0, 0.4), -1, ends);
        assertEquals(0, small.pick(logits, 0, 5, rng(1)).token(), "a penalty under EOS's lead leaves it first");
        TokenSampler large = new TokenSampler(new SamplingOptions(0, 1, 0, 1.0), -1, ends);
        Candidate c = large.pick(logits, 0, 5, rng(1));
        assertEquals(1, c.token(), "a penalty over EOS's lead hands the position to the next token");
        assertFalse(large.picksRawArgmax(5), "the raw argmax (a device's picks) is no longer the pick");
        // The confidence is over the biased row, in both paths.
        double[] p = softmax(new float[] {1.5f, 2.0f, -1.0f, 1.5f, -1.0f});
        assertEquals(p[1], c.probability(), 1e-6);
        assertEquals(p[1] - p[0], c.margin(), 1e-6);
        Candidate general = large.pickGeneral(logits, 0, 5, rng(1));
        assertEquals(1, general.token());
        assertEquals(p[1], general.probability(), 1e-12);

        // At a temperature the bias applies before the division: (logit - penalty) / T.
        TokenSampler hot = new TokenSampler(new SamplingOptions(2.0, 1, 0, 1.0), -1, ends);
        double[] q = softmax(new float[] {0.75f, 1.0f, -0.5f, 0.75f, -0.5f});
        Candidate drawn = hot.pick(logits, 0, 5, rng(3));
        assertEquals(q[drawn.token()], drawn.probability(), 1e-9);

        // Without end tokens (a sampler made without them) the penalty has nothing to lower.
        assertEquals(0, new TokenSampler(new SamplingOptions(0, 1, 0, 1.0), -1).pick(logits, 0, 5, rng(1)).token());
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(0, 1, 0, Double.NaN));
    }

    @Test
    void theVectorGreedyPathAgreesWithTheGeneralPath() {
        RandomGenerator r = rng(7);
        for (int vocab : new int[] {1, 2, 15, 16, 17, 300, 8192, 8195}) {
            for (int trial = 0; trial < 20; trial++) {
                float[] logits = new float[vocab + 3];
                float scale = trial % 4 == 0 ? 30f : 4f; // peaked rows too, where the top probability is ~1
                for (int v = 0; v < logits.length; v++) {
                    logits[v] = (float) r.nextGaussian() * scale;
                }
                if (trial % 5 == 1 && vocab > 2) {
                    logits[3 + vocab - 1] = logits[3 + vocab / 2]; // a tie: the lower id wins in both paths
                    logits[3 + vocab / 2] = 1e3f;
                    logits[3 + vocab - 1] = 1e3f;
                }
                int excluded = trial % 3 == 0 || vocab == 1 ? -1 : r.nextInt(vocab);
                TokenSampler sampler = new TokenSampler(SamplingOptions.GREEDY, excluded);
                Candidate fast = sampler.pickGreedy(logits, 3, vocab);
                Candidate exact = sampler.pickGeneral(logits, 3, vocab, r);
                String where = "vocab " + vocab + " trial " + trial;
                assertEquals(exact.token(), fast.token(), where);
                assertEquals(exact.probability(), fast.probability(), 1e-5, where);
                assertEquals(exact.margin(), fast.margin(), 1e-5, where);
                assertEquals(exact.negativeEntropy(), fast.negativeEntropy(), 1e-4 * (1 + Math.abs(exact.negativeEntropy())), where);
            }
        }
    }

    @Test
    void readsTheRowAtTheGivenOffset() {
        float[] twoRows = {9f, 0f, 0f, /* row 2 */ 0f, 0f, 9f};
        assertEquals(2, new TokenSampler(SamplingOptions.GREEDY, -1).pick(twoRows, 3, 3, rng(1)).token());
    }

    @Test
    void theMaskTokenIsNeverProposed() {
        float[] logits = {0f, 5f, 1f};
        Candidate c = new TokenSampler(SamplingOptions.GREEDY, 1).pick(logits, 0, 3, rng(1));
        assertEquals(2, c.token());
        assertEquals(Math.exp(1) / (1 + Math.exp(1)), c.probability(), 1e-12, "renormalised without the mask");
    }

    @Test
    void topKOfOneMakesTheTopTokenCertain() {
        float[] logits = {0.1f, 0.3f, 0.2f};
        Candidate c = new TokenSampler(new SamplingOptions(0, 1, 1), -1).pick(logits, 0, 3, rng(1));
        assertEquals(1, c.token());
        assertEquals(1.0, c.probability(), 1e-12);
    }

    @Test
    void topPKeepsTheTokenThatCrossesTheMass() {
        // p ~ {0.665, 0.245, 0.090}: with top-p 0.7 the first crosses 0.665 < 0.7, so the second is kept too.
        float[] logits = {2f, 1f, 0f};
        TokenSampler sampler = new TokenSampler(new SamplingOptions(1, 0.7, 0), -1);
        RandomGenerator r = rng(5);
        boolean sawSecond = false;
        for (int i = 0; i < 2000; i++) {
            int t = sampler.pick(logits, 0, 3, r).token();
            assertNotEquals(2, t, "the third token is outside the nucleus");
            sawSecond |= t == 1;
        }
        assertTrue(sawSecond);
    }

    @Test
    void samplingFollowsTheDistributionAndIsReproducibleFromTheSeed() {
        float[] logits = {0f, (float) Math.log(3), 0f}; // p = 0.2, 0.6, 0.2
        TokenSampler sampler = new TokenSampler(new SamplingOptions(1, 1, 0), -1);
        int[] counts = new int[3];
        int[] first = new int[50];
        RandomGenerator a = rng(42);
        for (int i = 0; i < 10000; i++) {
            int t = sampler.pick(logits, 0, 3, a).token();
            counts[t]++;
            if (i < 50) {
                first[i] = t;
            }
        }
        assertEquals(0.6, counts[1] / 10000.0, 0.03);
        assertEquals(0.2, counts[0] / 10000.0, 0.03);
        RandomGenerator b = rng(42);
        for (int i = 0; i < 50; i++) {
            assertEquals(first[i], sampler.pick(logits, 0, 3, b).token(), "same seed, same draws");
        }
    }

    @Test
    void temperatureSharpensTheConfidence() {
        float[] logits = {1f, 2f, 0f};
        double cold = new TokenSampler(new SamplingOptions(0.25, 1, 0), -1).pick(logits, 0, 3, rng(1)).margin();
        double warm = new TokenSampler(new SamplingOptions(2, 1, 0), -1).pick(logits, 0, 3, rng(1)).margin();
        assertTrue(cold > warm);
    }

    @Test
    void badOptionsNameTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(-1, 1, 0))
                .getMessage().contains("--temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(0, 0, 0))
                .getMessage().contains("--top-p"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(0, 1, -2))
                .getMessage().contains("--top-k"));
    }
}
