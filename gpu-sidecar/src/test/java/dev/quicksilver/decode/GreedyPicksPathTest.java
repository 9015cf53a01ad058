package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.DecoderModel;
import dev.quicksilver.transformer.Fixtures;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.LanguageModel;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder's greedy-picks path (the one the cuda model takes: {@link LanguageModel#forwardGreedy} instead
 * of rows of logits) against the logits path, on the real fixture models: same tokens, and taken exactly
 * when every canvas decodes greedily by probability.
 */
class GreedyPicksPathTest {

    /** A real model that asks the decoder for greedy picks, computed by the interface's host default. */
    static class PicksOnModelSide implements LanguageModel {
        final LanguageModel model;
        int greedyForwards;
        int logitForwards;

        PicksOnModelSide(LanguageModel model) {
            this.model = model;
        }

        @Override
        public ModelConfig config() {
            return model.config();
        }

        @Override
        public String backendName() {
            return model.backendName();
        }

        @Override
        public KvCache newCache(int capacity) {
            return model.newCache(capacity);
        }

        @Override
        public float[][] forward(List<ForwardRequest> batch, AttentionKind attention) {
            logitForwards++;
            return model.forward(batch, attention);
        }

        @Override
        public Greedy[] forwardGreedy(List<ForwardRequest> batch, AttentionKind attention) {
            greedyForwards++;
            logitForwards--; // the default below computes them from one call of forward()
            return LanguageModel.super.forwardGreedy(batch, attention);
        }

        @Override
        public boolean prefersGreedyPicks() {
            return true;
        }
    }

    static List<String> fixtures() {
        return Fixtures.MODELS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void greedyDecodingGivesTheSameTokensThroughPicksAsThroughLogits(String fixture) {
        try (DecoderModel model = Models.fixture(fixture)) {
            List<CanvasRequest> canvases = List.of(
                    CanvasRequest.infill(Models.prompt(5, 9, 280), 12, Models.prompt(6, 4, 280)),
                    CanvasRequest.completion(Models.prompt(7, 6, 280), 9));
            for (Strategy strategy : List.of(Strategy.THRESHOLD, Strategy.LOW_CONFIDENCE, Strategy.FACTOR)) {
                DecodeOptions options = DecodeOptions.defaults().withStrategy(strategy).withStopAtEos(false).withBlock(8);
                Decoder.Generation viaLogits = Decoder.generate(model, options, canvases);
                PicksOnModelSide picking = new PicksOnModelSide(model);
                Decoder.Generation viaPicks = Decoder.generate(picking, options, canvases);
                for (int i = 0; i < canvases.size(); i++) {
                    assertArrayEquals(viaLogits.results().get(i).canvas(), viaPicks.results().get(i).canvas(),
                            fixture + " " + strategy.cliName() + " canvas " + i);
                }
                assertEquals(viaLogits.stats().forwards(), picking.greedyForwards, strategy.cliName());
                assertEquals(0, picking.logitForwards, strategy.cliName() + ": a step asked for logits");
            }
            DecodeOptions ar = DecodeOptions.defaults().withMode(DecodeMode.AUTOREGRESSIVE).withStopAtEos(false);
            CanvasRequest prompt = CanvasRequest.completion(Models.prompt(8, 7, 280), 10);
            PicksOnModelSide picking = new PicksOnModelSide(model);
            assertArrayEquals(Decoder.generate(model, ar, prompt).first().canvas(),
                    Decoder.generate(picking, ar, prompt).first().canvas(), fixture + " autoregressive");
            assertEquals(10, picking.greedyForwards);
        }
    }

    @Test
    void marginRankingAndSamplingStillGetLogits() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32")) {
            CanvasRequest canvas = CanvasRequest.infill(Models.prompt(5, 9, 280), 8, Models.prompt(6, 4, 280));
            PicksOnModelSide margin = new PicksOnModelSide(model);
            Decoder.generate(margin, DecodeOptions.defaults().withStrategy(Strategy.TOPK_MARGIN), canvas);
            assertEquals(0, margin.greedyForwards, "topk_margin ranks by a margin the picks do not carry");
            assertTrue(margin.logitForwards > 0);
            PicksOnModelSide sampling = new PicksOnModelSide(model);
            Decoder.generate(sampling, DecodeOptions.defaults()
                    .withSampling(new SamplingOptions(0.8, 1, 0)).withSeed(3), canvas);
            assertEquals(0, sampling.greedyForwards, "a draw at temperature 0.8 needs the whole distribution");
            PicksOnModelSide penalized = new PicksOnModelSide(model);
            Decoder.generate(penalized, DecodeOptions.defaults().withSampling(new SamplingOptions(0, 1, 0, 2.0)), canvas);
            assertEquals(0, penalized.greedyForwards, "the end penalty changes the argmax the picks would give");
        }
    }

    @Test
    void greedyPicksNeverProposeTheMaskTokenEvenWhereItsLogitIsHighest() {
        try (DecoderModel model = Models.fixture("dream-tied-bf16")) {
            int mask = model.config().maskTokenId();
            int vocab = model.config().vocabSize();
            // The real model's logits with the mask's raised above everything, as an undertrained model's can be.
            LanguageModel maskLoving = new PicksOnModelSide(model) {
                @Override
                public float[][] forward(List<ForwardRequest> batch, AttentionKind attention) {
                    float[][] logits = model.forward(batch, attention);
                    for (float[] rows : logits) {
                        for (int r = 0; r < rows.length / vocab; r++) {
                            rows[r * vocab + mask] += 1000f;
                        }
                    }
                    return logits;
                }
            };
            int[] tokens = Models.prompt(9, 12, 280);
            List<ForwardRequest> batch = List.of(new ForwardRequest(tokens, 0, tokens.length, null, false, Models.range(0, 12)));
            float[][] logits = maskLoving.forward(batch, AttentionKind.BIDIRECTIONAL);
            LanguageModel.Greedy picks = maskLoving.forwardGreedy(batch, AttentionKind.BIDIRECTIONAL)[0];
            TokenSampler sampler = new TokenSampler(SamplingOptions.GREEDY, mask);
            for (int p = 0; p < 12; p++) {
                assertNotEquals(mask, picks.tokens()[p], "position " + p);
                Candidate host = sampler.pick(logits[0], p * vocab, vocab, new SplittableRandom(1));
                assertEquals(host.token(), picks.tokens()[p], "position " + p);
                assertEquals(host.probability(), picks.confidence()[p], 1e-5, "position " + p);
            }
        }
    }
}
