package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Calls of a method that JDT could not bind until other edits of the refactor are made, so the index has none of
 * them: a call inside a lambda whose parameters did not fit ({@code (t, u) -> accept(t, u)}), a call chained on a
 * call that did not fit ({@code w.value(a).value(b)}: the second has no receiver type until the first takes its
 * argument). The compiler names them, as calls the method does not take, once the file is compiled with those
 * edits; each one found is passed an argument, and the file compiled again, for up to
 * {@link CompileCheck#MAX_ROUNDS} compiles (a call that is another's argument, or receiver, shows one round later).
 */
final class RevealedCalls {
    private RevealedCalls() {
    }

    /**
     * The calls of m in {@code file} that the compiler says do not fit once {@code edits} are made, among those for
     * which {@code argumentAt} (given the offset of the call's name) gives the argument to pass in the next compile.
     */
    static List<CallSite> find(RefactorInput in, Path file, SymbolInfo m, AddParameterRefactoring.Arguments a,
                               List<FileChange.Replacement> edits, IntFunction<Optional<String>> argumentAt) {
        String text = in.text(file);
        Pattern call = Pattern.compile("\\b" + Pattern.quote(m.name()) + "\\s*\\(");
        List<FileChange.Replacement> made = new ArrayList<>(edits);
        List<CallSite> out = new ArrayList<>();
        Set<Integer> found = new HashSet<>();
        for (int round = 0; round < CompileCheck.MAX_ROUNDS; round++) {
            FileChange change = new FileChange(file, text, made);
            List<FileChange.Replacement> more = new ArrayList<>();
            for (dev.quicksilver.index.CompileError e : in.index().compileErrors(file, change.apply())) {
                if (!AddParameterRefactoring.MISFIT_CALL.contains(e.id()) || !e.message().contains(" " + m.name() + "(")) continue;
                int start = change.originalOffset(e.start());
                var name = call.matcher(text);
                if (start < 0 || start >= text.length() || !name.find(start)) continue;
                int open = name.end() - 1;
                int close = JavaText.matchingClose(text, open);
                if (close < 0 || found.contains(open)) continue;
                Optional<String> argument = argumentAt.apply(name.start());
                if (argument.isEmpty()) continue;
                found.add(open);
                out.add(new CallSite(m.key(), "", new SourceLocation(file, AddParameterRefactoring.range(text, name.start(), close + 1))));
                int count = JavaText.splitTopLevel(text.substring(open + 1, close)).size();
                AddParameterRefactoring.Insertion ins = AddParameterRefactoring.insertion(text, open, close, count, Math.min(a.inserted(), count));
                more.add(new FileChange.Replacement(ins.at(), ins.at(), ins.before() + argument.get() + ins.after()));
            }
            if (more.isEmpty()) break;
            made.addAll(more);
        }
        return out;
    }
}
