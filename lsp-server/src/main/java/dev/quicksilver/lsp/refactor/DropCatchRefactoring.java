package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CatchEdit;
import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "The user removed a checked exception from a method's {@code throws} clause: drop the catch clauses for it that
 * no longer compile." A catch of a checked exception that its try cannot throw is a compile error (JLS 11.2.3:
 * "Unreachable catch block"); once {@code Store.load()} no longer throws {@code StoreException}, every {@code catch
 * (StoreException e)} around a call of it (and of nothing else that throws it) is one. The compiler finds them in the
 * files that call the method; each is dropped where its try calls the method: the clause, or its type from a
 * multi-catch, or, where it was the try's only clause (no resources, no {@code finally}), the try itself, its
 * statements taking its place one step out. Decided without the model. Where the statements would clash with a
 * variable after the try, it is left as it was, with the reason (the compile check). The {@code throws} clauses of
 * callers that declared the exception for it are left: they still compile.
 */
public final class DropCatchRefactoring implements Refactoring {
    /** JDT's IProblem.UnreachableCatch. */
    private static final int UNREACHABLE_CATCH = 83886247;
    private static final Pattern CAUGHT = Pattern.compile("Unreachable catch block for ([\\w$]+(?:\\.[\\w$]+)*)");

    @Override
    public String name() {
        return "drop-catch";
    }

    @Override
    public String description() {
        return "drop the catch clauses for an exception a method no longer throws, at its calls";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> at = in.methodAt();
        if (at.isEmpty() || !(in.thorough() || AddParameterRefactoring.editedNear(in, at.get()))) return Optional.empty();
        SymbolInfo m = at.get();
        Map<Path, List<int[]>> callsByFile = new LinkedHashMap<>();
        for (String key : in.keysOf(m)) {
            for (var call : in.index().callSites(key)) callsByFile.computeIfAbsent(call.location().path(), p -> new ArrayList<>()).add(range(in, call.location()));
        }
        List<Site> sites = new ArrayList<>();
        Set<String> exceptions = new LinkedHashSet<>();
        int calls = 0;
        String context = "// " + m.signature() + " no longer throws what these catch\n";
        for (Map.Entry<Path, List<int[]>> e : callsByFile.entrySet()) {
            Path file = e.getKey();
            int fileSites = sites.size();
            Set<String> fileExceptions = new LinkedHashSet<>();
            List<CompileError> unreachable = in.compileErrors(file).stream().filter(x -> x.id() == UNREACHABLE_CATCH).toList();
            if (unreachable.isEmpty()) continue;
            String text = in.text(file);
            List<CatchEdit> edits = in.index().droppedCatches(file, text, unreachable.stream().map(x -> new int[] {x.start(), x.end()}).toList(), e.getValue());
            for (int i = 0; i < edits.size(); i++) {
                CatchEdit edit = edits.get(i);
                if (edit == null) continue;
                Matcher caught = CAUGHT.matcher(unreachable.get(i).message());
                if (caught.find()) fileExceptions.add(caught.group(1));
                String replacement = edit.text();
                // Optional: left as it was where it adds a compile error (the statements' variables clash with later ones).
                sites.add(new Site(file, edit.start(), edit.end(), "", "", context, 1, modelText -> replacement,
                        new Site.Fallback(replacement, edit.start(), edit.end(), true), () -> List.of(replacement)));
                calls++;
            }
            exceptions.addAll(fileExceptions);
            sites.addAll(unusedImports(file, text, List.copyOf(sites.subList(fileSites, sites.size())), fileExceptions));
        }
        if (sites.isEmpty()) return Optional.empty();
        // The index gives one edit per try and per clause; should two still overlap, the later is not applied over the first.
        sites = UnhandledExceptions.withoutOverlaps(sites);
        long files = sites.stream().map(Site::file).distinct().count();
        String title = "Drop the catch of " + String.join(", ", exceptions) + ", which " + ChangeSignatureRefactoring.ownerName(m) + "." + m.name() + "()"
                + " no longer throws, at " + RefactorPlan.count(calls, "place") + " (" + RefactorPlan.count(files, "file") + ")";
        return Optional.of(new RefactorPlan(name(), title, sites, 0, "a catch clause the compiler finds unreachable is dropped without the model"));
    }

    private static final Pattern IMPORT = Pattern.compile("(?m)^[ \\t]*import\\s+([\\w.]+)\\s*;[ \\t]*\\n?");

    /**
     * A site that removes the imports of the dropped exceptions that the file, once the catch clauses are gone, names
     * nowhere else (an IDE's "optimize imports" for what the refactor made unused).
     */
    private static List<Site> unusedImports(Path file, String text, List<Site> dropped, Set<String> exceptions) {
        List<FileChange.Replacement> edits = dropped.stream().map(x -> new FileChange.Replacement(x.start(), x.end(), x.fallback().text())).toList();
        String code = IMPORT.matcher(new FileChange(file, text, edits).apply()).replaceAll("");
        Matcher m = IMPORT.matcher(text);
        List<Site> out = new ArrayList<>();
        while (m.find()) {
            String qualified = m.group(1);
            String simple = qualified.substring(qualified.lastIndexOf('.') + 1);
            if (!exceptions.contains(simple) && !exceptions.contains(qualified)) continue;
            if (Pattern.compile("(?<![\\w$])" + Pattern.quote(simple) + "(?![\\w$])").matcher(code).find()) continue;
            // The only import between blank lines: one of them goes with it.
            int start = m.start() >= 2 && text.startsWith("\n\n", m.start() - 2) && text.startsWith("\n", m.end()) ? m.start() - 1 : m.start();
            out.add(Site.decided(file, start, m.end(), "", "// imports the dropped catch clauses no longer need\n"));
        }
        return out;
    }

    private static int[] range(RefactorInput in, SourceLocation location) {
        String text = in.text(location.path());
        TextRange r = location.range();
        return new int[] {JavaText.offsetOf(text, r.startLine(), r.startColumn()), JavaText.offsetOf(text, r.endLine(), r.endColumn())};
    }
}
