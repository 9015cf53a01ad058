package dev.quicksilver.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.cuda.nat.CudaKernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No device needed: every kernel the cuda package launches is in the committed kernels.fatbin (a machine
 * without nvcc builds with that file as it is, so a kernel added to kernels.cu but not rebuilt into it
 * would only fail on a GPU), and the window kernel's limits by head shape.
 */
class KernelEntryPointsTest {

    /** The fatbin's bytes as ISO-8859-1 text: each entry point has a {@code .text.<name>} section per GPU architecture. */
    static String fatbin() {
        return new String(CudaKernels.fatbin(), StandardCharsets.ISO_8859_1);
    }

    static Set<String> launchedKernels() throws IOException {
        Set<String> names = new TreeSet<>();
        // whole names only: a literal that a number completes ("qs_attention_windows_p" + n) is added below
        Pattern literal = Pattern.compile("\"(qs_[a-z0-9_]+)\"(?!\\s*\\+)");
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/quicksilver/cuda"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = literal.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        for (int headDim = 2; headDim <= 256; headDim += 2) {
            names.add(CudaDecoderModel.windowKernelName(headDim));
        }
        return names;
    }

    @Test
    void everyLaunchedKernelIsInTheFatbin() throws IOException {
        String image = fatbin();
        Set<String> names = launchedKernels();
        assertTrue(names.contains("qs_softmax_rows") && names.contains("qs_attention_windows_p4"), names.toString());
        for (String name : names) {
            assertTrue(image.contains(".text." + name + "\0") || image.contains(".text." + name + "."),
                    name + " is launched but not in kernels.fatbin: rebuild it (native-bindings/src/main/cuda/build-fatbin.sh)");
        }
        assertFalse(image.contains(".text.qs_no_such_kernel"), "the search finds only what is there");
    }

    @Test
    void theWindowKernelTakesTheHeadShapesOfRealCheckpoints() {
        // Dream-7B / Dream-Coder-7B: 28 heads over 4 kv heads of 128; the scores of 7 heads share 48 KiB
        assertEquals((12288 - 7 * 256 - 8) / 7, CudaDecoderModel.windowKeysCap(28, 4, 128));
        assertEquals(3837, CudaDecoderModel.windowKeysCap(6, 2, 64)); // the embedded model
        assertTrue(CudaDecoderModel.windowKeysCap(32, 32, 128) > 4096); // LLaDA-8B: one head per kv head
        assertTrue(CudaDecoderModel.windowKeysCap(8, 1, 256) > 0);
        assertEquals(0, CudaDecoderModel.windowKeysCap(8, 1, 512), "head size over 256");
        assertEquals(0, CudaDecoderModel.windowKeysCap(4, 4, 63), "odd head size");
        assertEquals(0, CudaDecoderModel.windowKeysCap(32, 2, 64), "16 query heads per kv head");
        assertEquals(0, CudaDecoderModel.windowKeysCap(6, 4, 64), "kv heads that do not divide the heads");
        assertEquals("qs_attention_windows_p1", CudaDecoderModel.windowKernelName(64));
        assertEquals("qs_attention_windows_p2", CudaDecoderModel.windowKernelName(96));
        assertEquals("qs_attention_windows_p4", CudaDecoderModel.windowKernelName(256));
    }
}
