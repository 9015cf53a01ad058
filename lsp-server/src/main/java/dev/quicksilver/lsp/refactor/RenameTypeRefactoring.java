package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import java.nio.file.Files;
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
 * "The user retyped a type's name where it is declared: rename its uses, and its file." What an IDE's rename of a
 * class does, offered after the edit (as IntelliJ suggests renaming the usages of a name just retyped): every use
 * the compiler no longer finds takes the new name ({@code Shop x}, {@code new Shop()}, {@code Shop.MAX}, {@code
 * Shop::new}, {@code import p.Shop;}, {@code p.Shop}, {@code Shop.Inner}), so do the type's constructors (named as
 * it is), the Javadoc references to it ({@code {@link Shop}}, {@code @throws ShopException}, a method reference's
 * parameter types), and a top-level type's file when it is named after the type ({@code Shop.java} becomes {@code
 * Store.java}: javac wants a public type in a file of its name). Where: the compiler's complaints in the type's own
 * file; in an editor, the uses the index still binds to the old type in the other files (read before the edit),
 * and the complaints in files read again since that can see the type (its package's, or saying its package);
 * headless (an index built after the edit), the complaints in every file that can see it and says the old name.
 * In each file compiled, the old name's words in code that no complaint reached (JDT does not look everywhere: see
 * {@link #unreached}) are renamed too where that draws no complaint. Decided, without the model.
 */
public final class RenameTypeRefactoring implements Refactoring {
    @Override
    public String name() {
        return "rename-type";
    }

    @Override
    public String description() {
        return "rename a class's (interface's, enum's, record's) uses and file after its name was retyped where it is declared";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> type = CompiledRenames.declarationNamedAt(in, kind -> kind.isType());
        if (type.isEmpty()) return Optional.empty();
        SymbolInfo t = type.get();
        Optional<CompiledRenames.Retyped> retyped = CompiledRenames.retypedName(in, t).filter(CompiledRenames.Retyped::restOfLineKept);
        if (retyped.isEmpty()) return Optional.empty();
        String old = retyped.get().old();
        String now = t.name();
        Path own = t.location().path();
        String context = "// " + t.signature() + "\n";
        Optional<String> oldKey = oldKey(t.key(), now, old);
        if (oldKey.isEmpty()) return Optional.empty();
        String pkg = packageOf(t.key());

        // In an editor, the other files' uses are where the index still puts them (read before the edit); the files
        // that say the old name and can see the type, but hold none of those (read again since, or headless: the
        // index was built after the edit), are compiled, and so is the type's own file.
        Set<String> seen = new HashSet<>();
        List<Site> sites = new ArrayList<>(CompiledRenames.useSites(in, oldKey.get(), old, now, context, seen));
        Pattern saysOld = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "(?![\\w$])");
        Set<Path> files = new LinkedHashSet<>();
        files.add(own);
        // A type's name is seldom common, and files that cannot see it are not taken: headless (a CI job), every file
        // that may use it is compiled; in an editor, at each request, only a few files read again since the edit.
        Set<Path> saying = CompiledRenames.filesSaying(in, old, saysOld, files, f -> canSee(in.text(f), pkg));
        Set<Path> unbound = in.thorough() ? saying : CompiledRenames.unboundFiles(in, saying, sites, saysOld);
        if (in.thorough() || unbound.size() <= MAX_UNBOUND_FILES) files.addAll(unbound);
        CompiledRenames.Complaint complaint = (file, text, error, start, name) -> complaintAbout(file.equals(own), text, error, name);
        Map<Path, Map<Integer, String>> complained = CompiledRenames.find(in, files, Map.of(old, now), complaint);
        String qualifier = t.declaringTypeKey().isEmpty() ? pkg : in.index().declaration(t.declaringTypeKey()).map(SymbolInfo::name).orElse("");
        for (Path file : files) {
            Set<Integer> found = complained.getOrDefault(file, Map.of()).keySet();
            Set<Integer> renamed = new java.util.TreeSet<>(found);
            renamed.addAll(unreached(in, file, found, old, now, qualifier));
            for (int at : renamed) if (seen.add(file + ":" + at)) sites.add(Site.decided(file, at, at + old.length(), now, context));
        }
        int uses = sites.size();
        Set<Path> docFiles = new LinkedHashSet<>();
        docFiles.add(own);
        sites.forEach(s -> docFiles.add(s.file()));
        for (Site link : JavadocLinks.typeRenamed(in, docFiles, old, now, context)) if (seen.add(link.file() + ":" + link.start())) sites.add(link);
        int links = sites.size() - uses;
        if (t.declaringTypeKey().isEmpty()) {
            for (Site named : qualifiedNamesInText(in, pkg, old, now, context)) if (seen.add(named.file() + ":" + named.start())) sites.add(named);
        }
        int texts = sites.size() - uses - links;

        // A top-level type's file named after it takes its new name, unless a file of that name is there already.
        Path target = own.resolveSibling(now + ".java");
        boolean namedAfter = t.declaringTypeKey().isEmpty() && own.getFileName().toString().equals(old + ".java");
        boolean moves = namedAfter && !Files.exists(target) && in.index().declarationsIn(target).isEmpty();
        if (sites.isEmpty() && !moves) return Optional.empty();

        long fileCount = sites.stream().map(Site::file).distinct().count();
        List<String> counts = new ArrayList<>();
        if (uses > 0) counts.add(uses + (uses == 1 ? " use" : " uses"));
        if (links > 0) counts.add(links + (links == 1 ? " Javadoc reference" : " Javadoc references"));
        if (texts > 0) counts.add(texts + (texts == 1 ? " qualified name" : " qualified names") + " in strings and resources");
        String at = counts.size() < 2 ? String.join("", counts)
                : String.join(", ", counts.subList(0, counts.size() - 1)) + " and " + counts.getLast();
        String title = "Rename " + kindWord(t.kind()) + " " + old + " to " + now
                + (sites.isEmpty() ? "" : ", at its " + at + " in " + fileCount + (fileCount == 1 ? " file" : " files"))
                + (moves ? ", and its file to " + target.getFileName() : namedAfter ? " (" + target.getFileName() + " exists: the file keeps its name)" : "");
        return Optional.of(new RefactorPlan(name(), title, sites, 0, "each use of the type the compiler no longer finds, under the new name",
                moves ? Map.of(own, target) : Map.of()));
    }

    /**
     * The type's qualified name where code names it as text, which javac checks nowhere: a Java string literal that
     * says it ({@code Class.forName("p.Shop")}, a framework's configuration), and any other text file of the
     * workspace that says it as a word (a {@code META-INF/services} file, whose ServiceLoader would no longer find the
     * class, an XML configuration, a build file's main class, documentation). Followed by {@code $} it is a nested
     * type's binary name, renamed too. Not for a type of the default package (its simple name says too little).
     */
    static List<Site> qualifiedNamesInText(RefactorInput in, String pkg, String old, String now, String context) {
        if (pkg.isEmpty()) return List.of();
        String qualified = pkg + "." + old;
        Pattern named = Pattern.compile("(?<![\\w$.])" + Pattern.quote(qualified) + "(?![\\w])");
        List<Site> out = new ArrayList<>();
        for (Path file : in.index().filesMentioning(old)) {
            String text = in.text(file);
            if (!text.contains(qualified)) continue;
            // In Java code, only inside string literals (found once per file).
            List<int[]> literals = file.toString().endsWith(".java") ? stringLiterals(text) : null;
            java.util.regex.Matcher m = named.matcher(text);
            while (m.find()) {
                int start = m.start();
                if (literals != null && literals.stream().noneMatch(l -> l[0] < start && start < l[1])) continue;
                int at = m.start() + pkg.length() + 1;
                out.add(Site.decided(file, at, at + old.length(), now, context));
            }
        }
        return out;
    }

    /** The string literals (and text blocks) of Java code, as {@code [start, end)} with their quotes. */
    private static List<int[]> stringLiterals(String text) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int skipped = JavaText.skippedEnd(text, i, text.length());
            if (skipped > i && text.charAt(i) == '"') out.add(new int[] {i, skipped});
            i = Math.max(i + 1, skipped);
        }
        return out;
    }

    /**
     * The old name's words in a file's code that the compiler's complaints did not reach ({@code found} are those
     * that did), kept where renaming them adds no complaint there. JDT does not look into a lambda whose target it
     * cannot type (spring-data's {@code Lazy.of(() -> ... TypeInformation.of(...))}: "The method of(Object) in the
     * type Lazy is not applicable for the arguments (() -> {})"), and stops at a type it reads from its shape (not
     * from source) whose supertype it cannot find by the old name (guava's {@code Multisets}: "The type Multiset
     * cannot be resolved. It is indirectly referenced from required type AbstractMultiset"): the uses there show no
     * complaint. A file that names another type so (imports one, declares one) is left to the complaints.
     */
    private static List<Integer> unreached(RefactorInput in, Path file, Set<Integer> found, String old, String now, String qualifier) {
        String text = in.text(file);
        if (namesAnotherType(text, old, qualifier)) return List.of();
        List<Integer> words = new ArrayList<>(wordsInCode(text, old, qualifier));
        words.removeAll(found);
        for (int round = 0; round < UNREACHED_ROUNDS && !words.isEmpty(); round++) {
            java.util.TreeSet<Integer> all = new java.util.TreeSet<>(found);
            all.addAll(words);
            Map<Integer, String> renames = new java.util.TreeMap<>();
            for (int at : all) renames.put(at, old);
            List<CompileError> errors = in.index().compileErrors(file, CompiledRenames.renamedText(text, renames, Map.of(old, now)));
            // A complaint about a renamed word ends where it ends ("Store cannot be resolved", "x.Store ...").
            List<Integer> kept = words.stream().filter(at -> {
                int start = at + (now.length() - old.length()) * all.headSet(at).size();
                return errors.stream().noneMatch(e -> e.end() == start + now.length() && e.start() <= start);
            }).toList();
            if (kept.size() == words.size()) break;
            words = new ArrayList<>(kept);
        }
        return words;
    }

    /** Compiles of a file with the unreached words renamed, each without those that drew a complaint. */
    private static final int UNREACHED_ROUNDS = 2;

    /**
     * Whether a file names another type {@code old}: it imports one from elsewhere than the renamed type's package
     * (or outer type, {@code qualifier}), or declares one.
     */
    static boolean namesAnotherType(String text, String old, String qualifier) {
        java.util.regex.Matcher imported = Pattern.compile("(?m)^\\s*import\\s+(?:static\\s+)?([\\w.\\s]+?)\\s*\\.\\s*" + Pattern.quote(old) + "\\s*;").matcher(text);
        while (imported.find()) {
            String from = imported.group(1).replaceAll("\\s+", "");
            if (!from.equals(qualifier) && !from.endsWith("." + qualifier)) return true;
        }
        return Pattern.compile("(?:\\b(?:class|interface|enum|record)|@interface)\\s+" + Pattern.quote(old) + "(?![\\w$])").matcher(text).find();
    }

    /**
     * The words {@code old} in a file's code (not its comments or strings) that can name the type: bare, or qualified
     * by {@code qualifier} (its package, or for a nested type its outer type's name).
     */
    static List<Integer> wordsInCode(String text, String old, String qualifier) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int skipped = JavaText.skippedEnd(text, i, text.length());
            if (skipped > i) {
                i = skipped;
                continue;
            }
            int end = i + old.length();
            if (JavaText.wordEndsAt(text, end, old) && (end == text.length() || !Character.isJavaIdentifierPart(text.charAt(end)))) {
                int before = JavaText.skipBlankBack(text, i);
                boolean member = before > 0 && text.charAt(before - 1) == '.';
                String by = member ? qualifiedNameEndingAt(text, before - 1) : "";
                if (!member || !qualifier.isEmpty() && (by.equals(qualifier) || by.endsWith("." + qualifier))) out.add(i);
                i = end;
                continue;
            }
            i++;
        }
        return out;
    }

    /** The dotted name ({@code com.google.common.collect}) before the dot at {@code dot}, blanks left out. */
    private static String qualifiedNameEndingAt(String text, int dot) {
        StringBuilder name = new StringBuilder();
        int at = dot;
        while (true) {
            int end = JavaText.skipBlankBack(text, at);
            int start = end;
            while (start > 0 && Character.isJavaIdentifierPart(text.charAt(start - 1))) start--;
            if (start == end) break;
            name.insert(0, text, start, end);
            int previous = JavaText.skipBlankBack(text, start);
            if (previous == 0 || text.charAt(previous - 1) != '.') break;
            name.insert(0, '.');
            at = previous - 1;
        }
        return name.toString();
    }

    /**
     * The type's key under its old name. JDT keys a type by its file too: {@code Lp/Shop;} in Shop.java, {@code
     * Lp/Shop~Store;} once it is Store there (a type not named as its file), {@code Lp/Shop$Inner;} for a nested one.
     */
    static Optional<String> oldKey(String key, String now, String old) {
        int at = key.lastIndexOf(now);
        int end = at + now.length();
        if (at <= 1 || end >= key.length() || "<;".indexOf(key.charAt(end)) < 0) return Optional.empty();
        String rest = key.substring(end);
        return switch (key.charAt(at - 1)) {
            case '$' -> Optional.of(key.substring(0, at) + old + rest);
            // In the file named as the type is now, it was a type not named as its file.
            case '/' -> Optional.of(key.substring(0, end) + "~" + old + rest);
            case '~' -> {
                String file = key.substring(key.lastIndexOf('/', at) + 1, at - 1);
                yield Optional.of(file.equals(old) ? key.substring(0, at - 1) + rest : key.substring(0, at) + old + rest);
            }
            default -> Optional.empty();
        };
    }

    /** The package of the type with this key ({@code Lp/q/Outer$Shop;}: {@code p.q}), empty for the default package. */
    static String packageOf(String key) {
        String path = key.replaceAll("[<~$;].*", "");
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(1, slash).replace('/', '.');
    }

    /**
     * Whether a file can see a type of package {@code pkg} by its name: the file is in that package (a type of the
     * default package is seen by its files only), or it says the package (an import of the type or of the package, a
     * qualified name). A file that says the name and sees none of that means another type.
     */
    private static boolean canSee(String text, String pkg) {
        java.util.regex.Matcher declared = PACKAGE.matcher(text);
        String filePackage = declared.find() ? declared.group(1).replaceAll("\\s+", "") : "";
        return filePackage.equals(pkg) || !pkg.isEmpty() && text.contains(pkg + ".");
    }

    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.\\s]+?)\\s*;");

    private static String kindWord(SymbolKind kind) {
        return switch (kind) {
            case INTERFACE -> "interface";
            case ENUM -> "enum";
            case RECORD -> "record";
            case ANNOTATION -> "annotation type";
            default -> "class";
        };
    }

    /**
     * Where the error says the type {@code old} is not found: "Old cannot be resolved to a type" (or "to a variable",
     * before {@code .MAX}), "The import p.Old cannot be resolved"; in the type's own file, a constructor still named
     * {@code old}, which the compiler reads as a method without its return type.
     */
    private static int complaintAbout(boolean ownFile, String text, CompileError error, String old) {
        if (error.id() == MISSING_RETURN_TYPE) {
            return ownFile && text.startsWith(old, error.start()) && JavaText.wordEndsAt(text, error.start() + old.length(), old) ? error.start() : -1;
        }
        boolean about = error.unknownName() && !error.message().startsWith("The method ") || error.id() == IMPORT_NOT_FOUND;
        return about ? CompiledRenames.nameIn(text, error, old) : -1;
    }

    /** In an editor, files read again since the edit that say the old name, compiled at each request: past this many, none. */
    private static final int MAX_UNBOUND_FILES = 100;

    /** JDT's IProblem.ImportNotFound: "The import p.Shop cannot be resolved". */
    private static final int IMPORT_NOT_FOUND = 268435846;
    /** JDT's IProblem.MissingReturnType: "Return type for the method is missing" (a constructor of the old name). */
    private static final int MISSING_RETURN_TYPE = 16777327;
}
