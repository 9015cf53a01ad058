package dev.quicksilver.lsp.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench first-completion}: how long after a language server starts on a workspace its first inline
 * completion arrives, with {@code completeWhileResolving} on (the editor default: the completion's context comes
 * from the index as soon as the workspace's declarations are read) and off (it waits until JDT has resolved every
 * Java file, as every completion did before the phased index). Each run is a fresh server with a fresh sidecar;
 * the two settings alternate, so a machine that gets busier affects both alike. The time includes starting the
 * sidecar, which overlaps the indexing.
 */
@Command(name = "first-completion", mixinStandardHelpOptions = true,
        description = "Time from server start to the first inline completion on a workspace: completing while Java resolves against waiting for it.")
public final class FirstCompletionBenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE:LINE:COL", description = "Where to complete (one-based), in a file of the workspace.")
    String at;

    @Option(names = "--workspace", paramLabel = "DIR", required = true, description = "Workspace folder (a large one shows the difference).")
    Path workspace;

    @Option(names = "--runs", defaultValue = "2", description = "Runs of each setting, alternating (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    SidecarMixin sidecar = new SidecarMixin();

    @Override
    public Integer call() throws Exception {
        Headless.Location loc = Headless.Location.parse(at);
        Path ws = workspace.toAbsolutePath().normalize();
        if (!Files.isDirectory(ws)) {
            System.err.println("bench first-completion: " + ws + " is not a folder; give the workspace with --workspace DIR.");
            return 2;
        }
        if (!loc.file().startsWith(ws)) {
            System.err.println("bench first-completion: " + loc.file() + " is not in " + ws + "; complete in a file of the workspace.");
            return 2;
        }
        if (runs < 1) {
            System.err.println("bench first-completion: --runs must be at least 1.");
            return 2;
        }
        System.setProperty("quicksilver.quiet", "true");
        String text = Headless.read(loc.file());
        List<Double> early = new ArrayList<>();
        List<Double> waiting = new ArrayList<>();
        String completion = "";
        for (int run = 0; run < runs; run++) {
            for (boolean completeWhileResolving : new boolean[]{true, false}) {
                JsonObject settings = HeadlessClient.batchSettings();
                settings.addProperty("completeWhileResolving", completeWhileResolving);
                long start = System.nanoTime();
                try (HeadlessClient client = new HeadlessClient(false)) {
                    client.initialize(ws, sidecar.addTo(settings));
                    Headless.open(client, loc.file(), text);
                    var item = Headless.complete(client, loc.file(), loc.line(), loc.column());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    (completeWhileResolving ? early : waiting).add(seconds);
                    completion = item.map(i -> i.getInsertText().getLeft()).orElse("");
                    if (!json) {
                        System.out.printf("run %d, completeWhileResolving %-5s: first completion after %.2f s%n",
                                run + 1, completeWhileResolving, seconds);
                    }
                }
            }
        }
        double earlyMedian = median(early);
        double waitingMedian = median(waiting);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("date", LocalDate.now().toString());
        r.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch") + ", JVM " + Runtime.version());
        r.put("workspace", ws.toString());
        r.put("at", at);
        r.put("completeWhileResolvingSeconds", early);
        r.put("waitForResolvedSeconds", waiting);
        r.put("medianSpeedup", Math.round(waitingMedian / earlyMedian * 100) / 100.0);
        r.put("lastCompletion", completion);
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(r));
        } else {
            System.out.printf("median: %.2f s while resolving, %.2f s waiting for it: %.2fx sooner%n", earlyMedian, waitingMedian,
                    waitingMedian / earlyMedian);
        }
        return 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
