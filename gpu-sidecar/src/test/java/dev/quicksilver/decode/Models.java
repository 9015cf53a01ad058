package dev.quicksilver.decode;

import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.ReferenceBackend;
import dev.quicksilver.transformer.DecoderModel;
import dev.quicksilver.transformer.Fixtures;
import dev.quicksilver.transformer.ModelLoader;
import java.nio.file.Path;

/** Opens fixture models on the reference backend: plain scalar float32, the same result whatever the batch. */
final class Models {

    static final Backend REFERENCE = new ReferenceBackend();

    private Models() {}

    static DecoderModel fixture(String name) {
        return ModelLoader.load(Fixtures.model(name), REFERENCE);
    }

    static DecoderModel at(Path dir) {
        return ModelLoader.load(dir, REFERENCE);
    }

    static int[] range(int from, int to) {
        return Fixtures.allPositions(from, to);
    }

    /** A few token ids that look like text to the fixture tokenizer (any id below the special tokens works). */
    static int[] prompt(int seed, int length, int vocabBelow) {
        java.util.Random r = new java.util.Random(seed);
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = r.nextInt(vocabBelow);
        }
        return p;
    }
}
