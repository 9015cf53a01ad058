package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.CheckedException;
import dev.quicksilver.index.ExceptionSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checked exception just added to a method's {@code throws} clause, and the calls of the method that do not
 * handle it now (the compiler's "Unhandled exception type"), for {@link DeclareExceptionRefactoring} and {@link
 * CatchExceptionRefactoring}. Which calls, and what could declare or catch the exception at each, come from the
 * index ({@link dev.quicksilver.index.WorkspaceIndex#exceptionSites}), which reads Java's rules off the callers'
 * resolved files; this class turns that into sites: a {@code throws} added to a method's header, a {@code try}
 * around a statement whose {@code catch} body the model writes, or a call left as it was with a note.
 */
final class UnhandledExceptions {
    /** A call of the method whose file and handling the index found. */
    record Call(Path file, ExceptionSite site) {
    }

    /** The method the user is at, the exception it now throws, and its calls that do not handle it. */
    record Found(SymbolInfo method, CheckedException exception, List<Call> calls) {
    }

    private UnhandledExceptions() {
    }

    /**
     * The method at the position, the last checked exception it declares that some of its calls do not handle, and
     * those calls; empty where there is none, or no sign of an edit near the method (finding them resolves every
     * file that calls it, which listing code actions at each cursor move must not do).
     */
    static Optional<Found> at(RefactorInput in) {
        Optional<SymbolInfo> at = in.methodAt();
        if (at.isEmpty() || !(in.thorough() || AddParameterRefactoring.editedNear(in, at.get()))) return Optional.empty();
        SymbolInfo m = at.get();
        String text = in.text(m.location().path());
        int nameOffset = JavaText.offsetOf(text, m.nameRange().startLine(), m.nameRange().startColumn());
        List<CheckedException> thrown = in.index().checkedExceptions(m.location().path(), text, nameOffset);
        if (thrown.isEmpty()) return Optional.empty();
        // A method's binding key ends with the exceptions it throws (|Lq/StoreFailure;): in an editor session the
        // calls are still linked to the key the method had before the exception was added.
        List<SourceLocation> calls = new ArrayList<>();
        for (String key : in.keysOf(m)) calls.addAll(callsAndReferences(in, key));
        if (calls.isEmpty()) return Optional.empty();
        // The last one first: an exception added to a throws clause is most often written at its end.
        for (CheckedException e : thrown.reversed()) {
            List<Call> unhandled = unhandled(in, calls, e);
            if (!unhandled.isEmpty()) return Optional.of(new Found(m, e, unhandled));
        }
        return Optional.empty();
    }

    /**
     * Where the method {@code key} is called, and where a method reference names it ({@code Store::load}: the
     * reference's name; its functional interface's method may not throw what the method does now).
     */
    static List<SourceLocation> callsAndReferences(RefactorInput in, String key) {
        List<SourceLocation> out = new ArrayList<>();
        for (CallSite c : in.index().callSites(key)) out.add(c.location());
        for (Reference r : in.index().references(key)) {
            String text = in.text(r.location().path());
            int at = JavaText.offsetOf(text, r.location().range().startLine(), r.location().range().startColumn());
            int before = JavaText.skipBlankBack(text, at);
            if (before >= 2 && text.startsWith("::", before - 2)) out.add(r.location());
        }
        return out;
    }

    /** Those of {@code calls} (and method references) where {@code e} is not handled, file by file (one resolve per file). */
    static List<Call> unhandled(RefactorInput in, List<SourceLocation> calls, CheckedException e) {
        Map<Path, List<SourceLocation>> byFile = new LinkedHashMap<>();
        for (SourceLocation c : calls) byFile.computeIfAbsent(c.path(), p -> new ArrayList<>()).add(c);
        List<Call> out = new ArrayList<>();
        byFile.forEach((file, fileCalls) -> {
            String text = in.text(file);
            List<int[]> ranges = new ArrayList<>();
            for (SourceLocation c : fileCalls) {
                TextRange r = c.range();
                ranges.add(new int[] {JavaText.offsetOf(text, r.startLine(), r.startColumn()), JavaText.offsetOf(text, r.endLine(), r.endColumn())});
            }
            for (ExceptionSite s : in.index().exceptionSites(file, text, ranges, e.supertypes())) {
                if (s != null && !s.handled()) out.add(new Call(file, s));
            }
        });
        return out;
    }

    /** The simple name of the exception. */
    static String simpleName(CheckedException e) {
        return e.qualifiedName().substring(e.qualifiedName().lastIndexOf('.') + 1);
    }

    /**
     * The name {@code file} writes the exception with: its source name where that resolves there, or will once an
     * import is added ({@link #importSite}); its qualified name where the file means another type by that name.
     */
    static String nameIn(String text, CheckedException e) {
        String outer = e.sourceName().split("\\.")[0];
        String imported = e.importedType();
        if (implicitlyVisible(text, imported)) return e.sourceName();
        String pkg = imported.substring(0, imported.lastIndexOf('.'));
        Matcher m = Imports.IMPORT.matcher(text);
        boolean other = false;
        while (m.find()) {
            if (m.group(1) != null) continue; // a static import names no type
            String q = m.group(2);
            if (q.equals(imported) || q.equals(pkg + ".*")) return e.sourceName();
            if (q.endsWith("." + outer)) other = true;
        }
        other |= Pattern.compile("\\b(class|interface|enum|record)\\s+" + Pattern.quote(outer) + "\\b").matcher(text).find();
        return other ? e.qualifiedName() : e.sourceName();
    }

    /** A site adding the import the exception's name needs in {@code file}, if it needs one. */
    static Optional<Site> importSite(Path file, String text, CheckedException e) {
        String outer = e.sourceName().split("\\.")[0];
        String imported = e.importedType();
        if (implicitlyVisible(text, imported) || !Imports.lacks(text, imported, outer)) return Optional.empty();
        return Optional.of(Imports.site(file, text, List.of("import " + imported + ";"), false));
    }

    /** Whether a type needs no import in the text: {@code java.lang}'s, or of the text's own package. */
    private static boolean implicitlyVisible(String text, String qualified) {
        String pkg = qualified.contains(".") ? qualified.substring(0, qualified.lastIndexOf('.')) : "";
        return pkg.equals("java.lang") || pkg.isEmpty() || samePackage(text, qualified);
    }

    private static boolean samePackage(String text, String qualified) {
        String pkg = qualified.contains(".") ? qualified.substring(0, qualified.lastIndexOf('.')) : "";
        Matcher p = Imports.PACKAGE.matcher(text);
        return p.find() ? p.group(1).equals(pkg) : pkg.isEmpty();
    }

    /**
     * The site that puts a {@code try} in place of the wrap's statement (or makes a lambda's expression body a block
     * with one): the model writes the {@code catch} body, which is kept where it compiles and passes the failure on
     * (it throws, returns a value: the method's own way of saying it failed, {@code return false;} where the call's
     * result was false on failure; or names the caught exception); else {@code throw new RuntimeException(e);}, as an
     * IDE's "surround with try/catch" writes. A body that drops the failure (a bare {@code return;}, a print of
     * something else) is no refactor's to write.
     */
    static Site wrapSite(Path file, String text, ExceptionSite.Wrap wrap, String exceptionName, String context) {
        String indent = JavaText.indentAt(text, wrap.start());
        String step = stepAt(text, wrap.start(), indent);
        String fallback = "throw new RuntimeException(" + wrap.catchName() + ");";
        String tryIndent = wrap.lambdaBody() ? indent + step : indent;
        String inner = tryIndent + step;
        String statement = wrap.statement().replace("\n", "\n" + step + (wrap.lambdaBody() ? step : ""));
        String before = (wrap.lambdaParameters() != null ? wrap.lambdaParameters() + " -> " : "") + (wrap.lambdaBody() ? "{\n" + tryIndent : "")
                + (wrap.declaration() != null ? wrap.declaration() + "\n" + tryIndent : "")
                + "try {\n" + inner + statement + "\n" + tryIndent + "} catch (" + exceptionName + " " + wrap.catchName() + ") {\n" + inner;
        String after = "\n" + tryIndent + "}" + (wrap.lambdaBody() ? "\n" + indent + "}" : "");
        Pattern caught = Pattern.compile("\\b" + Pattern.quote(wrap.catchName()) + "\\b");
        return new Site(file, wrap.start(), wrap.end(), before, after, context, 24, modelText -> {
            String body = ImplementMethodRefactoring.body(modelText, fallback, inner);
            // A throw, or a return of a value (the method's own way to say it failed: reserve's false), ends the
            // block: what follows it would be unreachable.
            String first = body.lines().findFirst().orElse("");
            if (JUMP.matcher(first).matches()) return first;
            return caught.matcher(body).find() ? body : fallback;
        }, new Site.Fallback(fallback, wrap.start(), wrap.end(), false));
    }

    /**
     * One step of indentation as the code at {@code offset} (indented {@code indent}) has it: what its line has past
     * the nearest line above it indented less (the block's opening line), else four spaces.
     */
    static String stepAt(String text, int offset, String indent) {
        int lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        while (lineStart > 0) {
            int above = text.lastIndexOf('\n', lineStart - 2) + 1;
            String line = text.substring(above, lineStart - 1);
            lineStart = above;
            if (line.isBlank()) continue;
            String aboveIndent = JavaText.indentAt(text, above);
            if (aboveIndent.length() < indent.length()) {
                return indent.startsWith(aboveIndent) ? indent.substring(aboveIndent.length()) : "    ";
            }
        }
        return indent.contains("\t") ? "\t" : "    ";
    }

    private static final Pattern JUMP = Pattern.compile("(throw\\s+|return\\s+[^;\\s]).*;");

    /** A call left as it was, with a note that says why and what to do there. */
    static Site leftAsItWas(Path file, String text, ExceptionSite s, String exceptionName, String why) {
        String call = text.substring(s.callStart(), s.callEnd());
        return new Site(file, s.callStart(), s.callEnd(), "", "", "", 1, modelText -> call, new Site.Fallback(call, s.callStart(), s.callEnd(), false),
                () -> List.of(call), "left as it was: " + why + "; handle " + exceptionName + " here by hand");
    }

    /**
     * {@code sites} without those that overlap one before them in their file, in order of start (a try around a
     * statement that holds another's: the outer one covers both).
     */
    static List<Site> withoutOverlaps(List<Site> sites) {
        List<Site> sorted = new ArrayList<>(sites);
        sorted.sort(Comparator.comparing((Site s) -> s.file().toString()).thenComparingInt(Site::start).thenComparingInt(s -> -s.end()));
        List<Site> out = new ArrayList<>();
        for (Site s : sorted) {
            Site last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.file().equals(s.file()) && s.start() < last.end() && (s.start() > last.start() || s.end() > s.start())) continue;
            out.add(s);
        }
        return out;
    }
}
