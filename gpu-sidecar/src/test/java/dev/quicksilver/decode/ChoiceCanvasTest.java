package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.DecoderModel;
import dev.quicksilver.transformer.Fixtures;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Choosing a hole among candidates: scores against an independent computation from the model's logits. */
class ChoiceCanvasTest {

    static List<String> fixtures() {
        return Fixtures.MODELS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void scoresReadEachCandidateLeftToRightThroughItsEosAndTheBestIsChosen(String fixture) {
        try (DecoderModel model = Models.fixture(fixture)) {
            SpecialTokens special = SpecialTokens.of(model.config());
            int[] prefix = Models.prompt(5, 9, 280);
            int[] suffix = Models.prompt(6, 4, 280);
            List<int[]> candidates = List.of(new int[] {17}, new int[] {40, 41, 42}, new int[] {99, 7});
            CanvasRequest request = CanvasRequest.builder().text(prefix).choice(candidates).text(suffix).build();
            Decoder.Generation g = Decoder.generate(model, DecodeOptions.defaults(), request);
            HoleResult hole = g.first().holes().getFirst();
            assertEquals(4, g.stats().forwards(), "the longest candidate's tokens and its EOS, one forward each");

            // Independently, through the model's forward: the hole (3 + 1 positions) masked, into a cache; then each
            // candidate's next position with its earlier ones revealed, the hole recomputed against that cache.
            int length = 4;
            int vocab = model.config().vocabSize();
            int end = special.eosIds()[0];
            int[] canvas = new int[prefix.length + length + suffix.length];
            System.arraycopy(prefix, 0, canvas, 0, prefix.length);
            Arrays.fill(canvas, prefix.length, prefix.length + length, special.mask());
            System.arraycopy(suffix, 0, canvas, prefix.length + length, suffix.length);
            double[] expected = new double[candidates.size()];
            int best = 0;
            try (KvCache cache = model.newCache(canvas.length)) {
                float[] first = model.forward(List.of(new ForwardRequest(canvas, 0, canvas.length, cache, true,
                        new int[] {special.logitSource(prefix.length)})), AttentionKind.BIDIRECTIONAL)[0];
                for (int c = 0; c < candidates.size(); c++) {
                    int[] read = Arrays.copyOf(candidates.get(c), candidates.get(c).length + 1);
                    read[read.length - 1] = end;
                    expected[c] = logProbability(first, vocab, read[0]);
                    for (int k = 1; k < read.length; k++) {
                        int[] revealed = canvas.clone();
                        System.arraycopy(read, 0, revealed, prefix.length, k);
                        int windowStart = Math.min(prefix.length, special.logitSource(prefix.length));
                        float[] row = model.forward(List.of(new ForwardRequest(revealed, windowStart, prefix.length + length, cache, false,
                                new int[] {special.logitSource(prefix.length + k)})), AttentionKind.BIDIRECTIONAL)[0];
                        expected[c] += logProbability(row, vocab, read[k]);
                    }
                    if (expected[c] > expected[best]) best = c;
                }
            }
            assertEquals(candidates.size(), hole.candidateScores().length);
            for (int c = 0; c < candidates.size(); c++) {
                assertEquals(expected[c], hole.candidateScores()[c], 1e-6 * Math.abs(expected[c]) + 1e-9, "candidate " + c);
            }
            assertEquals(best, hole.chosen());
            assertArrayEquals(candidates.get(best), hole.tokens(), "the hole holds the chosen candidate");
            assertTrue(hole.endedByEos());
        }
    }

    private static double logProbability(float[] logits, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) max = Math.max(max, logits[v]);
        double sum = 0;
        for (int v = 0; v < vocab; v++) sum += Math.exp(logits[v] - max);
        return logits[token] - max - Math.log(sum);
    }

    @Test
    void aChoiceSharesABatchWithAWrittenCanvasWithoutChangingIt() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32")) {
            CanvasRequest written = CanvasRequest.infill(Models.prompt(1, 8, 280), 6, Models.prompt(2, 3, 280));
            CanvasRequest choice = CanvasRequest.builder().text(Models.prompt(3, 8, 280)).choice(List.of(new int[] {5}, new int[] {6, 7}))
                    .text(Models.prompt(4, 3, 280)).build();
            Decoder.Generation alone = Decoder.generate(model, DecodeOptions.defaults(), written);
            Decoder.Generation together = Decoder.generate(model, DecodeOptions.defaults(), List.of(written, choice));
            assertArrayEquals(alone.first().canvas(), together.results().get(0).canvas());
            assertTrue(together.results().get(1).holes().getFirst().chosen() >= 0);
        }
    }

    @Test
    void badChoicesAreRefusedWithTheirReason() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32");
             DenoisingSession ar = new DenoisingSession(model, DecodeOptions.defaults().withMode(DecodeMode.AUTOREGRESSIVE))) {
            CanvasRequest choice = CanvasRequest.builder().text(new int[] {1, 2}).choice(List.<int[]>of(new int[] {3})).build();
            var e = assertThrows(IllegalArgumentException.class, () -> ar.submit(choice));
            assertTrue(e.getMessage().contains("mode diffusion"), e.getMessage());
        }
        var twoHoles = assertThrows(IllegalArgumentException.class,
                () -> CanvasRequest.builder().text(new int[] {1}).choice(List.<int[]>of(new int[] {3})).hole(2).build());
        assertTrue(twoHoles.getMessage().contains("no other hole"), twoHoles.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> new CanvasRequest.Choice(List.of(new int[] {4}, new int[0])));
        assertTrue(empty.getMessage().contains("candidate 1 has no tokens"), empty.getMessage());
    }
}
