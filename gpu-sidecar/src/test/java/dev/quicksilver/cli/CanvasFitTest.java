package dev.quicksilver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.cli.CanvasFit.CanvasText;
import dev.quicksilver.transformer.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fitting a workload's text to a small model (the fixture takes 512 positions, one token per byte or so). */
class CanvasFitTest {

    static LoadedModel loaded;

    @BeforeAll
    static void open() {
        loaded = LoadedModel.open(Fixtures.model("qwen2-gqa-f32"), "cpu");
    }

    @AfterAll
    static void close() {
        loaded.close();
    }

    @Test
    void textThatFitsIsLeftAlone() {
        CanvasText text = new CanvasText("// other file\n", "int x = ", ";\n");
        assertEquals(text, CanvasFit.fit(loaded, text, 16, 0));
    }

    @Test
    void farTextIsCutAndTheTextNearestTheHoleKept() {
        String prefix = "int filler = 0;\n".repeat(100) + "return ";
        String suffix = ";\n}\n" + "// trailing\n".repeat(100);
        String context = "// context line\n".repeat(100);
        CanvasText fitted = CanvasFit.fit(loaded, new CanvasText(context, prefix, suffix), 16, 5);
        assertTrue(prefix.endsWith(fitted.prefix()) && fitted.prefix().endsWith("int filler = 0;\nreturn "),
                "the prefix loses leading lines only: " + fitted.prefix().length());
        assertTrue(suffix.startsWith(fitted.suffix()) && fitted.suffix().startsWith(";\n}\n"), fitted.suffix());
        assertTrue(context.startsWith(fitted.context()), "the context keeps its start");
        int used = loaded.encode(fitted.context()).length + loaded.encode(fitted.prefix()).length
                + loaded.encode(fitted.suffix()).length;
        assertTrue(used + 16 + 5 + CanvasFit.SPARE_POSITIONS <= loaded.config().maxPositions(), "used " + used);
    }

    @Test
    void aHoleThatCannotFitIsRefusedWithTheWayOut() {
        CliException e = assertThrows(CliException.class,
                () -> CanvasFit.fit(loaded, new CanvasText("", "x", "y"), 510, 0));
        assertTrue(e.getMessage().contains("give a smaller token budget"), e.getMessage());
    }
}
