package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
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
 * "The user retyped a field's name (or an enum constant's) where it is declared: rename its uses." What an IDE's
 * rename does, offered after
 * the edit (as IntelliJ suggests renaming the usages of a name just retyped): every use the compiler no longer finds
 * ({@code count}, {@code this.count}, {@code other.count}, a subclass's, a static import's) takes the new name, and
 * the Javadoc references to it ({@code {@link #count}}). Where: the compiler's complaints in the field's own file;
 * in an editor, the uses the index still binds to the old field in the other files (read before the edit; one read
 * again since binds them to nothing, and is compiled if it mentions the field's type and says the name); headless
 * (an index built after the edit), the complaints in the files that mention the field's type or say the old name. A local variable or
 * parameter of the old name compiles and is left alone. Decided, without the model.
 */
public final class RenameFieldRefactoring implements Refactoring {
    @Override
    public String name() {
        return "rename-field";
    }

    @Override
    public String description() {
        return "rename a field's uses after its name was retyped where it is declared";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> field = CompiledRenames.declarationNamedAt(in, kind -> kind == SymbolKind.FIELD);
        if (field.isEmpty()) return Optional.empty();
        SymbolInfo f = field.get();
        Optional<String> retyped = oldName(in, f);
        if (retyped.isEmpty()) return Optional.empty();
        String old = retyped.get();
        String now = f.name();
        String context = "// " + f.signature() + "\n";
        String owner = in.index().declaration(f.declaringTypeKey()).map(SymbolInfo::name).orElse("");
        // Another field of the new name in the same type: javac's "Duplicate field", and its uses would merge.
        Optional<SymbolInfo> twin = in.index().declarationsIn(f.location().path()).stream()
                .filter(d -> d.kind() == SymbolKind.FIELD && d.name().equals(now) && d.declaringTypeKey().equals(f.declaringTypeKey())
                        && !d.nameRange().equals(f.nameRange()))
                .findFirst();
        String proposed = "Rename field " + (owner.isEmpty() ? "" : owner + ".") + old + " to " + now;
        if (twin.isPresent()) {
            return Optional.of(RefactorPlan.refused(name(), proposed, (owner.isEmpty() ? "The type" : owner) + " already has a field " + now
                    + " (line " + (twin.get().nameRange().startLine() + 1) + "), so " + old + " cannot take its name: choose another name, or "
                    + "rename that field first"));
        }
        Optional<String> hiding = hiding(in, f, owner, old, now);
        if (hiding.isPresent()) return Optional.of(RefactorPlan.refused(name(), proposed, hiding.get()));
        // A field's key is its type's, its name and its type ("Lp/Shop;.count)I"): the old one says the old name.
        String oldKey = f.key().replace("." + now + ")", "." + old + ")");

        // The field's file is compiled (the index has read it since the edit); in an editor the other files' uses are
        // where the index still puts them (read before the edit: no compile of them at each keystroke), and headless
        // (an index built after the edit) the files that may hold one are compiled.
        Set<Path> files = new LinkedHashSet<>();
        files.add(f.location().path());
        Set<String> seen = new HashSet<>();
        List<Site> found = new ArrayList<>(CompiledRenames.useSites(in, oldKey, old, now, context, seen));
        Pattern saysOld = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "(?![\\w$(])");
        List<Path> mentioning = in.index().references(f.declaringTypeKey()).stream().map(r -> r.location().path()).toList();
        if (in.thorough()) {
            files.addAll(mentioning);
            files.addAll(CompiledRenames.filesSaying(in, old, saysOld, files));
        } else {
            files.addAll(CompiledRenames.unboundFiles(in, mentioning, found, saysOld));
        }
        CompiledRenames.Complaint complaint = (file, text, error, start, name) -> complaintAbout(text, error, name);
        CompiledRenames.find(in, files, Map.of(old, now), complaint).forEach((file, renames) -> renames.keySet().forEach(at -> {
            if (seen.add(file + ":" + at)) found.add(Site.decided(file, at, at + old.length(), now, context));
        }));
        if (found.isEmpty()) return Optional.empty();
        List<Site> sites = new ArrayList<>(unshadowed(in, f, old, now, found));
        int uses = sites.size();
        for (Site link : JavadocLinks.renamed(in, f, old, now)) if (seen.add(link.file() + ":" + link.start())) sites.add(link);
        int links = sites.size() - uses;
        long fileCount = sites.stream().map(Site::file).distinct().count();
        String title = "Rename field " + (owner.isEmpty() ? "" : owner + ".") + old + " to " + now + ", at its " + uses + (uses == 1 ? " use" : " uses")
                + (links == 0 ? "" : " and " + links + (links == 1 ? " Javadoc reference" : " Javadoc references"))
                + " in " + fileCount + (fileCount == 1 ? " file" : " files");
        return Optional.of(new RefactorPlan(name(), title, sites, "each use of the field the compiler no longer finds, under the new name"));
    }

    /**
     * Why the field cannot take its new name for the fields of its type's family: a subtype's field of that name
     * would hide it there (the subtype's code that read the renamed field would read its own), or it would hide a
     * supertype's visible field of that name (its type's and its subtypes' code that read that field would read the
     * renamed one). IntelliJ reports both as conflicts of a rename.
     */
    private static Optional<String> hiding(RefactorInput in, SymbolInfo f, String owner, String old, String now) {
        Map<String, Boolean> below = new java.util.HashMap<>(); // answers for "below f's type"
        // Answers for "below d's type", by d's type: isSubtype's answers hold for the one type they were asked about.
        Map<String, Map<String, Boolean>> under = new java.util.HashMap<>();
        for (SymbolInfo d : in.index().declarationsNamed(now)) {
            if (d.kind() != SymbolKind.FIELD || d.declaringTypeKey().equals(f.declaringTypeKey())) continue;
            String type = in.index().declaration(d.declaringTypeKey()).map(SymbolInfo::name).orElse("");
            String where = " (" + CompiledRenames.shown(in, d) + ")";
            if (AddParameterRefactoring.isSubtype(in.index(), d.declaringTypeKey(), f.declaringTypeKey(), below)) {
                return Optional.of(type + "." + now + where + " would hide " + owner + "." + old + " in " + type + " once it is renamed " + now
                        + ", and " + type + "'s code that reads it would read " + type + "'s: choose another name");
            }
            if (!d.modifiers().contains("private") && AddParameterRefactoring.isSubtype(in.index(), f.declaringTypeKey(), d.declaringTypeKey(),
                    under.computeIfAbsent(d.declaringTypeKey(), t -> new java.util.HashMap<>()))) {
                return Optional.of(owner + "." + old + " renamed " + now + " would hide " + type + "." + now + where + " in " + owner
                        + ", and " + owner + "'s code that reads that field would read this one: choose another name");
            }
        }
        return Optional.empty();
    }

    /**
     * The renamed uses, with each bare one ({@code count}, not {@code x.count}) where a local variable or parameter
     * (or another field) of the new name is in sight written qualified, so that it reads the field still and not the variable:
     * {@code this.total}; {@code Owner.this.total} from a type nested in the field's; {@code Owner.total} for a
     * static field (as IntelliJ's rename qualifies a use a local would hide); {@code Owner.this.total} in an
     * anonymous class's body too, where {@code this} is the anonymous object. So is a use where another field of the
     * new name is in sight (a nested class's own field {@code total}, which would hide the renamed one).
     */
    static List<Site> unshadowed(RefactorInput in, SymbolInfo f, String old, String now, List<Site> sites) {
        Optional<SymbolInfo> owner = in.index().declaration(f.declaringTypeKey());
        if (owner.isEmpty()) return sites;
        Map<Path, List<Site>> bareByFile = new java.util.LinkedHashMap<>();
        for (Site s : sites) {
            String text = in.text(s.file());
            if (s.end() != s.start() + old.length() || !text.startsWith(old, s.start())) continue;
            int before = JavaText.skipBlankBack(text, s.start());
            if (before > 0 && text.charAt(before - 1) == '.') continue;
            bareByFile.computeIfAbsent(s.file(), x -> new ArrayList<>()).add(s);
        }
        Map<Site, Site> qualified = new java.util.IdentityHashMap<>();
        for (Map.Entry<Path, List<Site>> file : bareByFile.entrySet()) {
            String text = in.text(file.getKey());
            List<Site> bare = file.getValue();
            List<List<dev.quicksilver.index.ScopeVariable>> scopes = in.index().variablesInScope(file.getKey(), text, bare.stream().map(Site::start).toList());
            for (int i = 0; i < bare.size(); i++) {
                Site s = bare.get(i);
                // A local or parameter of the new name, or another field of it (a nested class's own, an anonymous class's
                // supertype's), is what the bare name would read.
                boolean hidden = scopes.get(i).stream().anyMatch(v -> v.name().equals(now) && (!v.field() || !v.key().equals(f.key())))
                        || inOwnInitializer(text, s.start(), now);
                if (!hidden) continue;
                String by = f.modifiers().contains("static") ? owner.get().name() + "."
                        : innerTo(in, s.file(), s.start(), owner.get()) ? owner.get().name() + ".this." : "this.";
                qualified.put(s, Site.decided(s.file(), s.start(), s.end(), by + now, s.context()));
            }
        }
        return sites.stream().map(s -> qualified.getOrDefault(s, s)).toList();
    }

    /**
     * Whether {@code offset} is in the initializer of a local variable named {@code now} ({@code int limit = max;}):
     * its scope starts there (JLS 6.3), though the index counts it in sight only after its declaration.
     */
    static boolean inOwnInitializer(String text, int offset, String now) {
        int statement = offset;
        while (statement > 0 && ";{}".indexOf(text.charAt(statement - 1)) < 0) statement--;
        return Pattern.compile("[\\w>\\]]\\s+" + Pattern.quote(now) + "\\s*=(?!=)").matcher(text).region(statement, offset).find();
    }

    /**
     * Whether {@code this} at {@code offset} of {@code file} names another object than an {@code owner}: the
     * innermost named type around it is nested in owner, or it lies in an anonymous class's body within that type.
     */
    static boolean innerTo(RefactorInput in, Path file, int offset, SymbolInfo owner) {
        String text = in.text(file);
        int line = JavaText.lineOf(text, offset);
        Optional<SymbolInfo> innermost = in.index().declarationsIn(file).stream()
                .filter(d -> d.kind().isType() && d.location().range().startLine() <= line && line <= d.location().range().endLine())
                .max(java.util.Comparator.comparingInt(d -> d.location().range().startLine()));
        if (innermost.isEmpty()) return false;
        SymbolInfo type = innermost.get();
        if (!type.key().equals(owner.key())) return type.key().startsWith(owner.key().substring(0, owner.key().length() - 1) + "$");
        int from = JavaText.offsetOf(text, type.nameRange().startLine(), type.nameRange().startColumn());
        return JavaText.inAnonymousBody(text, from, offset);
    }

    /**
     * The name the field had before the edit, where the edit retyped it and changed nothing else on its line (a
     * declaration of one field: {@code int a, b;} is not taken).
     */
    static Optional<String> oldName(RefactorInput in, SymbolInfo f) {
        Optional<CompiledRenames.Retyped> retyped = CompiledRenames.retypedName(in, f);
        // The rest of the line as it was, and it declares one field: "= ..." or ";" follows the name; after an enum
        // constant, its arguments, its body, the next constant, or nothing (the last one, on a line of its own).
        if (retyped.isEmpty() || !retyped.get().restOfLineKept()) return Optional.empty();
        String tail = retyped.get().restOfLineNow().strip();
        boolean constant = in.index().declaration(f.declaringTypeKey()).map(t -> t.kind() == SymbolKind.ENUM).orElse(false)
                && f.signature().equals(f.name());
        boolean declares = tail.startsWith(";") || tail.startsWith("=")
                || constant && (tail.isEmpty() || tail.startsWith(",") || tail.startsWith("(") || tail.startsWith("{") || tail.startsWith("//"));
        return declares ? Optional.of(retyped.get().old()) : Optional.empty();
    }

    /**
     * Where the error says the name {@code old} is not found: "old cannot be resolved" (to a variable, or "or is not a
     * field" after a dot), or a static import of it that no longer resolves.
     */
    private static int complaintAbout(String text, CompileError error, String old) {
        boolean about = error.unknownName() && !error.message().startsWith("The method ") || error.id() == IMPORT_NOT_FOUND;
        if (!about) return -1;
        int at = CompiledRenames.nameIn(text, error, old);
        // A call of that name is a method's ("count()"), not the field's.
        return at >= 0 && !text.startsWith("(", JavaText.skipBlank(text, at + old.length())) ? at : -1;
    }

    /** JDT's IProblem.ImportNotFound: "The import p.Shop.COUNT cannot be resolved". */
    private static final int IMPORT_NOT_FOUND = 268435846;
}
