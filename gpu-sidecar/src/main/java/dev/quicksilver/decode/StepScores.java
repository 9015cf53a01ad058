package dev.quicksilver.decode;

import dev.quicksilver.transformer.LanguageModel;
import java.util.random.RandomGenerator;

/**
 * What one forward gives a canvas to choose its tokens from, per asked position in order: a row of logits
 * (scored by the canvas's {@link TokenSampler}), or the model's own greedy picks when every canvas of the
 * step decodes greedily by probability and the model picks more cheaply than the host can score logits
 * ({@link LanguageModel#prefersGreedyPicks()}: the cuda model, which then copies back 8 bytes a position
 * instead of a row of the vocabulary).
 */
sealed interface StepScores {

    /** The candidate for the {@code row}-th asked position of this canvas. */
    Candidate candidate(int row, TokenSampler sampler, RandomGenerator rng);

    record Logits(float[] logits, int vocab) implements StepScores {
        @Override
        public Candidate candidate(int row, TokenSampler sampler, RandomGenerator rng) {
            return sampler.pick(logits, row * vocab, vocab, rng);
        }
    }

    /**
     * Greedy picks: the token and its probability only. The margin and entropy are unknown (NaN), so only
     * canvases whose commit rule ranks by probability (or at random) are given these; see
     * {@link CanvasWork#greedyPicksSuffice()}.
     */
    record Picks(LanguageModel.Greedy picks) implements StepScores {
        @Override
        public Candidate candidate(int row, TokenSampler sampler, RandomGenerator rng) {
            return new Candidate(picks.tokens()[row], picks.confidence()[row], Double.NaN, Double.NaN);
        }
    }
}
