package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A method renamed by retyping its name in its header ({@code int price(String sku)} -> {@code int cost(String sku)},
 * its parameters as they were): every call and method reference takes the new name, and so do the methods that
 * override it (else they would stop overriding it: an {@code @Override} no longer compiles, one without it is
 * silently no longer called through the base type) with their own calls. What an IDE's rename does, offered after
 * the edit, as change-signature is. The uses come from the index where it still binds them to the old method (an
 * editor's index, read before the edit but for the edited file) or to an override, and from the compiler where it no
 * longer finds the old name ("The method price(String) is undefined for the type Shop"): in the edited file, and
 * headless in the files that mention the method's type or say the name. An override renamed renames the method it
 * overrode and that method's whole family with it (renaming it alone would leave it overriding nothing); one that
 * overrides a method of the JDK's is not taken. All decided, without the model.
 */
final class RenamedMethods {
    private RenamedMethods() {
    }

    private static final Pattern OVERRIDE = Pattern.compile("@(java\\.lang\\.)?Override\\b");

    /** JDT's IProblem.MethodMustOverrideOrImplement: an {@code @Override} method that overrides nothing (an anonymous class's). */
    private static final int MUST_OVERRIDE = 67109498;

    /** Whether the edit renamed m (its parameters changed or not): no new method, but change-signature's to follow. */
    static boolean renamedByEdit(RefactorInput in, SymbolInfo m) {
        return renamed(in, m).isPresent();
    }

    /**
     * A method's name before the edit, and its parameters then as written (blanks made single); {@code
     * parametersKept}: the edit renamed it and changed nothing else in its header (else its parameters changed too,
     * which change-signature takes with the name).
     */
    record Renamed(String old, List<String> parametersBefore, boolean parametersKept) {
    }

    /** m's name and parameters before the edit, where the edit renamed it. */
    static Optional<Renamed> renamed(RefactorInput in, SymbolInfo m) {
        if (m.kind() != SymbolKind.METHOD) return Optional.empty();
        Optional<CompiledRenames.Retyped> retyped = CompiledRenames.retypedName(in, m);
        if (retyped.isEmpty()) return Optional.empty();
        String before = retyped.get().before();
        String now = retyped.get().now();
        int end = retyped.get().oldEnd();
        // The rest of the header as it was: its parameters unchanged (else it is another change, or half typed).
        int openBefore = JavaText.skipBlank(before, end);
        int openNow = AddParameterRefactoring.parameterListOpen(now, m);
        if (openBefore >= before.length() || before.charAt(openBefore) != '(' || openNow < 0) return Optional.empty();
        int closeBefore = JavaText.matchingClose(before, openBefore);
        int closeNow = JavaText.matchingClose(now, openNow);
        if (closeBefore < 0 || closeNow < 0) return Optional.empty();
        String paramsBefore = before.substring(openBefore, closeBefore).replaceAll("\\s+", " ");
        return Optional.of(new Renamed(retyped.get().old(), JavaText.splitTopLevel(paramsBefore.substring(1)),
                paramsBefore.equals(now.substring(openNow, closeNow).replaceAll("\\s+", " "))));
    }

    /** The plan that renames m's uses and overrides from {@code old} to m's name now, under {@code refactor}'s name. */
    static Optional<RefactorPlan> plan(RefactorInput in, SymbolInfo m, String old, String refactor) {
        List<String> descriptors = AddParameterRefactoring.declaredDescriptors(m, m.key());
        Optional<Renames> found = renames(in, m, old, descriptors, descriptors::equals, true);
        if (found.isEmpty()) return Optional.empty();
        Renames r = found.get();
        if (r.refusal() != null) {
            return Optional.of(RefactorPlan.refused(refactor, "Rename method " + ChangeSignatureRefactoring.ownerName(m) + "." + old + "() to " + m.name() + "()",
                    r.refusal()));
        }
        List<Site> sites = new ArrayList<>(r.sites());
        if (sites.isEmpty()) return Optional.empty();
        int uses = sites.size() - r.declarations();
        Set<String> seen = new HashSet<>();
        sites.forEach(s -> seen.add(s.file() + ":" + s.start()));
        for (Site link : JavadocLinks.renamed(in, r.root(), old, m.name())) if (seen.add(link.file() + ":" + link.start())) sites.add(link);
        int links = sites.size() - uses - r.declarations();
        long fileCount = sites.stream().map(Site::file).distinct().count();
        int overriding = r.overrides().size() - (r.root() == m ? 0 : 1);
        String title = "Rename method " + r.shown(m, old) + " to " + m.name() + "(), at its " + uses
                + (uses == 1 ? " use" : " uses") + (overriding == 0 ? "" : " and " + overriding + (overriding == 1 ? " override" : " overrides"))
                + (r.components() == 0 ? "" : " and " + r.components() + (r.components() == 1 ? " record component" : " record components"))
                + (links == 0 ? "" : " and " + links + (links == 1 ? " Javadoc reference" : " Javadoc references"))
                + " in " + fileCount + (fileCount == 1 ? " file" : " files");
        return Optional.of(new RefactorPlan(refactor, title, sites, 0, "each call, method reference and override under the new name"));
    }

    /**
     * A renamed method's family and its old name's places: {@code root}, the method whose family is renamed (m, or
     * the method m overrode); {@code overrides}, the family's other methods that say the old name (root among them
     * where it is not m); {@code sites}, decided renames of the old name, the overrides' and implementing components'
     * names first ({@code declarations} of them), then the calls and method references; {@code components}: records whose
     * component implements the method, renamed with their uses. Or, {@code refusal} set, why m must not take its new
     * name.
     */
    record Renames(SymbolInfo root, List<SymbolInfo> overrides, List<Site> sites, int declarations, int components, String refusal) {
        static Renames refused(String why) {
            return new Renames(null, List.of(), List.of(), 0, 0, why);
        }

        /** "Shop.price()", or "Shop.price() (which Special.price() overrides)" for an override renamed. */
        String shown(SymbolInfo m, String old) {
            String owner = ChangeSignatureRefactoring.ownerName(m);
            return root == m ? owner + "." + old + "()" : ChangeSignatureRefactoring.ownerName(root) + "." + old + "() (which " + owner + "." + old + "() overrides)";
        }
    }

    /**
     * The renames of m's old name, {@code old}, in its family and at its uses: the methods of that name whose
     * parameters {@code wasM} takes for m's before the edit ({@code oldDescriptors}: {@link AddParameterRefactoring#ANY_TYPE}
     * where not known), m's parameters now being its declared ones. {@code followOverloads}: a call bound since the
     * edit to an overload left with the old name is looked at (m's parameters kept). Empty where m overrides a method
     * that is not the workspace's.
     */
    static Optional<Renames> renames(RefactorInput in, SymbolInfo m, String old, List<String> oldDescriptors,
                                     java.util.function.Predicate<List<String>> wasM, boolean followOverloads) {
        Path file = m.location().path();
        String text = in.text(file);
        int nameAt = JavaText.offsetOf(text, m.nameRange().startLine(), m.nameRange().startColumn());
        int from = JavaText.offsetOf(text, m.location().range().startLine(), m.location().range().startColumn());
        String now = m.name();
        String context = "// " + m.signature() + "\n";
        List<String> descriptors = AddParameterRefactoring.declaredDescriptors(m, m.key());
        String qualifiedOld = m.qualifiedName().substring(0, m.qualifiedName().length() - now.length()) + old;
        List<String> oldKeys = new ArrayList<>(in.earlierKeys().apply(qualifiedOld).stream()
                .filter(k -> in.index().declaration(k).isEmpty() && wasM.test(AddParameterRefactoring.declaredDescriptors(m, k)))
                .toList());
        // An override renamed: the method it overrode is renamed with the whole family (else it would override
        // nothing); the topmost of the workspace's, where the family starts. One of the JDK's is not taken.
        SymbolInfo root = m;
        if (OVERRIDE.matcher(text).region(Math.max(0, from), Math.max(from, nameAt)).find()) {
            Optional<SymbolInfo> overridden = topmostOverridden(in, m.declaringTypeKey(), old, wasM);
            if (overridden.isEmpty()) return Optional.empty();
            root = overridden.get();
            oldKeys.add(root.key());
        }

        Optional<String> conflict = conflict(in, m, root, old, descriptors);
        if (conflict.isPresent()) return Optional.of(Renames.refused(conflict.get()));

        // Overrides: those the index links to the old method, and the namesakes in subtypes with the same parameters.
        Set<SymbolInfo> overrides = new LinkedHashSet<>();
        if (root != m) overrides.add(root);
        for (String k : oldKeys) overrides.addAll(in.index().implementations(k));
        for (SymbolInfo o : AddParameterRefactoring.namesakesInSubtypes(in.index(), root, old, oldDescriptors.size())) {
            if (wasM.test(AddParameterRefactoring.declaredDescriptors(o, o.key()))) overrides.add(o);
        }
        overrides.removeIf(o -> o.kind() != SymbolKind.METHOD || !o.name().equals(old));
        if (!root.modifiers().contains("static") && !root.modifiers().contains("private")) {
            // Implemented by a method inherited from outside the family: renamed with it, or, the JDK's, refused.
            Inherited inherited = inheritedImplementations(in, root, old, wasM, oldDescriptors);
            if (inherited.refusal() != null) return Optional.of(Renames.refused(inherited.refusal()));
            overrides.addAll(inherited.methods());
            overrides.addAll(AddParameterRefactoring.anonymousOverriders(in, root, old, oldDescriptors, List.copyOf(overrides), false));
        }

        // Records whose component of the old name implements the method (its accessor not written out): the
        // component is renamed with it, else the record would no longer implement it.
        List<Component> components = oldDescriptors.isEmpty() && !root.modifiers().contains("static") && !root.modifiers().contains("private")
                ? implementingComponents(in, root, old, overrides) : List.of();
        if (!components.isEmpty() && !descriptors.isEmpty()) {
            Component c = components.getFirst();
            return Optional.of(Renames.refused(c.record().name() + " (" + CompiledRenames.shown(in, c.record()) + ") implements "
                    + ChangeSignatureRefactoring.ownerName(root) + "." + old + "() with its component " + old + ", and a component's accessor takes no "
                    + "arguments: declare " + old + "() in " + c.record().name() + " first"));
        }

        List<Site> sites = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SymbolInfo o : overrides) sites.addAll(CompiledRenames.methodSites(in, o, now, context, seen));
        int declarations = (int) sites.stream().filter(s -> overrides.stream().anyMatch(o -> isNameOf(in, o, s))).count();
        for (Component c : components) {
            if (seen.add(c.record().location().path() + ":" + c.nameAt())) {
                sites.add(Site.decided(c.record().location().path(), c.nameAt(), c.nameAt() + old.length(), now, context));
                declarations++;
            }
        }
        for (String k : oldKeys) sites.addAll(CompiledRenames.useSites(in, k, old, now, context, seen));
        // A call resolved since the edit (headless, every file's; in an editor, m's own file's and those read again)
        // that fits an overload left with the old name is bound to it: those the renamed method also takes, and took
        // before (it is the more specific), are its own. A file the index still binds to the old method has none.
        if (followOverloads) {
            Set<Path> boundBefore = new HashSet<>();
            if (!in.thorough()) sites.forEach(s -> boundBefore.add(s.file()));
            boundBefore.remove(file);
            for (Site s : takenFromOverloads(in, m, old, descriptors, context, boundBefore)) if (seen.add(s.file() + ":" + s.start())) sites.add(s);
        }

        // The files the compiler searches: m's own (read again since the edit); headless, every file that mentions the
        // family's types (an override's class may be used where m's never is named: new ForwardingSet<E>() {...})
        // or says the name; in an editor, of those that mention the types and say the name, the ones where the
        // index binds no use to the old method (read again after the edit, so that their uses are bound to nothing).
        Pattern saysOld = Pattern.compile("(?<![\\w$])" + Pattern.quote(old) + "\\s*\\(|::\\s*" + Pattern.quote(old) + "\\b");
        Set<Path> mentioning = new LinkedHashSet<>();
        for (Reference r : in.index().references(m.declaringTypeKey())) mentioning.add(r.location().path());
        for (Reference r : in.index().references(root.declaringTypeKey())) mentioning.add(r.location().path());
        for (SymbolInfo o : overrides) {
            mentioning.add(o.location().path());
            for (Reference r : in.index().references(o.declaringTypeKey())) mentioning.add(r.location().path());
        }
        Set<Path> files = new LinkedHashSet<>();
        files.add(file);
        if (in.thorough()) {
            files.addAll(mentioning);
            files.addAll(CompiledRenames.filesSaying(in, old, saysOld, files));
        } else {
            files.addAll(CompiledRenames.unboundFiles(in, mentioning, sites, saysOld));
        }
        String method = "method " + old + "(";
        String owner = m.qualifiedName().substring(0, m.qualifiedName().length() - now.length() - 1);
        Pattern staticImport = Pattern.compile("import\\s+static\\s+" + Pattern.quote(owner) + "\\s*\\.\\s*" + Pattern.quote(old) + "\\s*;");
        CompiledRenames.Complaint complaint = (f, t, error, start, name) -> complaintAbout(t, error, name, method, staticImport);
        CompiledRenames.find(in, files, Map.of(old, now), complaint).forEach((f, renames) -> renames.keySet().forEach(at -> {
            if (seen.add(f + ":" + at)) sites.add(Site.decided(f, at, at + old.length(), now, context));
        }));
        if (m.modifiers().contains("static")) sites.addAll(staticImportsBeside(in, owner + "." + now, old, staticImport, sites, context));
        // A component's uses: its accessor's calls where the index binds them, and in its record's file those the
        // compiler finds once the component has its new name (the field, the compact constructor's parameter).
        for (Component c : components) {
            for (Site s : CompiledRenames.useSites(in, c.accessorKey(), old, now, context, seen)) sites.add(s);
            Path recordFile = c.record().location().path();
            CompiledRenames.find(in, List.of(recordFile), Map.of(old, now), RenamedComponents.complaints(in, c.record()),
                            Map.of(recordFile, Map.of(c.nameAt(), old)))
                    .forEach((f, renames) -> renames.keySet().forEach(at -> {
                        if (seen.add(f + ":" + at)) sites.add(Site.decided(f, at, at + old.length(), now, context));
                    }));
            Javadocs.rewriteParamTags(in, c.record(), c.names(), c.names().stream().map(n -> n.equals(old) ? now : n).toList(),
                    java.util.stream.IntStream.range(0, c.names().size()).toArray(), n -> "").ifPresent(sites::add);
        }
        return Optional.of(new Renames(root, List.copyOf(overrides), sites, declarations, components.size(), null));
    }

    /**
     * Methods that implement {@code root} for a subtype of its type without overriding it themselves: inherited from
     * a superclass outside the family ({@code class Impl extends Base implements Named}, {@code Base.name()}). Once
     * root is renamed, the subtype would implement it no more, so they are renamed with it (as IntelliJ does), with
     * their calls; one inherited from a JDK class ({@code class Worker extends Thread implements Labelled}, {@code
     * getName()}) cannot be, and root must keep its name ({@code refusal}). Found from the subtypes declared in the
     * files that name root's type, up their superclasses to the first that declares the method.
     */
    private record Inherited(List<SymbolInfo> methods, String refusal) {
    }

    private static Inherited inheritedImplementations(RefactorInput in, SymbolInfo root, String old, java.util.function.Predicate<List<String>> wasM,
                                                      List<String> oldDescriptors) {
        List<SymbolInfo> out = new ArrayList<>();
        for (SymbolInfo s : subtypesDeclared(in, root, SymbolKind.CLASS, List.of())) {
            Set<String> visited = new HashSet<>();
            Optional<SymbolInfo> type = Optional.of(s);
            while (type.isPresent() && visited.add(type.get().key())) {
                Optional<SymbolInfo> declared = declaredNamed(in, type.get(), old, wasM);
                if (declared.isPresent()) {
                    // s's own (an override of root's), or one of root's family: renamed as such; else inherited.
                    boolean family = AddParameterRefactoring.isSubtype(in.index(), type.get().key(), root.declaringTypeKey(), new java.util.HashMap<>());
                    if (!family && !out.contains(declared.get())) out.add(declared.get());
                    break;
                }
                Optional<String> superclass = type.get().supertypeKeys().stream()
                        .filter(k -> in.index().declaration(k).map(d -> d.kind() == SymbolKind.CLASS).orElse(!jdkInterface(k))).findFirst();
                if (superclass.isEmpty()) break;
                type = in.index().declaration(superclass.get());
                if (type.isEmpty() && jdkDeclares(superclass.get(), old, oldDescriptors)) {
                    String jdkName = superclass.get().replaceAll("^L|;$", "").replaceAll("<.*", "").replaceAll(".*[/$]", "");
                    return new Inherited(List.of(), s.name() + " (" + CompiledRenames.shown(in, s) + ") implements " + ChangeSignatureRefactoring.ownerName(root)
                            + "." + old + "() with " + jdkName + "." + old + "(), which it inherits from the JDK and which cannot be renamed, so "
                            + s.name() + " would no longer implement it: keep the name");
                }
            }
        }
        return new Inherited(out, null);
    }

    /** Whether the JDK type of key {@code key} is an interface (a superinterface, not the superclass, in a supertype list). */
    private static boolean jdkInterface(String key) {
        return jdkClass(key).map(Class::isInterface).orElse(true);
    }

    /** The JDK's class of the type key {@code key} ({@code Ljava/util/Map$Entry;}, type arguments dropped), if it is one. */
    private static Optional<Class<?>> jdkClass(String key) {
        String name = key.replaceAll("^L|;$", "").replaceAll("<.*", "").replace('/', '.');
        try {
            return Optional.of(Class.forName(name, false, ClassLoader.getPlatformClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            try {
                int dot = name.lastIndexOf('.'); // a nested class: Outer$Inner
                return dot < 0 ? Optional.empty()
                        : Optional.of(Class.forName(name.substring(0, dot) + "$" + name.substring(dot + 1), false, ClassLoader.getPlatformClassLoader()));
            } catch (ClassNotFoundException | LinkageError nested) {
                return Optional.empty();
            }
        }
    }

    /** Whether the JDK class of key {@code key} has a public or protected instance method {@code name} with parameters of {@code descriptors}. */
    private static boolean jdkDeclares(String key, String name, List<String> descriptors) {
        Optional<Class<?>> type = jdkClass(key);
        if (type.isEmpty()) return false;
        for (Class<?> c = type.get(); c != null; c = c.getSuperclass()) {
            for (java.lang.reflect.Method method : c.getDeclaredMethods()) {
                int mod = method.getModifiers();
                if (!method.getName().equals(name) || java.lang.reflect.Modifier.isStatic(mod)
                        || !(java.lang.reflect.Modifier.isPublic(mod) || java.lang.reflect.Modifier.isProtected(mod))) continue;
                Class<?>[] types = method.getParameterTypes();
                if (types.length != descriptors.size()) continue;
                boolean same = true;
                for (int i = 0; i < types.length && same; i++) {
                    String d = descriptors.get(i);
                    same = d.equals(AddParameterRefactoring.ANY_TYPE) || d.equals(types[i].descriptorString())
                            || d.startsWith("T") && !types[i].isPrimitive(); // a type variable: any reference type
                }
                if (same) return true;
            }
        }
        return false;
    }

    /**
     * The types of kind {@code kind} below root's declaring type, declared in the files that name that type or one of
     * {@code moreTypes} (an implementation names the type it implements, or one below it).
     */
    private static List<SymbolInfo> subtypesDeclared(RefactorInput in, SymbolInfo root, SymbolKind kind, List<String> moreTypes) {
        Set<Path> files = new LinkedHashSet<>();
        for (Reference r : in.index().references(root.declaringTypeKey())) files.add(r.location().path());
        for (String t : moreTypes) for (Reference r : in.index().references(t)) files.add(r.location().path());
        Map<String, Boolean> below = new java.util.HashMap<>();
        List<SymbolInfo> out = new ArrayList<>();
        for (Path file : files) {
            for (SymbolInfo d : in.index().declarationsIn(file)) {
                if (d.kind() == kind && !d.key().equals(root.declaringTypeKey())
                        && AddParameterRefactoring.isSubtype(in.index(), d.key(), root.declaringTypeKey(), below)) out.add(d);
            }
        }
        return out;
    }

    /** The instance method of {@code type} named {@code name} whose parameters {@code parameters} takes, if it declares one. */
    private static Optional<SymbolInfo> declaredNamed(RefactorInput in, SymbolInfo type, String name, java.util.function.Predicate<List<String>> parameters) {
        return in.index().declarationsIn(type.location().path()).stream().filter(d -> d.kind() == SymbolKind.METHOD && d.name().equals(name)
                && type.key().equals(d.declaringTypeKey()) && !d.modifiers().contains("static") && !d.modifiers().contains("private")
                && parameters.test(AddParameterRefactoring.declaredDescriptors(d, d.key()))).findFirst();
    }

    /** A record's component that implements a method by its implicit accessor: where its name is in the header, the accessor's key, the components' names. */
    private record Component(SymbolInfo record, int nameAt, String accessorKey, List<String> names) {
    }

    /**
     * The records below {@code root}'s type (or an override's) that implement it by a component of the name {@code
     * old} (no accessor of that name written out): found in the files that name those types.
     */
    private static List<Component> implementingComponents(RefactorInput in, SymbolInfo root, String old, Collection<SymbolInfo> overrides) {
        List<Component> out = new ArrayList<>();
        for (SymbolInfo d : subtypesDeclared(in, root, SymbolKind.RECORD, overrides.stream().map(SymbolInfo::declaringTypeKey).toList())) {
            if (declaredNamed(in, d, old, List::isEmpty).isPresent()) continue; // an accessor written out: an override as any
            Path file = d.location().path();
            List<SymbolInfo> declared = in.index().declarationsIn(file);
            String text = in.text(file);
            int open = text.indexOf('(', JavaText.offsetOf(text, d.nameRange().endLine(), d.nameRange().endColumn()));
            int close = open < 0 ? -1 : JavaText.matchingClose(text, open);
            if (close < 0) continue;
            List<int[]> items = JavaText.itemRanges(text, open, close);
            List<String> names = items.stream().map(i -> AddParameterRefactoring.lastWord(text.substring(i[0], i[1]))).toList();
            int at = names.indexOf(old);
            Optional<SymbolInfo> canonical = declared.stream().filter(c -> c.kind() == SymbolKind.CONSTRUCTOR && c.declaringTypeKey().equals(d.key())
                    && AddParameterRefactoring.declaredDescriptors(c, c.key()).size() == names.size()).findFirst();
            if (at < 0 || canonical.isEmpty()) continue;
            String ctorKey = canonical.get().key();
            String owner = ctorKey.contains(".(") ? ctorKey.substring(0, ctorKey.indexOf(".(")) : d.key();
            String accessorKey = owner + "." + old + "()" + AddParameterRefactoring.declaredDescriptors(canonical.get(), ctorKey).get(at);
            out.add(new Component(d, items.get(at)[1] - old.length(), accessorKey, names));
        }
        return out;
    }

    /**
     * Why the method cannot take its new name: another method of its type has that name and its parameters (javac's
     * duplicate method), or a method of that name and parameters in a subtype would override it once renamed, or one
     * in a supertype would be overridden by it (the calls would then run other code, silently: IntelliJ reports these
     * as conflicts too). Private methods override nothing and are not counted; the renamed family's own members say
     * the old name, so none of them is taken.
     */
    private static Optional<String> conflict(RefactorInput in, SymbolInfo m, SymbolInfo root, String old, List<String> descriptors) {
        String now = m.name();
        List<String> types = parameterTypes(in, m);
        String signature = now + "(" + String.join(", ", types) + ")";
        java.util.function.Predicate<SymbolInfo> isM = d -> d.location().path().equals(m.location().path()) && d.nameRange().equals(m.nameRange());
        // In its own file, by the parameters' types as written: JDT binds neither of two methods of one signature.
        for (SymbolInfo d : in.index().declarationsIn(m.location().path())) {
            if (d.kind() != SymbolKind.METHOD || isM.test(d) || !d.name().equals(now) || !d.declaringTypeKey().equals(m.declaringTypeKey())) continue;
            if (!parameterTypes(in, d).equals(types)) continue;
            return Optional.of(ChangeSignatureRefactoring.ownerName(m) + " already has a method " + signature + " (" + CompiledRenames.shown(in, d) + "), so "
                    + old + "() cannot take its name: choose another name");
        }
        if (!root.modifiers().contains("private")) {
            for (SymbolInfo d : AddParameterRefactoring.namesakesInSubtypes(in.index(), root, now, descriptors.size())) {
                if (isM.test(d) || d.modifiers().contains("private") || !AddParameterRefactoring.declaredDescriptors(d, d.key()).equals(descriptors)) continue;
                return Optional.of(ChangeSignatureRefactoring.ownerName(d) + "." + signature + " (" + CompiledRenames.shown(in, d) + ") would override "
                        + ChangeSignatureRefactoring.ownerName(root) + "." + old + "() once that is renamed " + now + "(), and calls of it on a "
                        + ChangeSignatureRefactoring.ownerName(d) + " would run " + ChangeSignatureRefactoring.ownerName(d) + "'s: choose another name");
            }
            Optional<SymbolInfo> above = topmostOverridden(in, root.declaringTypeKey(), now, descriptors);
            if (above.isPresent()) {
                return Optional.of(ChangeSignatureRefactoring.ownerName(root) + "." + old + "() renamed " + now + "() would override "
                        + ChangeSignatureRefactoring.ownerName(above.get()) + "." + signature + " (" + CompiledRenames.shown(in, above.get()) + "), and calls of "
                        + "that on a " + ChangeSignatureRefactoring.ownerName(root) + " would run it: choose another name");
            }
        }
        // An overload of the new name in m's type that m would be more specific than: its calls that m takes too
        // would run m once it has the name (cost("x") bound to cost(Object) would bind to cost(String)). Its calls
        // still bound to it (files not resolved since the edit) are not told apart here: any of them refuses the
        // rename; in a file resolved since, a call written with the new name that binds to m now was taken already.
        boolean taken = !CompiledRenames.useSites(in, m.key(), now, now, "", new HashSet<>()).isEmpty();
        for (SymbolInfo d : in.index().declarationsIn(m.location().path())) {
            if (d.kind() != SymbolKind.METHOD || isM.test(d) || !d.name().equals(now) || !d.declaringTypeKey().equals(m.declaringTypeKey())) continue;
            List<String> theirs = AddParameterRefactoring.declaredDescriptors(d, d.key());
            if (theirs.size() != descriptors.size() || theirs.equals(descriptors) || !moreSpecific(in, descriptors, theirs)) continue;
            if (!taken && in.index().callSites(d.key()).isEmpty() && in.index().references(d.key()).isEmpty()) continue;
            String theirSignature = now + "(" + String.join(", ", parameterTypes(in, d)) + ")";
            return Optional.of(ChangeSignatureRefactoring.ownerName(m) + "." + theirSignature + " (" + CompiledRenames.shown(in, d) + ") has calls that "
                    + old + "() renamed " + now + "() would take (its parameters are the more specific): choose another name");
        }
        return Optional.empty();
    }

    /**
     * The uses (calls, method references) the index binds to an overload of the old name that m's type keeps, which
     * were m's before it was renamed: in a file resolved after the edit (every file headless, m's own in an editor)
     * JDT binds {@code price("abc")} to {@code price(Object)} once {@code price(String)} is {@code cost}, with no
     * complaint. Files in {@code boundBefore} are not looked at. Such a use was m's where m
     * is the more specific of the two (each of m's parameter types assignable to the overload's) and takes the use
     * under its new name (the file compiles with it renamed there, no error on it).
     */
    private static List<Site> takenFromOverloads(RefactorInput in, SymbolInfo m, String old, List<String> descriptors, String context,
                                                 Set<Path> boundBefore) {
        Map<Path, List<Site>> candidates = new java.util.LinkedHashMap<>();
        for (SymbolInfo o : in.index().declarationsIn(m.location().path())) {
            if (o.kind() != SymbolKind.METHOD || !o.name().equals(old) || !o.declaringTypeKey().equals(m.declaringTypeKey())) continue;
            List<String> theirs = AddParameterRefactoring.declaredDescriptors(o, o.key());
            if (theirs.size() != descriptors.size() || theirs.equals(descriptors) || !moreSpecific(in, descriptors, theirs)) continue;
            for (Site s : CompiledRenames.useSites(in, o.key(), old, m.name(), context, new HashSet<>())) {
                if (!boundBefore.contains(s.file())) candidates.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(s);
            }
        }
        List<Site> out = new ArrayList<>();
        String now = m.name();
        for (Map.Entry<Path, List<Site>> file : candidates.entrySet()) {
            String text = in.text(file.getKey());
            List<Site> uses = file.getValue().stream().sorted(java.util.Comparator.comparingInt(Site::start)).toList();
            Map<Integer, String> renames = new java.util.TreeMap<>();
            for (Site s : uses) renames.put(s.start(), old);
            List<CompileError> errors = in.index().compileErrors(file.getKey(), CompiledRenames.renamedText(text, renames, Map.of(old, now)));
            for (int i = 0; i < uses.size(); i++) {
                int at = uses.get(i).start() + i * (now.length() - old.length());
                if (errors.stream().noneMatch(e -> e.start() < at + now.length() && e.end() > at)) out.add(uses.get(i));
            }
        }
        return out;
    }

    /** Whether each of {@code mine} (parameter descriptors) is assignable to the one of {@code theirs} at its place. */
    private static boolean moreSpecific(RefactorInput in, List<String> mine, List<String> theirs) {
        for (int i = 0; i < mine.size(); i++) if (!assignable(in, mine.get(i), theirs.get(i))) return false;
        return true;
    }

    /**
     * Whether {@code mine} may be more specific than {@code theirs} (parameter descriptors): as many, and each either
     * assignable to theirs or not known ({@link AddParameterRefactoring#ANY_TYPE}).
     */
    static boolean mayBeMoreSpecific(RefactorInput in, List<String> mine, List<String> theirs) {
        if (mine.size() != theirs.size()) return false;
        for (int i = 0; i < mine.size(); i++) if (!mine.get(i).equals(AddParameterRefactoring.ANY_TYPE) && !assignable(in, mine.get(i), theirs.get(i))) return false;
        return true;
    }

    /** Primitive widening (JLS 5.1.2), by descriptor. */
    private static final Map<String, String> WIDER = Map.of("B", "SIJFD", "S", "IJFD", "C", "IJFD", "I", "JFD", "J", "FD", "F", "D");

    private static boolean assignable(RefactorInput in, String from, String to) {
        if (from.equals(to)) return true;
        if (from.length() == 1 || to.length() == 1) return from.length() == 1 && to.length() == 1 && WIDER.getOrDefault(from, "").contains(to);
        if (to.equals("Ljava/lang/Object;")) return true;
        if (!from.startsWith("L") || !to.startsWith("L")) return false;
        if (AddParameterRefactoring.isSubtype(in.index(), from, to, new java.util.HashMap<>())) return true;
        // Else both the JDK's (a workspace type the index does not place under the other, or a type variable: no).
        Optional<Class<?>> a = jdkClass(from);
        Optional<Class<?>> b = jdkClass(to);
        return a.isPresent() && b.isPresent() && b.get().isAssignableFrom(a.get());
    }

    /** A method's parameter types as its header writes them ({@code final} and the names left out). */
    private static List<String> parameterTypes(RefactorInput in, SymbolInfo m) {
        return AddParameterRefactoring.parameters(m, in.text(m.location().path())).stream()
                .map(p -> p.strip().replaceFirst("^final\\s+", "").replaceFirst("\\s+[\\w$]+$", "").replaceAll("\\s+", " ")).toList();
    }

    /**
     * The workspace's topmost method of the name {@code old} and parameter types {@code descriptors} in the supertypes
     * of {@code type} (through the index's supertypes), not private nor static: the method an override of that name
     * overrode, at the top of its family. Empty where none is the workspace's (an override of the JDK's).
     */
    private static Optional<SymbolInfo> topmostOverridden(RefactorInput in, String type, String old, List<String> descriptors) {
        return topmostOverridden(in, type, old, descriptors::equals);
    }

    /** {@link #topmostOverridden(RefactorInput, String, String, List)} of the parameters {@code parameters} takes. */
    private static Optional<SymbolInfo> topmostOverridden(RefactorInput in, String type, String old, java.util.function.Predicate<List<String>> parameters) {
        Optional<SymbolInfo> found = Optional.empty();
        Set<String> visited = new HashSet<>();
        List<String> queue = new ArrayList<>(in.index().declaration(type).map(SymbolInfo::supertypeKeys).orElse(List.of()));
        while (!queue.isEmpty()) {
            String t = queue.removeFirst();
            if (!visited.add(t)) continue;
            Optional<SymbolInfo> declared = in.index().declaration(t);
            if (declared.isEmpty()) continue;
            for (SymbolInfo d : in.index().declarationsIn(declared.get().location().path())) {
                if (d.kind() == SymbolKind.METHOD && d.name().equals(old) && t.equals(d.declaringTypeKey()) && !d.modifiers().contains("private")
                        && !d.modifiers().contains("static") && parameters.test(AddParameterRefactoring.declaredDescriptors(d, d.key()))) {
                    found = Optional.of(d);
                }
            }
            queue.addAll(declared.get().supertypeKeys());
        }
        return found;
    }

    /** Whether the site renames o's own name where o is declared. */
    private static boolean isNameOf(RefactorInput in, SymbolInfo o, Site s) {
        String text = in.text(o.location().path());
        return s.file().equals(o.location().path()) && s.start() == JavaText.offsetOf(text, o.nameRange().startLine(), o.nameRange().startColumn());
    }

    /**
     * Where the error says the method {@code old} is not found: "The method old(...) is undefined for the type T" at
     * a call ("... is not applicable for the arguments ..." where an overload of the old name is left), "The type T
     * does not define old(...) that is applicable here" at a method reference, "The method old(...) of type T must
     * override or implement a supertype method" at an override found otherwise.
     */
    private static int complaintAbout(String text, CompileError error, String old, String method, Pattern staticImport) {
        boolean about = (error.unknownName() || error.id() == MUST_OVERRIDE || AddParameterRefactoring.MISFIT_CALL.contains(error.id()))
                && error.message().contains(method)
                || error.id() == AddParameterRefactoring.NO_APPLICABLE_REFERENCED_METHOD && error.message().contains(" " + old + "(")
                || error.id() == IMPORT_NOT_FOUND && staticImport.matcher(text).results().anyMatch(r -> r.start() <= error.start() && error.start() < r.end());
        return about ? CompiledRenames.nameIn(text, error, old) : -1;
    }

    /** JDT's IProblem.ImportNotFound: "The import p.Shop.price cannot be resolved" (a static import of the old name). */
    private static final int IMPORT_NOT_FOUND = 268435846;

    /**
     * A static import of the old name that still resolves (the type keeps a member of that name) where the renamed
     * method is called by its simple name: an import of the new name beside it where the file says the old name
     * otherwise too (the other member's uses keep theirs), else the import renamed. A static import that no longer
     * resolves is renamed where the compiler says so.
     */
    private static List<Site> staticImportsBeside(RefactorInput in, String renamedTo, String old, Pattern staticImport, List<Site> renames, String context) {
        List<Site> out = new ArrayList<>();
        Set<Path> files = new LinkedHashSet<>();
        for (Site s : renames) if (!CompiledRenames.isMember(in.text(s.file()), s.start())) files.add(s.file());
        for (Path f : files) {
            String text = in.text(f);
            var imported = staticImport.matcher(text);
            if (!imported.find() || renames.stream().anyMatch(s -> s.file().equals(f) && s.start() >= imported.start() && s.end() <= imported.end())) continue;
            // Where every use of the old name is renamed, so is the import (else it would be left unused).
            Set<Integer> renamed = new HashSet<>();
            for (Site s : renames) if (s.file().equals(f)) renamed.add(s.start());
            boolean othersLeft = JavaText.codeWords(text, 0, text.length()).stream().anyMatch(w -> (w[0] < imported.start() || w[0] >= imported.end())
                    && text.substring(w[0], w[1]).equals(old) && !renamed.contains(w[0]));
            if (!othersLeft) {
                int name = text.lastIndexOf(old, imported.end());
                out.add(Site.decided(f, name, name + old.length(), renamedTo.substring(renamedTo.lastIndexOf('.') + 1), context));
                continue;
            }
            out.add(Site.decided(f, imported.end(), imported.end(), "\nimport static " + renamedTo + ";", context));
        }
        return out;
    }
}
