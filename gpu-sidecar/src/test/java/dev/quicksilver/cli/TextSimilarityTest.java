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
