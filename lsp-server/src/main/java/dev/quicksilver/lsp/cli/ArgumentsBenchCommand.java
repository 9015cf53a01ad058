package dev.quicksilver.lsp.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.quicksilver.client.StateListener;
import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.ScopeVariable;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.lsp.model.ModelService;
import dev.quicksilver.lsp.model.SidecarModelService;
import dev.quicksilver.lsp.refactor.AddParameterRefactoring;
import dev.quicksilver.lsp.refactor.JavaText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench arguments}: how well the model fills an argument, written or chosen, on real calls. Each sample is
 * a resolved call in the workspace whose last argument is a variable in sight; the argument is removed (as if the
 * parameter had just been added) and filled back three ways, all in one run on the same sites: the model writes
 * it (the infill every refactor uses), the model chooses among the variables in sight whose type passes as the
 * parameter's (the sidecar's candidates), and the same choice with the type's default value offered too (what
 * {@code add-parameter} sent at first). Reported: how often each gives back the argument the code had (exact
 * text), against chance (one over the candidates); how often a variable named as the parameter was in sight and
 * was the argument; and {@code add-parameter}'s policy (that namesake, else the model's choice among the variables).
 */
@Command(name = "arguments", mixinStandardHelpOptions = true,
        description = "Argument filling on real calls: the model writing it against choosing it among the variables in sight.")
final class ArgumentsBenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "workspace whose Java calls are sampled")
    Path workspace;

    @Option(names = "--sites", defaultValue = "200", description = "calls to sample (default ${DEFAULT-VALUE})")
    int sites;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the sample (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    SidecarMixin sidecar;

    /** A call whose last argument, a variable, was removed: what the model sees and what the code had. */
    private record Sample(String prefix, String suffix, String truth, String parameter, List<String> candidates,
                          String defaultValue, boolean namesakeInSight) {
    }

    @Override
    public Integer call() throws Exception {
        Path ws = workspace.toAbsolutePath().normalize();
        if (!Files.isDirectory(ws)) throw new IllegalArgumentException(ws + " is not a directory");
        System.setProperty("quicksilver.quiet", "true");
        List<Sample> samples;
        long indexStart = System.nanoTime();
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws)
                .dataDirectory(Files.createTempDirectory("quicksilver-bench-arguments-")).build())) {
            index.build();
            System.err.printf("indexed %s in %.1f s%n", ws, (System.nanoTime() - indexStart) / 1e9);
            samples = sample(index);
        }
        if (samples.isEmpty()) {
            System.err.println("quicksilver: no call in " + ws + " passes a variable in sight as its last argument; try a larger workspace");
            return 1;
        }
        ServerSettings settings = ServerSettings.defaults().merge(sidecar.addTo(new JsonObject()));
        try (SidecarModelService model = SidecarModelService.start(settings, StateListener.NONE)) {
            List<ModelService.InfillRequest> written = new ArrayList<>();
            List<ModelService.InfillRequest> chosen = new ArrayList<>();
            List<ModelService.InfillRequest> chosenWithDefault = new ArrayList<>();
            for (Sample s : samples) {
                String context = "// parameter: " + s.parameter() + "\n";
                written.add(new ModelService.InfillRequest(context, s.prefix(), s.suffix(), 12));
                chosen.add(new ModelService.InfillRequest(context, s.prefix(), s.suffix(), 12, false, s.candidates()));
                List<String> withDefault = new ArrayList<>(s.candidates());
                if (!withDefault.contains(s.defaultValue())) withDefault.add(s.defaultValue());
                chosenWithDefault.add(new ModelService.InfillRequest(context, s.prefix(), s.suffix(), 12, false, withDefault));
            }
            Duration deadline = Duration.ofMinutes(30);
            long t0 = System.nanoTime();
            List<ModelService.Infill> w = model.fillSites(written, deadline, ModelService.Progress.NONE).get(30, TimeUnit.MINUTES);
            long t1 = System.nanoTime();
            List<ModelService.Infill> c = model.fillSites(chosen, deadline, ModelService.Progress.NONE).get(30, TimeUnit.MINUTES);
            long t2 = System.nanoTime();
            List<ModelService.Infill> d = model.fillSites(chosenWithDefault, deadline, ModelService.Progress.NONE).get(30, TimeUnit.MINUTES);
            long t3 = System.nanoTime();
            int writtenRight = 0;
            int chosenRight = 0;
            int withDefaultRight = 0;
            int withDefaultTookDefault = 0;
            int namesakes = 0;
            int namesakeRight = 0;
            int policyRight = 0;
            double chanceRight = 0;
            int candidateCount = 0;
            int several = 0;
            int severalChosenRight = 0;
            double severalChance = 0;
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                String answer = AddParameterRefactoring.firstExpression(w.get(i).text());
                if (answer.equals(s.truth())) writtenRight++;
                if (c.get(i).text().strip().equals(s.truth())) chosenRight++;
                if (d.get(i).text().strip().equals(s.truth())) withDefaultRight++;
                if (d.get(i).text().strip().equals(s.defaultValue())) withDefaultTookDefault++;
                if (s.namesakeInSight()) namesakes++;
                if (s.namesakeInSight() && s.parameter().equals(s.truth())) namesakeRight++;
                // add-parameter's policy: the namesake when in sight, else the model's choice among the variables.
                String policy = s.namesakeInSight() ? s.parameter() : c.get(i).text().strip();
                if (policy.equals(s.truth())) policyRight++;
                chanceRight += 1.0 / s.candidates().size();
                if (s.candidates().size() > 1) {
                    several++;
                    severalChance += 1.0 / s.candidates().size();
                    if (c.get(i).text().strip().equals(s.truth())) severalChosenRight++;
                }
                candidateCount += s.candidates().size();
            }
            int n = samples.size();
            JsonObject o = new JsonObject();
            o.addProperty("benchmark", "arguments");
            o.addProperty("workspace", ws.toString());
            o.addProperty("sites", n);
            o.addProperty("candidatesPerSite", round((double) candidateCount / n));
            o.addProperty("writtenExact", round((double) writtenRight / n));
            o.addProperty("chosenExact", round((double) chosenRight / n));
            o.addProperty("chosenWithDefaultExact", round((double) withDefaultRight / n));
            o.addProperty("chosenWithDefaultTookDefault", round((double) withDefaultTookDefault / n));
            o.addProperty("namesakeInSight", round((double) namesakes / n));
            o.addProperty("namesakeRightWhereInSight", namesakes == 0 ? 0 : round((double) namesakeRight / namesakes));
            o.addProperty("addParameterPolicyExact", round((double) policyRight / n));
            o.addProperty("chanceExact", round(chanceRight / n));
            o.addProperty("sitesWithSeveralCandidates", several);
            o.addProperty("chosenExactWhereSeveral", several == 0 ? 0 : round((double) severalChosenRight / several));
            o.addProperty("chanceExactWhereSeveral", several == 0 ? 0 : round(severalChance / several));
            o.addProperty("writtenSeconds", round((t1 - t0) / 1e9));
            o.addProperty("chosenSeconds", round((t2 - t1) / 1e9));
            o.addProperty("chosenWithDefaultSeconds", round((t3 - t2) / 1e9));
            o.addProperty("model", model.describe());
            o.addProperty("cores", Runtime.getRuntime().availableProcessors());
            o.addProperty("date", LocalDate.now().toString());
            if (json) {
                System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
            } else {
                System.out.printf("%d calls sampled in %s (%.1f candidates a site; a variable named as the parameter in sight at %.0f%%)%n",
                        n, ws, (double) candidateCount / n, 100.0 * namesakes / n);
                System.out.printf("the argument the code had, given back: written %.0f%% (%.1f s), chosen %.0f%% (%.1f s; chance %.0f%%), "
                                + "chosen with the default offered %.0f%% (%.1f s; took the default at %.0f%%)%n",
                        100.0 * writtenRight / n, (t1 - t0) / 1e9, 100.0 * chosenRight / n, (t2 - t1) / 1e9, 100.0 * chanceRight / n,
                        100.0 * withDefaultRight / n, (t3 - t2) / 1e9, 100.0 * withDefaultTookDefault / n);
                System.out.printf("at the %d sites with several candidates: chosen %.0f%%, chance %.0f%%%n", several,
                        several == 0 ? 0 : 100.0 * severalChosenRight / several, several == 0 ? 0 : 100.0 * severalChance / several);
                System.out.printf("the namesake, where in sight, was the argument at %.0f%%; add-parameter's policy (the namesake, else "
                        + "the model's choice) gives it back at %.0f%%%n", namesakes == 0 ? 0 : 100.0 * namesakeRight / namesakes, 100.0 * policyRight / n);
            }
        }
        return 0;
    }

    /** Up to {@code sites} calls, a seeded shuffle of every call whose last argument is a variable in sight. */
    private List<Sample> sample(WorkspaceIndex index) throws Exception {
        List<CallSite> calls = new ArrayList<>();
        List<SymbolInfo> methods = new ArrayList<>();
        try (var walk = Files.walk(index.settings().roots().getFirst())) {
            for (Path file : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
                for (SymbolInfo s : index.declarationsIn(file)) {
                    if (s.kind() != SymbolKind.METHOD && s.kind() != SymbolKind.CONSTRUCTOR) continue;
                    for (CallSite call : index.callSites(s.key())) {
                        calls.add(call);
                        methods.add(s);
                    }
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(seed));
        List<Sample> samples = new ArrayList<>();
        for (int i : order) {
            if (samples.size() >= sites) break;
            Sample s = sampleAt(index, calls.get(i), methods.get(i));
            if (s != null) samples.add(s);
        }
        return samples;
    }

    private static Sample sampleAt(WorkspaceIndex index, CallSite call, SymbolInfo method) throws Exception {
        Path file = call.location().path();
        String original = Files.readString(file, StandardCharsets.UTF_8);
        TextRange r = call.location().range();
        int end = JavaText.offsetOf(original, r.endLine(), r.endColumn());
        int close = end - 1;
        while (close > 0 && Character.isWhitespace(original.charAt(close))) close--;
        if (close <= 0 || original.charAt(close) != ')') return null;
        int open = JavaText.matchingOpen(original, close);
        if (open < 0) return null;
        List<String> args = JavaText.splitTopLevel(original.substring(open + 1, close));
        if (args.size() < 2) return null; // one argument or none: no "after a comma" shape
        String truth = args.getLast();
        if (!truth.matches("[A-Za-z_$][A-Za-z0-9_$]*") || truth.equals("this") || truth.equals("null")
                || truth.equals("true") || truth.equals("false")) {
            return null;
        }
        int comma = original.lastIndexOf(',', close); // a name holds no comma: this is the one before it
        List<String> descriptors = AddParameterRefactoring.descriptors(method.key());
        if (descriptors.isEmpty()) return null;
        String type = AddParameterRefactoring.typeName(descriptors.getLast());
        if (type == null) return null;
        // The call without its last argument, as if the parameter had just been added.
        String text = original.substring(0, comma) + original.substring(close);
        int at = comma;
        List<String> candidates = new ArrayList<>();
        for (ScopeVariable v : index.variablesInScope(file, text, at)) {
            if (v.assignableTo().contains(type) && candidates.size() < 16) candidates.add(v.name());
        }
        if (!candidates.contains(truth)) return null; // not a variable in sight (a field of another object, say)
        String parameter = parameterName(method);
        String prefix = text.substring(Math.max(0, at - 1500), at) + ", ";
        String suffix = text.substring(at, Math.min(text.length(), at + 600));
        return new Sample(prefix, suffix, truth, parameter, candidates,
                AddParameterRefactoring.defaultValue(type.substring(type.lastIndexOf('.') + 1)), candidates.contains(parameter));
    }

    /** The declared name of the method's last parameter ("" when it cannot be read). */
    private static String parameterName(SymbolInfo method) {
        String signature = method.signature();
        int open = signature.indexOf('(');
        int close = signature.lastIndexOf(')');
        if (open < 0 || close < open) return "";
        String params = signature.substring(open + 1, close).strip();
        if (params.isEmpty()) return "";
        String last = params.substring(params.lastIndexOf(',') + 1).strip();
        int i = last.length();
        while (i > 0 && Character.isJavaIdentifierPart(last.charAt(i - 1))) i--;
        return last.substring(i);
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
