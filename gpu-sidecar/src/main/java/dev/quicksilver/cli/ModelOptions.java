package dev.quicksilver.cli;

import dev.quicksilver.tensor.CpuThreads;
import dev.quicksilver.tensor.WeightFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which model and which tensor backend: shared by every command that runs the model. */
public final class ModelOptions {

    /** The embedded model's folder, relative to the repository root. */
    public static final String DEFAULT_MODEL = "models/quicksilver-coder-mini";

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face model directory (default: " + DEFAULT_MODEL + " under $QUICKSILVER_HOME "
                    + "or the current directory).")
    Path model;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Tensor backend: auto (cuda where a device answers, else cpu), cuda, reference or cpu (default: ${DEFAULT-VALUE}).")
    String backend = "auto";

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "checkpoint",
            description = "Weight matrices as the checkpoint stores them (checkpoint: memory-mapped, never copied)"
                    + " or int8: quantized at load in groups of 32, 1.125 bytes a weight against bf16's 2, faster"
                    + " autoregressive steps for a small accuracy cost; cpu and reference backends"
                    + " (default: ${DEFAULT-VALUE}).")
    String weights = "checkpoint";

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads of the cpu backend (default: one per physical core, or -D" + CpuThreads.PROPERTY + ").")
    Integer threads;

    /** {@code --threads}, checked, for every cpu backend made after this call (the cuda backend's host one too). */
    public void applyThreads() {
        if (threads != null) {
            if (threads < 1) {
                throw new CliException("--threads must be at least 1; leave it out for one thread per physical core");
            }
            System.setProperty(CpuThreads.PROPERTY, Integer.toString(threads));
        }
    }

    /** {@code --weights}, checked: one sentence naming the choices when it is not one. */
    public WeightFormat weightFormat() {
        try {
            return WeightFormat.parse(weights);
        } catch (IllegalArgumentException e) {
            throw new CliException("--weights: " + e.getMessage());
        }
    }

    /** The repository root: -Dquicksilver.home, else $QUICKSILVER_HOME, else the current directory. */
    public static Path home() {
        String p = System.getProperty("quicksilver.home");
        if (p == null || p.isBlank()) {
            p = System.getenv("QUICKSILVER_HOME");
        }
        return Path.of(p == null || p.isBlank() ? "." : p).toAbsolutePath().normalize();
    }

    public Path modelDir() {
        return model != null ? model : home().resolve(DEFAULT_MODEL);
    }

    /** Fails with one sentence when the directory is missing, before any loading starts. */
    static Path requireModelDir(Path dir, boolean isDefault) {
        if (!Files.isDirectory(dir)) {
            throw new CliException(isDefault
                    ? "the embedded model is not at " + dir + "; build or fetch it into that folder, or pass --model DIR"
                    : "model directory " + dir + " does not exist; pass --model with a folder that holds config.json");
        }
        return dir;
    }

    public Path requireModelDir() {
        return requireModelDir(modelDir(), model == null);
    }
}
