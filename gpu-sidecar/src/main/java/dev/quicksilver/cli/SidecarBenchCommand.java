package dev.quicksilver.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quicksilver.protocol.SidecarConventions;
import dev.quicksilver.protocol.v1.Canvas;
import dev.quicksilver.protocol.v1.ContextSegment;
import dev.quicksilver.protocol.v1.DecodeOptions;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.DenoiseResponse;
import dev.quicksilver.protocol.v1.InfoRequest;
import dev.quicksilver.protocol.v1.InfoResponse;
import dev.quicksilver.protocol.v1.Result;
import dev.quicksilver.protocol.v1.SidecarGrpc;
import dev.quicksilver.protocol.v1.Span;
import dev.quicksilver.server.SidecarServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench sidecar}: the sidecar end to end over real gRPC on loopback (server in this process, the
 * same code {@code serve} runs), side by side in one run:
 * <ol>
 *   <li>batching: 1, 4 and 16 concurrent requests against the same requests one at a time (tokens/s,
 *       p50/p95 latency), {@code --repeats} pairs per level, the speedup being the median of the pairs';
 *       EOS is ignored so every request writes exactly {@code --tokens} tokens;</li>
 *   <li>typing: a real Java file replayed keystroke by keystroke (prefix grows by one character, a
 *       context segment from another file in front), with the cross-request context cache off and on:
 *       latency, chunk hit rate, positions reused, and how often the two give the same completion;</li>
 *   <li>quality: exact match on held-out infill cases with the context cache off and on.</li>
 * </ol>
 */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = "Continuous batching and the context cache, through the real gRPC server.")
public final class SidecarBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--tokens", defaultValue = "32", description = "Tokens per request in the batching part (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--repeats", defaultValue = "3", description = "Batching: side-by-side pairs (one at a time, "
            + "then together) per concurrency level; the speedup is the median of the pairs' (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--keystrokes", defaultValue = "30", description = "Keystrokes replayed; 0 skips the typing part (default ${DEFAULT-VALUE}).")
    int keystrokes;

    @Option(names = "--eval-cases", defaultValue = "20", description = "Held-out cases for exact match; 0 skips (default ${DEFAULT-VALUE}).")
    int evalCases;

    @Option(names = "--kv-cache-mb", defaultValue = "512", description = "Store budget (default ${DEFAULT-VALUE}).")
    long kvCacheMb;

    static final String TYPED_FILE = "gpu-sidecar/src/main/java/dev/quicksilver/decode/DiffusionCanvas.java";
    static final String CONTEXT_FILE = "gpu-sidecar/src/main/java/dev/quicksilver/decode/CanvasRequest.java";
    static final String EVAL_FILE = "training/eval/heldout-cases.jsonl";

    /**
     * @param cpuMs the process's CPU time over the run: on a shared machine, tokens per CPU-second says
     *              what the work cost when the other tenants leave the wall clock unreliable
     */
    record Run(double wallMs, long tokens, List<Double> latencies, double cpuMs) {
        Run(double wallMs, long tokens, List<Double> latencies) {
            this(wallMs, tokens, latencies, 0);
        }

        /** Several runs as one: their wall and CPU times and tokens summed, their latencies together. */
        static Run pooled(List<Run> runs) {
            List<Double> latencies = new ArrayList<>();
            double wall = 0;
            double cpu = 0;
            long tokens = 0;
            for (Run r : runs) {
                latencies.addAll(r.latencies());
                wall += r.wallMs();
                cpu += r.cpuMs();
                tokens += r.tokens();
            }
            return new Run(wall, tokens, latencies, cpu);
        }

        double tokensPerSecond() {
            return tokens * 1000.0 / wallMs;
        }

        double p(double q) {
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        }
    }

    record Typing(Run run, double hitRate, double reusedFraction, List<String> texts) {}

    @Override
    public Integer call() throws Exception {
        if (tokens < 1 || repeats < 1) {
            throw new CliException("--tokens and --repeats must be at least 1, got " + tokens + " and " + repeats);
        }
        if (keystrokes < 0 || evalCases < 0) {
            throw new CliException("--keystrokes and --eval-cases must be 0 (skip that part) or more, got "
                    + keystrokes + " and " + evalCases);
        }
        Path home = ModelOptions.home();
        String source = read(home.resolve(TYPED_FILE));
        String context = read(home.resolve(CONTEXT_FILE));
        String token = "bench-" + System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            List<DenoiseRequest> requests = batchRequests(source);
            JsonObject result = new JsonObject();
            result.addProperty("model", loaded.dir().getFileName().toString());
            result.addProperty("backend", loaded.model().backendName());
            result.addProperty("weights", loaded.weights().label());
            result.addProperty("cores", Runtime.getRuntime().availableProcessors());
            result.addProperty("cpuThreads", loaded.cpuThreads());
            result.addProperty("tokensPerRequest", tokens);

            // 1. Batching, context cache off so that only batching differs.
            JsonArray levels = new JsonArray();
            try (SidecarServer server = SidecarServer.start(loaded, token, settings(false));
                 Stub stub = new Stub(server.port(), token)) {
                runConcurrent(stub, requests.subList(0, 4)); // JIT and thread pools warm before timing
                runSequential(stub, requests.subList(0, 2));
                for (int c : new int[] {1, 4, 16}) {
                    // Pairs side by side, repeated: a shared machine's noise moves single runs by 10-20%.
                    List<DenoiseRequest> batch = requests.subList(0, c);
                    List<Run> seqs = new ArrayList<>();
                    List<Run> concs = new ArrayList<>();
                    JsonArray speedups = new JsonArray();
                    List<Double> ratios = new ArrayList<>();
                    List<Double> cpuRatios = new ArrayList<>();
                    for (int rep = 0; rep < repeats; rep++) {
                        Run seq = runSequential(stub, batch);
                        Run conc = runConcurrent(stub, batch);
                        seqs.add(seq);
                        concs.add(conc);
                        ratios.add(conc.tokensPerSecond() / seq.tokensPerSecond());
                        cpuRatios.add(seq.cpuMs() / conc.cpuMs());
                        speedups.add(Json.round(ratios.getLast(), 2));
                    }
                    Run seq = Run.pooled(seqs);
                    Run conc = Run.pooled(concs);
                    double speedup = median(ratios);
                    JsonObject level = new JsonObject();
                    level.addProperty("concurrency", c);
                    level.addProperty("sequentialTokensPerSecond", Json.round(seq.tokensPerSecond(), 1));
                    level.addProperty("concurrentTokensPerSecond", Json.round(conc.tokensPerSecond(), 1));
                    level.addProperty("speedup", Json.round(speedup, 2));
                    level.add("speedupRuns", speedups);
                    level.addProperty("sequentialP50Ms", Json.round(seq.p(0.5), 1));
                    level.addProperty("sequentialP95Ms", Json.round(seq.p(0.95), 1));
                    level.addProperty("concurrentP50Ms", Json.round(conc.p(0.5), 1));
                    level.addProperty("concurrentP95Ms", Json.round(conc.p(0.95), 1));
                    level.addProperty("sequentialCpuS", Json.round(seq.cpuMs() / 1000, 2));
                    level.addProperty("concurrentCpuS", Json.round(conc.cpuMs() / 1000, 2));
                    level.addProperty("speedupPerCpuSecond", Json.round(median(cpuRatios), 2));
                    levels.add(level);
                    if (c == 16) {
                        result.addProperty("batchingSpeedup16", Json.round(speedup, 2));
                    }
                }
            }
            result.add("batching", levels);

            // 2. Typing simulation, context cache off then on (a fresh server each: cold store).
            if (keystrokes > 0) {
                result.add("typing", typingComparison(loaded, token, source, context));
            }

            // 3. Exact match with the context cache off and on.
            Path evalFile = home.resolve(EVAL_FILE);
            if (evalCases > 0 && Files.isRegularFile(evalFile)) {
                List<EvalCase> cases = EvalCase.read(evalFile);
                cases = cases.subList(0, Math.min(evalCases, cases.size()));
                JsonObject eval = new JsonObject();
                eval.addProperty("cases", cases.size());
                eval.addProperty("exactMatchOff", Json.round(exactMatch(loaded, token, false, cases), 4));
                eval.addProperty("exactMatchOn", Json.round(exactMatch(loaded, token, true, cases), 4));
                result.add("eval", eval);
            }

            if (json) {
                out.println(Json.GSON.toJson(result));
            } else {
                print(out, result);
            }
        }
        return 0;
    }

    private SidecarServer.Settings settings(boolean contextCache) {
        return SidecarServer.Settings.loopback(kvCacheMb, contextCache);
    }

    /**
     * Every request of this benchmark asks the sidecar to fit its canvas to the model (fit_to_model): the
     * character windows suit the embedded model, and a model with a shorter context or a more verbose
     * tokenizer gets less far text instead of refused requests.
     */
    private static DecodeOptions.Builder fitted() {
        return DecodeOptions.newBuilder().setFitToModel(true);
    }

    /** 16 completions at line starts spread over a real Java file: 600 characters before, 200 after. */
    private List<DenoiseRequest> batchRequests(String source) {
        List<DenoiseRequest> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int at = source.indexOf('\n', 700 + (int) ((long) i * (source.length() - 1200) / 16)) + 1;
            Canvas canvas = Canvas.newBuilder().setPrefix(source.substring(Math.max(0, at - 600), at))
                    .addSpans(Span.newBuilder().setMaxTokens(tokens))
                    .setSuffix(source.substring(at, Math.min(source.length(), at + 200))).build();
            out.add(DenoiseRequest.newBuilder().addCanvases(canvas).setOptions(fitted().setIgnoreEos(true)).build());
        }
        return out;
    }

    private JsonObject typingComparison(LoadedModel loaded, String token, String source, String context)
            throws IOException {
        Typing off = typing(loaded, token, false, source, context);
        Typing on = typing(loaded, token, true, source, context);
        int same = 0;
        for (int i = 0; i < off.texts().size(); i++) {
            same += off.texts().get(i).equals(on.texts().get(i)) ? 1 : 0;
        }
        JsonObject typing = new JsonObject();
        typing.addProperty("keystrokes", off.texts().size());
        typing.add("off", typingJson(off));
        typing.add("on", typingJson(on));
        typing.addProperty("latencySpeedupP50", Json.round(off.run().p(0.5) / on.run().p(0.5), 2));
        typing.addProperty("sameCompletionFraction", Json.round((double) same / off.texts().size(), 3));
        return typing;
    }

    private Typing typing(LoadedModel loaded, String token, boolean contextCache, String source, String context)
            throws IOException {
        int start = source.indexOf('\n', source.length() / 2) + 1;  // type the line that starts here
        int prefixFrom = source.lastIndexOf('\n', Math.max(0, start - 600)) + 1;
        String suffix = source.substring(start + keystrokes, Math.min(source.length(), start + keystrokes + 200));
        ContextSegment segment = ContextSegment.newBuilder().setPath(CONTEXT_FILE)
                .setText(context.substring(0, Math.min(context.length(), 600))).build();
        List<Double> latencies = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long tokensOut = 0;
        long reused = 0;
        long contextTokens = 0;
        double wall = 0;
        try (SidecarServer server = SidecarServer.start(loaded, token, settings(contextCache));
             Stub stub = new Stub(server.port(), token)) {
            InfoResponse before = stub.info();
            for (int k = 0; k <= keystrokes; k++) {
                Canvas canvas = Canvas.newBuilder().addContext(segment)
                        .setPrefix(source.substring(prefixFrom, start + k))
                        .addSpans(Span.newBuilder().setMaxTokens(16)).setSuffix(suffix).build();
                long t0 = System.nanoTime();
                Result r = stub.denoise(DenoiseRequest.newBuilder().addCanvases(canvas).setOptions(fitted()).build());
                double ms = (System.nanoTime() - t0) / 1e6;
                if (k == 0) {
                    continue; // the first keystroke is the cold start in both runs: not timed
                }
                latencies.add(ms);
                wall += ms;
                texts.add(r.getCanvases(0).getSpans(0).getText());
                tokensOut += r.getStats().getTokensCommitted();
                reused += r.getStats().getContextTokensReused();
                contextTokens += r.getStats().getContextTokens();
            }
            InfoResponse after = stub.info();
            long hits = after.getCache().getHits() - before.getCache().getHits();
            long misses = after.getCache().getMisses() - before.getCache().getMisses();
            double hitRate = hits + misses == 0 ? 0 : (double) hits / (hits + misses);
            return new Typing(new Run(wall, tokensOut, latencies), hitRate,
                    contextTokens == 0 ? 0 : (double) reused / contextTokens, texts);
        }
    }

    private double exactMatch(LoadedModel loaded, String token, boolean contextCache, List<EvalCase> cases)
            throws IOException {
        int exact = 0;
        try (SidecarServer server = SidecarServer.start(loaded, token, settings(contextCache));
             Stub stub = new Stub(server.port(), token)) {
            for (EvalCase c : cases) {
                int budget = Math.max(1, loaded.encode(c.middle()).length);
                Canvas canvas = Canvas.newBuilder().setPrefix(c.prefix())
                        .addSpans(Span.newBuilder().setMaxTokens(budget)).setSuffix(c.suffix()).build();
                Result r = stub.denoise(DenoiseRequest.newBuilder().addCanvases(canvas).setOptions(fitted()).build());
                exact += TextSimilarity.exactMatch(r.getCanvases(0).getSpans(0).getText(), c.middle()) ? 1 : 0;
            }
        }
        return (double) exact / cases.size();
    }

    private static Run runSequential(Stub stub, List<DenoiseRequest> requests) {
        List<Double> latencies = new ArrayList<>();
        long tokensOut = 0;
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (DenoiseRequest r : requests) {
            long s = System.nanoTime();
            tokensOut += tokens(stub.denoise(r));
            latencies.add((System.nanoTime() - s) / 1e6);
        }
        return new Run((System.nanoTime() - t0) / 1e6, tokensOut, latencies, (processCpuNanos() - cpu0) / 1e6);
    }

    private static Run runConcurrent(Stub stub, List<DenoiseRequest> requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<double[]>> futures = new ArrayList<>();
            for (DenoiseRequest r : requests) {
                futures.add(pool.submit(() -> {
                    go.await();
                    long s = System.nanoTime();
                    long n = tokens(stub.denoise(r));
                    return new double[] {(System.nanoTime() - s) / 1e6, n};
                }));
            }
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            go.countDown();
            List<Double> latencies = new ArrayList<>();
            long tokensOut = 0;
            for (Future<double[]> f : futures) {
                double[] v = f.get();
                latencies.add(v[0]);
                tokensOut += (long) v[1];
            }
            return new Run((System.nanoTime() - t0) / 1e6, tokensOut, latencies, (processCpuNanos() - cpu0) / 1e6);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Tokens the model committed (with EOS ignored: the whole budget), not the text kept before an EOS. */
    private static long tokens(Result r) {
        return r.getStats().getTokensCommitted();
    }

    private static double median(List<Double> values) {
        return EngineBenchCommand.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static JsonObject typingJson(Typing t) {
        JsonObject o = new JsonObject();
        o.addProperty("p50Ms", Json.round(t.run().p(0.5), 1));
        o.addProperty("p95Ms", Json.round(t.run().p(0.95), 1));
        o.addProperty("meanMs", Json.round(t.run().wallMs() / t.run().latencies().size(), 1));
        o.addProperty("chunkHitRate", Json.round(t.hitRate(), 3));
        o.addProperty("contextPositionsReused", Json.round(t.reusedFraction(), 3));
        return o;
    }

    private static void print(PrintWriter out, JsonObject r) {
        out.printf(Locale.ROOT, "sidecar bench: %s on %s, %d cores, %d tokens per request%n",
                r.get("model").getAsString(), r.get("backend").getAsString(), r.get("cores").getAsInt(),
                r.get("tokensPerRequest").getAsInt());
        out.printf(Locale.ROOT, "%-11s %12s %12s %8s %10s %10s %10s %10s %10s%n", "concurrent", "seq tok/s",
                "batch tok/s", "speedup", "seq p50", "seq p95", "batch p50", "batch p95", "cpu ratio");
        for (var e : r.getAsJsonArray("batching")) {
            JsonObject l = e.getAsJsonObject();
            out.printf(Locale.ROOT, "%-11d %12.1f %12.1f %7.2fx %8.0fms %8.0fms %8.0fms %8.0fms %9.2fx%n",
                    l.get("concurrency").getAsInt(), l.get("sequentialTokensPerSecond").getAsDouble(),
                    l.get("concurrentTokensPerSecond").getAsDouble(), l.get("speedup").getAsDouble(),
                    l.get("sequentialP50Ms").getAsDouble(), l.get("sequentialP95Ms").getAsDouble(),
                    l.get("concurrentP50Ms").getAsDouble(), l.get("concurrentP95Ms").getAsDouble(),
                    l.get("speedupPerCpuSecond").getAsDouble());
        }
        JsonObject t = r.getAsJsonObject("typing");
        if (t != null) {
            out.printf(Locale.ROOT, "typing (%d keystrokes): context cache off p50 %.0f ms p95 %.0f ms; on p50 %.0f ms "
                            + "p95 %.0f ms (%.2fx), chunk hit rate %.1f%%, context positions reused %.1f%%, same "
                            + "completion %.1f%%%n",
                    t.get("keystrokes").getAsInt(), t.getAsJsonObject("off").get("p50Ms").getAsDouble(),
                    t.getAsJsonObject("off").get("p95Ms").getAsDouble(), t.getAsJsonObject("on").get("p50Ms").getAsDouble(),
                    t.getAsJsonObject("on").get("p95Ms").getAsDouble(), t.get("latencySpeedupP50").getAsDouble(),
                    100 * t.getAsJsonObject("on").get("chunkHitRate").getAsDouble(),
                    100 * t.getAsJsonObject("on").get("contextPositionsReused").getAsDouble(),
                    100 * t.get("sameCompletionFraction").getAsDouble());
        }
        if (r.has("eval")) {
            JsonObject e = r.getAsJsonObject("eval");
            out.printf(Locale.ROOT, "exact match on %d held-out cases: context cache off %.1f%%, on %.1f%%%n",
                    e.get("cases").getAsInt(), 100 * e.get("exactMatchOff").getAsDouble(),
                    100 * e.get("exactMatchOn").getAsDouble());
        }
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(file + " is not there; run bench sidecar from the repository root or set "
                    + "QUICKSILVER_HOME");
        }
        return Files.readString(file);
    }

    /** A blocking stub with the token. */
    private static final class Stub implements AutoCloseable {
        private final ManagedChannel channel;
        private final SidecarGrpc.SidecarBlockingStub stub;

        Stub(int port, String token) {
            Metadata headers = new Metadata();
            headers.put(SidecarConventions.TOKEN_HEADER, token);
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                    .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
            stub = SidecarGrpc.newBlockingStub(channel);
        }

        Result denoise(DenoiseRequest r) {
            Result result = null;
            for (Iterator<DenoiseResponse> it = stub.denoise(r); it.hasNext(); ) {
                DenoiseResponse response = it.next();
                if (response.hasResult()) {
                    result = response.getResult();
                }
            }
            if (result == null) {
                throw new IllegalStateException("the call ended without a result");
            }
            return result;
        }

        InfoResponse info() {
            return stub.info(InfoRequest.getDefaultInstance());
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
