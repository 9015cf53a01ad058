package dev.quicksilver.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quicksilver.decode.CacheMode;
import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.DecodeStats;
import dev.quicksilver.decode.Decoder;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.Backends;
import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.LanguageModel;
import dev.quicksilver.transformer.ModelLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench engine}: on one model and one output length, side by side in one run,
 * (a) diffusion (threshold 0.9, block 32, dual cache) against the autoregressive baseline with its KV cache,
 * (b) the three cache modes, and (c) one forward of the cpu backend against PyTorch on the CPU, same
 * weights, same shape, same thread count.
 *
 * <p>Every decode runs greedy with EOS ignored, so all of them produce exactly {@code --tokens} tokens and
 * tokens per second compare like with like. Every configuration runs once before any is timed (JIT,
 * thread pool), then each is reported as the median of {@code --runs} runs.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Diffusion vs autoregressive, the cache modes, and the cpu backend vs PyTorch.")
public final class EngineBenchCommand implements Callable<Integer> {

    /** A fixed Java prompt, so runs on the same model are comparable. */
    static final String PROMPT = """
            import java.util.ArrayList;
            import java.util.List;

            public final class Inventory {
                private final List<String> items = new ArrayList<>();

                public void add(String item) {
                    items.add(item);
                }

                public int count() {
            """;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "64", description = "Output length (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Timed runs per measurement (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--forward-tokens", paramLabel = "T", defaultValue = "256",
            description = "Canvas length of the single-forward comparison (default ${DEFAULT-VALUE}).")
    int forwardTokens;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "/usr/bin/python3",
            description = "Python with PyTorch for the forward comparison (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Spec
    CommandSpec spec;

    /** The median run of one decoding configuration. */
    record Measured(String name, DecodeStats stats, double medianMs, int[] output, double repeatedPairs) {
        double tokensPerSecond() {
            return stats.tokensCommitted() * 1000.0 / medianMs;
        }

        JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("decoding", name);
            o.addProperty("tokensPerSecond", Json.round(tokensPerSecond(), 2));
            o.addProperty("medianMs", Json.round(medianMs, 2));
            o.addProperty("forwards", stats.forwards());
            o.addProperty("tokens", stats.tokensCommitted());
            o.addProperty("tokensPerForward", Json.round(stats.tokensPerForward(), 3));
            o.addProperty("msPerForward", Json.round(stats.msPerForward(), 3));
            o.addProperty("rowsPerForward", Json.round(stats.rowsPerForward(), 1));
            o.addProperty("repeatedPairs", Json.round(repeatedPairs, 4));
            return o;
        }
    }

    @Override
    public Integer call() {
        if (tokens < 1 || runs < 1 || forwardTokens < 1) {
            throw new CliException("--tokens, --runs and --forward-tokens must be at least 1");
        }
        JsonObject result = new JsonObject();
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            result.addProperty("model", loaded.config().modelId());
            result.addProperty("backend", loaded.model().backendName());
            result.addProperty("weights", loaded.weights().label());
            result.addProperty("tokens", tokens);
            result.addProperty("runs", runs);
            CanvasRequest diffusionCanvas = loaded.canvas(PROMPT, tokens, "", DecodeMode.DIFFUSION);
            CanvasRequest arCanvas = loaded.canvas(PROMPT, tokens, "", DecodeMode.AUTOREGRESSIVE);
            DecodeOptions fast = DecodeOptions.defaults().withStopAtEos(false); // threshold 0.9, block 32, dual

            DecodeOptions arOptions = fast.withMode(DecodeMode.AUTOREGRESSIVE);
            // Warm every configuration up before timing any, so the first measured is not the one that pays
            // for the JIT and the thread pool.
            Decoder.generate(loaded.model(), arOptions, arCanvas);
            for (CacheMode mode : CacheMode.values()) {
                Decoder.generate(loaded.model(), fast.withCache(mode), diffusionCanvas);
            }

            // (a) diffusion vs autoregressive
            Measured diffusion = measure(loaded.model(), fast, diffusionCanvas);
            Measured ar = measure(loaded.model(), arOptions, arCanvas);
            double speedup = diffusion.tokensPerSecond() / ar.tokensPerSecond();
            result.add("diffusion", diffusion.toJson());
            result.add("ar", ar.toJson());
            result.addProperty("diffusionVsArSpeedup", Json.round(speedup, 3));

            // (b) cache modes
            JsonObject caches = new JsonObject();
            List<Measured> cacheRuns = new ArrayList<>();
            for (CacheMode mode : CacheMode.values()) {
                Measured m = mode == CacheMode.DUAL ? diffusion : measure(loaded.model(), fast.withCache(mode), diffusionCanvas);
                cacheRuns.add(m);
                JsonObject o = m.toJson();
                o.addProperty("agreementWithNone", Json.round(agreement(m.output, cacheRuns.getFirst().output), 4));
                caches.add(mode.cliName(), o);
            }
            result.add("caches", caches);

            printDecodeTable(out, loaded, diffusion, ar, speedup, cacheRuns);
        }

        // (c) one forward: the cpu backend vs PyTorch
        JsonObject forward = benchForward(modelOptions.requireModelDir());
        result.add("forward", forward);
        if (forward.has("cpuVsTorchSpeedup")) {
            result.add("cpuVsTorchSpeedup", forward.get("cpuVsTorchSpeedup"));
        } else {
            result.addProperty("cpuVsTorchSpeedup", "unavailable");
        }
        if (json) {
            out.println(Json.GSON.toJson(result));
        } else {
            printForward(out, forward);
        }
        return 0;
    }

    private Measured measure(LanguageModel model, DecodeOptions options, CanvasRequest canvas) {
        List<Decoder.Generation> timed = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            timed.add(Decoder.generate(model, options, canvas));
        }
        timed.sort((a, b) -> Double.compare(a.stats().totalMs(), b.stats().totalMs()));
        Decoder.Generation median = timed.get(timed.size() / 2);
        int[] output = median.first().holes().getFirst().raw();
        return new Measured(options.describe(), median.stats(), median.stats().totalMs(), output,
                repeatedPairs(output, model.config()));
    }

    /**
     * {@code eval}'s repetition measure on an output with EOS ignored, its EOS and pad tokens left out: a
     * model that fills the budget with a loop ({@code , null, null, ...}) commits many tokens per forward,
     * so a speedup measured on such an output is not a faster engine, and this column says so.
     */
    static double repeatedPairs(int[] output, ModelConfig config) {
        return TextSimilarity.repeatedPairShare(Arrays.stream(output)
                .filter(t -> t != config.padTokenId() && !config.isEos(t)).toArray());
    }

    /** Fraction of positions where two outputs hold the same token. */
    static double agreement(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int same = 0;
        for (int i = 0; i < n; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return n == 0 ? 1 : (double) same / Math.max(a.length, b.length);
    }

    private JsonObject benchForward(Path dir) {
        JsonObject o = new JsonObject();
        Backend backend;
        try {
            backend = Backends.create("cpu");
        } catch (RuntimeException e) {
            o.addProperty("cpuVsTorchSpeedup", "unavailable");
            o.addProperty("reason", "the cpu backend is unavailable: " + e.getMessage());
            return o;
        }
        int threads = backend instanceof CpuBackend cpu ? cpu.threads() : 1;
        double javaMs;
        int length;
        try (LanguageModel model = ModelLoader.load(dir, backend)) {
            length = Math.min(forwardTokens, model.config().maxPositions());
            int[] canvas = new int[length];
            java.util.Random random = new java.util.Random(0);
            for (int i = 0; i < length; i++) {
                canvas[i] = random.nextInt(Math.min(model.config().vocabSize(), 256));
            }
            int[] everyPosition = java.util.stream.IntStream.range(0, length).toArray();
            List<ForwardRequest> batch = List.of(new ForwardRequest(canvas, 0, length, null, false, everyPosition));
            // Warm-up until the JIT has compiled the whole-canvas path (the sidecar is long-lived, so
            // steady state is what users get): ten forwards or two seconds, whichever comes later.
            long warmUntil = System.nanoTime() + 2_000_000_000L;
            for (int i = 0; i < 10 || System.nanoTime() < warmUntil; i++) {
                model.forward(batch, AttentionKind.BIDIRECTIONAL);
            }
            double[] ms = new double[Math.max(runs, 5)];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                model.forward(batch, AttentionKind.BIDIRECTIONAL);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            javaMs = median(ms);
            o.addProperty("shape", "1x" + length);
            o.addProperty("threads", threads);
            o.addProperty("cpuMs", Json.round(javaMs, 3));
        } finally {
            backend.close();
        }
        TorchResult torch = runTorch(dir, length, threads);
        if (torch.error != null) {
            o.addProperty("torchMs", "unavailable");
            o.addProperty("cpuVsTorchSpeedup", "unavailable");
            o.addProperty("reason", torch.error);
        } else {
            o.addProperty("torchMs", Json.round(torch.medianMs, 3));
            o.addProperty("torchVersion", torch.version);
            o.addProperty("cpuVsTorchSpeedup", Json.round(torch.medianMs / javaMs, 3));
        }
        return o;
    }

    record TorchResult(double medianMs, String version, String error) {}

    private TorchResult runTorch(Path dir, int length, int threads) {
        Path home = ModelOptions.home();
        Path script = home.resolve("gpu-sidecar/src/main/python/torch_forward_bench.py");
        Path reference = home.resolve("gpu-sidecar/src/test/python/reference_model.py");
        if (!Files.isRegularFile(script) || !Files.isRegularFile(reference)) {
            return new TorchResult(0, null, "the PyTorch scripts are not under " + home
                    + " (set QUICKSILVER_HOME to the repository root)");
        }
        List<String> command = List.of(python, script.toString(), "--model", dir.toAbsolutePath().toString(),
                "--tokens", String.valueOf(length), "--threads", String.valueOf(threads), "--runs",
                String.valueOf(Math.max(runs, 3)), "--reference", reference.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new TorchResult(0, null, "the PyTorch forward took more than 10 minutes");
            }
            String last = stdout.isEmpty() ? "" : stdout.substring(stdout.lastIndexOf('\n') + 1);
            if (last.isEmpty()) {
                return new TorchResult(0, null, "the PyTorch script printed nothing (" + firstLine(stderr) + ")");
            }
            JsonObject j = JsonParser.parseString(last).getAsJsonObject();
            if (j.has("error")) {
                return new TorchResult(0, null, j.get("error").getAsString());
            }
            return new TorchResult(j.get("median_ms").getAsDouble(), j.get("torch").getAsString(), null);
        } catch (IOException e) {
            return new TorchResult(0, null, "cannot run " + python + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TorchResult(0, null, "interrupted");
        } catch (RuntimeException e) {
            return new TorchResult(0, null, "the PyTorch script's output is not the expected JSON");
        }
    }

    private static String firstLine(String s) {
        String[] lines = s.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void printDecodeTable(PrintWriter out, LoadedModel loaded, Measured diffusion, Measured ar,
                                  double speedup, List<Measured> cacheRuns) {
        if (json) {
            return;
        }
        out.println("model " + loaded.config().modelId() + ", backend " + loaded.model().backendName() + ", "
                + tokens + " tokens, median of " + runs + " runs (EOS ignored, greedy)");
        String header = String.format(Locale.ROOT, "%-58s %9s %8s %8s %9s %9s %8s", "decoding", "tokens/s", "forwards",
                "tok/fwd", "ms/fwd", "rows/fwd", "repeats");
        out.println(header);
        for (Measured m : List.of(diffusion, ar)) {
            out.println(row(m));
        }
        out.println(String.format(Locale.ROOT, "diffusion vs ar: %.2fx tokens/s", speedup));
        out.println("(repeats: the share of an output's adjacent token pairs it already holds; a loop scores near 1,"
                + " held-out code ~0.05)");
        out.println();
        out.println(header.replace("decoding  ", "cache mode") + "  same-as-none");
        for (Measured m : cacheRuns) {
            out.println(row(m) + String.format(Locale.ROOT, "  %11.1f%%", 100 * agreement(m.output, cacheRuns.getFirst().output)));
        }
        out.println();
    }

    private static String row(Measured m) {
        return String.format(Locale.ROOT, "%-58s %9.1f %8d %8.2f %9.2f %9.1f %8.3f", m.name, m.tokensPerSecond(),
                m.stats.forwards(), m.stats.tokensPerForward(), m.stats.msPerForward(), m.stats.rowsPerForward(),
                m.repeatedPairs);
    }

    private static void printForward(PrintWriter out, JsonObject f) {
        if (f.has("cpuMs")) {
            out.println(String.format(Locale.ROOT, "one forward %s, %d threads: cpu backend %.2f ms, PyTorch %s",
                    f.get("shape").getAsString(), f.get("threads").getAsInt(), f.get("cpuMs").getAsDouble(),
                    f.get("torchMs").getAsString().equals("unavailable") ? "unavailable ("
                            + f.get("reason").getAsString() + ")" : f.get("torchMs").getAsDouble() + " ms"));
        }
        out.println("cpu vs torch: " + (f.has("reason") ? "unavailable: " + f.get("reason").getAsString()
                : f.get("cpuVsTorchSpeedup").getAsDouble() + "x"));
    }
}
