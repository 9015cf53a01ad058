package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CheckedException;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The text {@link UnhandledExceptions} writes: the file's own indentation step, and the exception's name as the file can say it. */
class UnhandledExceptionsTest {
    @Test
    void aTryIsIndentedByTheFilesOwnStep() {
        String twoSpaces = "class A {\n  int f() {\n\n    // why\n    return g();\n  }\n}\n";
        assertEquals("  ", UnhandledExceptions.stepAt(twoSpaces, twoSpaces.indexOf("return"), "    "));
        String tabs = "class A {\n\tint f() {\n\t\treturn g();\n\t}\n}\n";
        assertEquals("\t", UnhandledExceptions.stepAt(tabs, tabs.indexOf("return"), "\t\t"));
        String fourSpaces = "class A {\n    int f() {\n        return g()\n                + 1;\n    }\n}\n";
        assertEquals("    ", UnhandledExceptions.stepAt(fourSpaces, fourSpaces.indexOf("return"), "        "));
    }

    @Test
    void theExceptionIsNamedSoItResolvesInTheFile() {
        CheckedException failure = new CheckedException("r.StoreFailure", "StoreFailure", List.of("r.StoreFailure", "java.lang.Exception"), null);
        assertEquals("StoreFailure", UnhandledExceptions.nameIn("package q;\n\nimport r.StoreFailure;\n", failure), "imported");
        assertEquals("StoreFailure", UnhandledExceptions.nameIn("package q;\n\nimport r.*;\n", failure), "its package imported");
        assertEquals("StoreFailure", UnhandledExceptions.nameIn("package q;\n\nclass A {}\n", failure), "an import will be added");
        assertEquals("r.StoreFailure", UnhandledExceptions.nameIn("package q;\n\nimport s.StoreFailure;\n", failure), "another type of that name");
        assertEquals("r.StoreFailure", UnhandledExceptions.nameIn("package q;\n\nclass StoreFailure {}\n", failure), "declared here");
        CheckedException nested = new CheckedException("r.Store.Failure", "Store.Failure", List.of("r.Store.Failure", "java.lang.Exception"), null);
        assertEquals("r.Store", nested.importedType());
        assertEquals("Store.Failure", UnhandledExceptions.nameIn("package q;\n\nimport r.Store;\n", nested));
        CheckedException interrupted = new CheckedException("java.lang.InterruptedException", "InterruptedException", List.of(), null);
        assertEquals("InterruptedException", UnhandledExceptions.nameIn("package q;\n\nimport s.*;\n", interrupted));
        assertEquals(java.util.Optional.empty(), UnhandledExceptions.importSite(java.nio.file.Path.of("A.java"), "package q;\n", interrupted));
    }
}
