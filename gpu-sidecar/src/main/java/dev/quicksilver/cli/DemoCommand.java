package dev.quicksilver.cli;

import dev.quicksilver.decode.CanvasResult;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.Decoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code demo}: the main job in miniature. Loads the embedded model and fills the body of a Java method
 * between its signature and the rest of the class (infilling: the model sees the code after the hole), then
 * prints the completion and what it cost.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Complete a short Java snippet (prefix + suffix) with the embedded model.")
public final class DemoCommand implements Callable<Integer> {

    static final String PREFIX = """
            public final class Counter {
                private int count;

                /** Adds one and returns the new count. */
                public int increment() {
            """;

    static final String SUFFIX = """
                }

                public int count() {
                    return count;
                }
            }
            """;

    @Option(names = "--root", paramLabel = "DIR", description = "Repository root (the launcher passes it).")
    Path root;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: the embedded model).")
    Path model;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", description = "auto, reference or cpu.")
    String backend;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "24", description = "Token budget (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path home = root != null ? root.toAbsolutePath().normalize() : ModelOptions.home();
        Path dir = ModelOptions.requireModelDir(model != null ? model : home.resolve(ModelOptions.DEFAULT_MODEL),
                model == null);
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel loaded = LoadedModel.open(dir, backend)) {
            DecodeOptions options = loaded.defaults().options();
            Decoder.Generation g = Decoder.generate(loaded.model(), options,
                    loaded.canvas(PREFIX, maxTokens, SUFFIX, options.mode()));
            CanvasResult r = g.first();
            out.print(PREFIX);
            out.println(">>> " + loaded.decode(r.tokens()).replace("\n", "\n>>> "));
            out.print(SUFFIX);
            out.println();
            out.println("model " + loaded.config().modelId() + ", " + options.describe());
            out.println(g.stats().summary());
        }
        return 0;
    }
}
