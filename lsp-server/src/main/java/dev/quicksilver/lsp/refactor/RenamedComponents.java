package dev.quicksilver.lsp.refactor;

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
import java.util.regex.Pattern;

/**
 * The uses of a record's renamed components. A component is a field and an accessor method as well as a parameter
 * of the canonical constructor, so a component renamed in the header ({@code record Point(int x, int y)} ->
 * {@code (int left, int y)}) breaks every {@code x} in the record's body (a compact constructor's parameter, the
 * field, {@code other.x}) and every call {@code p.x()} or reference {@code Point::x} of the accessor elsewhere. Which
 * uses those are, the compiler says (the workspace as indexed knows the new header): its "cannot be resolved" and
 * "undefined for the type Point" complaints on the old name in the record's file, and headless (an index built after
 * the edit) in the files that mention the record and those that say {@code .x(} or {@code ::x} (a call through a
 * variable whose type the file never names, {@code u.origin().x()}); in an editor the index, read before the edit
 * but for the record's file, still binds the other files' uses to the old accessor (a file read again since, whose
 * uses are bound to nothing, is compiled). A local variable of the old name compiles and is left alone. An accessor
 * the record declares itself ({@code public int x() {...}}) still compiles under its old name, so it is renamed by
 * the index: its declaration's name, its calls and its method references. All decided, without the model.
 */
final class RenamedComponents {
    private RenamedComponents() {
    }

    /** Which of the compiler's complaints are about a renamed component, and where its old name stands. */
    private record Complaints(Path recordFile, int recordFrom, int recordTo, Pattern namesRecord) implements CompiledRenames.Complaint {
        /**
         * Where {@code error} says the component {@code old} is not found ({@link CompiledRenames.Complaint}): a name
         * not found, or a method reference that fits nothing; in the record's body any use of the name, elsewhere
         * in its file a member ({@code other.x}: a nested record's private field is in reach of the whole file, and
         * the complaint names no type), in other files a member where the complaint names the record (its accessor).
         */
        @Override
        public int renamedAt(Path file, String text, CompileError error, int start, String old) {
            boolean sameFile = file.equals(recordFile);
            boolean inRecord = sameFile && start >= recordFrom && start < recordTo;
            boolean complaint = error.unknownName() || error.id() == AddParameterRefactoring.NO_APPLICABLE_REFERENCED_METHOD;
            if (!complaint || !sameFile && !namesRecord.matcher(error.message()).find()) return -1;
            int at = CompiledRenames.nameIn(text, error, old);
            return at < 0 || !inRecord && !CompiledRenames.isMember(text, at) ? -1 : at;
        }
    }

    /** The complaints about a component of {@code record} renamed (in its file, any use in its body; elsewhere, its accessor's). */
    static CompiledRenames.Complaint complaints(RefactorInput in, SymbolInfo record) {
        Path recordFile = record.location().path();
        String recordText = in.text(recordFile);
        TextRange r = record.location().range();
        return new Complaints(recordFile, JavaText.offsetOf(recordText, r.startLine(), r.startColumn()), JavaText.offsetOf(recordText, r.endLine(), r.endColumn()),
                Pattern.compile("\\btype (\\w+\\.)*" + Pattern.quote(record.name()) + "\\b"));
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

        Set<Path> files = new LinkedHashSet<>();
        files.add(recordFile);
        // The accessor's key names the record's type as the constructor's does (without type parameters).
        String owner = m.key().contains(".(") ? m.key().substring(0, m.key().indexOf(".(")) : record.get().key();
        List<Site> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            for (SymbolInfo accessor : declaredAccessors(in, record.get(), e.getKey())) {
                out.addAll(CompiledRenames.methodSites(in, accessor, e.getValue(), context, seen));
            }
            // An editor's index, read before the edit in the other files, still binds their uses to the old accessor.
            String oldAccessor = owner + "." + e.getKey() + "()" + descriptors.getOrDefault(e.getValue(), "");
            out.addAll(CompiledRenames.useSites(in, oldAccessor, e.getKey(), e.getValue(), context, seen));
        }
        if (in.thorough()) {
            for (String old : renamed.keySet()) files.addAll(filesToCompile(in, record.get(), old));
        } else {
            Pattern member = Pattern.compile("(\\.|::)\\s*(" + String.join("|", renamed.keySet().stream().map(Pattern::quote).toList()) + ")(?![\\w$])");
            List<Path> mentioning = in.index().references(record.get().key()).stream().map(ref -> ref.location().path()).toList();
            files.addAll(CompiledRenames.unboundFiles(in, mentioning, out, member));
        }
        Map<Path, Map<Integer, String>> found = CompiledRenames.find(in, files, renamed, new Complaints(recordFile, recordFrom, recordTo, namesRecord));
        found.forEach((file, renames) -> renames.forEach((at, old) -> {
            if (seen.add(file + ":" + at)) out.add(Site.decided(file, at, at + old.length(), renamed.get(old), context));
        }));
        return out;
    }

    /**
     * The files to compile besides the record's in an index built after the edit (headless): those that mention the
     * record, and (up to a limit) the other files that say the member (the lexical index holds no one-letter words).
     * An editor's index has read only the record's file since the edit: the uses in the others are where it puts them.
     */
    private static Set<Path> filesToCompile(RefactorInput in, SymbolInfo record, String name) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(record.location().path());
        for (Reference ref : in.index().references(record.key())) files.add(ref.location().path());
        files.addAll(CompiledRenames.filesSaying(in, name, Pattern.compile("(\\.|::)\\s*" + Pattern.quote(name) + "(?![\\w$])"), files));
        return files;
    }

    /** The methods the record declares by the component's name without parameters: accessors written out. */
    private static List<SymbolInfo> declaredAccessors(RefactorInput in, SymbolInfo record, String name) {
        return in.index().declarationsIn(record.location().path()).stream()
                .filter(s -> s.kind() == SymbolKind.METHOD && s.name().equals(name) && record.key().equals(s.declaringTypeKey())
                        && AddParameterRefactoring.declaredDescriptors(s, s.key()).isEmpty())
                .toList();
    }
}
