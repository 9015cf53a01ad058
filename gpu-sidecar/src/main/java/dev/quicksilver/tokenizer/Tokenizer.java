package dev.quicksilver.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.quicksilver.model.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model directory's tokenizer.json, run by Hugging Face's Rust tokenizers through DJL, offline (the
 * native library ships inside the DJL jar; nothing is downloaded). Text in, token ids out, and back,
 * with no special tokens added on the way in: the engine lays out canvases itself.
 *
 * <p>Special-token strings inside the text (for example {@code <|endoftext|>}) are recognised as those
 * tokens, as Hugging Face does. The underlying tokenizer is thread-safe.
 */
public final class Tokenizer implements AutoCloseable {

    public static final String FILE = "tokenizer.json";

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;

    private Tokenizer(Path file, HuggingFaceTokenizer tokenizer) {
        this.file = file;
        this.tokenizer = tokenizer;
    }

    /** The tokenizer.json of a model directory. */
    public static Tokenizer open(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Model directory " + modelDir + " has no " + FILE
                    + "; copy tokenizer.json from the checkpoint (Quicksilver reads only the fast-tokenizer format).");
        }
        return fromFile(file);
    }

    public static Tokenizer fromFile(Path tokenizerJson) {
        try {
            // Truncation and padding off: canvases are laid out by the engine, never cut here.
            var options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
            return new Tokenizer(tokenizerJson, HuggingFaceTokenizer.newInstance(tokenizerJson, options));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(tokenizerJson + " cannot be loaded as a Hugging Face tokenizer ("
                    + e.getMessage() + "); replace it with the checkpoint's tokenizer.json.", e);
        }
    }

    public Path file() {
        return file;
    }

    /** Token ids of {@code text}, without adding special tokens. */
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of {@code ids}, special tokens included. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** Text of {@code ids}; with {@code skipSpecialTokens} the special tokens (mask, end of text) are left out. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, skipSpecialTokens);
    }

    /** The id of a token written out in full (usually a special token such as {@code <|mask|>}), if it is one token. */
    public OptionalInt findTokenId(String token) {
        int[] ids = encode(token);
        if (ids.length == 1 && decode(ids).equals(token)) {
            return OptionalInt.of(ids[0]);
        }
        return OptionalInt.empty();
    }

    /** Like {@link #findTokenId} but fails, naming the file, when the string is not a single token. */
    public int tokenId(String token) {
        return findTokenId(token).orElseThrow(() -> new IllegalArgumentException(
                "\"" + token + "\" is not a single token of " + file + "; check the token's spelling"));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
