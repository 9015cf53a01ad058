package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** An added import is kept only where the edited file names its type outside the imports. */
class ImportsUsedTest {
    @Test
    void importsOfTypesTheFileNoLongerNamesAreDropped() {
        String edited = "package p;\n\nimport java.time.Instant;\nimport java.util.Date;\nimport java.util.Locale;\n\nclass C {\n"
                + "    Object f() {\n        return Instant.now();\n    }\n}\n";
        assertEquals("import java.time.Instant;\n", Imports.used("import java.time.Instant;\nimport java.util.Locale;\n", edited));
        assertEquals("", Imports.used("import java.util.Locale;\n", edited), "its place was left as it was: no import");
        assertEquals("", Imports.used("\nimport java.util.Locale;\n", edited), "a block after the package line: nothing at all");
        assertEquals("import java.time.Instant;\r\n", Imports.used("import java.time.Instant;\r\n", edited.replace("\n", "\r\n")), "CRLF kept");
    }
}
