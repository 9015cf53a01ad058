package dev.quicksilver.decode;

/**
 * Everything that shapes a decoding session; every canvas of a session is decoded the same way.
 *
 * @param mode          diffusion, or the autoregressive baseline
 * @param strategy      which positions to unmask and in what order (diffusion only)
 * @param threshold     confidence threshold of {@link Strategy#THRESHOLD}
 * @param factor        factor of {@link Strategy#FACTOR}
 * @param blockLength   semi-autoregressive block length: a hole is decoded block by block, left to right
 * @param stepsPerBlock steps per block for the schedule-driven strategies (LLaDA, Dream)
 * @param cache         key/value reuse between steps; in autoregressive mode anything but NONE means the
 *                      exact KV cache
 * @param sampling      temperature, top-p, top-k
 * @param seed          seed of each canvas's random generator unless its request sets one
 * @param stopAtEos     end a hole at its first EOS (the normal case); false decodes every position of the
 *                      budget whatever it holds, so runs of different decoders produce the same number of
 *                      tokens (benchmarks, like vLLM's {@code ignore_eos})
 */
public record DecodeOptions(DecodeMode mode, Strategy strategy, double threshold, double factor,
                            int blockLength, int stepsPerBlock, CacheMode cache, SamplingOptions sampling,
                            long seed, boolean stopAtEos) {

    public static final double DEFAULT_THRESHOLD = 0.9;
    public static final double DEFAULT_FACTOR = 1.0;
    public static final int DEFAULT_BLOCK = 32;

    public DecodeOptions {
        if (blockLength < 1) {
            throw new IllegalArgumentException("--block must be at least 1, got " + blockLength);
        }
        if (stepsPerBlock < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + stepsPerBlock);
        }
        // Validated whatever the strategy, so a bad value never waits for the day it is used.
        new CommitRule.Threshold(threshold);
        new CommitRule.Factor(factor);
    }

    /** Fast-dLLM's recommended setting: threshold 0.9, block 32, dual cache, greedy. */
    public static DecodeOptions defaults() {
        return new DecodeOptions(DecodeMode.DIFFUSION, Strategy.THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_FACTOR,
                DEFAULT_BLOCK, DEFAULT_BLOCK, CacheMode.DUAL, SamplingOptions.GREEDY, 0, true);
    }

    public DecodeOptions withMode(DecodeMode m) {
        return new DecodeOptions(m, strategy, threshold, factor, blockLength, stepsPerBlock, cache, sampling, seed, stopAtEos);
    }

    public DecodeOptions withStrategy(Strategy s) {
        return new DecodeOptions(mode, s, threshold, factor, blockLength, stepsPerBlock, cache, sampling, seed, stopAtEos);
    }

    public DecodeOptions withThreshold(double t) {
        return new DecodeOptions(mode, strategy, t, factor, blockLength, stepsPerBlock, cache, sampling, seed, stopAtEos);
    }

    public DecodeOptions withFactor(double f) {
        return new DecodeOptions(mode, strategy, threshold, f, blockLength, stepsPerBlock, cache, sampling, seed, stopAtEos);
    }

    public DecodeOptions withBlock(int b) {
        return new DecodeOptions(mode, strategy, threshold, factor, b, stepsPerBlock, cache, sampling, seed, stopAtEos);
    }

    public DecodeOptions withSteps(int s) {
        return new DecodeOptions(mode, strategy, threshold, factor, blockLength, s, cache, sampling, seed, stopAtEos);
    }

    public DecodeOptions withCache(CacheMode c) {
        return new DecodeOptions(mode, strategy, threshold, factor, blockLength, stepsPerBlock, c, sampling, seed, stopAtEos);
    }

    public DecodeOptions withSampling(SamplingOptions s) {
        return new DecodeOptions(mode, strategy, threshold, factor, blockLength, stepsPerBlock, cache, s, seed, stopAtEos);
    }

    public DecodeOptions withSeed(long s) {
        return new DecodeOptions(mode, strategy, threshold, factor, blockLength, stepsPerBlock, cache, sampling, s, stopAtEos);
    }

    public DecodeOptions withStopAtEos(boolean stop) {
        return new DecodeOptions(mode, strategy, threshold, factor, blockLength, stepsPerBlock, cache, sampling, seed,
                stop);
    }

    public CommitRule commitRule() {
        return strategy.rule(threshold, factor, stepsPerBlock);
    }

    /** A short human description, e.g. "diffusion threshold=0.9 block=32 cache=dual greedy". */
    public String describe() {
        if (mode == DecodeMode.AUTOREGRESSIVE) {
            return "ar " + (cache == CacheMode.NONE ? "no-cache" : "kv-cache") + " " + describeSampling();
        }
        String knob = switch (strategy) {
            case THRESHOLD -> "threshold=" + threshold;
            case FACTOR -> "factor=" + factor;
            default -> "steps=" + stepsPerBlock;
        };
        return "diffusion " + strategy + " " + knob + " block=" + blockLength + " cache=" + cache + " "
                + describeSampling();
    }

    private String describeSampling() {
        String end = sampling.endPenalty() == 0 ? "" : " end-penalty=" + sampling.endPenalty();
        if (sampling.greedy()) {
            return "greedy" + end;
        }
        return "temperature=" + sampling.temperature() + " top-p=" + sampling.topP() + " top-k=" + sampling.topK()
                + end + " seed=" + seed;
    }
}
