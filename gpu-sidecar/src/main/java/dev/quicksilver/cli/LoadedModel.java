package dev.quicksilver.cli;

import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.DecodeDefaults;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.decode.TextFit;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.Backends;
import dev.quicksilver.tensor.WeightFormat;
import dev.quicksilver.transformer.LanguageModel;
import dev.quicksilver.transformer.ModelLoader;
import dev.quicksilver.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A model opened for the command line: the forward pass, its tokenizer and its decoding defaults, and
 * the one place that turns text into canvases.
 */
public final class LoadedModel implements AutoCloseable {

    static final String FIM_PREFIX = "<|fim_prefix|>";
    static final String FIM_SUFFIX = "<|fim_suffix|>";
    static final String FIM_MIDDLE = "<|fim_middle|>";

    private final Path dir;
    private final Backend backend;
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final DecodeDefaults defaults;
    private final WeightFormat weights;

    LoadedModel(Path dir, Backend backend, LanguageModel model, Tokenizer tokenizer, WeightFormat weights) {
        this.dir = dir;
        this.weights = weights;
        this.backend = backend;
        this.model = model;
        this.tokenizer = tokenizer;
        this.defaults = DecodeDefaults.from(model.config().generationDefaults());
    }

    /** Opens the model and its tokenizer; every failure is one sentence (missing folder, bad config ...). */
    public static LoadedModel open(Path dir, String backend) {
        return open(dir, backend, WeightFormat.CHECKPOINT);
    }

    /** {@link #open(Path, String)} with the weight matrices in {@code weights}. */
    public static LoadedModel open(Path dir, String backend, WeightFormat weights) {
        Backend tensors;
        try {
            tensors = Backends.create(backend);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        LanguageModel model = null;
        try {
            model = ModelLoader.open(dir, tensors, weights);
            return new LoadedModel(dir, tensors, model, Tokenizer.open(dir), weights);
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            }
            tensors.close();
            throw e;
        }
    }

    public static LoadedModel open(ModelOptions options) {
        options.applyThreads();
        return open(options.requireModelDir(), options.backend, options.weightFormat());
    }

    public Path dir() {
        return dir;
    }

    /** The cpu backend's threads, or 0 on another backend (for reports). */
    public int cpuThreads() {
        return backend instanceof dev.quicksilver.tensor.CpuBackend cpu ? cpu.threads() : 0;
    }

    /** How the weight matrices are held (for reports). */
    public WeightFormat weights() {
        return weights;
    }

    public LanguageModel model() {
        return model;
    }

    public ModelConfig config() {
        return model.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Token ids of {@code text}, no special tokens added. */
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    /** The text of a completion; special tokens (FIM markers and the like) are left out. */
    public String decode(int[] tokens) {
        return tokenizer.decode(tokens, true);
    }

    public DecodeDefaults defaults() {
        return defaults;
    }

    /**
     * The canvas for filling {@code budget} tokens between {@code prefix} and {@code suffix}.
     *
     * <p>Diffusion: {@code [prefix][MASK x budget][suffix]}. Autoregressive: the model only writes after
     * its prompt, so with a suffix the prompt is in FIM PSM order ({@code <|fim_prefix|> prefix
     * <|fim_suffix|> suffix <|fim_middle|>}) when the tokenizer has those three tokens; without them the
     * suffix is left out ({@link #arIgnoresSuffix}). An empty prompt starts with BOS where the model has one.
     */
    public CanvasRequest canvas(String prefix, int budget, String suffix, DecodeMode mode) {
        return canvas(prefix, budget, suffix, mode, false).request();
    }

    /** A canvas and how many tokens of its text were cut to fit the model ({@link TextFit}). */
    public record Fitted(CanvasRequest request, int tokensCut) {}

    /**
     * {@link #canvas(String, int, String, DecodeMode)}, and with {@code fitToModel} the prefix's start and the
     * suffix's end cut where the canvas would not fit the model's positions (a case file or workload made
     * for another model).
     *
     * @throws CliException when not even the hole fits
     */
    public Fitted canvas(String prefix, int budget, String suffix, DecodeMode mode, boolean fitToModel) {
        if (budget < 1) {
            throw new CliException("--max-tokens must be at least 1, got " + budget);
        }
        int[] prefixIds = tokenizer.encode(prefix);
        int[] suffixIds = suffix.isEmpty() ? new int[0] : tokenizer.encode(suffix);
        boolean fim = mode == DecodeMode.AUTOREGRESSIVE && suffixIds.length > 0 && fimTokens().isPresent();
        if (mode == DecodeMode.AUTOREGRESSIVE && !fim) {
            suffixIds = new int[0];
        }
        int tokensCut = 0;
        if (fitToModel) {
            int max = config().maxPositions();
            int room = max - budget - (fim ? 3 : 1); // FIM's three tokens, or a BOS
            if (prefixIds.length + suffixIds.length > room && room < 2) {
                throw new CliException("the model takes at most " + max + " positions, too few for a " + budget
                        + "-token hole with text around it; give a smaller token budget");
            }
            TextFit fit = TextFit.keepNearest(prefixIds, suffixIds, room);
            prefixIds = fit.lead();
            suffixIds = fit.suffix();
            tokensCut = fit.tokensCut();
        }
        return new Fitted(canvas(prefixIds, budget, suffixIds, mode, fim), tokensCut);
    }

    private CanvasRequest canvas(int[] prefixIds, int budget, int[] suffixIds, DecodeMode mode, boolean fim) {
        if (mode == DecodeMode.DIFFUSION) {
            return CanvasRequest.infill(withBos(prefixIds), budget, suffixIds);
        }
        if (fim) {
            int[] fimIds = fimTokens().get();
            List<Integer> prompt = new ArrayList<>();
            prompt.add(fimIds[0]);
            for (int t : prefixIds) {
                prompt.add(t);
            }
            prompt.add(fimIds[1]);
            for (int t : suffixIds) {
                prompt.add(t);
            }
            prompt.add(fimIds[2]);
            return CanvasRequest.completion(prompt.stream().mapToInt(Integer::intValue).toArray(), budget);
        }
        return CanvasRequest.completion(withBos(prefixIds), budget);
    }

    /** True when an autoregressive run has to drop the suffix (the tokenizer has no FIM tokens). */
    public boolean arIgnoresSuffix(String suffix) {
        return !suffix.isEmpty() && fimTokens().isEmpty();
    }

    private java.util.Optional<int[]> fimTokens() {
        OptionalInt p = tokenizer.findTokenId(FIM_PREFIX);
        OptionalInt s = tokenizer.findTokenId(FIM_SUFFIX);
        OptionalInt m = tokenizer.findTokenId(FIM_MIDDLE);
        if (p.isEmpty() || s.isEmpty() || m.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new int[] {p.getAsInt(), s.getAsInt(), m.getAsInt()});
    }

    /** A shifted-logits model reads a hole's first token from the position before it: never leave it empty. */
    private int[] withBos(int[] prompt) {
        int bos = config().bosTokenId();
        if (prompt.length > 0 || bos < 0) {
            if (prompt.length == 0 && config().logitsShifted()) {
                throw new CliException("the prompt is empty and this model has no bos_token_id to start the canvas "
                        + "with; give a prompt or a prefix");
            }
            return prompt;
        }
        return new int[] {bos};
    }

    /** Closes the tokenizer, the model (unmapping its weights), then its backend (its threads). */
    @Override
    public void close() {
        tokenizer.close();
        model.close();
        backend.close();
    }
}
