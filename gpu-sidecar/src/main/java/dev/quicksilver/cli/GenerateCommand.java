package dev.quicksilver.cli;

import com.google.gson.JsonObject;
import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.CanvasResult;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.decode.DecodeOptions;
import dev.quicksilver.decode.Decoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code generate}: fill one hole after a prompt, or between a prefix and a suffix, and report the cost. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Run the decoding engine on a prompt, or on a prefix (and suffix) file.")
public final class GenerateCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", required = true, description = "Text before the hole.")
        String prompt;

        @Option(names = "--prefix-file", paramLabel = "FILE", required = true, description = "File with the text before the hole.")
        Path prefixFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--suffix-file", paramLabel = "FILE", description = "File with the text after the hole (infilling).")
    Path suffixFile;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Token budget of the hole (default: the model's max_new_tokens, else 64).")
    Integer maxTokens;

    @Option(names = "--json", description = "Print one JSON object instead of text plus a stats line.")
    boolean json;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    DecodeOptionsMixin decodeOptions = new DecodeOptionsMixin();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String prefix = input.prompt != null ? input.prompt : readFile(input.prefixFile, "--prefix-file");
        String suffix = suffixFile != null ? readFile(suffixFile, "--suffix-file") : "";
        decodeOptions.validate();
        try (LoadedModel loaded = LoadedModel.open(modelOptions)) {
            DecodeOptions options = decodeOptions.resolve(loaded.defaults());
            int budget = maxTokens != null ? maxTokens : loaded.defaults().maxTokens();
            if (options.mode() == DecodeMode.AUTOREGRESSIVE && loaded.arIgnoresSuffix(suffix)) {
                spec.commandLine().getErr().println("quicksilver: the tokenizer has no FIM tokens, so ar mode "
                        + "completes the prefix only and ignores --suffix-file");
            }
            CanvasRequest canvas = loaded.canvas(prefix, budget, suffix, options.mode());
            Decoder.Generation g = Decoder.generate(loaded.model(), options, canvas);
            CanvasResult r = g.first();
            String text = loaded.decode(r.tokens());
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("text", text);
                o.add("tokens", Json.ints(r.tokens()));
                o.addProperty("endedByEos", r.holes().getFirst().endedByEos());
                Json.addStats(o, g.stats());
                o.addProperty("weights", loaded.weights().label());
                if (loaded.cpuThreads() > 0) {
                    o.addProperty("threads", loaded.cpuThreads());
                }
                o.addProperty("decoding", options.describe());
                o.addProperty("model", loaded.config().modelId());
                spec.commandLine().getOut().println(Json.GSON.toJson(o));
            } else {
                spec.commandLine().getOut().println(text);
                spec.commandLine().getErr().println(options.describe() + ": " + g.stats().summary());
            }
        }
        return 0;
    }

    static String readFile(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read " + option + " " + file + " (" + e.getMessage()
                    + "); pass a readable UTF-8 text file");
        }
    }
}
