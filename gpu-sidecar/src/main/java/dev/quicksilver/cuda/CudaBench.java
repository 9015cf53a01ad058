package dev.quicksilver.cuda;

import dev.quicksilver.cuda.nat.CudaDriver;
import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.model.Architecture;
import dev.quicksilver.model.GenerationDefaults;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The GPU benchmark: a Dream-7B-shaped model (28 layers, hidden 3584, 28/4 heads, FFN 18944, vocabulary
 * 152064) with random bf16 weights made on the device, timed as a dual-cache denoising step at batch 1
 * (a block of {@code --block} positions against a cache of the canvas), and compared with the
 * weight-read roofline: weight bytes over the device-to-device bandwidth measured on the same card.
 *
 * <p>Usage: {@code java ... dev.quicksilver.cuda.CudaBench [--layers N] [--canvas T] [--block B]
 * [--iters N] [--out file.json]}. Prints a short table and writes the numbers as JSON.
 */
public final class CudaBench {

    private CudaBench() {}

    public static void main(String[] args) throws Exception {
        int layers = 28;
        int canvas = 512;
        int block = 32;
        int iters = 30;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--layers" -> layers = Integer.parseInt(args[++i]);
                case "--canvas" -> canvas = Integer.parseInt(args[++i]);
                case "--block" -> block = Integer.parseInt(args[++i]);
                case "--iters" -> iters = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        var why = Gpu.unavailableReason();
        if (why.isPresent()) {
            System.out.println("cuda bench skipped: " + why.get());
            return;
        }
        ModelConfig c = new ModelConfig("random-dream-7b-shape", Architecture.QWEN2_BIDIRECTIONAL, 152064, 3584, layers,
                28, 4, 128, 18944, 1_000_000.0, 1e-6, 131072, 151666, 151643, List.of(151643), 151643, -1, true, false,
                GenerationDefaults.NONE);
        try (Gpu gpu = Gpu.open(0)) {
            double bandwidth = bandwidth(gpu);
            long t0 = System.nanoTime();
            try (CudaDecoderModel model = CudaDecoderModel.random(c, gpu, 1);
                 KvCache cache = model.newCache(canvas)) {
                double initS = (System.nanoTime() - t0) / 1e9;
                int[] tokens = new java.util.Random(3).ints(canvas, 0, 150000).toArray();
                // Block start: the whole canvas forward, stored (dual cache refresh)
                int ws = canvas / 2;
                int we = Math.min(canvas, ws + block);
                int[] all = IntStream.range(0, canvas).toArray();
                List<ForwardRequest> refresh = List.of(new ForwardRequest(tokens, 0, canvas, cache, true,
                        IntStream.range(ws, we).toArray()));
                double refreshMs = median(time(model, refresh, 5));
                // The step: the block against the cache, greedy picks on the device
                List<ForwardRequest> step = List.of(new ForwardRequest(tokens, ws, we, cache, false,
                        IntStream.range(ws, we).toArray()));
                double[] stepMs = time(model, step, iters);
                double stepMedian = median(stepMs);
                // No cache: the whole canvas every step (the baseline without caches)
                List<ForwardRequest> full = List.of(new ForwardRequest(tokens, 0, canvas, null, false,
                        IntStream.range(ws, we).toArray()));
                double fullMs = median(time(model, full, 5));
                double weightGb = model.weightBytes() / 1e9;
                double rooflineMs = model.weightBytes() / bandwidth * 1e3;
                double fps = 1000 / stepMedian;
                StringBuilder json = new StringBuilder();
                json.append("{\n");
                kv(json, "device", "\"" + gpu.deviceName() + "\"");
                kv(json, "layers", layers);
                kv(json, "canvas", canvas);
                kv(json, "block", block);
                kv(json, "weightGB", weightGb);
                kv(json, "bandwidthGBs", bandwidth / 1e9);
                kv(json, "rooflineMs", rooflineMs);
                kv(json, "initSeconds", initS);
                kv(json, "refreshMs", refreshMs);
                kv(json, "stepMsMedian", stepMedian);
                kv(json, "stepMsMin", Arrays.stream(stepMs).min().orElse(0));
                kv(json, "noCacheFullMs", fullMs);
                kv(json, "forwardsPerSecond", fps);
                kv(json, "rooflineFraction", rooflineMs / stepMedian);
                kv(json, "tokensPerSecondK1", fps * 1);
                kv(json, "tokensPerSecondK3_25", fps * 3.25);
                kv(json, "tokensPerSecondK8", fps * 8);
                kv(json, "graphLaunches", model.graphLaunches());
                json.setLength(json.length() - 2);
                json.append("\n}\n");
                if (out != null) {
                    Files.writeString(out, json);
                }
                System.out.println(json);
                System.out.printf(Locale.ROOT, "%-34s %10s%n", "cuda (" + gpu.deviceName() + ")", "value");
                System.out.printf(Locale.ROOT, "%-34s %10.1f%n", "bandwidth GB/s (d2d, r+w)", bandwidth / 1e9);
                System.out.printf(Locale.ROOT, "%-34s %10.2f%n", "weights GB", weightGb);
                System.out.printf(Locale.ROOT, "%-34s %10.2f%n", "roofline ms/forward", rooflineMs);
                System.out.printf(Locale.ROOT, "%-34s %10.2f%n", "dual-cache step ms (median)", stepMedian);
                System.out.printf(Locale.ROOT, "%-34s %10.1f%%%n", "of roofline", 100 * rooflineMs / stepMedian);
                System.out.printf(Locale.ROOT, "%-34s %10.1f%n", "forwards/s", fps);
                System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %10.1f%n", "tokens/s k=1, 3.25, 8", fps, fps * 3.25, fps * 8);
                System.out.printf(Locale.ROOT, "%-34s %10.2f%n", "refresh (whole canvas) ms", refreshMs);
                System.out.printf(Locale.ROOT, "%-34s %10.2f%n", "no-cache whole canvas ms", fullMs);
            }
        }
    }

    private static double[] time(CudaDecoderModel model, List<ForwardRequest> batch, int iters) {
        model.forwardGreedy(batch, AttentionKind.BIDIRECTIONAL); // eager
        model.forwardGreedy(batch, AttentionKind.BIDIRECTIONAL); // captured
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t = System.nanoTime();
            model.forwardGreedy(batch, AttentionKind.BIDIRECTIONAL);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }

    /** Device-to-device copy of 2 GiB, bytes read plus written over the median event time, in bytes/s. */
    private static double bandwidth(Gpu gpu) {
        return gpu.thread().call(() -> {
            CudaDriver d = gpu.driver();
            long bytes = 2L << 30;
            long a = d.memAlloc(bytes);
            long b = d.memAlloc(bytes);
            MemorySegment start = d.eventCreate(CudaDriver.CU_EVENT_DEFAULT);
            MemorySegment end = d.eventCreate(CudaDriver.CU_EVENT_DEFAULT);
            try {
                d.memsetD32Async(a, 0x3F800001, bytes / 4, gpu.stream());
                double[] ms = new double[12];
                for (int i = 0; i < ms.length; i++) {
                    d.eventRecord(start, gpu.stream());
                    d.memcpyDtoDAsync(i % 2 == 0 ? b : a, i % 2 == 0 ? a : b, bytes, gpu.stream());
                    d.eventRecord(end, gpu.stream());
                    d.eventSynchronize(end);
                    ms[i] = d.eventElapsedTime(start, end);
                }
                return 2.0 * bytes / (median(Arrays.copyOfRange(ms, 2, ms.length)) / 1e3);
            } finally {
                d.eventDestroy(start);
                d.eventDestroy(end);
                d.memFree(a);
                d.memFree(b);
            }
        });
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void kv(StringBuilder json, String key, Object value) {
        String v = value instanceof Double dv ? String.format(Locale.ROOT, "%.4f", dv) : String.valueOf(value);
        json.append("  \"").append(key).append("\": ").append(v).append(",\n");
    }
}
