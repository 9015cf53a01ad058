package dev.quicksilver.lsp.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quicksilver.client.SidecarClient;
import dev.quicksilver.client.StateListener;
import dev.quicksilver.client.Transport;
import dev.quicksilver.client.pool.PoolTarget;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.lsp.model.SidecarModelService;
import dev.quicksilver.protocol.v1.CacheStats;
import dev.quicksilver.protocol.v1.InfoResponse;
import dev.quicksilver.protocol.v1.SchedulerStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}: what the sidecars this user can reach are doing. Without options, the shared sidecars of this
 * machine (their records, see {@code shareSidecar}); with {@code --sidecar A[,B...]}, each replica of that
 * address on its own. For each: model, backend, store (budget, bytes, hit rate, evictions) and scheduler
 * (forwards, requests active, queued, done, cancelled, refused).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the sidecars this machine shares, or each sidecar of --sidecar: model, backend, store and scheduler.")
public final class StatusCommand implements Callable<Integer> {

    @Option(names = "--sidecar", paramLabel = "ADDRESS", description = "host:port, or host:port,host:port,... (each is asked on its own).")
    String address;

    @Option(names = "--sidecar-token-file", paramLabel = "FILE", description = "Token of --sidecar (default: $QUICKSILVER_SIDECAR_TOKEN).")
    Path tokenFile;

    @Option(names = "--sidecar-tls", paramLabel = "off|system|FILE", description = "How to reach --sidecar (default: off).")
    String tls;

    @Option(names = "--shared-dir", paramLabel = "DIR", description = "Folder of the shared sidecars' records (default: $XDG_RUNTIME_DIR/quicksilver, else ~/.cache/quicksilver/run).")
    Path sharedDir;

    @Option(names = "--prune", description = "Delete the records of shared sidecars whose process is gone (old builds, crashes).")
    boolean prune;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    record Target(String address, String token, Transport transport, String note) {}

    @Override
    public Integer call() throws Exception {
        List<Target> targets = new ArrayList<>();
        if (address != null) {
            // The settings a server would get, checked and read the same way (the token, the TLS trust).
            JsonObject o = new JsonObject();
            o.addProperty("sidecarAddress", address);
            if (tokenFile != null) o.addProperty("sidecarTokenFile", tokenFile.toString());
            if (tls != null) o.addProperty("sidecarTls", tls);
            ServerSettings settings = ServerSettings.defaults().merge(o);
            String token = SidecarModelService.token(settings);
            Transport transport = Transport.parse(settings.sidecarTls());
            for (String e : PoolTarget.entries(address)) targets.add(new Target(e, token, transport, "of --sidecar"));
        } else {
            for (SidecarClient.SharedSidecar s : SidecarClient.sharedSidecars(sharedDir)) {
                if (s.alive()) targets.add(new Target(s.address(), s.token(), Transport.PLAINTEXT, "shared, pid " + s.pid() + ", log " + s.log()));
                else if (prune) {
                    Files.deleteIfExists(s.record());
                    if (!json) System.out.println("removed " + s.record() + " (its process " + s.pid() + " is gone)");
                } else if (!json) {
                    System.out.println(s.address() + ": recorded in " + s.record() + ", but its process " + s.pid()
                            + " is gone (--prune removes such records)");
                }
            }
            if (targets.isEmpty()) {
                if (json) System.out.println("{\"sidecars\": []}");
                else System.out.println("no shared sidecar is running for this user (records in "
                        + (sharedDir != null ? sharedDir : "the default folder") + "); ask a running one with --sidecar HOST:PORT");
                return 0;
            }
        }
        JsonArray all = new JsonArray();
        int unreachable = 0;
        for (Target t : targets) {
            InfoResponse info;
            try (SidecarClient c = SidecarClient.connect(t.address(), t.token(), t.transport(), StateListener.NONE)) {
                c.awaitReady(Duration.ofSeconds(15)); // past the client's own 10 s check, which says why
                info = c.info().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                unreachable++;
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                if (json) {
                    JsonObject o = new JsonObject();
                    o.addProperty("address", t.address());
                    o.addProperty("error", why);
                    all.add(o);
                } else {
                    System.out.println(t.address() + " (" + t.note() + "): " + why);
                }
                continue;
            }
            if (json) {
                all.add(json(t, info));
            } else {
                print(t, info);
            }
        }
        if (json) {
            JsonObject o = new JsonObject();
            o.add("sidecars", all);
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
        }
        return unreachable == 0 ? 0 : 1;
    }

    private static JsonObject json(Target t, InfoResponse i) {
        JsonObject o = new JsonObject();
        o.addProperty("address", t.address());
        o.addProperty("note", t.note());
        o.addProperty("modelId", i.getModelId());
        o.addProperty("backend", i.getBackend());
        o.addProperty("weights", i.getWeights());
        o.addProperty("pid", i.getPid());
        o.addProperty("version", i.getVersion());
        CacheStats c = i.getCache();
        JsonObject cache = new JsonObject();
        cache.addProperty("contextCacheEnabled", c.getContextCacheEnabled());
        cache.addProperty("budgetBytes", c.getBudgetBytes());
        cache.addProperty("liveBytes", c.getLiveBytes());
        cache.addProperty("peakLiveBytes", c.getPeakLiveBytes());
        cache.addProperty("entries", c.getEntries());
        cache.addProperty("hits", c.getHits());
        cache.addProperty("misses", c.getMisses());
        cache.addProperty("hitRate", c.getHitRate());
        cache.addProperty("evictions", c.getEvictions());
        o.add("cache", cache);
        SchedulerStats s = i.getScheduler();
        JsonObject scheduler = new JsonObject();
        scheduler.addProperty("forwards", s.getForwards());
        scheduler.addProperty("activeRequests", s.getActiveRequests());
        scheduler.addProperty("queuedRequests", s.getQueuedRequests());
        scheduler.addProperty("completedRequests", s.getCompletedRequests());
        scheduler.addProperty("cancelledRequests", s.getCancelledRequests());
        scheduler.addProperty("rejectedRequests", s.getRejectedRequests());
        o.add("scheduler", scheduler);
        return o;
    }

    private static void print(Target t, InfoResponse i) {
        CacheStats c = i.getCache();
        SchedulerStats s = i.getScheduler();
        System.out.printf(Locale.ROOT, "%s (%s): %s on %s (%s weights), pid %d, %s%n", t.address(), t.note(), i.getModelId(),
                i.getBackend(), i.getWeights(), i.getPid(), i.getVersion());
        System.out.printf(Locale.ROOT, "  store: %d of %d MiB in use (peak %d), %d chunks, hit rate %.3f (%d hits, %d misses), %d evictions, context cache %s%n",
                c.getLiveBytes() >> 20, c.getBudgetBytes() >> 20, c.getPeakLiveBytes() >> 20, c.getEntries(), c.getHitRate(), c.getHits(),
                c.getMisses(), c.getEvictions(), c.getContextCacheEnabled() ? "on" : "off");
        System.out.printf(Locale.ROOT, "  scheduler: %d forwards; requests %d active, %d queued, %d done, %d cancelled, %d refused%n",
                s.getForwards(), s.getActiveRequests(), s.getQueuedRequests(), s.getCompletedRequests(), s.getCancelledRequests(),
                s.getRejectedRequests());
    }
}
