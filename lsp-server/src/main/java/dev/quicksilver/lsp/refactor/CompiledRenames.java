package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames after a declaration's name was retyped: where the compiler no longer finds the old name (what the index
 * cannot say once it has read the edit), and where the index still binds a use to a declaration that is renamed too
 * (an override, an accessor written out). Each rename is a decided site: the old name's place, the new name as text.
 */
final class CompiledRenames {
    private CompiledRenames() {
    }

    /** Compiles of one file, each with the renames found so far made, before its renames are taken as found. */
    private static final int MAX_ROUNDS = 3;

    /** Files that say a renamed name, besides those searched anyway: past this many, none of them (a common name). */
    private static final int MAX_FILES_SAYING_THE_NAME = 100;

    /** Which of the compiler's complaints are about a renamed name. */
    @FunctionalInterface
    interface Complaint {
        /**
         * Where in {@code text} (of {@code file}, with the renames found so far made) {@code error} says the name
         * {@code old} is not found, or -1; {@code start} is where the error starts in the file as it is.
         */
        int renamedAt(Path file, String text, CompileError error, int start, String old);
    }

    /**
     * The offsets (into each file as it is) of the old names ({@code renamed}: old name to new) the compiler no longer
     * finds in {@code files}, as {@code complaint} reads its errors. The compiler does not look into a lambda whose
     * target it cannot type ({@code reading.map(it -> ... convertiblePair ...)}): the uses it hides show once the ones
     * around them are renamed, so a file is compiled again with its renames made, until no new one shows (a few
     * rounds at most). Files that say none of the old names are not compiled.
     */
    static Map<Path, Map<Integer, String>> find(RefactorInput in, Collection<Path> files, Map<String, String> renamed, Complaint complaint) {
        return find(in, files, renamed, complaint, Map.of());
    }

    /**
     * {@link #find(RefactorInput, Collection, Map, Complaint)} with some renames made first ({@code seeds}, by file:
     * offset to old name): a declaration renamed that the files as they are do not say yet (a record's component
     * renamed with the method it implements), whose uses the compiler then finds. The seeds are among the renames
     * returned.
     */
    static Map<Path, Map<Integer, String>> find(RefactorInput in, Collection<Path> files, Map<String, String> renamed, Complaint complaint,
                                                Map<Path, Map<Integer, String>> seeds) {
        Map<Path, Map<Integer, String>> found = new LinkedHashMap<>();
        if (renamed.isEmpty()) return found;
        Pattern anyOld = Pattern.compile("(?<![\\w$])(" + String.join("|", renamed.keySet().stream().map(Pattern::quote).toList()) + ")(?![\\w$])");
        for (Path file : files) {
            String text = in.text(file);
            if (!anyOld.matcher(text).find()) continue;
            Map<Integer, String> renames = new TreeMap<>(seeds.getOrDefault(file, Map.of()));
            List<CompileError> errors = renames.isEmpty() ? in.compileErrors(file) : in.index().compileErrors(file, renamedText(text, renames, renamed));
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Map<Integer, String> made = new TreeMap<>(renames);
                String current = renamedText(text, made, renamed);
                for (CompileError error : errors) {
                    int inOriginal = originalOffset(error.start(), made, renamed);
                    for (String old : renamed.keySet()) {
                        int at = complaint.renamedAt(file, current, error, inOriginal, old);
                        if (at >= 0) renames.putIfAbsent(originalOffset(at, made, renamed), old);
                    }
                }
                if (renames.size() == made.size()) break;
                errors = in.index().compileErrors(file, renamedText(text, renames, renamed));
            }
            if (!renames.isEmpty()) found.put(file, renames);
        }
        return found;
    }

    /** {@code text} with the old names at {@code renames}' offsets (into {@code text}) replaced by their new names. */
    static String renamedText(String text, Map<Integer, String> renames, Map<String, String> renamed) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (Map.Entry<Integer, String> r : renames.entrySet()) {
            out.append(text, from, r.getKey()).append(renamed.get(r.getValue()));
            from = r.getKey() + r.getValue().length();
        }
        return out.append(text, from, text.length()).toString();
    }

    /** The offset in the original text of {@code at}, an offset in its {@link #renamedText} (outside the renamed names). */
    private static int originalOffset(int at, Map<Integer, String> renames, Map<String, String> renamed) {
        int shift = 0;
        for (Map.Entry<Integer, String> r : renames.entrySet()) {
            int renamedStart = r.getKey() + shift;
            if (renamedStart >= at) break;
            shift += renamed.get(r.getValue()).length() - r.getValue().length();
        }
        return at - shift;
    }

    /**
     * A declaration's name as it was before the last edit: {@code old}, ending at {@code oldEnd} in {@code before}
     * (the file as it was), its place in {@code now} (the file as it is) ending at {@code nowEnd}.
     */
    record Retyped(String old, String before, int oldEnd, String now, int nowEnd) {
        /** Whether the rest of the name's line is as it was: the edit retyped the name and nothing after it. */
        boolean restOfLineKept() {
            return restOfLine(now, nowEnd).equals(restOfLine(before, oldEnd));
        }

        /** The rest of the name's line in the file as it is. */
        String restOfLineNow() {
            return restOfLine(now, nowEnd);
        }

        private static String restOfLine(String text, int from) {
            int end = text.indexOf('\n', from);
            return text.substring(from, end < 0 ? text.length() : end);
        }
    }

    /**
     * The name d had before the last edit, where the edit (near d, on as many lines as it replaced) retyped d's name
     * and left the start of its line as it was; empty where the name is the same, or was no name.
     */
    static Optional<Retyped> retypedName(RefactorInput in, SymbolInfo d) {
        if (!AddParameterRefactoring.editedNear(in, d)) return Optional.empty();
        var edit = in.lastEdit().get();
        if (edit.before().split("\n", -1).length != edit.after().split("\n", -1).length) return Optional.empty();
        String now = in.text(d.location().path());
        String before = AddParameterRefactoring.textBeforeEdit(now, edit);
        TextRange name = d.nameRange();
        int nameNow = JavaText.offsetOf(now, name.startLine(), name.startColumn());
        int nameBefore = JavaText.offsetOf(before, name.startLine(), name.startColumn());
        int lineNow = JavaText.lineStartOffset(now, name.startLine());
        int lineBefore = JavaText.lineStartOffset(before, name.startLine());
        if (nameNow < 0 || nameBefore < 0 || lineNow < 0 || lineBefore < 0) return Optional.empty();
        if (!now.substring(lineNow, nameNow).equals(before.substring(lineBefore, nameBefore))) {
            // A method's return type or modifiers retyped with its name (int price( -> long cost(): its name
            // was the word before the line's first parameter list.
            return d.kind() == SymbolKind.METHOD ? methodNameBefore(d, before, lineBefore, now, nameNow) : Optional.empty();
        }
        int end = nameBefore;
        while (end < before.length() && Character.isJavaIdentifierPart(before.charAt(end))) end++;
        String old = before.substring(nameBefore, end);
        if (old.isEmpty() || !Character.isJavaIdentifierStart(old.charAt(0)) || old.equals(d.name())) return Optional.empty();
        return Optional.of(new Retyped(old, before, end, now, nameNow + d.name().length()));
    }

    /** A method's name followed by its parameter list ({@code price (}), not an annotation's ({@code @Deprecated(}). */
    static final Pattern NAME_AND_LIST = Pattern.compile("(?<![@.\\w$])([A-Za-z_$][\\w$]*)\\s*\\(");

    /**
     * The method d's name before the edit where the text before its name on its line changed too (its return
     * type, its modifiers): the first name followed by a parameter list on that line as it was (d's own is the first now).
     */
    private static Optional<Retyped> methodNameBefore(SymbolInfo d, String before, int lineBefore, String now, int nameNow) {
        int lineEnd = before.indexOf('\n', lineBefore);
        Matcher was = NAME_AND_LIST.matcher(before).region(lineBefore, lineEnd < 0 ? before.length() : lineEnd);
        int lineNow = JavaText.lineStartOffset(now, d.nameRange().startLine());
        int nowEnd = now.indexOf('\n', lineNow);
        Matcher is = NAME_AND_LIST.matcher(now).region(lineNow, nowEnd < 0 ? now.length() : nowEnd);
        if (!was.find() || !is.find() || is.start(1) != nameNow) return Optional.empty();
        String old = was.group(1);
        if (old.equals(d.name())) return Optional.empty();
        return Optional.of(new Retyped(old, before, was.end(1), now, nameNow + d.name().length()));
    }

    /**
     * The declaration of a kind {@code kinds} takes in the asking file whose name is at the position: on its line,
     * the position in the name or right after it (where typing ends).
     */
    static Optional<SymbolInfo> declarationNamedAt(RefactorInput in, java.util.function.Predicate<SymbolKind> kinds) {
        return in.index().declarationsIn(in.file()).stream()
                .filter(s -> kinds.test(s.kind()) && s.nameRange().startLine() == in.position().line()
                        && s.nameRange().startColumn() <= in.position().column() && in.position().column() <= s.nameRange().endColumn())
                .findFirst();
    }

    /** Whether the last edit retyped the name of a type, method or field declared on the lines it changed in the asking file. */
    static boolean retypesADeclaration(RefactorInput in) {
        if (in.lastEdit().isEmpty()) return false;
        var edit = in.lastEdit().get();
        return in.index().declarationsIn(in.file()).stream()
                .filter(d -> d.kind() == SymbolKind.METHOD || d.kind() == SymbolKind.FIELD || d.kind().isType())
                .filter(d -> d.nameRange().startLine() >= edit.startLine() && d.nameRange().startLine() <= edit.afterEndLine())
                .anyMatch(d -> retypedName(in, d).isPresent());
    }

    /** The start of the last whole word {@code old} within the error's range of {@code text}, or -1. */
    static int nameIn(String text, CompileError error, String old) {
        Matcher found = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "(?![\\w$])").matcher(text)
                .region(Math.min(error.start(), text.length()), Math.min(text.length(), Math.max(error.end(), error.start() + old.length())));
        int at = -1;
        while (found.find()) at = found.start();
        return at;
    }

    /** Whether the name at {@code at} follows a {@code .} or {@code ::} (blanks between allowed). */
    static boolean isMember(String text, int at) {
        int before = JavaText.skipBlankBack(text, at);
        return before > 0 && text.charAt(before - 1) == '.' || before > 1 && text.startsWith("::", before - 2);
    }

    /**
     * The Java files that say {@code name} as {@code pattern} matches it, from the lexical index (which holds no
     * one-letter words), none of {@code except}; none at all past {@link #MAX_FILES_SAYING_THE_NAME}.
     */
    static Set<Path> filesSaying(RefactorInput in, String name, Pattern pattern, Set<Path> except) {
        Set<Path> saying = filesSaying(in, name, pattern, except, f -> true);
        return saying.size() <= MAX_FILES_SAYING_THE_NAME ? saying : Set.of();
    }

    /** {@link #filesSaying} of the files {@code taken} keeps, however many. */
    static Set<Path> filesSaying(RefactorInput in, String name, Pattern pattern, Set<Path> except, java.util.function.Predicate<Path> taken) {
        Set<Path> saying = new LinkedHashSet<>();
        for (Path file : in.index().filesMentioning(name)) {
            if (file.toString().endsWith(".java") && !except.contains(file) && taken.test(file) && pattern.matcher(in.text(file)).find()) saying.add(file);
        }
        return saying;
    }

    /**
     * Of the files that mention what was renamed ({@code mentioning}) and the files open in the editor, those an
     * editor's index has read again since the edit, so that their uses of the old name are bound to nothing: the
     * ones that say it ({@code saysOld}) and hold none of the uses found through the index ({@code found}). The
     * compiler finds those uses.
     */
    static Set<Path> unboundFiles(RefactorInput in, Collection<Path> mentioning, List<Site> found, Pattern saysOld) {
        Set<Path> bound = new java.util.HashSet<>();
        found.forEach(s -> bound.add(s.file()));
        // And the open files: edited lately (a refactor's edit just applied), the index may bind their uses to what
        // a declaration was before it moved (a type read from the file it was renamed in), not to what it is now.
        Set<Path> candidates = new LinkedHashSet<>(mentioning);
        for (Path f : in.openFiles()) if (f.toString().endsWith(".java")) candidates.add(f);
        Set<Path> out = new LinkedHashSet<>();
        for (Path f : candidates) if (!bound.contains(f) && saysOld.matcher(in.text(f)).find()) out.add(f);
        return out;
    }

    /**
     * A method the index still knows by its old name, renamed: its name where declared, at its calls (the name before
     * the call's arguments) and in its method references; none twice ({@code seen}: "file:offset").
     */
    static List<Site> methodSites(RefactorInput in, SymbolInfo method, String now, String context, Set<String> seen) {
        List<Site> out = new ArrayList<>();
        String old = method.name();
        Path file = method.location().path();
        String text = in.text(file);
        TextRange n = method.nameRange();
        int nameAt = JavaText.offsetOf(text, n.startLine(), n.startColumn());
        if (text.startsWith(old, nameAt) && seen.add(file + ":" + nameAt)) out.add(Site.decided(file, nameAt, nameAt + old.length(), now, context));
        out.addAll(useSites(in, method.key(), old, now, context, seen));
        return out;
    }

    /**
     * The calls (the name before the call's arguments) and references (a method reference's, a field's use) the index
     * binds to the method or field with {@code key}, named {@code old}, renamed to {@code now}; none twice ({@code
     * seen}: "file:offset").
     */
    static List<Site> useSites(RefactorInput in, String key, String old, String now, String context, Set<String> seen) {
        List<Site> out = new ArrayList<>();
        for (CallSite c : in.index().callSites(key)) {
            String useText = in.text(c.location().path());
            TextRange u = c.location().range();
            int start = JavaText.offsetOf(useText, u.startLine(), u.startColumn());
            // A call's range is the whole call (a.b().x(y)): its name is the word before its own argument list.
            int close = JavaText.argumentsClose(useText, start, JavaText.offsetOf(useText, u.endLine(), u.endColumn()));
            int open = close < 0 ? -1 : JavaText.matchingOpen(useText, close);
            int nameEnd = open < 0 ? -1 : JavaText.skipBlankBack(useText, open);
            if (nameEnd >= 0 && JavaText.wordEndsAt(useText, nameEnd, old)) add(out, seen, c.location(), nameEnd - old.length(), old, now, context);
        }
        for (Reference r : in.index().references(key)) {
            String useText = in.text(r.location().path());
            TextRange u = r.location().range();
            int at = JavaText.offsetOf(useText, u.startLine(), u.startColumn());
            if (JavaText.wordEndsAt(useText, at + old.length(), old)) add(out, seen, r.location(), at, old, now, context);
        }
        return out;
    }

    private static void add(List<Site> out, Set<String> seen, SourceLocation use, int at, String old, String now, String context) {
        if (seen.add(use.path() + ":" + at)) out.add(Site.decided(use.path(), at, at + old.length(), now, context));
    }

    /** A file as the user knows it, in a refusal: relative to its workspace folder. */
    static String shown(RefactorInput in, Path file) {
        for (Path root : in.index().settings().roots()) if (file.startsWith(root)) return root.relativize(file).toString();
        return file.toString();
    }

    /** Where a declaration is, as the user knows it: its file relative to its workspace folder, and its line. */
    static String shown(RefactorInput in, SymbolInfo d) {
        return shown(in, d.location().path()) + " line " + (d.nameRange().startLine() + 1);
    }
}
