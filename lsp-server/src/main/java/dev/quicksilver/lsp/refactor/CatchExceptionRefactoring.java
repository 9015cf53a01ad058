package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CheckedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "The user added a checked exception to a method's {@code throws} clause: catch it at every call that does not
 * handle it." Each such call's innermost statement (of a block; a lambda's expression body becomes a block) is
 * surrounded by a {@code try} whose {@code catch} body the model writes, all sites in one batch, seeing the code
 * around the call on both sides; a body that does not compile, or that drops the failure (a bare {@code return;},
 * code that neither throws, returns a value nor names the exception), gives way to {@code throw new
 * RuntimeException(e);}. A method reference to the method becomes a lambda with the {@code try} in it. A local
 * variable declared by the statement and used after it is declared before the {@code try} and assigned in it. A call
 * no statement can surround (a field's initializer, a {@code super(...)} call's arguments) is left as it was, with a
 * note. The other way,
 * declaring the exception up the callers, is {@link DeclareExceptionRefactoring}.
 */
public final class CatchExceptionRefactoring implements Refactoring {
    @Override
    public String name() {
        return "catch-exception";
    }

    @Override
    public String description() {
        return "catch a checked exception just added to a method's throws clause at every call that does not handle it";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<UnhandledExceptions.Found> found = UnhandledExceptions.at(in);
        if (found.isEmpty()) return Optional.empty();
        CheckedException e = found.get().exception();
        String method = ChangeSignatureRefactoring.ownerName(found.get().method()) + "." + found.get().method().name() + "()";
        String title = "Catch " + UnhandledExceptions.simpleName(e) + " at the " + RefactorPlan.count(found.get().calls().size(), "call") + " of " + method;
        if (e.notDeclarableBecause() != null) return Optional.of(RefactorPlan.refused(name(), title, notDeclarable(found.get())));
        String context = "// " + UnhandledExceptions.simpleName(e) + " thrown by " + method + " is caught here\n";
        List<Site> sites = new ArrayList<>();
        Set<Path> wrapped = new LinkedHashSet<>();
        java.util.Map<Path, String> names = new java.util.HashMap<>(); // reading a file's imports scans it: once per file
        for (UnhandledExceptions.Call c : found.get().calls()) {
            String text = in.text(c.file());
            String exceptionName = names.computeIfAbsent(c.file(), f -> UnhandledExceptions.nameIn(text, e));
            if (c.site().wrap() != null) {
                sites.add(UnhandledExceptions.wrapSite(c.file(), text, c.site().wrap(), exceptionName, context));
                wrapped.add(c.file());
            } else {
                sites.add(UnhandledExceptions.leftAsItWas(c.file(), text, c.site(), exceptionName, c.site().notWrappableBecause()));
            }
        }
        sites = UnhandledExceptions.withoutOverlaps(sites);
        for (Path file : wrapped) UnhandledExceptions.importSite(file, in.text(file), e).ifPresent(sites::add);
        long files = sites.stream().map(Site::file).distinct().count();
        long left = found.get().calls().stream().filter(c -> c.site().wrap() == null).count();
        return Optional.of(new RefactorPlan(name(), title + " (" + RefactorPlan.count(files, "file")
                + (left == 0 ? "" : ", " + left + " left as " + (left == 1 ? "it is" : "they are") + ": see the notes") + ")", sites));
    }

    /** Why neither refactor runs where the method itself may not declare the exception. */
    static String notDeclarable(UnhandledExceptions.Found found) {
        return found.method().name() + "() may not throw " + UnhandledExceptions.simpleName(found.exception()) + ": "
                + found.exception().notDeclarableBecause() + "; declare it there first, or catch it in " + found.method().name() + "()";
    }
}
