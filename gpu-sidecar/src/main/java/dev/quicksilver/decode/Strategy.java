package dev.quicksilver.decode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The named unmasking strategies of the {@code --sampler} option: which confidence ranks the masked
 * positions and which {@link CommitRule} picks among them. Sources: Fast-dLLM (NVlabs/Fast-dLLM) for
 * {@code threshold} and {@code factor}; LLaDA (ML-GSAI/LLaDA {@code generate.py}) for
 * {@code low_confidence} and {@code random}; Dream (DreamLM/Dream {@code generation_utils.py}) for
 * {@code origin}, {@code maskgit_plus}, {@code topk_margin} and {@code entropy}.
 */
public enum Strategy {
    /** Fast-dLLM: every position at or above the threshold, at least one. Needs no step count. */
    THRESHOLD("threshold", Confidence.PROBABILITY),
    /** Fast-dLLM's factor rule: top n with (n+1)(1-c_n) < f, at least one. */
    FACTOR("factor", Confidence.PROBABILITY),
    /** LLaDA: a fixed number per step, the most probable first. */
    LOW_CONFIDENCE("low_confidence", Confidence.PROBABILITY),
    /** LLaDA's "random" remasking: a fixed number per step, in random order. */
    RANDOM("random", Confidence.RANDOM),
    /** Dream's origin: each masked position unmasked with probability 1 - s/t. */
    ORIGIN("origin", Confidence.RANDOM),
    /** Dream: confidence = probability of the proposed token. */
    MASKGIT_PLUS("maskgit_plus", Confidence.PROBABILITY),
    /** Dream: confidence = top-1 minus top-2 probability. */
    TOPK_MARGIN("topk_margin", Confidence.MARGIN),
    /** Dream: confidence = negative entropy of the position's distribution. */
    ENTROPY("entropy", Confidence.NEGATIVE_ENTROPY);

    /** How sure the model is about a position, in the units the strategy ranks by. */
    public enum Confidence { PROBABILITY, MARGIN, NEGATIVE_ENTROPY, RANDOM }

    /** Dream's default eps: the last timestep, just above 0 (DreamGenerationConfig.eps). */
    public static final double DREAM_EPS = 1e-3;

    private final String cliName;
    private final Confidence confidence;

    Strategy(String cliName, Confidence confidence) {
        this.cliName = cliName;
        this.confidence = confidence;
    }

    public String cliName() {
        return cliName;
    }

    public Confidence confidence() {
        return confidence;
    }

    /** Whether the strategy follows a step schedule (so {@code --steps} matters). */
    public boolean usesSteps() {
        return this != THRESHOLD && this != FACTOR;
    }

    /** The commit rule for this strategy with the given knobs (those it does not use are ignored). */
    public CommitRule rule(double threshold, double factor, int stepsPerBlock) {
        return switch (this) {
            case THRESHOLD -> new CommitRule.Threshold(threshold);
            case FACTOR -> new CommitRule.Factor(factor);
            case LOW_CONFIDENCE, RANDOM -> new CommitRule.FixedCount(stepsPerBlock);
            case ORIGIN -> new CommitRule.RandomOrder(stepsPerBlock, DREAM_EPS);
            case MASKGIT_PLUS, TOPK_MARGIN, ENTROPY -> new CommitRule.DreamSchedule(stepsPerBlock, DREAM_EPS);
        };
    }

    public static Strategy parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Strategy s : values()) {
            if (s.cliName.equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown --sampler '" + name + "'; choose one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Strategy::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
