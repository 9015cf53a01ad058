package dev.quicksilver.decode;

import dev.quicksilver.model.GenerationDefaults;
import java.util.Locale;
import java.util.Optional;

/**
 * The decoding settings a model ships with, from its generation_config.json, over Quicksilver's own
 * defaults (Fast-dLLM's: threshold 0.9, block 32, dual cache, greedy). Command-line options override both.
 *
 * <p>Keys read (Dream's and Fast-dLLM's names, plus Quicksilver's where those have none): {@code sampler}
 * or {@code alg} (Fast-dLLM's {@code confidence_threshold} is {@code threshold}), {@code threshold},
 * {@code factor}, {@code block_length}, {@code steps_per_block}, or Dream's {@code steps} (a total for
 * {@code max_new_tokens}, so per block it is {@code steps * block_length / max_new_tokens}), {@code cache},
 * {@code temperature}, {@code top_p}, {@code top_k}, {@code end_penalty}, {@code max_new_tokens}. Values of the
 * wrong type or unknown names are ignored, so a checkpoint's config never stops decoding.
 *
 * @param options   the decoding options
 * @param maxTokens the default token budget of a hole
 */
public record DecodeDefaults(DecodeOptions options, int maxTokens) {

    public static final int DEFAULT_MAX_TOKENS = 64;

    public static DecodeDefaults from(GenerationDefaults g) {
        DecodeOptions d = DecodeOptions.defaults();
        Strategy strategy = g.stringValue("sampler").or(() -> g.stringValue("alg"))
                .flatMap(DecodeDefaults::strategyNamed).orElse(d.strategy());
        int block = positive(g.intValue("block_length").orElse(d.blockLength()), d.blockLength());
        int maxTokens = positive(g.intValue("max_new_tokens").orElse(DEFAULT_MAX_TOKENS), DEFAULT_MAX_TOKENS);
        int steps = block; // one token per step unless the config says otherwise
        if (g.intValue("steps_per_block").isPresent()) {
            steps = positive(g.intValue("steps_per_block").getAsInt(), steps);
        } else if (g.intValue("steps").isPresent()) {
            int total = g.intValue("steps").getAsInt();
            steps = positive((int) Math.round((double) total * Math.min(block, maxTokens) / maxTokens), steps);
        }
        double threshold = g.doubleValue("threshold").orElse(d.threshold());
        if (!(threshold >= 0 && threshold <= 1)) {
            threshold = d.threshold();
        }
        double factor = g.doubleValue("factor").orElse(d.factor());
        if (!(factor > 0)) {
            factor = d.factor();
        }
        CacheMode cache = g.stringValue("cache").flatMap(DecodeDefaults::cacheNamed).orElse(d.cache());
        double temperature = g.doubleValue("temperature").orElse(0);
        double topP = g.doubleValue("top_p").orElse(1);
        int topK = g.intValue("top_k").orElse(0);
        double endPenalty = g.doubleValue("end_penalty").orElse(0);
        SamplingOptions sampling;
        try {
            sampling = new SamplingOptions(temperature, topP, topK, endPenalty);
        } catch (IllegalArgumentException e) {
            sampling = SamplingOptions.GREEDY;
        }
        return new DecodeDefaults(new DecodeOptions(DecodeMode.DIFFUSION, strategy, threshold, factor, block, steps,
                cache, sampling, 0, true), maxTokens);
    }

    private static int positive(int value, int fallback) {
        return value > 0 ? value : fallback;
    }

    private static Optional<Strategy> strategyNamed(String name) {
        if (name.toLowerCase(Locale.ROOT).equals("confidence_threshold")) {
            return Optional.of(Strategy.THRESHOLD);
        }
        try {
            return Optional.of(Strategy.parse(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<CacheMode> cacheNamed(String name) {
        try {
            return Optional.of(CacheMode.parse(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
