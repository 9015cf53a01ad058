package dev.quicksilver.cli;

import dev.quicksilver.decode.CacheMode;
import dev.quicksilver.decode.DecodeDefaults;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.SamplingOptions;
import dev.quicksilver.decode.Strategy;
import picocli.CommandLine.Option;

/**
 * The decoding options of generate and eval. Every option left out takes the model's value from its
 * generation_config.json, else Quicksilver's default (see {@link DecodeDefaults}).
 */
public final class DecodeOptionsMixin {

    @Option(names = "--mode", paramLabel = "MODE", description = "diffusion (default) or ar (autoregressive baseline).")
    String mode;

    @Option(names = "--sampler", paramLabel = "NAME",
            description = "Unmasking strategy: threshold, factor, low_confidence, random, origin, maskgit_plus, "
                    + "topk_margin, entropy (default: the model's, else threshold).")
    String sampler;

    @Option(names = "--threshold", paramLabel = "T", description = "Confidence threshold of the threshold sampler (default 0.9).")
    Double threshold;

    @Option(names = "--factor", paramLabel = "F", description = "Factor of the factor sampler (default 1.0).")
    Double factor;

    @Option(names = "--block", paramLabel = "B", description = "Semi-autoregressive block length (default 32).")
    Integer block;

    @Option(names = "--steps", paramLabel = "N", description = "Steps per block for the step-scheduled samplers.")
    Integer steps;

    @Option(names = "--cache", paramLabel = "MODE",
            description = "none, prefix or dual (default dual); in ar mode none recomputes everything, else KV cache.")
    String cache;

    @Option(names = "--temperature", paramLabel = "T", description = "0 is greedy (default); above 0 samples.")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus mass in (0, 1] (default 1: off).")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most likely tokens (default 0: off).")
    Integer topK;

    @Option(names = "--end-penalty", paramLabel = "X",
            description = "Subtract X from the logits of EOS and pad: a larger X writes longer answers (default: "
                    + "the model's end_penalty, else 0).")
    Double endPenalty;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random generator (default 0).")
    Long seed;

    /** Checks the flags given, alone, so a typo fails before the model is loaded. */
    public void validate() {
        resolve(new DecodeDefaults(DecodeOptions.defaults(), DecodeDefaults.DEFAULT_MAX_TOKENS));
    }

    /** Without --steps, the model's steps per block, scaled to a --block that differs from the model's. */
    private int stepsForBlock(DecodeOptions d) {
        if (block == null || block == d.blockLength()) {
            return d.stepsPerBlock();
        }
        return Math.max(1, (int) Math.round((double) d.stepsPerBlock() * block / d.blockLength()));
    }

    /** The options to decode with: these flags over the model's defaults. */
    public DecodeOptions resolve(DecodeDefaults defaults) {
        try {
            DecodeOptions d = defaults.options();
            SamplingOptions s = d.sampling();
            SamplingOptions sampling = new SamplingOptions(
                    temperature != null ? temperature : s.temperature(),
                    topP != null ? topP : s.topP(),
                    topK != null ? topK : s.topK(),
                    endPenalty != null ? endPenalty : s.endPenalty());
            return new DecodeOptions(
                    mode != null ? DecodeMode.parse(mode) : d.mode(),
                    sampler != null ? Strategy.parse(sampler) : d.strategy(),
                    threshold != null ? threshold : d.threshold(),
                    factor != null ? factor : d.factor(),
                    block != null ? block : d.blockLength(),
                    steps != null ? steps : stepsForBlock(d),
                    cache != null ? CacheMode.parse(cache) : d.cache(),
                    sampling,
                    seed != null ? seed : d.seed(),
                    true);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }
}
