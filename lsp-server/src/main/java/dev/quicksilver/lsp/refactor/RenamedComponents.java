package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The uses of a record's renamed components. A component is a field and an accessor method as well as a parameter
 * of the canonical constructor, so a component renamed in the header ({@code record Point(int x, int y)} ->
 * {@code (int left, int y)}) breaks every {@code x} in the record's body (a compact constructor's parameter, the
 * field, {@code other.x}) and every call {@code p.x()} or reference {@code Point::x} of the accessor elsewhere. Which
 * uses those are, the compiler says (the workspace as indexed knows the new header): its "cannot be resolved" and
 * "undefined for the type Point" complaints on the old name, in the record's file, the files that mention the record
 * and those that say {@code .x(} or {@code ::x} (a call through a variable whose type the file never names,
 * {@code u.origin().x()}); a local variable of the old name compiles and is left alone. An accessor the record
 * declares itself ({@code public int x() {...}}) still compiles under its old name, so it is renamed by the index:
 * its declaration's name, its calls and its method references. All decided, without the model.
 */
final class RenamedComponents {
    private RenamedComponents() {
    }

    /** Files that say a renamed component's name as a member, besides those that mention the record: at most this many. */
    private static final int MAX_FILES_SAYING_THE_NAME = 100;

    /** Compiles of one file, each with the renames found so far made, before its renames are taken as found. */
    private static final int MAX_ROUNDS = 3;

    /** Which of the compiler's complaints are about a renamed component, and where its old name stands. */
    private record Complaints(Path recordFile, int recordFrom, int recordTo, Pattern namesRecord) {
        /**
         * Where in {@code text} (of {@code file}) {@code error} says the component {@code old} is not found, or -1 ({@code
         * start}: where the error starts in the file as it is, for the record's bounds): a
         * name not found, or a method reference that fits nothing; in the record's body any use of the name, elsewhere
         * in its file a member ({@code other.x}: a nested record's private field is in reach of the whole file, and
         * the complaint names no type), in other files a member where the complaint names the record (its accessor).
         */
        int renamedAt(Path file, String text, CompileError error, int start, String old) {
            boolean sameFile = file.equals(recordFile);
            boolean inRecord = sameFile && start >= recordFrom && start < recordTo;
            boolean complaint = error.unknownName() || error.id() == AddParameterRefactoring.NO_APPLICABLE_REFERENCED_METHOD;
            if (!complaint || !sameFile && !namesRecord.matcher(error.message()).find()) return -1;
            Pattern word = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "(?![\\w$])");
            int at = lastWord(word, text, Math.min(error.start(), text.length()), Math.min(text.length(), Math.max(error.end(), error.start() + old.length())));
            return at < 0 || !inRecord && !isMember(text, at) ? -1 : at;
        }
    }

    /** {@code text} with the old names at {@code renames}' offsets (into {@code text}) replaced by their new names. */
    private static String renamedText(String text, Map<Integer, String> renames, Map<String, String> renamed) {
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
     * The sites that rename the uses of the components {@code renamed} (old name to new) of the record whose
     * canonical constructor is {@code m}, each the old name's place with the new name as its text; {@code
     * descriptors} gives each new name's type descriptor (for the old accessor's key).
     */
    static List<Site> sites(RefactorInput in, SymbolInfo m, Map<String, String> renamed, Map<String, String> descriptors) {
        if (renamed.isEmpty()) return List.of();
        Optional<SymbolInfo> record = in.index().declaration(m.declaringTypeKey());
        if (record.isEmpty()) return List.of();
        Path recordFile = record.get().location().path();
        String recordText = in.text(recordFile);
        TextRange r = record.get().location().range();
        int recordFrom = JavaText.offsetOf(recordText, r.startLine(), r.startColumn());
        int recordTo = JavaText.offsetOf(recordText, r.endLine(), r.endColumn());
        Pattern namesRecord = Pattern.compile("\\btype (\\w+\\.)*" + Pattern.quote(record.get().name()) + "\\b");
        String context = "// " + m.signature() + "\n";

        Map<Path, Map<Integer, String>> found = new java.util.LinkedHashMap<>();
        Set<Path> files = new LinkedHashSet<>();
        // The accessor's key names the record's type as the constructor's does (without type parameters).
        String owner = m.key().contains(".(") ? m.key().substring(0, m.key().indexOf(".(")) : record.get().key();
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            String oldAccessor = owner + "." + e.getKey() + "()" + descriptors.getOrDefault(e.getValue(), "");
            files.addAll(filesToCompile(in, record.get(), e.getKey(), oldAccessor));
        }
        Complaints complaints = new Complaints(recordFile, recordFrom, recordTo, namesRecord);
        Pattern anyOld = Pattern.compile("(?<![\\w$])(" + String.join("|", renamed.keySet().stream().map(Pattern::quote).toList()) + ")(?![\\w$])");
        for (Path file : files) {
            String text = in.text(file);
            if (!anyOld.matcher(text).find()) continue;
            Map<Integer, String> renames = new java.util.TreeMap<>();
            // The compiler does not look into a lambda whose target it cannot type ({@code reading.map(it -> ...
            // convertiblePair ...)}): the uses it hides show once the ones around them are renamed, so a file is
            // compiled again with its renames made, until no new one shows (a few rounds at most).
            List<CompileError> errors = in.compileErrors(file);
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Map<Integer, String> made = new java.util.TreeMap<>(renames);
                String current = renamedText(text, made, renamed);
                for (CompileError error : errors) {
                    int inOriginal = originalOffset(error.start(), made, renamed);
                    for (String old : renamed.keySet()) {
                        int at = complaints.renamedAt(file, current, error, inOriginal, old);
                        if (at >= 0) renames.putIfAbsent(originalOffset(at, made, renamed), old);
                    }
                }
                if (renames.size() == made.size()) break;
                errors = in.index().compileErrors(file, renamedText(text, renames, renamed));
            }
            if (!renames.isEmpty()) found.put(file, renames);
        }
        List<Site> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        found.forEach((file, renames) -> renames.forEach((at, old) -> {
            seen.add(file + ":" + at);
            out.add(renaming(file, at, old.length(), renamed.get(old), context));
        }));
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            for (SymbolInfo accessor : declaredAccessors(in, record.get(), e.getKey())) {
                out.addAll(accessorSites(in, accessor, e.getValue(), context, seen));
            }
        }
        return out;
    }

    /**
     * The files to compile: the record's file, and those the index still holds a use of the old accessor in (an
     * editor's index, where only the record's file has been read again since the edit: what an editor asks at each
     * keystroke in the header is kept to these); in an index built after the edit (headless), the files that mention
     * the record and (up to a limit) the other files that say the member (the lexical index holds no one-letter words).
     */
    private static Set<Path> filesToCompile(RefactorInput in, SymbolInfo record, String name, String oldAccessor) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(record.location().path());
        for (Reference ref : in.index().references(oldAccessor)) files.add(ref.location().path());
        for (CallSite call : in.index().callSites(oldAccessor)) files.add(call.location().path());
        if (!in.thorough()) return files;
        Pattern member = Pattern.compile("(\\.|::)\\s*" + Pattern.quote(name) + "(?![\\w$])");
        for (Reference ref : in.index().references(record.key())) files.add(ref.location().path());
        Set<Path> saying = new LinkedHashSet<>();
        for (Path file : in.index().filesMentioning(name)) {
            if (file.toString().endsWith(".java") && !files.contains(file) && member.matcher(in.text(file)).find()) saying.add(file);
        }
        // A common name (.size() in every file) is said in many: past this many, only the files that mention the record.
        if (saying.size() <= MAX_FILES_SAYING_THE_NAME) files.addAll(saying);
        return files;
    }

    /** The start of the last match of {@code word} within {@code [from, to)} of text, or -1. */
    private static int lastWord(Pattern word, String text, int from, int to) {
        Matcher found = word.matcher(text).region(from, to);
        int at = -1;
        while (found.find()) at = found.start();
        return at;
    }

    /** Whether the name at {@code at} follows a {@code .} or {@code ::} (blanks between allowed). */
    private static boolean isMember(String text, int at) {
        int before = JavaText.skipBlankBack(text, at);
        return before > 0 && text.charAt(before - 1) == '.' || before > 1 && text.startsWith("::", before - 2);
    }

    /** The methods the record declares by the component's name without parameters: accessors written out. */
    private static List<SymbolInfo> declaredAccessors(RefactorInput in, SymbolInfo record, String name) {
        return in.index().declarationsIn(record.location().path()).stream()
                .filter(s -> s.kind() == SymbolKind.METHOD && s.name().equals(name) && record.key().equals(s.declaringTypeKey())
                        && AddParameterRefactoring.declaredDescriptors(s, s.key()).isEmpty())
                .toList();
    }

    /** An accessor the record declares, renamed: its name where declared, at its calls and in its method references. */
    private static List<Site> accessorSites(RefactorInput in, SymbolInfo accessor, String now, String context, Set<String> seen) {
        List<Site> out = new ArrayList<>();
        String old = accessor.name();
        Path file = accessor.location().path();
        String text = in.text(file);
        TextRange r = accessor.location().range();
        int from = JavaText.offsetOf(text, r.startLine(), r.startColumn());
        int open = AddParameterRefactoring.parameterListOpen(text, accessor);
        if (open > from) {
            int nameEnd = JavaText.skipBlankBack(text, open);
            if (text.startsWith(old, nameEnd - old.length()) && seen.add(file + ":" + (nameEnd - old.length()))) {
                out.add(renaming(file, nameEnd - old.length(), old.length(), now, context));
            }
        }
        List<dev.quicksilver.index.SourceLocation> uses = new ArrayList<>();
        for (CallSite c : in.index().callSites(accessor.key())) uses.add(c.location());
        for (Reference ref : in.index().references(accessor.key())) uses.add(ref.location());
        for (var use : uses) {
            String useText = in.text(use.path());
            TextRange u = use.range();
            int start = JavaText.offsetOf(useText, u.startLine(), u.startColumn());
            int end = JavaText.offsetOf(useText, u.endLine(), u.endColumn());
            // A call's range is the whole call (p.x()); its name is the last word before its arguments.
            Matcher name = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "(?=\\s*(\\(|$))").matcher(useText).region(start, Math.max(start, end));
            int at = -1;
            while (name.find()) at = name.start();
            if (at < 0 && useText.startsWith(old, start)) at = start;
            if (at >= 0 && seen.add(use.path() + ":" + at)) out.add(renaming(use.path(), at, old.length(), now, context));
        }
        return out;
    }

    private static Site renaming(Path file, int at, int length, String now, String context) {
        return new Site(file, at, at + length, "", "", context, 1, modelText -> now, new Site.Fallback(now, at, at + length, false),
                () -> List.of(now));
    }
}
