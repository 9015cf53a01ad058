package dev.quicksilver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextSimilarityTest {

    @Test
    void levenshteinCountsEdits() {
        assertEquals(3, TextSimilarity.levenshtein("kitten", "sitting"));
        assertEquals(0, TextSimilarity.levenshtein("", ""));
        assertEquals(4, TextSimilarity.levenshtein("", "abcd"));
        assertEquals(1, TextSimilarity.levenshtein("return x;", "return y;"));
    }

    @Test
    void repeatedPairShareCountsPairsSeenEarlierInTheSameAnswer() {
        assertEquals(0.0, TextSimilarity.repeatedPairShare(new int[] {5, 6, 7, 8}));
        assertEquals(0.0, TextSimilarity.repeatedPairShare(new int[] {5, 5}), "too short to repeat a pair");
        // ", null" four times: pairs (,null)(null,)(,null)(null,)(,null)(null,)(,null): 5 of 7 seen before
        int comma = 11;
        int nul = 12;
        assertEquals(5.0 / 7, TextSimilarity.repeatedPairShare(new int[] {comma, nul, comma, nul, comma, nul, comma, nul}),
                1e-12);
        assertEquals(1.0 - 1.0 / 9, TextSimilarity.repeatedPairShare(new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}), 1e-12);
        // the same ids in another order are other pairs
        assertEquals(0.0, TextSimilarity.repeatedPairShare(new int[] {1, 2, 3, 2, 1, 3}));
        assertEquals(0.0, TextSimilarity.repeatedPairShare(new int[] {-1, 7, 7, -1}), "negative ids are distinct pairs");
    }

    @Test
    void theEngineBenchLeavesEndTokensOutOfItsRepetitionMeasure() {
        var config = dev.quicksilver.model.ModelConfig.read(dev.quicksilver.transformer.Fixtures.model("qwen2-gqa-f32"));
        int pad = config.padTokenId();
        int eos = config.eosTokenId();
        // 20, 21, 22 then end tokens: the end tokens' pairs would count as a loop if they were kept
        int[] answerThenEnd = {20, 21, 22, eos, pad, pad, pad, pad, pad};
        assertEquals(0.0, EngineBenchCommand.repeatedPairs(answerThenEnd, config));
        assertEquals(0.5, EngineBenchCommand.repeatedPairs(new int[] {30, 31, 30, 31, 30}, config), 1e-12);
    }

    @Test
    void similarityIsOneMinusDistanceOverTheLongerLength() {
        assertEquals(1 - 3.0 / 7, TextSimilarity.similarity("kitten", "sitting"), 1e-12);
        assertEquals(1.0, TextSimilarity.similarity("", ""));
        assertEquals(0.0, TextSimilarity.similarity("abc", "xyz"));
    }

    @Test
    void exactMatchIgnoresSurroundingWhitespaceOnly() {
        assertTrue(TextSimilarity.exactMatch("  return x;\n", "return x;"));
        assertFalse(TextSimilarity.exactMatch("return  x;", "return x;"));
    }
}
