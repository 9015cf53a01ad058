package dev.quicksilver.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.quicksilver.client.Transport;
import dev.quicksilver.client.UserPaths;
import dev.quicksilver.client.pool.PoolTarget;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Everything the user can configure, from {@code initializationOptions} or {@code workspace/didChangeConfiguration}
 * (either at the top level or under a {@code "quicksilver"} key). Unknown keys are ignored; a bad value is an
 * {@link IllegalArgumentException} with one sentence that names the key.
 *
 * @param modelDir          the model directory the sidecar loads
 * @param sidecarAddress    {@code host:port} of a running sidecar, or a comma-separated list of them (a pool:
 *                          each request goes to the replica its context hashes to), or null to spawn one locally
 * @param sidecarJar        the gpu-sidecar jar to spawn
 * @param backend           auto, cpu, reference or cuda
 * @param maxTokens         token budget of a completion's hole
 * @param sampler           the sampler name passed to the sidecar (e.g. threshold)
 * @param threshold         confidence threshold for parallel commits
 * @param blockLength       semi-autoregressive block length
 * @param cache             none, prefix or dual
 * @param contextTokens     token budget of the context the indexer assembles
 * @param completionTimeoutMs deadline of one completion
 * @param refactorTimeoutMs deadline of one refactor batch
 * @param sidecarTokenFile  file holding the token of the sidecar at {@code sidecarAddress} (else
 *                          {@code $QUICKSILVER_SIDECAR_TOKEN}), or null
 * @param multiline         completions may run over several lines; false: a completion ends with its line (the
 *                          model decodes nothing past it, which is what keeps typing latency low)
 * @param suffixTokens      most tokens of the text after the cursor a completion's canvas takes (whole lines, at
 *                          least the rest of the cursor's line): the model recomputes all of it on every request
 * @param weights           how a spawned sidecar holds the weight matrices: checkpoint (as stored) or int8
 *                          (quantized at load: faster steps on a CPU, slightly less accurate)
 * @param threads           the cpu backend threads of a spawned sidecar; 0: its default, one per physical core
 * @param sidecarTls        how to reach {@code sidecarAddress}: {@code off} (plaintext), {@code system} (TLS, the
 *                          JDK's certificate authorities) or a PEM file of the certificates to trust (TLS)
 * @param shareSidecar      use the sidecar this user's other editors use (one model load for all; it is started if
 *                          none runs, and exits 2 minutes after the last of them), instead of one sidecar per server
 * @param completeWhileResolving completions start once the workspace's declarations are read (seconds on a large
 *                          workspace), not only once JDT has resolved every Java file; false gives every completion
 *                          the same context whatever the timing (what the one-shot headless commands use)
 * @param persistIndex      keep the resolved Java index in the user's cache folder ({@code $XDG_CACHE_HOME} or
 *                          {@code ~/.cache}, {@code quicksilver/index}) so that the next start resolves only what
 *                          changed (and what uses it)
 * @param checkCompletions  compile each Java completion in the buffer; a name it uses that does not exist there is
 *                          masked again and denoised once more with the text on both sides, and a completion that
 *                          still uses one is not shown (see {@code CompletionCheck})
 */
public record ServerSettings(Path modelDir, String sidecarAddress, Path sidecarJar, String backend, int maxTokens,
                             String sampler, double threshold, int blockLength, String cache, int contextTokens,
                             long completionTimeoutMs, long refactorTimeoutMs, Path sidecarTokenFile, boolean multiline,
                             int suffixTokens, String weights, int threads, String sidecarTls, boolean shareSidecar,
                             boolean completeWhileResolving, boolean persistIndex, boolean checkCompletions) {

    private static final Set<String> BACKENDS = Set.of("auto", "cpu", "reference", "cuda");
    private static final Set<String> CACHES = Set.of("none", "prefix", "dual");
    private static final Set<String> WEIGHTS = Set.of("checkpoint", "int8");

    /** Where the repository lives: {@code -Dquicksilver.home}, {@code $QUICKSILVER_HOME}, else two levels above this jar. */
    public static Path home() {
        String p = System.getProperty("quicksilver.home", System.getenv("QUICKSILVER_HOME"));
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath().normalize();
        try {
            Path code = Path.of(ServerSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // lsp-server/target/lsp-server.jar or lsp-server/target/classes
            Path root = code.getParent().getParent().getParent();
            if (root != null && Files.isDirectory(root.resolve("models"))) return root;
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    public static ServerSettings defaults() {
        Path home = home();
        return new ServerSettings(home.resolve("models/quicksilver-coder-mini"), null,
                home.resolve("gpu-sidecar/target/gpu-sidecar.jar"), "auto", 24, "threshold", 0.9, 32, "dual", 512,
                15_000, 120_000, null, false, 48, "checkpoint", 0, "off", false, true, true, true);
    }

    /** These settings with the keys present in {@code json} replaced. */
    public ServerSettings merge(JsonElement json) {
        if (json == null || !json.isJsonObject()) return this;
        JsonObject o = json.getAsJsonObject();
        if (o.has("quicksilver") && o.get("quicksilver").isJsonObject()) o = o.getAsJsonObject("quicksilver");
        Path model = o.has("modelDir") ? UserPaths.of(string(o, "modelDir")) : modelDir;
        String address = o.has("sidecarAddress") ? blankToNull(string(o, "sidecarAddress")) : sidecarAddress;
        if (address != null) {
            try {
                PoolTarget.validate(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sidecarAddress: " + e.getMessage(), e);
            }
        }
        Path jar = o.has("sidecarJar") ? UserPaths.of(string(o, "sidecarJar")) : sidecarJar;
        String be = o.has("backend") ? string(o, "backend").toLowerCase(Locale.ROOT) : backend;
        if (!BACKENDS.contains(be)) throw new IllegalArgumentException("backend must be one of " + BACKENDS + ", was \"" + be + "\"");
        int max = o.has("maxTokens") ? integer(o, "maxTokens", 1, 512) : maxTokens;
        String samp = o.has("sampler") ? string(o, "sampler") : sampler;
        double thr = o.has("threshold") ? number(o, "threshold") : threshold;
        if (!(thr > 0 && thr <= 1)) throw new IllegalArgumentException("threshold must be in (0, 1], was " + thr);
        int block = o.has("blockLength") ? integer(o, "blockLength", 1, 1024) : o.has("block") ? integer(o, "block", 1, 1024) : blockLength;
        String c = o.has("cache") ? string(o, "cache").toLowerCase(Locale.ROOT) : cache;
        if (!CACHES.contains(c)) throw new IllegalArgumentException("cache must be one of " + CACHES + ", was \"" + c + "\"");
        int ctx = o.has("contextTokens") ? integer(o, "contextTokens", 0, 100_000) : contextTokens;
        long ct = o.has("completionTimeoutMs") ? integer(o, "completionTimeoutMs", 10, 600_000) : completionTimeoutMs;
        long rt = o.has("refactorTimeoutMs") ? integer(o, "refactorTimeoutMs", 10, 3_600_000) : refactorTimeoutMs;
        Path tokenFile = o.has("sidecarTokenFile") ? blankToPath(string(o, "sidecarTokenFile")) : sidecarTokenFile;
        boolean lines = o.has("multiline") ? bool(o, "multiline") : multiline;
        int suffix = o.has("suffixTokens") ? integer(o, "suffixTokens", 0, 100_000) : suffixTokens;
        String w = o.has("weights") ? string(o, "weights").toLowerCase(Locale.ROOT) : weights;
        if (!WEIGHTS.contains(w)) throw new IllegalArgumentException("weights must be one of " + WEIGHTS + ", was \"" + w + "\"");
        int th = o.has("threads") ? integer(o, "threads", 0, 4096) : threads;
        String tls = o.has("sidecarTls") ? string(o, "sidecarTls").strip() : sidecarTls;
        try {
            Transport.parse(tls);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sidecarTls: " + e.getMessage(), e);
        }
        boolean share = o.has("shareSidecar") ? bool(o, "shareSidecar") : shareSidecar;
        boolean early = o.has("completeWhileResolving") ? bool(o, "completeWhileResolving") : completeWhileResolving;
        boolean persist = o.has("persistIndex") ? bool(o, "persistIndex") : persistIndex;
        boolean check = o.has("checkCompletions") ? bool(o, "checkCompletions") : checkCompletions;
        return new ServerSettings(model, address, jar, be, max, samp, thr, block, c, ctx, ct, rt, tokenFile, lines, suffix, w, th,
                tls, share, early, persist, check);
    }

    /** Whether a change from {@code other} to this needs a new sidecar (the model process itself changes). */
    public boolean needsNewSidecar(ServerSettings other) {
        return !modelDir.equals(other.modelDir) || !java.util.Objects.equals(sidecarAddress, other.sidecarAddress)
                || !java.util.Objects.equals(sidecarTokenFile, other.sidecarTokenFile)
                || !sidecarJar.equals(other.sidecarJar) || !backend.equals(other.backend) || !weights.equals(other.weights)
                || threads != other.threads || !java.util.Objects.equals(sidecarTls, other.sidecarTls)
                || shareSidecar != other.shareSidecar;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Path blankToPath(String s) {
        return s == null || s.isBlank() ? null : UserPaths.of(s);
    }

    private static boolean bool(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) return e.getAsBoolean();
        throw new IllegalArgumentException(key + " must be true or false, was " + e);
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e.isJsonNull()) return "";
        if (!e.isJsonPrimitive()) throw new IllegalArgumentException(key + " must be a string");
        return e.getAsString();
    }

    private static int integer(JsonObject o, String key, int min, int max) {
        try {
            int v = o.get(key).getAsInt();
            if (v < min || v > max) throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + v);
            return v;
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was " + o.get(key));
        }
    }

    private static double number(JsonObject o, String key) {
        try {
            return o.get(key).getAsDouble();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new IllegalArgumentException(key + " must be a number, was " + o.get(key));
        }
    }
}
