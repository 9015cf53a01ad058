package dev.quicksilver.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FILE:LINE:COL of the headless commands: one-based in, zero-based out, and one sentence for each mistake. */
class HeadlessLocationTest {
    @TempDir
    Path tmp;

    @Test
    void parsesOneBasedPositionsAndSaysWhatIsWrongWithABadOne() throws Exception {
        Path file = tmp.resolve("A.java");
        Files.writeString(file, "class A {\n}\n"); // three lines as an editor counts them: the last is empty
        Headless.Location loc = Headless.Location.parse(file + ":3:1");
        assertEquals(new Headless.Location(file, 2, 0), loc);

        String past = assertThrows(IllegalArgumentException.class, () -> Headless.Location.parse(file + ":4:1")).getMessage();
        assertEquals(file + " has 3 lines; line 4 is past its end", past);
        String zero = assertThrows(IllegalArgumentException.class, () -> Headless.Location.parse(file + ":0:1")).getMessage();
        assertTrue(zero.contains("one-based"), zero);
        String missing = assertThrows(IllegalArgumentException.class, () -> Headless.Location.parse(tmp.resolve("B.java") + ":1:1")).getMessage();
        assertTrue(missing.endsWith("B.java is not a file"), missing);
        Path latin1 = tmp.resolve("L.java");
        Files.write(latin1, new byte[]{'/', '/', ' ', (byte) 0xE9, '\n'});
        String encoding = assertThrows(IllegalArgumentException.class, () -> Headless.Location.parse(latin1 + ":1:1")).getMessage();
        assertEquals(latin1 + " is not UTF-8 text; Quicksilver reads source files as UTF-8", encoding);
    }
}
