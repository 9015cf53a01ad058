package dev.quicksilver.lsp.cli;

import dev.quicksilver.lsp.refactor.JavaText;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.lsp.Uris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.InlineCompletionContext;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench lsp}: a typing simulation. A real Java file is replayed keystroke by keystroke into the headless
 * server (a stretch of it is removed and typed back in), at about 15 characters a second with longer pauses
 * after spaces and line ends, as people type. The client debounces 100 ms: a request goes out when no key came
 * for 100 ms, and the previous request, if still running, is cancelled ({@code $/cancelRequest}). Reported:
 * p50/p95 latency of the completions that finished, and the fraction of requests cancelled; and how useful
 * the completions were against what the file actually has after the cursor on that line (what the user typed
 * next): a completion that is a prefix of it is {@code usable} (an editor user would accept it, whole or up to
 * where it stops), one that is all of it is {@code wholeLine}; an empty one is right where the line is done.
 */
@Command(name = "lsp", mixinStandardHelpOptions = true, description = "Typing simulation through the language server: inline latency, cancelled fraction, usable completions.")
public final class LspBenchCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--file", paramLabel = "FILE", description = "Java file to replay (default: samples/java-shop Inventory.java).")
    Path file;

    @Option(names = "--chars", defaultValue = "300", description = "Characters to type at most per stretch, whole lines (default ${DEFAULT-VALUE}).")
    int chars;

    @Option(names = "--stretches", defaultValue = "1", paramLabel = "N",
            description = "Stretches of the file to remove and type back, spread over it (default ${DEFAULT-VALUE}: one, a third of the way in).")
    int stretches;

    @Option(names = "--workspace", paramLabel = "DIR",
            description = "Replay the file in place in this workspace (which the server indexes; nothing is written), so completions get "
                    + "related code from other files; default: the file alone in an empty workspace.")
    Path workspace;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Completion budget (default: the server's).")
    Integer maxTokens;

    @Option(names = "--context-tokens", paramLabel = "N", description = "Context budget (default: the server's).")
    Integer contextTokens;

    @Option(names = "--weights", paramLabel = "FORMAT", description = "checkpoint or int8: how the sidecar holds the model (default: the server's, checkpoint).")
    String weights;

    @Option(names = "--check-completions", arity = "1", paramLabel = "BOOL", description = "Compile each completion and remask a name it invents (default: the server's, true).")
    Boolean checkCompletions;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    SidecarMixin sidecar = new SidecarMixin();

    @Option(names = "--verbose", description = "Log the server's messages, and print every completion beside what the file has there.")
    boolean verbose;

    /** One finished completion: where it was asked, what came back, what the file has there. */
    record Outcome(int request, String lineBefore, String completion, String truth) {
        boolean empty() {
            return completion.isBlank();
        }

        /** A prefix of what the line goes on with: accepting it (as far as it goes) types what the user would. */
        boolean usable() {
            return !empty() && truth.startsWith(completion.stripTrailing());
        }

        boolean wholeLine() {
            return usable() && completion.stripTrailing().equals(truth);
        }

        /** Empty where the line is already complete: the right answer. */
        boolean rightlyEmpty() {
            return empty() && truth.isBlank();
        }

        String verdict() {
            return wholeLine() ? "whole line" : usable() ? "usable" : rightlyEmpty() ? "empty (right)" : empty() ? "empty" : "miss";
        }
    }

    @Override
    public Integer call() throws Exception {
        Path home = ServerSettings.home();
        Path src = file != null ? file.toAbsolutePath().normalize() : home.resolve("samples/java-shop/src/main/java/shop/Inventory.java");
        String full = Headless.read(src);
        if (stretches < 1) throw new IllegalArgumentException("--stretches must be at least 1, got " + stretches);
        Path inPlace = workspace == null ? null : workspace.toAbsolutePath().normalize();
        if (inPlace != null && !src.startsWith(inPlace)) {
            throw new IllegalArgumentException(src + " is not inside --workspace " + inPlace + "; pass a file of that workspace");
        }
        // Alone, the file is copied into an empty workspace; in place, the server indexes the real one and the
        // typing happens in the editor buffer only (nothing is written).
        Path ws = inPlace != null ? inPlace : Files.createTempDirectory("quicksilver-bench-");
        // The server runs in this process: its log reaches stderr once, through the client ("[server] ..." with --verbose).
        System.setProperty("quicksilver.quiet", "true");
        try {
            Path copy = inPlace != null ? src : ws.resolve(src.getFileName().toString());
            if (inPlace == null) Files.writeString(copy, full);
            try (HeadlessClient client = new HeadlessClient(verbose)) {
                JsonObject options = new JsonObject();
                if (maxTokens != null) options.addProperty("maxTokens", maxTokens);
                if (contextTokens != null) options.addProperty("contextTokens", contextTokens);
                if (weights != null) options.addProperty("weights", weights);
                if (checkCompletions != null) options.addProperty("checkCompletions", checkCompletions);
                // In a real workspace, typing starts once Java is resolved, so every stretch sees the same index.
                if (inPlace != null) options.addProperty("completeWhileResolving", false);
                options.addProperty("persistIndex", false);
                client.initialize(ws, sidecar.addTo(options));
                Tally tally = new Tally();
                int typedChars = 0;
                for (int k = 1; k <= stretches; k++) {
                    typedChars += replay(client, copy, full, full.indexOf('\n', (int) ((long) full.length() * k / (stretches + 2))) + 1, tally, k == 1);
                }
                report(src, typedChars, tally.typingNanos / 1e9, tally, client.typedThroughCompletions());
            }
            return 0;
        } finally {
            if (inPlace == null) DemoCommand.delete(ws);
        }
    }

    /** What the stretches add up to. */
    private static final class Tally {
        final List<Double> latencies = new CopyOnWriteArrayList<>();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger cancelled = new AtomicInteger();
        final AtomicInteger empty = new AtomicInteger();
        final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        long typingNanos; // the stretches' typing, warm-up left out (the replaying thread only)
    }

    /**
     * Opens {@code file} with the stretch of whole lines from {@code start} (up to {@code --chars}) removed and types
     * it back, keystroke by keystroke; returns how many characters were typed. The first stretch warms up first
     * (starts the sidecar, loads the model) with one untimed completion.
     */
    private int replay(HeadlessClient client, Path file, String full, int start, Tally tally, boolean warmUp) throws Exception {
        // Type back whole lines from a line start, up to the line break of the last line that fits in --chars,
        // which stays. So the text after the cursor is always a line break and the file's next lines, as when
        // someone writes new lines above existing code (a stretch that ended mid-line would leave the tail of
        // another line glued to the cursor's).
        int limit = Math.min(full.length(), start + chars);
        int lastBreak = full.lastIndexOf('\n', limit);
        int end = lastBreak > start ? lastBreak : limit;
        String typed = full.substring(start, end);
        String initial = full.substring(0, start) + full.substring(end);
        String uri = Uris.toUri(file);
        if (!warmUp) client.server().getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(new TextDocumentIdentifier(uri)));
        Headless.open(client, file, initial);
        if (warmUp) Headless.complete(client, file, JavaText.lineOf(initial, start), JavaText.columnOf(initial, start));
        String text = initial;
        int cursor = start;
        int version = 1;
        CompletableFuture<?> inflight = null;
        long t0 = System.nanoTime();
        for (int i = 0; i < typed.length(); i++) {
            char ch = typed.charAt(i);
            String key = String.valueOf(ch);
            if (ch == '\n') {
                // The editor auto-indents: the line break and the next line's indentation are one change.
                int j = i + 1;
                while (j < typed.length() && (typed.charAt(j) == ' ' || typed.charAt(j) == '\t')) j++;
                key = typed.substring(i, j);
                i = j - 1;
            }
            Position pos = new Position(JavaText.lineOf(text, cursor), JavaText.columnOf(text, cursor));
            text = text.substring(0, cursor) + key + text.substring(cursor);
            cursor += key.length();
            client.server().getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                    new VersionedTextDocumentIdentifier(uri, ++version),
                    List.of(new TextDocumentContentChangeEvent(new Range(pos, pos), key))));
            long gap = ch == '\n' ? 300 : ch == ' ' || ch == ';' || ch == '(' || ch == '.' ? 160 : 40;
            if (gap > 100) {
                Thread.sleep(100); // the debounce: quiet for 100 ms, so the client asks
                if (inflight != null && !inflight.isDone()) inflight.cancel(true);
                Position at = new Position(JavaText.lineOf(text, cursor), JavaText.columnOf(text, cursor));
                long sentAt = System.nanoTime();
                int request = tally.sent.incrementAndGet();
                // The text already has the file's first `cursor` characters: what the line goes on with there.
                int lineEnd = full.indexOf('\n', cursor);
                String truth = full.substring(cursor, lineEnd < 0 ? full.length() : lineEnd).stripTrailing();
                String lineBefore = text.substring(text.lastIndexOf('\n', cursor - 1) + 1, cursor);
                var f = client.server().getTextDocumentService().inlineCompletion(new InlineCompletionParams(
                        new TextDocumentIdentifier(uri), at, new InlineCompletionContext(InlineCompletionTriggerKind.Automatic)));
                f.whenComplete((r, e) -> {
                    if (e != null) {
                        tally.cancelled.incrementAndGet();
                    } else {
                        tally.latencies.add((System.nanoTime() - sentAt) / 1e6);
                        var items = r.getRight().getItems();
                        if (items.isEmpty()) tally.empty.incrementAndGet();
                        String completion = items.isEmpty() ? "" : items.getFirst().getInsertText().getLeft();
                        tally.outcomes.add(new Outcome(request, lineBefore, completion, truth));
                    }
                });
                inflight = f;
                Thread.sleep(gap - 100);
            } else {
                Thread.sleep(gap);
            }
        }
        tally.typingNanos += System.nanoTime() - t0;
        if (inflight != null) {
            try {
                inflight.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // counted by the callback
            }
        }
        Thread.sleep(50);
        return typed.length();
    }

    private void report(Path src, int typedChars, double seconds, Tally tally, int typedThrough) {
        List<Double> sorted = new ArrayList<>(tally.latencies);
        Collections.sort(sorted);
        double p50 = percentile(sorted, 50);
        double p95 = percentile(sorted, 95);
        int sent = tally.sent.get();
        double cancelledFraction = sent == 0 ? 0 : (double) tally.cancelled.get() / sent;
        List<Outcome> outcomes = tally.outcomes;
        long usable = outcomes.stream().filter(Outcome::usable).count();
        long wholeLine = outcomes.stream().filter(Outcome::wholeLine).count();
        long rightlyEmpty = outcomes.stream().filter(Outcome::rightlyEmpty).count();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("benchmark", "lsp-typing");
            o.addProperty("file", src.toString());
            o.addProperty("workspace", workspace == null ? "" : workspace.toAbsolutePath().normalize().toString());
            o.addProperty("stretches", stretches);
            o.addProperty("charsTyped", typedChars);
            o.addProperty("charsPerSecond", typedChars / seconds);
            o.addProperty("requests", sent);
            o.addProperty("completed", sorted.size());
            o.addProperty("emptyCompletions", tally.empty.get());
            o.addProperty("emptyWhereTheLineIsDone", rightlyEmpty);
            o.addProperty("usableCompletions", usable);
            o.addProperty("wholeLineCompletions", wholeLine);
            o.addProperty("cancelled", tally.cancelled.get());
            o.addProperty("typedThrough", typedThrough);
            o.addProperty("p50Ms", p50);
            o.addProperty("p95Ms", p95);
            o.addProperty("cancelledFraction", cancelledFraction);
            o.addProperty("maxTokens", maxTokens == null ? ServerSettings.defaults().maxTokens() : maxTokens);
            o.addProperty("contextTokens", contextTokens == null ? ServerSettings.defaults().contextTokens() : contextTokens);
            o.addProperty("weights", weights == null ? ServerSettings.defaults().weights() : weights);
            o.addProperty("checkCompletions", checkCompletions == null ? ServerSettings.defaults().checkCompletions() : checkCompletions);
            o.addProperty("cores", Runtime.getRuntime().availableProcessors());
            o.addProperty("date", LocalDate.now().toString());
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
            return;
        }
        System.out.printf("maxTokens %d, contextTokens %d%n", maxTokens == null ? ServerSettings.defaults().maxTokens() : maxTokens,
                contextTokens == null ? ServerSettings.defaults().contextTokens() : contextTokens);
        System.out.printf("typed %d chars in %d stretch(es) in %.1f s (%.1f chars/s); %d requests, %d completed (%d empty), %d cancelled%n",
                typedChars, stretches, seconds, typedChars / seconds, sent, sorted.size(), tally.empty.get(), tally.cancelled.get());
        System.out.printf("inline completion latency p50 %.0f ms, p95 %.0f ms; cancelled fraction %.2f%n", p50, p95, cancelledFraction);
        System.out.printf("against the file: %d usable (a prefix of what the line goes on with), %d of them the whole line;"
                + " %d of the empty ones where the line is done%n", usable, wholeLine, rightlyEmpty);
        System.out.printf("%d answered without the model: the rest of the completion shown before, typed through%n", typedThrough);
        if (verbose) {
            outcomes.stream().sorted(java.util.Comparator.comparingInt(Outcome::request)).forEach(x -> System.out.printf(
                    "%3d %-14s %s|%s   file: %s%n", x.request(), x.verdict(), quote(tail(x.lineBefore(), 40)),
                    quote(x.completion()), quote(x.truth())));
        }
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }


    @SuppressWarnings("unused")
    private static boolean isCancel(Throwable e) {
        return e instanceof CancellationException;
    }
}
