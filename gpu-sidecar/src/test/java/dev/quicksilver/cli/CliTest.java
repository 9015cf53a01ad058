package dev.quicksilver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quicksilver.transformer.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands run in-process through picocli, on the tiny fixture models. */
class CliTest {

    static final String MODEL = Fixtures.model("qwen2-gqa-f32").toString();

    @TempDir
    static Path tmp;

    /** Exit code, stdout and stderr of one command line. */
    record Run(int exit, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }
    }

    static Run run(String... args) {
        CommandLine cli = SidecarCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void repositoryRoot() {
        // Tests run in the module folder; the bench finds its PyTorch script from the repository root.
        System.setProperty("quicksilver.home", Path.of("").toAbsolutePath().getParent().toString());
    }

    @AfterAll
    static void clear() {
        System.clearProperty("quicksilver.home");
    }

    @Test
    void generateJsonReportsTheTextAndTheCost() {
        Run r = run("generate", "--model", MODEL, "--backend", "reference", "--prompt", "public String greet(",
                "--max-tokens", "12", "--sampler", "threshold", "--threshold", "0.04", "--block", "4", "--json");
        assertEquals(0, r.exit, r.err);
        JsonObject j = r.json();
        for (String field : new String[] {"text", "forwards", "tokensPerForward", "msPerForward", "backend"}) {
            assertTrue(j.has(field), field + " in " + r.out);
        }
        assertEquals("reference", j.get("backend").getAsString());
        assertEquals("dual", j.get("cache").getAsString());
        int forwards = j.get("forwards").getAsInt();
        assertTrue(forwards >= 3 && forwards <= 12, "at least one forward per block of 4, at most one per token");
        assertEquals(j.get("tokensCommitted").getAsDouble() / forwards, j.get("tokensPerForward").getAsDouble(), 1e-3);
        assertTrue(j.get("tokens").getAsJsonArray().size() <= 12);
    }

    @Test
    void generateWithInt8WeightsOnBothHostBackendsGivesTheSameTokens() {
        String[] args = {"generate", "--model", MODEL, "--prompt", "public String greet(", "--max-tokens", "8",
                "--weights", "int8", "--json", "--backend"};
        Run reference = run(concat(args, "reference"));
        Run cpu = run(concat(args, "cpu"));
        assertEquals(0, reference.exit, reference.err);
        assertEquals(0, cpu.exit, cpu.err);
        assertEquals("int8", cpu.json().get("weights").getAsString());
        assertEquals(reference.json().get("tokens"), cpu.json().get("tokens"));
        Run checkpoint = run("generate", "--model", MODEL, "--prompt", "x", "--max-tokens", "2", "--json");
        assertEquals("checkpoint", checkpoint.json().get("weights").getAsString());

        Run bad = run("generate", "--model", MODEL, "--prompt", "x", "--max-tokens", "2", "--weights", "int4");
        assertEquals(2, bad.exit);
        assertTrue(bad.err.contains("--weights: Unknown weight format \"int4\"; choose one of checkpoint, int8."),
                bad.err);
    }

    @Test
    void threadsSetsTheCpuBackendsThreadCount() {
        try {
            Run one = run("generate", "--model", MODEL, "--backend", "cpu", "--threads", "1", "--prompt", "x",
                    "--max-tokens", "2", "--json");
            assertEquals(0, one.exit, one.err);
            assertEquals(1, one.json().get("threads").getAsInt());
            Run bad = run("generate", "--model", MODEL, "--threads", "0", "--prompt", "x", "--max-tokens", "2");
            assertEquals(2, bad.exit);
            assertTrue(bad.err.contains("--threads must be at least 1; leave it out for one thread per physical core"),
                    bad.err);
        } finally {
            System.clearProperty(dev.quicksilver.tensor.CpuThreads.PROPERTY);
        }
    }

    static String[] concat(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }

    @Test
    void generateFromFilesInAutoregressiveMode() throws IOException {
        Path prefix = Files.writeString(tmp.resolve("prefix.txt"), "for (String other : others) {");
        Path suffix = Files.writeString(tmp.resolve("suffix.txt"), "}\n");
        Run r = run("generate", "--model", MODEL, "--backend", "cpu", "--prefix-file", prefix.toString(),
                "--suffix-file", suffix.toString(), "--max-tokens", "6", "--mode", "ar", "--json");
        assertEquals(0, r.exit, r.err);
        JsonObject j = r.json();
        assertEquals("ar", j.get("mode").getAsString());
        assertEquals("kv", j.get("cache").getAsString());
        assertEquals("cpu", j.get("backend").getAsString());
        assertEquals(j.get("tokensCommitted").getAsInt(), j.get("forwards").getAsInt(), "one token per forward");
        assertTrue(r.err.contains("FIM"), "the fixture tokenizer has no <|fim_middle|>, so the suffix is dropped: " + r.err);
    }

    @Test
    void humanOutputIsTheTextThenAStatsLine() {
        Run r = run("generate", "--model", MODEL, "--backend", "reference", "--prompt", "return ", "--max-tokens", "4");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.err.contains("forwards") && r.err.contains("tokens/forward") && r.err.contains("backend reference"),
                r.err);
    }

    @Test
    void badOptionsAndMissingModelsAreOneSentence() {
        Run threshold = run("generate", "--model", MODEL, "--prompt", "x", "--threshold", "2");
        assertEquals(2, threshold.exit);
        assertTrue(threshold.err.startsWith("quicksilver: --threshold must be in [0, 1]"), threshold.err);
        assertEquals(1, threshold.err.strip().lines().count());

        Run sampler = run("generate", "--model", MODEL, "--prompt", "x", "--sampler", "best");
        assertEquals(2, sampler.exit);
        assertTrue(sampler.err.contains("unknown --sampler 'best'"), sampler.err);

        Run missing = run("generate", "--model", tmp.resolve("nope").toString(), "--prompt", "x");
        assertEquals(2, missing.exit);
        assertTrue(missing.err.contains("does not exist"), missing.err);

        Run demo = run("demo", "--root", tmp.toString());
        assertEquals(2, demo.exit);
        assertTrue(demo.err.contains("the embedded model is not at"), demo.err);
    }

    @Test
    void demoCompletesTheSnippet() {
        Run r = run("demo", "--model", Fixtures.model("dream-tied-bf16").toString(), "--backend", "reference",
                "--max-tokens", "8");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("public int increment()") && r.out.contains(">>> "), r.out);
        assertTrue(r.out.contains("forwards"), r.out);
    }

    @Test
    void evalScoresExactMatchAndSimilarityPerKind() throws IOException {
        // The first case's expected middle is what the model itself writes, so it must match exactly.
        String prefix = "public String greet(String name) {\n        return ";
        String suffix = ";\n    }\n";
        Path p = Files.writeString(tmp.resolve("p.txt"), prefix);
        Path s = Files.writeString(tmp.resolve("s.txt"), suffix);
        Run g = run("generate", "--model", MODEL, "--backend", "reference", "--prefix-file", p.toString(),
                "--suffix-file", s.toString(), "--max-tokens", "6", "--threshold", "0.04", "--sampler", "threshold",
                "--block", "4", "--json");
        assertEquals(0, g.exit, g.err);
        String own = g.json().get("text").getAsString();
        JsonObject c1 = new JsonObject();
        c1.addProperty("id", "own");
        c1.addProperty("prefix", prefix);
        c1.addProperty("middle", own);
        c1.addProperty("suffix", suffix);
        c1.addProperty("kind", "line");
        JsonObject c2 = c1.deepCopy();
        c2.addProperty("id", "other");
        c2.addProperty("middle", "\"Hello, \" + name");
        c2.addProperty("kind", "expression");
        Path cases = Files.writeString(tmp.resolve("cases.jsonl"), c1 + "\n\n" + c2 + "\n");

        Run r = run("eval", "--model", MODEL, "--backend", "reference", "--cases", cases.toString(), "--length", "6",
                "--threshold", "0.04", "--sampler", "threshold", "--block", "4", "--json");
        assertEquals(0, r.exit, r.err);
        JsonObject j = r.json();
        assertEquals(2, j.get("cases").getAsInt());
        assertEquals(0.5, j.get("exactMatch").getAsDouble(), 1e-9, r.out);
        JsonObject line = j.getAsJsonObject("byKind").getAsJsonObject("line");
        assertEquals(1.0, line.get("exactMatch").getAsDouble());
        assertEquals(1.0, line.get("charSimilarity").getAsDouble());
        JsonObject expression = j.getAsJsonObject("byKind").getAsJsonObject("expression");
        assertEquals(0.0, expression.get("exactMatch").getAsDouble());
        assertTrue(expression.get("charSimilarity").getAsDouble() < 1.0);
        assertTrue(j.get("tokensPerForward").getAsDouble() >= 1.0);
        // Every case decodes at least one token in a positive time.
        assertTrue(j.get("tokensPerSecond").getAsDouble() > 0, r.out);
        // The repetition measure, of the answers and of the expected middles: the line case's answer is its
        // expected middle (the model's own output), so the two agree; the expression repeats no token pair.
        assertEquals(line.get("expectedRepeatedPairs").getAsDouble(), line.get("repeatedPairs").getAsDouble(), 1e-9, r.out);
        assertEquals(0.0, expression.get("expectedRepeatedPairs").getAsDouble(), r.out);
        double repeated = j.get("repeatedPairs").getAsDouble();
        assertTrue(repeated >= 0 && repeated <= 1, r.out);
        assertEquals(j.get("tokensPerForward").getAsDouble() * j.get("forwardsPerCase").getAsDouble()
                / j.get("msPerCase").getAsDouble() * 1000, j.get("tokensPerSecond").getAsDouble(),
                0.02 * j.get("tokensPerSecond").getAsDouble() + 0.1, r.out);

        Run progress = run("eval", "--model", MODEL, "--backend", "reference", "--cases", cases.toString(),
                "--length", "6", "--threshold", "0.04", "--sampler", "threshold", "--block", "4", "--progress-seconds",
                "0");
        assertEquals(0, progress.exit, progress.err);
        assertTrue(progress.err.contains("eval: 1 of 2 cases, exact match 100.0%"), progress.err);

        Run table = run("eval", "--model", MODEL, "--backend", "reference", "--cases", cases.toString(), "--limit", "1");
        assertEquals(0, table.exit, table.err);
        assertTrue(table.out.contains("overall") && table.out.contains("line") && table.out.contains("repeats"), table.out);
        assertFalse(table.out.contains("expression"), "--limit 1 evaluates the first case only");
    }

    /**
     * {@code --outputs} writes each case's final canvas: the fixed text as the engine tokenized it, then the
     * hole as decoded, whose tokens before any EOS are the completion the report scores.
     */
    @Test
    void evalOutputsAreTheFinalCanvasesAsTokenIds() throws IOException {
        String prefix = "public int size() {\n        return ";
        String suffix = ";\n    }\n";
        JsonObject c = new JsonObject();
        c.addProperty("id", "size");
        c.addProperty("prefix", prefix);
        c.addProperty("middle", "items.size()");
        c.addProperty("suffix", suffix);
        Path cases = Files.writeString(tmp.resolve("outputs-cases.jsonl"), c + "\n");
        Path outputs = tmp.resolve("outputs.jsonl");
        Run r = run("eval", "--model", MODEL, "--backend", "reference", "--cases", cases.toString(), "--length", "5",
                "--json", "--outputs", outputs.toString());
        assertEquals(0, r.exit, r.err);
        var lines = Files.readAllLines(outputs);
        assertEquals(1, lines.size());
        JsonObject o = JsonParser.parseString(lines.getFirst()).getAsJsonObject();
        assertEquals("size", o.get("id").getAsString());
        int holeStart = o.get("holeStart").getAsInt();
        assertEquals(5, o.get("holeLength").getAsInt());
        int[] canvas = o.getAsJsonArray("canvas").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
        try (LoadedModel m = LoadedModel.open(Path.of(MODEL), "reference")) {
            int[] lead = m.encode(prefix);
            int[] tail = m.encode(suffix);
            assertEquals(holeStart + 5 + tail.length, canvas.length);
            assertTrue(holeStart >= lead.length && holeStart <= lead.length + 1, "the prefix, after a BOS if any");
            assertEquals(java.util.Arrays.toString(lead),
                    java.util.Arrays.toString(java.util.Arrays.copyOfRange(canvas, holeStart - lead.length, holeStart)));
            assertEquals(java.util.Arrays.toString(tail),
                    java.util.Arrays.toString(java.util.Arrays.copyOfRange(canvas, holeStart + 5, canvas.length)));
            int end = holeStart;
            while (end < holeStart + 5 && !m.config().eosTokenIds().contains(canvas[end])) {
                end++;
            }
            String completion = r.json().getAsJsonArray("perCase").get(0).getAsJsonObject().get("completion")
                    .getAsString();
            assertEquals(completion, m.decode(java.util.Arrays.copyOfRange(canvas, holeStart, end)));
        }

        Run bad = run("eval", "--model", MODEL, "--backend", "reference", "--cases", cases.toString(),
                "--outputs", tmp.resolve("no-such-folder/out.jsonl").toString());
        assertEquals(2, bad.exit, bad.out);
        assertTrue(bad.err.contains("cannot write --outputs") && bad.err.contains("no-such-folder"), bad.err);
    }

    /**
     * A case longer than the model's positions (this fixture takes 512): its far text is cut (see
     * CanvasFitTest) and the case is still scored and counted as cut; a hole that cannot fit at all is
     * refused with the case's id.
     */
    @Test
    void evalCutsFarTextThatTheModelsPositionsCannotHold() throws IOException {
        String prefix = "int filler = 0;\n".repeat(200) + "public String greet(String name) {\n        return ";
        String suffix = ";\n    }\n" + "// trailing comment line\n".repeat(100);
        JsonObject c = new JsonObject();
        c.addProperty("id", "long");
        c.addProperty("prefix", prefix);
        c.addProperty("middle", "name");
        c.addProperty("suffix", suffix);
        JsonObject shortCase = c.deepCopy();
        shortCase.addProperty("id", "short");
        shortCase.addProperty("prefix", "public String greet(String name) {\n        return ");
        shortCase.addProperty("suffix", ";\n    }\n");
        Path cases = Files.writeString(tmp.resolve("long.jsonl"), c + "\n" + shortCase + "\n");

        Run r = run("eval", "--model", MODEL, "--backend", "cpu", "--cases", cases.toString(), "--json");
        assertEquals(0, r.exit, r.err);
        assertEquals(2, r.json().get("cases").getAsInt());
        assertEquals(1, r.json().get("truncatedCases").getAsInt(), "only the long case is cut");

        Run tooLong = run("eval", "--model", MODEL, "--backend", "cpu", "--cases", cases.toString(), "--length", "600");
        assertEquals(2, tooLong.exit);
        assertTrue(tooLong.err.contains("case long: the model takes at most 512 positions"), tooLong.err);
    }

    @Test
    void aBadCaseLineNamesTheFileAndLine() throws IOException {
        Path cases = Files.writeString(tmp.resolve("bad.jsonl"),
                "{\"id\":\"a\",\"prefix\":\"x\",\"middle\":\"y\",\"suffix\":\"z\"}\n{\"id\":\"b\",\"prefix\":\"x\"}\n");
        Run r = run("eval", "--model", MODEL, "--cases", cases.toString());
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("bad.jsonl line 2 has no \"middle\""), r.err);
        Path notJson = Files.writeString(tmp.resolve("worse.jsonl"), "{\"id\": \n");
        assertTrue(run("eval", "--model", MODEL, "--cases", notJson.toString()).err.contains("worse.jsonl line 1 is not valid JSON"));
    }

    @Test
    void benchEngineComparesDiffusionArCachesAndTorch() {
        Run r = run("bench", "engine", "--model", MODEL, "--backend", "cpu", "--tokens", "16", "--runs", "1",
                "--forward-tokens", "64", "--json");
        assertEquals(0, r.exit, r.err);
        JsonObject j = r.json();
        assertTrue(j.get("diffusionVsArSpeedup").getAsDouble() > 0);
        assertEquals(16, j.getAsJsonObject("ar").get("forwards").getAsInt(), "the AR baseline: one token per forward");
        assertEquals(16, j.getAsJsonObject("diffusion").get("tokens").getAsInt(), "EOS ignored: the full length");
        for (String mode : new String[] {"diffusion", "ar"}) {
            double repeated = j.getAsJsonObject(mode).get("repeatedPairs").getAsDouble();
            assertTrue(repeated >= 0 && repeated <= 1, mode + ": " + r.out);
        }
        JsonObject caches = j.getAsJsonObject("caches");
        for (String mode : new String[] {"none", "prefix", "dual"}) {
            assertTrue(caches.has(mode), mode);
        }
        assertEquals(1.0, caches.getAsJsonObject("none").get("agreementWithNone").getAsDouble());
        assertTrue(caches.getAsJsonObject("dual").get("rowsPerForward").getAsDouble()
                < caches.getAsJsonObject("none").get("rowsPerForward").getAsDouble());
        var speedup = j.get("cpuVsTorchSpeedup").getAsJsonPrimitive();
        assertTrue(speedup.isNumber() || speedup.getAsString().equals("unavailable"), r.out);
        if (speedup.isString()) {
            assertTrue(j.getAsJsonObject("forward").has("reason"));
        }
    }

    /**
     * The sidecar benchmark end to end through the real gRPC server, on a tiny model: every concurrency
     * level with one speedup per side-by-side pair, the median as {@code batchingSpeedup16}, and the typing
     * and exact-match parts.
     */
    @Test
    void benchSidecarRepeatsEachLevelAndReportsTheMedianPair() {
        Run r = run("bench", "sidecar", "--model", MODEL, "--backend", "cpu", "--tokens", "4", "--repeats", "3",
                "--keystrokes", "2", "--eval-cases", "1", "--json");
        assertEquals(0, r.exit, r.err);
        JsonObject j = r.json();
        var levels = j.getAsJsonArray("batching");
        assertEquals(3, levels.size(), "concurrency 1, 4 and 16");
        for (var level : levels) {
            var runs = level.getAsJsonObject().getAsJsonArray("speedupRuns");
            assertEquals(3, runs.size(), "one speedup per pair");
            double[] sorted = new double[3];
            for (int i = 0; i < 3; i++) {
                sorted[i] = runs.get(i).getAsDouble();
            }
            java.util.Arrays.sort(sorted);
            assertEquals(sorted[1], level.getAsJsonObject().get("speedup").getAsDouble(), 1e-9, "the median pair");
        }
        assertEquals(levels.get(2).getAsJsonObject().get("speedup").getAsDouble(),
                j.get("batchingSpeedup16").getAsDouble(), 1e-9);
        assertEquals(2, j.getAsJsonObject("typing").get("keystrokes").getAsInt());
        assertEquals(1, j.getAsJsonObject("eval").get("cases").getAsInt());
    }

    @Test
    void benchSidecarRefusesEmptyWorkloads() {
        Run r = run("bench", "sidecar", "--model", MODEL, "--tokens", "0");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("--tokens and --repeats must be at least 1, got 0 and 3"), r.err);
        Run k = run("bench", "sidecar", "--model", MODEL, "--keystrokes", "-1");
        assertEquals(2, k.exit);
        assertTrue(k.err.contains("--keystrokes and --eval-cases must be 0 (skip that part) or more"), k.err);
    }

    @Test
    void benchKernelsTimesEveryProductAndTheAttentionWorkloads() {
        Run r = run("bench", "kernels", "--model", MODEL, "--rows", "1,5", "--keys", "20", "--runs", "1", "--json");
        assertEquals(0, r.exit, r.err);
        JsonObject j = r.json();
        assertTrue(j.get("lanes").getAsInt() >= 1 && j.get("tileRows").getAsInt() >= 6, r.out);
        var matmul = j.getAsJsonArray("matmul");
        assertEquals(2, matmul.size(), "one entry per --rows value");
        assertEquals(5, matmul.get(1).getAsJsonObject().get("rows").getAsInt());
        // qwen2-gqa-f32 (untied): seven matrices a layer and the head; the embedding table is only gathered.
        int layers = dev.quicksilver.model.ModelConfig.read(Fixtures.model("qwen2-gqa-f32")).numLayers();
        assertEquals(7 * layers + 1, matmul.get(1).getAsJsonObject().get("products").getAsInt());
        assertTrue(matmul.get(1).getAsJsonObject().get("ms").getAsDouble() > 0);
        assertTrue(matmul.get(1).getAsJsonObject().has("gflops")); // rounds to 0 on this tiny model when cold
        var attention = j.getAsJsonArray("attention");
        assertEquals(3, attention.size(), "a denoising step, an AR step, 16 denoising steps");
        assertEquals(16, attention.get(2).getAsJsonObject().get("canvases").getAsInt());
        assertEquals(33, attention.get(0).getAsJsonObject().get("keys").getAsInt(), "at least the window's own keys");

        // --weights int8: the same products on the int8 copies (down_proj's 120 inputs stay f32), side by side.
        Run int8 = run("bench", "kernels", "--model", MODEL, "--rows", "1,5", "--keys", "20", "--runs", "1", "--json",
                "--weights", "int8");
        assertEquals(0, int8.exit, int8.err);
        JsonObject level = int8.json().getAsJsonArray("matmul").get(0).getAsJsonObject();
        assertEquals(7 * layers + 1, level.getAsJsonObject("int8").get("products").getAsInt());
        assertTrue(level.get("int8Speedup").getAsDouble() > 0, int8.out);

        Run bad = run("bench", "kernels", "--model", MODEL, "--rows", "0");
        assertEquals(2, bad.exit);
        assertTrue(bad.err.contains("every --rows value must be at least 1"), bad.err);
        Run cuda = run("bench", "kernels", "--model", MODEL, "--backend", "cuda");
        assertEquals(2, cuda.exit);
        assertTrue(cuda.err.contains("times the cpu backend only"), cuda.err);
    }

    @Test
    void bareBenchAsksWhichBenchmark() {
        Run r = run("bench");
        assertEquals(2, r.exit);
        assertTrue(r.err.contains("bench engine"), r.err);
    }
}
