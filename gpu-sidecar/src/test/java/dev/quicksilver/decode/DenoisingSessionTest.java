package dev.quicksilver.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.transformer.DecoderModel;
import dev.quicksilver.transformer.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DenoisingSessionTest {

    static final int EOS = 292; // the fixtures' <|endoftext|> (also their pad)

    static List<String> fixtures() {
        return Fixtures.MODELS;
    }

    // ---- autoregressive mode -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void autoregressiveWithKvCacheEqualsRecomputingEveryStep(String fixture) {
        try (DecoderModel model = Models.fixture(fixture)) {
            DecodeOptions ar = DecodeOptions.defaults().withMode(DecodeMode.AUTOREGRESSIVE).withStopAtEos(false);
            CanvasRequest canvas = CanvasRequest.completion(Models.prompt(3, 11, 280), 20);
            Decoder.Generation cached = Decoder.generate(model, ar.withCache(CacheMode.DUAL), canvas);
            Decoder.Generation recomputed = Decoder.generate(model, ar.withCache(CacheMode.NONE), canvas);
            assertArrayEquals(recomputed.first().canvas(), cached.first().canvas());
            assertEquals(20, cached.stats().forwards(), "one token per forward");
            assertEquals(20, cached.stats().tokensCommitted());
            // With the cache only new positions are computed: the prompt once, then one row per token (two for
            // unshifted models, whose predicted position holds [MASK] until it is recomputed with its token).
            int perStep = model.config().logitsShifted() ? 1 : 2;
            long expectedRows = model.config().logitsShifted() ? 11 + 19 : 12 + 19L * perStep;
            assertEquals(expectedRows, cached.stats().rowsComputed());
            assertTrue(recomputed.stats().rowsComputed() > 10 * cached.stats().rowsComputed() / 2);
        }
    }

    @Test
    void autoregressiveModeStopsAtEos() {
        // The tied Dream fixture copies the previous token: after a prompt ending in EOS it writes EOS.
        try (DecoderModel model = Models.fixture("dream-tied-bf16")) {
            int[] prompt = Arrays.copyOf(Models.prompt(1, 6, 280), 7);
            prompt[6] = EOS;
            Decoder.Generation g = Decoder.generate(model, DecodeOptions.defaults().withMode(DecodeMode.AUTOREGRESSIVE),
                    CanvasRequest.completion(prompt, 10));
            assertEquals(1, g.stats().forwards());
            assertTrue(g.first().holes().getFirst().endedByEos());
            assertEquals(0, g.first().tokens().length);
        }
    }

    @Test
    void autoregressiveModeRejectsASuffix() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32");
             DenoisingSession s = new DenoisingSession(model, DecodeOptions.defaults().withMode(DecodeMode.AUTOREGRESSIVE))) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> s.submit(CanvasRequest.infill(new int[] {1, 2}, 4, new int[] {3})));
            assertTrue(e.getMessage().contains("FIM"), e.getMessage());
        }
    }

    // ---- early stop ----------------------------------------------------------------------------------

    @Test
    void aHoleStopsAtItsFirstEosAndThePositionsAfterItAreNeverDecoded() {
        try (DecoderModel model = Models.fixture("dream-tied-bf16")) {
            int[] prefix = Arrays.copyOf(Models.prompt(1, 6, 280), 7);
            prefix[6] = EOS; // the model copies it into the hole's first position, with near-certainty
            CanvasRequest canvas = CanvasRequest.infill(prefix, 12, new int[] {40, 41});
            DecodeOptions options = DecodeOptions.defaults().withThreshold(0.99).withBlock(4);
            Decoder.Generation stopped = Decoder.generate(model, options, canvas);
            HoleResult hole = stopped.first().holes().getFirst();
            assertTrue(hole.endedByEos());
            assertEquals(1, stopped.stats().forwards(), "done after the forward that committed the EOS");
            assertEquals(1, stopped.stats().tokensCommitted(), "only the EOS was decoded");
            assertEquals(0, hole.tokens().length, "nothing before the EOS");
            assertEquals(EOS, hole.raw()[0]);
            for (int i = 1; i < hole.raw().length; i++) {
                assertEquals(EOS, hole.raw()[i], "padded (the fixture's pad is its EOS)");
            }
            assertArrayEquals(new int[] {40, 41}, Arrays.copyOfRange(stopped.first().canvas(), 19, 21));

            Decoder.Generation full = Decoder.generate(model, options.withStopAtEos(false), canvas);
            assertFalse(full.first().holes().getFirst().endedByEos());
            assertEquals(12, full.stats().tokensCommitted(), "without early stop every position is decoded");
            assertTrue(full.stats().forwards() > 1);
        }
    }

    @Test
    void aOneLineHoleEndsAtTheTokenThatBreaksItsLineAndDecodesNothingAfter() {
        try (DecoderModel model = Models.fixture("dream-tied-bf16")) {
            int lineToken = 17;
            int[] prefix = Arrays.copyOf(Models.prompt(1, 6, 280), 7);
            prefix[6] = lineToken; // the model copies it into the hole's first position, with near-certainty
            LineEnds lineEnds = LineEnds.of(model.config().vocabSize(), id -> id == lineToken ? "x;\n    " : "y");
            CanvasRequest oneLine = CanvasRequest.builder().text(prefix).lineHole(12, lineEnds).text(new int[] {40, 41}).build();
            DecodeOptions options = DecodeOptions.defaults().withThreshold(0.99).withBlock(4);
            Decoder.Generation stopped = Decoder.generate(model, options, oneLine);
            HoleResult hole = stopped.first().holes().getFirst();
            assertEquals(1, stopped.stats().forwards(), "done after the forward that committed the line's end");
            assertArrayEquals(new int[] {lineToken}, hole.tokens(), "the text keeps the token holding the line break");
            for (int i = 1; i < hole.raw().length; i++) {
                assertEquals(EOS, hole.raw()[i], "padded, never decoded (the fixture's pad is its EOS)");
            }

            Decoder.Generation plain = Decoder.generate(model, options, CanvasRequest.infill(prefix, 12, new int[] {40, 41}));
            assertTrue(plain.stats().forwards() > 1, "an ordinary hole goes on past the line break");
            assertTrue(plain.first().holes().getFirst().tokens().length > 1);
        }
    }

    @Test
    void aLeadingLineBreakDoesNotEndALine() {
        LineEnds ends = LineEnds.of(4, id -> switch (id) {
            case 0 -> "\n        ";
            case 1 -> "foo();\n";
            case 2 -> "\n}";
            default -> "bar";
        });
        assertFalse(ends.endsLine(0, 0), "a new line starting: the line is the one after it");
        assertTrue(ends.endsLine(0, 3), "after text of the hole");
        assertTrue(ends.endsLine(1, 0), "text of its own before the break");
        assertFalse(ends.endsLine(2, 0));
        assertFalse(ends.endsLine(3, 5), "no line break");
    }

    @Test
    void theCompletionIsTheTextBeforeTheFirstEosWithoutPads() {
        SpecialTokens special = new SpecialTokens(9, new int[] {7}, 8, -1, true, 10, 100);
        assertArrayEquals(new int[] {1, 2, 3}, DiffusionCanvas.completion(new int[] {1, 8, 2, 3, 7, 4, 5}, special));
        assertArrayEquals(new int[] {1, 2}, DiffusionCanvas.completion(new int[] {1, 2}, special));
    }

    // ---- batching ------------------------------------------------------------------------------------

    static List<CanvasRequest> mixedCanvases() {
        return List.of(
                CanvasRequest.completion(Models.prompt(1, 5, 280), 14),
                CanvasRequest.infill(Models.prompt(2, 9, 280), 9, Models.prompt(3, 6, 280)),
                CanvasRequest.builder().text(Models.prompt(4, 4, 280)).hole(6).text(Models.prompt(5, 3, 280)).hole(11)
                        .build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void aBatchGivesEachCanvasTheResultItGetsAlone(String fixture) {
        try (DecoderModel model = Models.fixture(fixture)) {
            for (CacheMode cache : CacheMode.values()) {
                DecodeOptions options = DecodeOptions.defaults().withThreshold(0.05).withBlock(5).withCache(cache);
                List<CanvasRequest> canvases = mixedCanvases();
                Decoder.Generation batch = Decoder.generate(model, options, canvases);
                int maxAlone = 0;
                for (int i = 0; i < canvases.size(); i++) {
                    Decoder.Generation alone = Decoder.generate(model, options, canvases.get(i));
                    assertArrayEquals(alone.first().canvas(), batch.results().get(i).canvas(),
                            fixture + " cache " + cache + " canvas " + i);
                    assertEquals(alone.first().forwards(), batch.results().get(i).forwards());
                    maxAlone = Math.max(maxAlone, alone.stats().forwards());
                }
                assertEquals(maxAlone, batch.stats().forwards(), "one batched forward per step serves every canvas");
            }
        }
    }

    @Test
    void aMultiHoleCanvasFillsEveryHole() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32")) {
            CanvasResult r = Decoder.generate(model, DecodeOptions.defaults().withThreshold(0.04).withBlock(4),
                    mixedCanvases().get(2)).first();
            assertEquals(2, r.holes().size());
            assertEquals(6, r.holes().get(0).raw().length);
            assertEquals(11, r.holes().get(1).raw().length);
            for (int t : r.canvas()) {
                assertNotEquals(model.config().maskTokenId(), t, "no mask left");
            }
        }
    }

    // ---- sampling ------------------------------------------------------------------------------------

    @Test
    void seededSamplingIsReproducibleAndTheSeedMatters() {
        try (DecoderModel model = Models.fixture("llada-f32")) {
            DecodeOptions sampled = DecodeOptions.defaults().withStrategy(Strategy.LOW_CONFIDENCE).withSteps(4)
                    .withBlock(8).withSampling(new SamplingOptions(1.0, 0.95, 50));
            CanvasRequest canvas = CanvasRequest.completion(Models.prompt(7, 8, 280), 16);
            int[] a = Decoder.generate(model, sampled.withSeed(5), canvas).first().canvas();
            int[] b = Decoder.generate(model, sampled.withSeed(5), canvas).first().canvas();
            int[] c = Decoder.generate(model, sampled.withSeed(6), canvas).first().canvas();
            int[] greedy = Decoder.generate(model, sampled.withSampling(SamplingOptions.GREEDY), canvas).first().canvas();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c), "another seed, another draw");
            assertFalse(Arrays.equals(a, greedy), "temperature 1 on a flat model does not follow the argmax");
            // A canvas's own seed wins over the session's, and makes it independent of the batch around it.
            List<CanvasRequest> batch = List.of(canvas.withSeed(5), CanvasRequest.completion(Models.prompt(8, 5, 280), 9));
            assertArrayEquals(a, Decoder.generate(model, sampled.withSeed(99), batch).first().canvas());
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Strategy.class)
    void everyStrategyFillsTheHole(Strategy strategy) {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32")) {
            DecodeOptions options = DecodeOptions.defaults().withStrategy(strategy).withBlock(8).withSteps(4)
                    .withThreshold(0.05).withStopAtEos(false).withSampling(new SamplingOptions(0.7, 1, 0));
            Decoder.Generation g = Decoder.generate(model, options, CanvasRequest.completion(Models.prompt(3, 6, 280), 16));
            assertEquals(16, g.stats().tokensCommitted());
            if (strategy.usesSteps() && strategy != Strategy.ORIGIN) {
                assertEquals(8, g.stats().forwards(), strategy + ": 4 steps in each of 2 blocks");
            }
        }
    }

    // ---- the step-wise session -----------------------------------------------------------------------

    @Test
    void aCanvasCanJoinARunningSessionAndGetsTheSameResultAsAlone() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32")) {
            DecodeOptions options = DecodeOptions.defaults().withThreshold(0.05).withBlock(4);
            List<CanvasRequest> canvases = mixedCanvases();
            try (DenoisingSession session = new DenoisingSession(model, options)) {
                CanvasHandle first = session.submit(canvases.get(0));
                session.step();
                session.step();
                CanvasHandle late = session.submit(canvases.get(1));
                assertFalse(late.done());
                List<CanvasHandle> finished = new ArrayList<>();
                while (session.hasWork()) {
                    finished.addAll(session.step().finished());
                }
                assertEquals(2, finished.size());
                assertArrayEquals(Decoder.generate(model, options, canvases.get(0)).first().canvas(), first.result().canvas());
                assertArrayEquals(Decoder.generate(model, options, canvases.get(1)).first().canvas(), late.result().canvas());
            }
        }
    }

    @Test
    void aCancelledCanvasStopsAtTheNextStepAndKeepsWhatWasCommitted() {
        try (DecoderModel model = Models.fixture("llada-f32")) {
            DecodeOptions options = DecodeOptions.defaults().withStrategy(Strategy.LOW_CONFIDENCE).withSteps(8).withBlock(8);
            try (DenoisingSession session = new DenoisingSession(model, options)) {
                CanvasHandle h = session.submit(CanvasRequest.completion(Models.prompt(2, 5, 280), 16));
                CanvasHandle other = session.submit(CanvasRequest.completion(Models.prompt(3, 5, 280), 16));
                session.step();
                session.cancel(h);
                StepReport report = session.step();
                assertEquals(1, report.canvases(), "the cancelled canvas left the batch");
                assertTrue(report.finished().contains(h));
                CanvasResult r = h.result();
                assertTrue(r.cancelled());
                assertEquals(1, r.tokensCommitted(), "one token per step, one step before the cancel");
                assertEquals(1, r.tokens().length);
                session.runToCompletion();
                assertFalse(other.result().cancelled());
                assertEquals(16, other.result().holes().getFirst().raw().length);
            }
        }
    }

    @Test
    void snapshotsShowTheCanvasFillingUp() {
        try (DecoderModel model = Models.fixture("llada-f32");
             DenoisingSession session = new DenoisingSession(model,
                     DecodeOptions.defaults().withStrategy(Strategy.LOW_CONFIDENCE).withSteps(4).withBlock(8))) {
            CanvasHandle h = session.submit(CanvasRequest.completion(Models.prompt(2, 5, 280), 8));
            int mask = model.config().maskTokenId();
            int previous = 8;
            while (session.hasWork()) {
                session.step();
                int masks = (int) Arrays.stream(h.snapshot()).filter(t -> t == mask).count();
                assertEquals(previous - 2, masks, "two tokens per step (8 positions, 4 steps)");
                previous = masks;
            }
            assertEquals(0, previous);
        }
    }

    // ---- bad input -----------------------------------------------------------------------------------

    @Test
    void badCanvasesAreRejectedWithOneSentence() {
        try (DecoderModel model = Models.fixture("qwen2-gqa-f32");
             DenoisingSession s = new DenoisingSession(model, DecodeOptions.defaults())) {
            var tooLong = assertThrows(IllegalArgumentException.class,
                    () -> s.submit(CanvasRequest.completion(new int[600], 10)));
            assertTrue(tooLong.getMessage().contains("at most 512"), tooLong.getMessage());
            var startsWithHole = assertThrows(IllegalArgumentException.class,
                    () -> s.submit(CanvasRequest.builder().hole(4).text(new int[] {5}).build()));
            assertTrue(startsWithHole.getMessage().contains("prefix"), startsWithHole.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CanvasRequest.completion(new int[] {1}, 0));
            assertThrows(IllegalArgumentException.class, () -> new CanvasRequest(List.of(new CanvasRequest.Text(new int[] {1})), null));
        }
    }
}
