package dev.quicksilver.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.AttentionJob;
import dev.quicksilver.tensor.AttentionShape;
import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.tensor.WeightFormat;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.tensor.WeightTensor;
import dev.quicksilver.transformer.ModelLoader;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench kernels}: the cpu backend's two big kernels on a model's real weights and shapes, without
 * the decoder around them, so a kernel change can be timed on its own (the engine and sidecar benchmarks
 * time whole requests).
 *
 * <p>Products: every matrix of the model (the layers' projections, then the tied or untied head) applied to
 * {@code rows} activation rows, all of them once per timed run, as one forward does; reported as the median
 * time, GFLOP/s, time per row, and the weights' bytes over the time (a 1-row product streams the weights, so
 * that is the memory bandwidth it gets). With {@code --weights int8} the same products also run on the int8
 * copies of the matrices the loader would quantize, alternating with the checkpoint's at each row count,
 * and the ratio is printed. Attention: every layer's call for a denoising step (33 queries, own
 * window rows, over {@code keys} cached keys), an autoregressive step (1 query) and a batch of 16 steps.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "The cpu backend's matmul and attention on the model's weights and shapes.")
public final class KernelBenchCommand implements Callable<Integer> {

    @Option(names = "--rows", paramLabel = "N,N...", split = ",", defaultValue = "1,3,33,132,528",
            description = "Activation row counts of the products (default ${DEFAULT-VALUE}).")
    int[] rows;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "450",
            description = "Cached keys of the attention calls (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "25",
            description = "Timed runs per measurement, after as many untimed (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (runs < 1 || keys < 1 || rows.length == 0 || Arrays.stream(rows).anyMatch(r -> r < 1)) {
            throw new CliException("--runs, --keys and every --rows value must be at least 1");
        }
        modelOptions.applyThreads();
        if (!modelOptions.backend.equals("auto") && !modelOptions.backend.equals("cpu")) {
            throw new CliException("bench kernels times the cpu backend only; leave out --backend " + modelOptions.backend);
        }
        Path dir = modelOptions.requireModelDir();
        ModelConfig config = ModelConfig.read(dir);
        JsonObject result = new JsonObject();
        result.addProperty("model", config.modelId());
        try (WeightStore store = WeightStore.open(dir);
             CpuBackend backend = new CpuBackend()) {
            result.addProperty("threads", backend.threads());
            result.addProperty("lanes", CpuBackend.lanes());
            result.addProperty("tileRows", CpuBackend.tileRows());
            List<WeightTensor> checkpoint = matrices(store, config);
            if (modelOptions.weightFormat() == WeightFormat.INT8) {
                ModelLoader.quantizeToInt8(store, config);
                // As the model would: a tied head multiplies by its int8 copy, not by the embedding table.
                List<WeightTensor> int8 = matrices(store, config).stream()
                        .map(w -> w.name().equals(ModelLoader.embeddingName(config)) ? store.tiedHead().orElse(w) : w)
                        .toList();
                result.add("matmul", benchProducts(backend, checkpoint, int8));
            } else {
                result.add("matmul", benchProducts(backend, checkpoint, null));
            }
            result.add("attention", benchAttention(backend, config));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.GSON.toJson(result));
        } else {
            print(out, result);
        }
        return 0;
    }

    /**
     * Every matrix a forward multiplies by, in name order: the projections of every layer and the head (the
     * embedding table where the head is tied to it; an untied model's table is only gathered).
     */
    private static List<WeightTensor> matrices(WeightStore store, ModelConfig config) {
        List<WeightTensor> matrices = new ArrayList<>();
        for (Map.Entry<String, WeightTensor> e : new TreeMap<>(store.all()).entrySet()) {
            // An untied model's embedding table is gathered, never multiplied: not a product of a forward.
            boolean untiedEmbedding = !config.tiedEmbeddings() && e.getKey().equals(ModelLoader.embeddingName(config));
            if (e.getValue().shape().length == 2 && !untiedEmbedding) {
                matrices.add(e.getValue());
            }
        }
        return matrices;
    }

    /** Every product at each row count; with {@code int8} non-null, those too, right after, and the ratio. */
    private JsonArray benchProducts(CpuBackend backend, List<WeightTensor> matrices, List<WeightTensor> int8) {
        int maxIn = 0;
        int maxOut = 0;
        long elements = 0;
        for (WeightTensor w : matrices) {
            maxIn = Math.max(maxIn, w.cols());
            maxOut = Math.max(maxOut, w.rows());
            elements += w.elementCount();
        }
        JsonArray levels = new JsonArray();
        Random random = new Random(1);
        for (int n : rows) {
            float[] x = new float[Math.multiplyExact(n, maxIn)];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat() - 0.5f;
            }
            float[] y = new float[Math.multiplyExact(n, maxOut)];
            JsonObject o = productLevel(backend, matrices, x, n, y, elements);
            if (int8 != null) {
                JsonObject q = productLevel(backend, int8, x, n, y, elements);
                o.add("int8", q);
                o.addProperty("int8Speedup", Json.round(o.get("ms").getAsDouble() / q.get("ms").getAsDouble(), 2));
            }
            levels.add(o);
        }
        return levels;
    }

    private JsonObject productLevel(CpuBackend backend, List<WeightTensor> matrices, float[] x, int n, float[] y,
                                    long elements) {
        long weightBytes = 0;
        for (WeightTensor w : matrices) {
            weightBytes += w.data().byteSize() + (w.scales() == null ? 0 : w.scales().byteSize());
        }
        double ms = medianMs(() -> {
            for (WeightTensor w : matrices) {
                backend.matmul(x, n, w, null, y);
            }
        });
        JsonObject o = new JsonObject();
        o.addProperty("rows", n);
        o.addProperty("products", matrices.size());
        o.addProperty("ms", Json.round(ms, 3));
        o.addProperty("gflops", Json.round(2.0 * n * elements / ms / 1e6, 1));
        o.addProperty("msPerRow", Json.round(ms / n, 4));
        o.addProperty("weightGBps", Json.round(weightBytes / ms / 1e6, 1));
        return o;
    }

    private JsonArray benchAttention(CpuBackend backend, ModelConfig config) {
        AttentionShape shape = new AttentionShape(config.numHeads(), config.numKvHeads(), config.headDim());
        JsonArray cases = new JsonArray();
        List<AttentionWorkload> workloads = List.of(new AttentionWorkload("denoising step", 33, 1),
                new AttentionWorkload("autoregressive step", 1, 1), new AttentionWorkload("16 denoising steps", 33, 16));
        Random random = new Random(2);
        try (Arena arena = Arena.ofShared()) { // the backend's workers read the keys
            for (AttentionWorkload workload : workloads) {
                int nQ = workload.queries();
                int canvases = workload.canvases();
                int nKeys = Math.max(keys, nQ);
                float[] q = randoms(random, canvases * nQ * shape.qDim());
                float[] ownKeys = randoms(random, canvases * nQ * shape.kvDim());
                float[] ownValues = randoms(random, canvases * nQ * shape.kvDim());
                List<AttentionJob> jobs = new ArrayList<>();
                for (int c = 0; c < canvases; c++) {
                    MemorySegment k = randomSegment(arena, random, (long) nKeys * shape.kvDim());
                    MemorySegment v = randomSegment(arena, random, (long) nKeys * shape.kvDim());
                    // The window sits in the middle of the cached keys, as a block does in a canvas.
                    jobs.add(new AttentionJob(c * nQ, nQ, (nKeys - nQ) / 2, k, v, nKeys, ownKeys, ownValues));
                }
                float[] out = new float[q.length];
                double ms = medianMs(() -> {
                    for (int layer = 0; layer < config.numLayers(); layer++) {
                        backend.attention(q, out, jobs, shape, false);
                    }
                });
                JsonObject o = new JsonObject();
                o.addProperty("workload", workload.name());
                o.addProperty("queries", nQ);
                o.addProperty("canvases", canvases);
                o.addProperty("keys", nKeys);
                o.addProperty("layers", config.numLayers());
                o.addProperty("ms", Json.round(ms, 3));
                cases.add(o);
            }
        }
        return cases;
    }

    /** One attention call per layer: {@code canvases} canvases of {@code queries} queries each. */
    private record AttentionWorkload(String name, int queries, int canvases) {}

    private double medianMs(Runnable body) {
        for (int i = 0; i < runs; i++) {
            body.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return EngineBenchCommand.median(ms);
    }

    private static float[] randoms(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        return a;
    }

    private static MemorySegment randomSegment(Arena arena, Random random, long floats) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat() - 0.5f);
        }
        return s;
    }

    private static void printLevel(PrintWriter out, String label, JsonObject o) {
        out.printf("  %6d %10.3f %9.1f %11.4f %12.1f  %s%n", o.get("rows").getAsInt(), o.get("ms").getAsDouble(),
                o.get("gflops").getAsDouble(), o.get("msPerRow").getAsDouble(), o.get("weightGBps").getAsDouble(), label);
    }

    private static void print(PrintWriter out, JsonObject r) {
        out.printf("model %s, cpu backend: %d threads, %d float lanes, %d-row micro-kernel tiles%n",
                r.get("model").getAsString(), r.get("threads").getAsInt(), r.get("lanes").getAsInt(),
                r.get("tileRows").getAsInt());
        out.println("every product of one forward, median:");
        out.printf("  %6s %10s %9s %11s %12s%n", "rows", "ms", "GFLOP/s", "ms per row", "weights GB/s");
        for (var e : r.getAsJsonArray("matmul")) {
            JsonObject o = e.getAsJsonObject();
            printLevel(out, "", o);
            if (o.has("int8")) {
                printLevel(out, String.format("int8: %.2fx", o.get("int8Speedup").getAsDouble()),
                        o.getAsJsonObject("int8"));
            }
        }
        out.println("attention, every layer, median:");
        for (var e : r.getAsJsonArray("attention")) {
            JsonObject o = e.getAsJsonObject();
            out.printf("  %-20s %3d queries x %2d canvases over %d keys: %.3f ms%n", o.get("workload").getAsString(),
                    o.get("queries").getAsInt(), o.get("canvases").getAsInt(), o.get("keys").getAsInt(),
                    o.get("ms").getAsDouble());
        }
    }
}
