package dev.quicksilver.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.CanvasResult;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.Decoder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code eval}: infill quality and cost of a model on a JSON Lines case file. Each case is decoded alone
 * (one canvas per forward) so its forwards and milliseconds are its own.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure infill quality (exact match, character similarity) and decoding cost on a case file.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--cases", paramLabel = "FILE", required = true,
            description = "JSON Lines: {\"id\", \"prefix\", \"middle\", \"suffix\", \"kind\"?} per line.")
    Path cases;

    @Option(names = "--length", paramLabel = "oracle|N", defaultValue = "oracle",
            description = "Hole size: oracle (the token count of the expected middle) or a fixed N (the model pads "
                    + "with EOS); default ${DEFAULT-VALUE}.")
    String length;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N cases.")
    Integer limit;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--outputs", paramLabel = "FILE",
            description = "Also write each case's final canvas as token ids, one JSON object per line ({\"id\", "
                    + "\"kind\", \"canvas\", \"holeStart\", \"holeLength\"}): the model's own infills, which "
                    + "training/train.py --teacher learns from (self-distillation).")
    Path outputs;

    @Option(names = "--progress-seconds", hidden = true, defaultValue = "10",
            description = "Seconds between progress lines on stderr.")
    double progressSeconds;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    DecodeOptionsMixin decodeOptions = new DecodeOptionsMixin();

    @Spec
    CommandSpec spec;

    /** One evaluated case. */
    record Outcome(EvalCase c, String completion, boolean exact, double similarity, int forwards, int tokens,
                   double ms, double repetition, double expectedRepetition) {}

    /** Sums over a group of outcomes. */
    static final class Tally {
        int cases;
        int exact;
        double similarity;
        long forwards;
        long tokens;
        double ms;
        double repetition;
        double expectedRepetition;

        void add(Outcome o) {
            cases++;
            exact += o.exact ? 1 : 0;
            similarity += o.similarity;
            forwards += o.forwards;
            tokens += o.tokens;
            ms += o.ms;
            repetition += o.repetition;
            expectedRepetition += o.expectedRepetition;
        }

        JsonObject toJson() {
            JsonObject j = new JsonObject();
            j.addProperty("cases", cases);
            j.addProperty("exactMatch", Json.round((double) exact / cases, 4));
            j.addProperty("charSimilarity", Json.round(similarity / cases, 4));
            j.addProperty("tokensPerForward", Json.round(tokensPerForward(), 4));
            j.addProperty("forwardsPerCase", Json.round((double) forwards / cases, 2));
            j.addProperty("msPerCase", Json.round(ms / cases, 2));
            j.addProperty("tokensPerSecond", Json.round(tokensPerSecond(), 1));
            j.addProperty("repeatedPairs", Json.round(repetition / cases, 4));
            j.addProperty("expectedRepeatedPairs", Json.round(expectedRepetition / cases, 4));
            return j;
        }

        String line(String name) {
            return String.format(Locale.ROOT, "%-12s %6d %8.1f%% %10.3f %10.2f %10.1f %10.1f %10.1f %10.3f", name,
                    cases, 100.0 * exact / cases, similarity / cases, tokensPerForward(), (double) forwards / cases,
                    ms / cases, tokensPerSecond(), repetition / cases);
        }

        double tokensPerForward() {
            return forwards == 0 ? 0 : (double) tokens / forwards;
        }

        /** Tokens the model decoded (EOS included; not the pads an early stop writes) per second of decoding. */
        double tokensPerSecond() {
            return ms == 0 ? 0 : tokens * 1000.0 / ms;
        }
    }

    @Override
    public Integer call() {
        List<EvalCase> all = EvalCase.read(cases);
        if (limit != null) {
            if (limit < 1) {
                throw new CliException("--limit must be at least 1, got " + limit);
            }
            all = all.subList(0, Math.min(limit, all.size()));
        }
        Integer fixedLength = parseLength(length);
        decodeOptions.validate();
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            DecodeOptions options = decodeOptions.resolve(loaded.defaults());
            // One untimed decode first: a cold JVM runs the Vector API kernels interpreted for a while, and
            // that start-up cost is not what ms per case is meant to show.
            EvalCase first = all.getFirst();
            Decoder.generate(loaded.model(), options, fitted(loaded, first, fixedLength, options).request());
            List<Outcome> outcomes = new ArrayList<>();
            int truncated;
            // Opened before the first case, so a bad path fails at once, and written case by case, so a long
            // run that is stopped keeps what it did.
            try (BufferedWriter canvases = outputs == null ? null : Files.newBufferedWriter(outputs,
                    StandardCharsets.UTF_8)) {
                truncated = evaluate(loaded, options, all, fixedLength, outcomes, canvases);
            } catch (IOException e) {
                throw new CliException("cannot write --outputs " + outputs + ": " + e.getMessage()
                        + "; check that its folder exists and is writable");
            }
            report(outcomes, options, loaded, fixedLength, truncated);
        }
        return 0;
    }

    /** Decodes every case into {@code outcomes} (and its canvas into {@code canvases}); returns how many were cut. */
    private int evaluate(LoadedModel loaded, DecodeOptions options, List<EvalCase> all, Integer fixedLength,
                         List<Outcome> outcomes, BufferedWriter canvases) throws IOException {
        int truncated = 0;
        long lastReport = System.nanoTime();
        for (EvalCase c : all) {
            if (!outcomes.isEmpty() && System.nanoTime() - lastReport >= progressSeconds * 1e9) {
                // A long case file (a self-distillation run writes thousands) says how far it is, on stderr.
                long exact = outcomes.stream().filter(Outcome::exact).count();
                spec.commandLine().getErr().printf(Locale.ROOT, "eval: %d of %d cases, exact match %.1f%%%n",
                        outcomes.size(), all.size(), 100.0 * exact / outcomes.size());
                spec.commandLine().getErr().flush();
                lastReport = System.nanoTime();
            }
            LoadedModel.Fitted canvas = fitted(loaded, c, fixedLength, options);
            truncated += canvas.tokensCut() > 0 ? 1 : 0;
            Decoder.Generation g = Decoder.generate(loaded.model(), options, canvas.request());
            CanvasResult r = g.first();
            String completion = loaded.decode(r.tokens());
            outcomes.add(new Outcome(c, completion, TextSimilarity.exactMatch(completion, c.middle()),
                    TextSimilarity.similarity(completion.strip(), c.middle().strip()), g.stats().forwards(),
                    (int) g.stats().tokensCommitted(), g.stats().totalMs(),
                    // both texts through the tokenizer, so that equal texts measure alike whatever tokens wrote them
                    TextSimilarity.repeatedPairShare(loaded.encode(completion.strip())),
                    TextSimilarity.repeatedPairShare(loaded.encode(c.middle().strip()))));
            if (canvases != null) {
                writeCanvas(canvases, c, canvas.request(), r);
            }
        }
        return truncated;
    }

    /**
     * The case's canvas (a hole of the middle's length, or {@code fixedLength}), its prefix's start and
     * suffix's end cut where the model's positions would not hold them (a short-context model on a case
     * file made for the embedded one); counted in the report.
     */
    private static LoadedModel.Fitted fitted(LoadedModel loaded, EvalCase c, Integer fixedLength,
                                             DecodeOptions options) {
        int budget = fixedLength != null ? fixedLength : Math.max(1, loaded.encode(c.middle()).length);
        try {
            return loaded.canvas(c.prefix(), budget, c.suffix(), options.mode(), true);
        } catch (CliException e) {
            throw new CliException("case " + c.id() + ": " + e.getMessage());
        }
    }

    /** {@code --outputs}: one line per case, its final canvas (fixed text, then the hole as decoded, EOS and pads included). */
    private static void writeCanvas(BufferedWriter w, EvalCase c, CanvasRequest request, CanvasResult result)
            throws IOException {
        CanvasRequest.Segment lead = request.segments().getFirst();
        JsonObject line = new JsonObject();
        line.addProperty("id", c.id());
        line.addProperty("kind", c.kind());
        line.add("canvas", Json.ints(result.canvas()));
        line.addProperty("holeStart", lead instanceof CanvasRequest.Hole ? 0 : lead.length());
        line.addProperty("holeLength", result.holes().getFirst().raw().length);
        w.write(Json.GSON_COMPACT.toJson(line));
        w.newLine();
    }

    private static Integer parseLength(String length) {
        if (length.equalsIgnoreCase("oracle")) {
            return null;
        }
        try {
            int n = Integer.parseInt(length.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new CliException("--length must be oracle or a positive number of tokens, got '" + length + "'");
    }

    private void report(List<Outcome> outcomes, DecodeOptions options, LoadedModel loaded, Integer fixedLength,
                        int truncated) {
        Tally overall = new Tally();
        Map<String, Tally> byKind = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            overall.add(o);
            byKind.computeIfAbsent(o.c.kind(), k -> new Tally()).add(o);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonObject j = overall.toJson();
            j.addProperty("model", loaded.config().modelId());
            j.addProperty("backend", loaded.model().backendName());
            j.addProperty("weights", loaded.weights().label());
            j.addProperty("decoding", options.describe());
            j.addProperty("length", fixedLength == null ? "oracle" : String.valueOf(fixedLength));
            j.addProperty("truncatedCases", truncated);
            JsonObject kinds = new JsonObject();
            byKind.forEach((k, t) -> kinds.add(k, t.toJson()));
            j.add("byKind", kinds);
            JsonArray perCase = new JsonArray();
            for (Outcome o : outcomes) {
                JsonObject c = new JsonObject();
                c.addProperty("id", o.c.id());
                c.addProperty("kind", o.c.kind());
                c.addProperty("exact", o.exact);
                c.addProperty("charSimilarity", Json.round(o.similarity, 4));
                c.addProperty("repeatedPairs", Json.round(o.repetition, 4));
                c.addProperty("forwards", o.forwards);
                c.addProperty("ms", Json.round(o.ms, 2));
                c.addProperty("completion", o.completion);
                perCase.add(c);
            }
            j.add("perCase", perCase);
            out.println(Json.GSON.toJson(j));
            return;
        }
        out.println("model " + loaded.config().modelId() + ", " + options.describe() + ", length "
                + (fixedLength == null ? "oracle" : fixedLength) + ", backend " + loaded.model().backendName());
        out.println(String.format(Locale.ROOT, "%-12s %6s %9s %10s %10s %10s %10s %10s %10s", "kind", "cases", "exact",
                "charSim", "tok/fwd", "fwd/case", "ms/case", "tok/s", "repeats"));
        byKind.forEach((k, t) -> out.println(t.line(k)));
        out.println(overall.line("overall"));
        out.println(String.format(Locale.ROOT, "repeats: the share of an answer's adjacent token pairs seen earlier in "
                + "it (the expected middles: %.3f)", overall.expectedRepetition / overall.cases));
        if (truncated > 0) {
            out.println(truncated + " of " + outcomes.size() + " cases had text far from the hole cut to fit the "
                    + "model's " + loaded.config().maxPositions() + " positions");
        }
    }
}
