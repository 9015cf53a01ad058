package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quicksilver.model.GenerationDefaults;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.transformer.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodeDefaultsTest {

    @Test
    void withoutAGenerationConfigTheDefaultsAreFastDllms() {
        DecodeDefaults d = DecodeDefaults.from(GenerationDefaults.NONE);
        assertEquals(Strategy.THRESHOLD, d.options().strategy());
        assertEquals(0.9, d.options().threshold());
        assertEquals(32, d.options().blockLength());
        assertEquals(CacheMode.DUAL, d.options().cache());
        assertEquals(SamplingOptions.GREEDY, d.options().sampling());
        assertEquals(DecodeDefaults.DEFAULT_MAX_TOKENS, d.maxTokens());
    }

    @Test
    void dreamsTotalStepsBecomeStepsPerBlock() {
        // The fixtures' generation_config.json: alg entropy, steps 16 for max_new_tokens 16, block_length 8.
        DecodeDefaults d = DecodeDefaults.from(ModelConfig.read(Fixtures.model("dream-tied-bf16")).generationDefaults());
        assertEquals(Strategy.ENTROPY, d.options().strategy());
        assertEquals(8, d.options().blockLength());
        assertEquals(8, d.options().stepsPerBlock());
        assertEquals(16, d.maxTokens());
    }

    @Test
    void fastDllmNamesAndBadValuesAreHandled() {
        DecodeDefaults d = DecodeDefaults.from(new GenerationDefaults(Map.of(
                "alg", "confidence_threshold", "threshold", 0.8, "cache", "prefix", "temperature", 0.5,
                "top_p", 7.0, "block_length", -3.0)));
        assertEquals(Strategy.THRESHOLD, d.options().strategy());
        assertEquals(0.8, d.options().threshold());
        assertEquals(CacheMode.PREFIX, d.options().cache());
        assertEquals(32, d.options().blockLength(), "a nonsensical block length falls back to the default");
        assertEquals(SamplingOptions.GREEDY, d.options().sampling(), "an invalid top_p voids the sampling settings");
        assertEquals(Strategy.LOW_CONFIDENCE,
                DecodeDefaults.from(new GenerationDefaults(Map.of("sampler", "low_confidence", "alg", "origin")))
                        .options().strategy(), "Quicksilver's own key wins");
        assertEquals(2.5, DecodeDefaults.from(new GenerationDefaults(Map.of("end_penalty", 2.5)))
                .options().sampling().endPenalty());
        assertEquals(0.0, d.options().sampling().endPenalty(), "no end_penalty: none");
    }
}
