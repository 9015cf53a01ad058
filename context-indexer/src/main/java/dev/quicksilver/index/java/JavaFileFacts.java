package dev.quicksilver.index.java;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the Java index knows about one file, as plain data. The index is the union of these: updating a file
 * means replacing its facts, nothing else.
 *
 * @param syntaxErrors      parse errors JDT reported (the facts are what its recovery kept)
 * @param bindingsResolved  false when JDT failed on the file and it was parsed without bindings
 */
public record JavaFileFacts(Path path, String packageName, List<String> imports, List<SymbolInfo> declarations,
                            List<CallSite> calls, List<Reference> references, int syntaxErrors, String firstError,
                            boolean bindingsResolved) {
    public JavaFileFacts {
        imports = List.copyOf(imports);
        declarations = List.copyOf(declarations);
        calls = List.copyOf(calls);
        references = List.copyOf(references);
    }
}
