package dev.quicksilver.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.model.ModelLoadException;
import dev.quicksilver.transformer.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips over real code: this module's own Java sources plus texts with unicode, tabs and CRLF,
 * through the fixture tokenizer and through every tokenizer.json found under the repository's models/.
 */
class TokenizerTest {

    /** Texts a byte-level BPE must carry unchanged, whatever its merges. */
    static final List<String> TRICKY = List.of(
            "",
            "class A {\r\n\tint x = 1;\r\n}\r\n",
            "\t\tif (a != b) {\n\t\t\treturn \"tab\\there\";\n\t\t}\n",
            "String s = \"λx → x² · π ≈ 3.14159\"; // ünïcödé, 日本語のコメント, emoji 🎉👩‍💻",
            "   leading spaces and trailing   \n\n\n",
            "char c = '\\u0000'; int[] a = {0x7f, 0xff}; /* \u00a0nbsp */",
            "mixed\r\nline\nendings\rhere");

    /** This module's Java sources: a few hundred kilobytes of real code. */
    static List<Path> javaSources() {
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertRoundTrips(Tokenizer tokenizer, String text, String what) {
        int[] ids = tokenizer.encode(text);
        assertEquals(text, tokenizer.decode(ids), what + " through " + tokenizer.file());
    }

    static void roundTripCorpus(Tokenizer tokenizer) throws IOException {
        List<Path> sources = javaSources();
        assertTrue(sources.size() > 10, "expected this module's sources under src/");
        for (Path source : sources) {
            assertRoundTrips(tokenizer, Files.readString(source, StandardCharsets.UTF_8), source.toString());
        }
        for (String text : TRICKY) {
            assertRoundTrips(tokenizer, text, "tricky text");
        }
    }

    @Test
    void fixtureTokenizerRoundTripsCode() throws IOException {
        try (Tokenizer t = Tokenizer.open(Fixtures.model("qwen2-gqa-f32"))) {
            roundTripCorpus(t);
            // The merges learned from Java apply: fewer tokens than bytes.
            String code = Files.readString(javaSources().getFirst());
            assertTrue(t.encode(code).length < code.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void specialTokensMatchTheConfig() {
        Path dir = Fixtures.model("dream-tied-bf16");
        ModelConfig config = ModelConfig.read(dir);
        try (Tokenizer t = Tokenizer.open(dir)) {
            assertEquals(config.maskTokenId(), t.tokenId("<|mask|>"));
            assertEquals(config.eosTokenId(), t.tokenId("<|endoftext|>"));
            assertTrue(t.findTokenId("not a token at all").isEmpty());
            assertThrows(IllegalArgumentException.class, () -> t.tokenId("<|nope|>"));

            int mask = config.maskTokenId();
            int[] ids = t.encode("int x = <|mask|>;");
            assertTrue(java.util.Arrays.stream(ids).anyMatch(id -> id == mask), "special text is one token");

            int[] withSpecials = concat(t.encode("a = b;"), new int[] {mask, mask}, t.encode(" // done"),
                    new int[] {config.eosTokenId()});
            assertEquals("a = b;<|mask|><|mask|> // done<|endoftext|>", t.decode(withSpecials));
            assertEquals("a = b; // done", t.decode(withSpecials, true));
        }
    }

    @Test
    void encodeAddsNoSpecialTokens() {
        try (Tokenizer t = Tokenizer.open(Fixtures.model("llada-f32"))) {
            int[] ids = t.encode("x");
            assertArrayEquals(t.encode("x"), ids);
            assertEquals(1, ids.length);
            assertFalse(t.decode(ids).contains("<|"));
        }
    }

    @Test
    void missingTokenizerNamesTheFile(@TempDir Path dir) {
        var e = assertThrows(ModelLoadException.class, () -> Tokenizer.open(dir));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    /** Every tokenizer.json under ../models (the project's real tokenizer, once it is committed). */
    @TestFactory
    Stream<DynamicTest> projectModelTokenizersRoundTripCode() throws IOException {
        Path models = Path.of("..", "models").toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(models)) {
            try (Stream<Path> dirs = Files.list(models)) {
                dirs.map(d -> d.resolve(Tokenizer.FILE)).filter(Files::isRegularFile).sorted().forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("no project tokenizer yet", () -> Assumptions.abort(
                    "no tokenizer.json under " + models + "/*/: the real-tokenizer round trip runs once a model is"
                            + " committed there")));
        }
        return found.stream().map(file -> DynamicTest.dynamicTest(file.getParent().getFileName().toString(), () -> {
            try (Tokenizer t = Tokenizer.fromFile(file)) {
                roundTripCorpus(t);
            }
        }));
    }

    static int[] concat(int[]... parts) {
        return Stream.of(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
