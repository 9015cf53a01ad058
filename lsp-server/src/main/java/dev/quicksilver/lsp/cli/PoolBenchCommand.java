package dev.quicksilver.lsp.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quicksilver.client.DenoiseRequestSpec;
import dev.quicksilver.client.DenoiseResult;
import dev.quicksilver.client.SidecarClient;
import dev.quicksilver.client.SpawnOptions;
import dev.quicksilver.client.StateListener;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.protocol.v1.CacheStats;
import dev.quicksilver.protocol.v1.Canvas;
import dev.quicksilver.protocol.v1.ContextSegment;
import dev.quicksilver.protocol.v1.DecodeOptions;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench pool}: what routing by context buys a pool of sidecars. Several users type in different files
 * at once (their keystrokes interleaved in a seeded random order, one request at a time so that latencies measure the cache, not the
 * CPU share), against {@code --replicas} sidecars started for the run, twice: with the client's context
 * affinity (each user's requests on the replica that has their context cached) and with gRPC's round_robin
 * (each request on the next replica). Each run starts fresh replicas, so both begin with cold stores; each
 * user's first keystroke is not timed. Reported per policy and store budget: the stores' chunk hit rate, the
 * share of context positions whose keys and values came from a store, evictions, and p50/p95 latency.
 */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = "A pool of sidecars: requests routed by context (affinity) against round_robin, side by side: store hit rate, reuse and latency.")
public final class PoolBenchCommand implements Callable<Integer> {

    @Option(names = "--replicas", defaultValue = "2", description = "Sidecars in the pool (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--users", defaultValue = "6", description = "Users typing at once, each in another file (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--keystrokes", defaultValue = "10", description = "Keystrokes per user (default ${DEFAULT-VALUE}).")
    int keystrokes;

    @Option(names = "--kv-cache-mb", split = ",", defaultValue = "512,18",
            description = "Store budgets per replica to run at, comma-separated (default ${DEFAULT-VALUE}: roomy, and one"
                    + " where a replica holds about half the users' contexts of the embedded model).")
    List<Integer> budgetsMb;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: the embedded model).")
    Path model;

    @Option(names = "--backend", defaultValue = "cpu", description = "Backend of the replicas (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    /** One user's typing: a context segment (the start of another file), then a prefix that grows. */
    record User(ContextSegment context, String source, int prefixFrom, int cursor, String suffix) {
        DenoiseRequest request(int keystroke) {
            Canvas canvas = Canvas.newBuilder().addContext(context)
                    .setPrefix(source.substring(prefixFrom, cursor + keystroke))
                    .addSpans(Span.newBuilder().setMaxTokens(16)).setSuffix(suffix).build();
            return DenoiseRequest.newBuilder().addCanvases(canvas)
                    .setOptions(DecodeOptions.newBuilder().setFitToModel(true)).build();
        }
    }

    record Run(String policy, int budgetMb, List<Double> latencies, double hitRate, double reused, long evictions) {
        double p(double q) {
            List<Double> s = new ArrayList<>(latencies);
            Collections.sort(s);
            return s.isEmpty() ? 0 : s.get(Math.min(s.size() - 1, (int) Math.floor(q * s.size())));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (replicas < 2) throw new IllegalArgumentException("--replicas must be at least 2 (a pool); got " + replicas);
        if (users < 1 || keystrokes < 1) throw new IllegalArgumentException("--users and --keystrokes must be at least 1");
        for (int mb : budgetsMb) {
            if (mb < 1) throw new IllegalArgumentException("--kv-cache-mb values must be at least 1; got " + mb);
        }
        Path home = ServerSettings.home();
        Path jar = home.resolve("gpu-sidecar/target/gpu-sidecar.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("the sidecar jar " + jar + " does not exist; build it with ./quicksilver build");
        Path modelDir = model != null ? model.toAbsolutePath().normalize() : home.resolve("models/quicksilver-coder-mini");
        List<User> typists = users(home);
        List<Run> runs = new ArrayList<>();
        for (int mb : budgetsMb) {
            for (boolean affinity : new boolean[] {true, false}) {
                Run r = run(jar, modelDir, home, typists, mb, affinity);
                runs.add(r);
                if (!json) System.err.printf(Locale.ROOT, "  %s at %d MiB: hit rate %.3f, p50 %.0f ms%n", r.policy(), mb, r.hitRate(), r.p(0.5));
            }
        }
        print(runs, modelDir);
        return 0;
    }

    /** The sidecar's own sources: user u types in the middle of file u, with the start of file u+1 as context. */
    private List<User> users(Path home) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(home.resolve("gpu-sidecar/src/main/java"))) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            String t = Files.readString(f);
            if (t.length() >= 4000) texts.add(t);
        }
        if (texts.size() < users + 1) {
            throw new IllegalArgumentException("--users " + users + " needs " + (users + 1) + " source files of 4000+ characters; "
                    + texts.size() + " found under gpu-sidecar/src/main/java");
        }
        List<User> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String source = texts.get(u);
            int cursor = source.indexOf('\n', source.length() / 2) + 1;
            int prefixFrom = source.lastIndexOf('\n', Math.max(0, cursor - 600)) + 1;
            String suffix = source.substring(cursor + keystrokes, Math.min(source.length(), cursor + keystrokes + 200));
            String context = texts.get(u + 1);
            out.add(new User(ContextSegment.newBuilder().setPath("Context" + u + ".java")
                    .setText(context.substring(0, Math.min(context.length(), 600))).build(), source, prefixFrom, cursor, suffix));
        }
        return out;
    }

    private Run run(Path jar, Path modelDir, Path home, List<User> typists, int budgetMb, boolean affinity) throws Exception {
        String token = token();
        List<SidecarClient> pool = new ArrayList<>();
        try {
            for (int i = 0; i < replicas; i++) {
                pool.add(SidecarClient.spawn(SpawnOptions.builder().sidecarJar(jar).quicksilverHome(home).token(token)
                        .sidecarArgs("--model=" + modelDir, "--backend=" + backend, "--kv-cache-mb=" + budgetMb).build()));
            }
            List<String> addresses = new ArrayList<>();
            for (SidecarClient c : pool) {
                c.awaitReady(Duration.ofSeconds(120));
                addresses.add(c.address());
            }
            List<Double> latencies = new ArrayList<>();
            long reused = 0;
            long contextTokens = 0;
            try (SidecarClient client = SidecarClient.connect(String.join(",", addresses), token,
                    StateListener.NONE, affinity)) {
                client.awaitReady(Duration.ofSeconds(30));
                for (int k = 0; k <= keystrokes; k++) {
                    // Users type at their own pace: each round in another (seeded) order, the same under both
                    // policies. A fixed order would alias with round_robin's turns (with 4 users on 2 replicas,
                    // every user would meet the same replica each round, as if routed by affinity).
                    List<User> round = new ArrayList<>(typists);
                    Collections.shuffle(round, new Random(k));
                    for (User u : round) {
                        long t0 = System.nanoTime();
                        DenoiseResult r = client.denoise(DenoiseRequestSpec.of(u.request(k), Duration.ofSeconds(120)))
                                .get(150, TimeUnit.SECONDS);
                        if (k == 0) continue; // a user's first keystroke is cold under either policy
                        latencies.add((System.nanoTime() - t0) / 1e6);
                        reused += r.stats().getContextTokensReused();
                        contextTokens += r.stats().getContextTokens();
                    }
                }
            }
            long hits = 0;
            long misses = 0;
            long evictions = 0;
            for (SidecarClient c : pool) {
                CacheStats s = c.info().get(30, TimeUnit.SECONDS).getCache();
                hits += s.getHits();
                misses += s.getMisses();
                evictions += s.getEvictions();
            }
            return new Run(affinity ? "context affinity" : "round_robin", budgetMb, latencies,
                    hits + misses == 0 ? 0 : (double) hits / (hits + misses),
                    contextTokens == 0 ? 0 : (double) reused / contextTokens, evictions);
        } finally {
            for (SidecarClient c : pool) c.close();
        }
    }

    private static String token() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void print(List<Run> runs, Path modelDir) {
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("date", LocalDate.now().toString());
            o.addProperty("model", modelDir.getFileName().toString());
            o.addProperty("backend", backend);
            o.addProperty("replicas", replicas);
            o.addProperty("users", users);
            o.addProperty("keystrokes", keystrokes);
            JsonArray a = new JsonArray();
            for (Run r : runs) {
                JsonObject j = new JsonObject();
                j.addProperty("policy", r.policy());
                j.addProperty("kvCacheMb", r.budgetMb());
                j.addProperty("hitRate", Math.round(r.hitRate() * 1000) / 1000.0);
                j.addProperty("contextReused", Math.round(r.reused() * 1000) / 1000.0);
                j.addProperty("evictions", r.evictions());
                j.addProperty("p50Ms", Math.round(r.p(0.5) * 10) / 10.0);
                j.addProperty("p95Ms", Math.round(r.p(0.95) * 10) / 10.0);
                a.add(j);
            }
            o.add("runs", a);
            for (int i = 0; i + 1 < runs.size(); i += 2) {
                o.addProperty("affinityLatencySpeedupP50At" + runs.get(i).budgetMb() + "Mb",
                        Math.round(runs.get(i + 1).p(0.5) / runs.get(i).p(0.5) * 100) / 100.0);
            }
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
            return;
        }
        System.out.printf(Locale.ROOT, "bench pool: %d replicas (%s backend, %s), %d users x %d keystrokes, one request at a time%n",
                replicas, backend, modelDir.getFileName(), users, keystrokes);
        System.out.printf(Locale.ROOT, "%-18s %8s %9s %9s %10s %8s %8s%n", "policy", "store", "hit rate", "reused", "evictions", "p50 ms", "p95 ms");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%-18s %5d MiB %9.3f %9.3f %10d %8.1f %8.1f%n", r.policy(), r.budgetMb(), r.hitRate(),
                    r.reused(), r.evictions(), r.p(0.5), r.p(0.95));
        }
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            System.out.printf(Locale.ROOT, "at %d MiB: affinity p50 is %.2fx lower than round_robin's%n", runs.get(i).budgetMb(),
                    runs.get(i + 1).p(0.5) / runs.get(i).p(0.5));
        }
    }
}
