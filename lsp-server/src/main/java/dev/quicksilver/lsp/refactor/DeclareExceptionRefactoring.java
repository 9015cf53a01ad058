package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CheckedException;
import dev.quicksilver.index.ExceptionSite;
import dev.quicksilver.index.SourceLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * "The user added a checked exception to a method's {@code throws} clause: declare it in the methods that call it,
 * and in theirs, up to where it is handled." Each method or constructor whose body has a call that does not handle
 * the exception gets it in its {@code throws} clause; then its own calls are looked at the same way, and so on
 * (breadth first, each method once), which is what the compiler would ask for one error at a time. Where a method
 * may not declare it (it overrides one that does not throw it) or the call is in a lambda or an initializer, the call
 * is caught there instead, as {@link CatchExceptionRefactoring} does (the model writes the {@code catch} body), and the
 * climb stops; a call that can be neither is left as it was, with a note. The exception's import comes with it where a
 * file needs one. Past {@link #MAX_METHODS} methods the refactor is refused: an exception that reaches that far is
 * better caught nearer its source.
 *
 * <p>A method reference to a method that now throws ({@code this::load} for a {@code Supplier}, whose {@code get}
 * throws nothing) is caught too: it becomes a lambda with a {@code try} in it.
 */
public final class DeclareExceptionRefactoring implements Refactoring {
    static final int MAX_METHODS = 64;

    @Override
    public String name() {
        return "declare-exception";
    }

    @Override
    public String description() {
        return "declare a checked exception just added to a method's throws clause in its callers, and up theirs, to where it is handled";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<UnhandledExceptions.Found> found = UnhandledExceptions.at(in);
        if (found.isEmpty()) return Optional.empty();
        CheckedException e = found.get().exception();
        String simple = UnhandledExceptions.simpleName(e);
        String method = ChangeSignatureRefactoring.ownerName(found.get().method()) + "." + found.get().method().name() + "()";
        String heading = "Declare " + simple + " up the callers of " + method;
        if (e.notDeclarableBecause() != null) return Optional.of(RefactorPlan.refused(name(), heading, CatchExceptionRefactoring.notDeclarable(found.get())));
        // Breadth first: the calls of the method, then the calls of each method that declares the exception now.
        Map<String, UnhandledExceptions.Call> declarers = new LinkedHashMap<>();
        List<UnhandledExceptions.Call> caught = new ArrayList<>();
        List<UnhandledExceptions.Call> left = new ArrayList<>();
        Set<String> seenCalls = new LinkedHashSet<>();
        List<UnhandledExceptions.Call> round = found.get().calls();
        while (!round.isEmpty()) {
            List<SourceLocation> next = new ArrayList<>();
            for (UnhandledExceptions.Call c : round) {
                if (!seenCalls.add(c.file() + ":" + c.site().callStart())) continue;
                ExceptionSite.Declarer d = c.site().declarer();
                if (d != null) {
                    if (declarers.putIfAbsent(d.key(), c) == null) next.addAll(UnhandledExceptions.callsAndReferences(in, d.key()));
                } else if (c.site().wrap() != null) {
                    caught.add(c);
                } else {
                    left.add(c);
                }
            }
            if (declarers.size() > MAX_METHODS) {
                return Optional.of(RefactorPlan.refused(name(), heading, simple + " would be declared by over " + MAX_METHODS
                        + " methods up the callers of " + method + "; catch it nearer (catch-exception), or declare it by hand where it belongs"));
            }
            round = next.isEmpty() ? List.of() : UnhandledExceptions.unhandled(in, next, e);
        }
        String context = "// " + simple + " thrown by " + method + " is caught here\n";
        List<Site> sites = new ArrayList<>();
        Set<Path> named = new LinkedHashSet<>();
        // What each file calls the exception (reading its imports scans the file: once per file, not per site).
        Map<Path, String> names = new java.util.HashMap<>();
        java.util.function.Function<Path, String> nameIn = file -> names.computeIfAbsent(file, f -> UnhandledExceptions.nameIn(in.text(f), e));
        for (UnhandledExceptions.Call c : declarers.values()) {
            ExceptionSite.Declarer d = c.site().declarer();
            String name = nameIn.apply(c.file());
            sites.add(Site.decided(c.file(), d.throwsAt(), d.throwsAt(), (d.hasThrows() ? ", " : " throws ") + name,
                    "// " + d.name() + "() declares " + simple + "\n"));
            named.add(c.file());
        }
        for (UnhandledExceptions.Call c : caught) {
            String text = in.text(c.file());
            sites.add(UnhandledExceptions.wrapSite(c.file(), text, c.site().wrap(), nameIn.apply(c.file()), context));
            named.add(c.file());
        }
        for (UnhandledExceptions.Call c : left) {
            String text = in.text(c.file());
            sites.add(UnhandledExceptions.leftAsItWas(c.file(), text, c.site(), nameIn.apply(c.file()),
                    c.site().notDeclarableBecause().equals(c.site().notWrappableBecause()) ? c.site().notDeclarableBecause()
                            : c.site().notDeclarableBecause() + ", and " + c.site().notWrappableBecause()));
        }
        sites = UnhandledExceptions.withoutOverlaps(sites);
        // The throws clauses first: a plan's declarations lead its sites.
        sites = java.util.stream.Stream.concat(sites.stream().filter(s -> s.start() == s.end()), sites.stream().filter(s -> s.start() != s.end())).toList();
        int declarations = (int) sites.stream().filter(s -> s.start() == s.end()).count();
        sites = new ArrayList<>(sites);
        for (Path file : named) UnhandledExceptions.importSite(file, in.text(file), e).ifPresent(sites::add);
        long files = sites.stream().map(Site::file).distinct().count();
        String title = heading + ": " + RefactorPlan.count(declarers.size(), "method") + " declare it"
                + (caught.isEmpty() ? "" : ", " + RefactorPlan.count(caught.size(), "call") + " catch it where it cannot be declared")
                + (left.isEmpty() ? "" : ", " + left.size() + " left as " + (left.size() == 1 ? "it is" : "they are") + " (see the notes)")
                + " (" + RefactorPlan.count(files, "file") + ")";
        return Optional.of(new RefactorPlan(name(), title, sites, declarations, "calls left as they were, with a note"));
    }
}
