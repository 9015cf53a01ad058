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

    /** A type whose name the user retyped where it is declared ({@code type}, as the index has it now), and its old name. */
    record RetypedType(SymbolInfo type, String old) {
    }

    /** The type declared at the position whose name was retyped there, the rest of its line kept. */
    static Optional<RetypedType> retypedAt(RefactorInput in) {
        Optional<SymbolInfo> type = CompiledRenames.declarationNamedAt(in, kind -> kind.isType());
        if (type.isEmpty()) return Optional.empty();
        return CompiledRenames.retypedName(in, type.get()).filter(CompiledRenames.Retyped::restOfLineKept)
                .map(r -> new RetypedType(type.get(), r.old()));
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        return retypedAt(in).flatMap(retyped -> plan(in, retyped));
    }

    /** The plan for {@code retyped}, the type retyped at the position ({@link #retypedAt}). */
    Optional<RefactorPlan> plan(RefactorInput in, RetypedType retyped) {
        SymbolInfo t = retyped.type();
        String old = retyped.old();
        String now = t.name();
        Path own = t.location().path();
        String context = "// " + t.signature() + "\n";
        String proposed = "Rename " + kindWord(t.kind()) + " " + old + " to " + now;
        // Before the keys: JDT binds neither of two types of one name, and the index keys the retyped one by its place.
        Optional<String> clash = clash(in, t, old, now, packageDeclared(in.text(own)));
        if (clash.isPresent()) return Optional.of(RefactorPlan.refused(name(), proposed, clash.get()));
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

        // Where the new name already means another type (an import, a nested type, java.lang's), the uses are written
        // qualified, or, where the renamed type would take the name's other meaning from a file, the rename refused.
        Shadowing shadowing = shadowing(in, t, own, old, now, pkg, sites);
        if (shadowing.refusal() != null) return Optional.of(RefactorPlan.refused(name(), proposed, shadowing.refusal()));
        sites = qualified(in, sites, shadowing.qualifying(), old, pkg + "." + now);

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
        String title = proposed
                + (sites.isEmpty() ? "" : ", at its " + at + " in " + fileCount + (fileCount == 1 ? " file" : " files"))
                + (moves ? ", and its file to " + target.getFileName() : namedAfter ? " (" + target.getFileName() + " exists: the file keeps its name)" : "");
        return Optional.of(new RefactorPlan(name(), title, sites, 0, "each use of the type the compiler no longer finds, under the new name",
                moves ? Map.of(own, target) : Map.of()));
    }

    /**
     * Why the type cannot take its new name where it is declared: another type of its package (a top-level type) or
     * of its outer type (a nested one) has it, or an outer type does (javac: "The type Store is already defined",
     * "The nested type Store cannot hide an enclosing type").
     */
    static Optional<String> clash(RefactorInput in, SymbolInfo t, String old, String now, String pkg) {
        List<SymbolInfo> others = new ArrayList<>(in.index().declarationsNamed(now));
        // The retyped type may have taken the other's key in the index (the same key, from a file that does not name
        // it): that one is still declared in its own file.
        if (t.declaringTypeKey().isEmpty()) others.addAll(in.index().declarationsIn(t.location().path().resolveSibling(now + ".java")));
        for (SymbolInfo other : others) {
            if (!other.name().equals(now)) continue;
            // Compared by place, not key: JDT keys the retyped type as the other one when its file's name says nothing.
            if (!other.kind().isType() || sameDeclaration(other, t) || !other.declaringTypeKey().equals(t.declaringTypeKey())) continue;
            // By its file's package: a declaration read before its file was resolved has no package in its key.
            if (!inPackage(in.text(other.location().path()), pkg)) continue;
            String where = t.declaringTypeKey().isEmpty() ? (pkg.isEmpty() ? "the default package" : "package " + pkg)
                    : in.index().declaration(t.declaringTypeKey()).map(SymbolInfo::name).orElse("its outer type");
            return Optional.of(where + " already has a type " + now + " (" + CompiledRenames.shown(in, other.location().path()) + "), so " + old
                    + " cannot be renamed to it: choose another name, or rename that type first");
        }
        for (String outer = t.declaringTypeKey(); !outer.isEmpty(); ) {
            Optional<SymbolInfo> enclosing = in.index().declaration(outer);
            if (enclosing.isEmpty()) break;
            if (enclosing.get().name().equals(now)) {
                return Optional.of(old + " is nested in a type named " + now + ", and a nested type cannot have its outer type's name: choose another name");
            }
            outer = enclosing.get().declaringTypeKey();
        }
        return Optional.empty();
    }

    private static boolean sameDeclaration(SymbolInfo a, SymbolInfo b) {
        return a.location().path().equals(b.location().path()) && a.nameRange().equals(b.nameRange());
    }

    /**
     * What the new name already means in the files the rename touches or that see the type by its simple name:
     * {@code qualifying}, the files whose uses must be written qualified ({@code p.Store}) since the name there is
     * another type's (imported one by one, or declared: that wins over the renamed type), or since the renamed
     * type, imported by its simple name, would take the name from the file's own use of it (java.lang's, an on-demand
     * import's); {@code refusal}, why the rename must not run: a file of the type's package (or that imports it on
     * demand) uses the name for another type that the renamed one would take it from, which no qualification of the
     * renamed type's uses undoes.
     */
    record Shadowing(Set<Path> qualifying, String refusal) {
    }

    static Shadowing shadowing(RefactorInput in, SymbolInfo t, Path own, String old, String now, String pkg, List<Site> sites) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(own);
        sites.forEach(s -> files.add(s.file()));
        boolean topLevel = t.declaringTypeKey().isEmpty();
        // A top-level type is seen by its simple name in its package's files and in those importing the package.
        Pattern onDemand = Pattern.compile("(?m)^\\s*import\\s+" + Pattern.quote(pkg).replace(".", "\\E\\s*\\.\\s*\\Q") + "\\s*\\.\\s*\\*\\s*;");
        java.util.function.Predicate<String> seesBySimpleName = text -> inPackage(text, pkg) || !pkg.isEmpty() && onDemand.matcher(text).find();
        if (topLevel) {
            for (Path f : in.index().filesMentioning(now)) if (f.toString().endsWith(".java") && seesBySimpleName.test(in.text(f))) files.add(f);
        }
        String qualifier = topLevel ? pkg : in.index().declaration(t.declaringTypeKey()).map(SymbolInfo::name).orElse("");
        Set<Path> qualifying = new LinkedHashSet<>();
        for (Path f : files) {
            if (!f.toString().endsWith(".java")) continue;
            String text = in.text(f);
            boolean ownFile = f.equals(own);
            // The declaration's own name (retyped by the user) is no other use of it.
            List<Integer> bare = wordsInCode(text, now, "").stream().filter(at -> !(ownFile && declaresTypeAt(text, at))).toList();
            boolean another = ownFile ? importsAnother(text, now, qualifier) : namesAnotherType(text, now, qualifier);
            // A bare word that can mean no other type (a use written under the new name already) is no other meaning.
            if (!another && (bare.isEmpty() || !mayMeanAnotherType(in, t, text, now))) continue;
            if (ownFile || !another && (!topLevel || seesBySimpleName.test(text))) {
                java.util.regex.Matcher imported = Pattern.compile("(?m)^\\s*import\\b[^;]*\\b" + Pattern.quote(now) + "\\s*;").matcher(text);
                int at = !bare.isEmpty() ? bare.getFirst() : imported.find() ? imported.start() : 0;
                return new Shadowing(Set.of(), CompiledRenames.shown(in, f) + " (line " + (JavaText.lineOf(text, at) + 1) + ") uses " + now + " for another type, which "
                        + old + " renamed to " + now + " would hide there: choose another name");
            }
            // The uses there written qualified: a top-level type of a named package only.
            if (!topLevel || pkg.isEmpty()) {
                return new Shadowing(Set.of(), CompiledRenames.shown(in, f) + " uses " + now + " for another type, and " + old
                        + " (a nested type, or of the default package) cannot be written qualified there: choose another name");
            }
            if (sites.stream().anyMatch(s -> s.file().equals(f))) qualifying.add(f);
        }
        return new Shadowing(qualifying, null);
    }

    /**
     * The sites in {@code qualifying} files that rename a bare use of the type ({@code Shop x}) written with its
     * qualified name ({@code p.Store x}); a single-type import of it ({@code import p.Shop;}) is dropped, since the
     * new name is another type's there. Other sites as they are.
     */
    static List<Site> qualified(RefactorInput in, List<Site> sites, Set<Path> qualifying, String old, String qualifiedName) {
        if (qualifying.isEmpty()) return sites;
        List<Site> out = new ArrayList<>();
        for (Site s : sites) {
            String text = in.text(s.file());
            if (!qualifying.contains(s.file()) || !text.startsWith(old, s.start()) || s.end() != s.start() + old.length()) {
                out.add(s);
                continue;
            }
            int lineStart = text.lastIndexOf('\n', s.start()) + 1;
            int lineEnd = text.indexOf('\n', s.start());
            lineEnd = lineEnd < 0 ? text.length() : lineEnd + 1;
            if (IMPORT_OF_TYPE.matcher(text.substring(lineStart, lineEnd)).matches() && text.substring(s.end(), lineEnd).strip().equals(";")) {
                out.add(Site.decided(s.file(), lineStart, lineEnd, "", s.context()));
            } else {
                int before = JavaText.skipBlankBack(text, s.start());
                boolean member = before > 0 && text.charAt(before - 1) == '.';
                out.add(member ? s : Site.decided(s.file(), s.start(), s.end(), qualifiedName, s.context()));
            }
        }
        return out;
    }

    private static final Pattern IMPORT_OF_TYPE = Pattern.compile("\\s*import\\s+[\\w.\\s]+;\\s*");

    private static boolean inPackage(String text, String pkg) {
        return packageDeclared(text).equals(pkg);
    }

    /** The package a Java file says it is in, empty for the default package. */
    private static String packageDeclared(String text) {
        java.util.regex.Matcher declared = PACKAGE.matcher(text);
        return declared.find() ? declared.group(1).replaceAll("\\s+", "") : "";
    }

    /**
     * Whether {@code now}, said bare in a file that neither imports nor declares a type of that name, can mean one
     * there: java.lang's, one of a package the file imports on demand (the JDK's or the workspace's), or another
     * workspace type of the file's package. (An inherited member type is not looked for.)
     */
    private static boolean mayMeanAnotherType(RefactorInput in, SymbolInfo t, String text, String now) {
        if (ImportableTypes.publicJdkType("java.lang." + now)) return true;
        Set<String> packages = new HashSet<>();
        packages.add(packageDeclared(text));
        java.util.regex.Matcher onDemand = ON_DEMAND.matcher(text);
        while (onDemand.find()) {
            String pkg = onDemand.group(1).replaceAll("\\s+", "");
            if (ImportableTypes.publicJdkType(pkg + "." + now)) return true;
            packages.add(pkg);
        }
        return in.index().declarationsNamed(now).stream().anyMatch(d -> d.kind().isType() && !sameDeclaration(d, t)
                && d.declaringTypeKey().isEmpty() && packages.contains(packageDeclared(in.text(d.location().path()))));
    }

    private static final Pattern ON_DEMAND = Pattern.compile("(?m)^\\s*import\\s+([\\w.\\s]+?)\\s*\\.\\s*\\*\\s*;");

    /** Whether the word at {@code at} is a type's name where it is declared ({@code class Store}). */
    private static boolean declaresTypeAt(String text, int at) {
        int before = JavaText.skipBlankBack(text, at);
        int start = before;
        while (start > 0 && Character.isJavaIdentifierPart(text.charAt(start - 1))) start--;
        return Set.of("class", "interface", "enum", "record").contains(text.substring(start, before))
                || before > 0 && text.startsWith("@interface", Math.max(0, before - "@interface".length()));
    }

    /** Whether a file imports a type {@code now} from elsewhere than {@code qualifier} (its own declaration aside). */
    private static boolean importsAnother(String text, String now, String qualifier) {
        return namesAnotherType(text.replaceAll("(?:\\b(?:class|interface|enum|record)|@interface)\\s+" + Pattern.quote(now) + "(?![\\w$])", ""), now, qualifier);
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
        return inPackage(text, pkg) || !pkg.isEmpty() && text.contains(pkg + ".");
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
