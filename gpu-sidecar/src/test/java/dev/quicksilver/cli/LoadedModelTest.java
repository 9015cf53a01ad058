package dev.quicksilver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quicksilver.decode.CanvasRequest;
import dev.quicksilver.decode.DecodeMode;
import dev.quicksilver.transformer.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How text becomes canvases: infill for diffusion, FIM (PSM) order for the autoregressive baseline. */
class LoadedModelTest {

    @TempDir
    Path tmp;

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }

    static int[] text(CanvasRequest.Segment s) {
        return ((CanvasRequest.Text) s).tokens();
    }

    @Test
    void diffusionCanvasesArePrefixHoleSuffix() {
        try (LoadedModel m = LoadedModel.open(Fixtures.model("qwen2-gqa-f32"), "reference")) {
            CanvasRequest c = m.canvas("int x = ", 5, ";\n", DecodeMode.DIFFUSION);
            assertEquals(3, c.segments().size());
            assertArrayEquals(m.encode("int x = "), text(c.segments().get(0)));
            assertEquals(new CanvasRequest.Hole(5), c.segments().get(1));
            assertArrayEquals(m.encode(";\n"), text(c.segments().get(2)));
            // An empty prompt starts with BOS: a shifted model reads the first hole token from the position before.
            CanvasRequest empty = m.canvas("", 3, "", DecodeMode.DIFFUSION);
            assertArrayEquals(new int[] {m.config().bosTokenId()}, text(empty.segments().get(0)));
            assertTrue(m.arIgnoresSuffix("}"), "the fixture tokenizer has no <|fim_middle|>");
        }
    }

    @Test
    void autoregressiveInfillUsesFimOrderWhenTheTokenizerHasTheTokens() throws IOException {
        // The fixture model with <|fim_middle|> added to its tokenizer (id 296, inside the model's 300 logits).
        Path dir = tmp.resolve("with-fim");
        Files.createDirectories(dir);
        Path source = Fixtures.model("qwen2-gqa-f32");
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(source.resolve(f), dir.resolve(f));
        }
        JsonObject tokenizer = JsonParser.parseString(Files.readString(source.resolve("tokenizer.json"))).getAsJsonObject();
        JsonObject middle = tokenizer.getAsJsonArray("added_tokens").get(0).getAsJsonObject().deepCopy();
        middle.addProperty("id", 296);
        middle.addProperty("content", "<|fim_middle|>");
        tokenizer.getAsJsonArray("added_tokens").add(middle);
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer.toString());

        try (LoadedModel m = LoadedModel.open(dir, "reference")) {
            assertFalse(m.arIgnoresSuffix("}"));
            CanvasRequest c = m.canvas("int x = ", 4, ";\n", DecodeMode.AUTOREGRESSIVE);
            int p = m.tokenizer().tokenId("<|fim_prefix|>");
            int s = m.tokenizer().tokenId("<|fim_suffix|>");
            assertEquals(296, m.tokenizer().tokenId("<|fim_middle|>"));
            assertArrayEquals(concat(new int[] {p}, m.encode("int x = "), new int[] {s}, m.encode(";\n"), new int[] {296}),
                    text(c.segments().get(0)));
            assertEquals(new CanvasRequest.Hole(4), c.segments().get(1));
        }
    }
}
