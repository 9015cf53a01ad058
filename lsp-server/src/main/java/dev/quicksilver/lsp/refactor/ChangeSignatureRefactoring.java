package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SourceLocation;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * "The user changed a method's parameters in more than one way at once: pass the arguments the new way at every
 * call site, and change the overrides' parameters the same way." What an IDE's change-signature dialog does, read
 * from the header as it was before the edit and as it is now: parameters matched by name (a renamed one by its
 * type, where only one old and one new parameter of that type are unmatched), so any mix of removed, reordered,
 * renamed and added parameters (each new argument written as add-parameter writes one). A change of one kind alone
 * (one parameter added, or one removed, or the order) is {@link AddParameterRefactoring}'s,
 * {@link RemoveParameterRefactoring}'s or {@link ReorderParametersRefactoring}'s, which also work without the
 * earlier header. Calls are those of the method's keys (and its overrides') that pass as many arguments as it took;
 * a method reference becomes a lambda that takes the old parameters; the Javadoc's {@code @param} tags follow, and
 * a renamed parameter's uses in the method's body, and the parameters of a functional interface's lambdas. A
 * record's renamed component is also its field and accessor: their uses follow ({@link RenamedComponents}), and a
 * rename alone is offered there (it breaks the accessor's callers). A method whose name was retyped, its parameters
 * as they were, is renamed at its uses and overrides ({@link RenamedMethods}); one renamed and re-parametered in one
 * edit has both done ({@link #renamedAndChanged}), and an override whose return type was written as the method's
 * takes its new one ({@link ReturnTypes}). A varargs method is not taken (its calls have no one length).
 */
public final class ChangeSignatureRefactoring implements Refactoring {
    @Override
    public String name() {
        return "change-signature";
    }

    @Override
    public String description() {
        return "pass the arguments as a declaration's parameters now are, after several changes at once (removed, reordered, renamed,"
                + " added; the method's name and return type too), at every call site, and change the overrides the same way";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> method = in.methodAt();
        if (method.isEmpty()) return componentsRenamedBeside(in);
        SymbolInfo m = method.get();
        List<String> params = AddParameterRefactoring.parameters(m, in.text(m.location().path()));
        // A header whose name was retyped (its parameters as they were): its uses and overrides take the new name. First:
        // the parameters before the edit are looked up by the name, which may now be another method's of that name.
        Optional<RenamedMethods.Renamed> renamedFrom = RenamedMethods.renamed(in, m);
        if (renamedFrom.isPresent() && renamedFrom.get().parametersKept()) return RenamedMethods.plan(in, m, renamedFrom.get().old(), name());
        Optional<Change> found = AddParameterRefactoring.parametersBeforeEdit(in, m).flatMap(old -> Change.between(old, params));
        if (found.isEmpty()) {
            // Renamed and re-parametered in one edit: the calls are found by the old name, and take the new one too.
            return renamedFrom.isEmpty() ? Optional.empty() : renamedAndChanged(in, m, renamedFrom.get(), params);
        }
        Change change = found.get();
        // A rename alone breaks the body's uses of the old name (and a record's, its field's and accessor's): this
        // one's, changing no call.
        boolean record = AddParameterRefactoring.isRecordHeader(in, m);
        // A parameter retyped alone is this one's where the method has overrides to follow (a constructor has none).
        if (change.ofOneKind() && !change.renames() && (change.retyped().isEmpty() || m.kind() != SymbolKind.METHOD)) return Optional.empty();
        // A varargs method takes calls of any length: the old number of arguments does not tell its calls.
        if (java.util.stream.Stream.concat(change.oldParams().stream(), params.stream()).anyMatch(p -> p.contains("..."))) return Optional.empty();
        int oldCount = change.oldParams().size();
        Set<String> keys = new LinkedHashSet<>();
        keys.add(m.key());
        for (String k : in.earlierKeys().apply(m.qualifiedName())) {
            if (in.index().declaration(k).isEmpty() && AddParameterRefactoring.declaredDescriptors(m, k).size() == oldCount) keys.add(k);
        }
        // Overrides and lambdas keep their own names: a rename alone leaves them as they are.
        List<SymbolInfo> overrides = change.changesDeclarations() ? overrides(in, m, keys, change) : List.of();
        List<String> calleeKeys = new ArrayList<>(keys);
        overrides.forEach(o -> calleeKeys.add(o.key()));
        List<CallSite> callsFound = new ArrayList<>();
        for (String k : calleeKeys) callsFound.addAll(in.index().callSites(k));
        // In an index built after the edit, JDT binds a call that fits no overload any more to the closest one:
        // those of another length are ours, and of the old length where the compiler says they do not fit.
        for (SymbolInfo o : AddParameterRefactoring.brokenOverloads(in.index(), m, oldCount)) callsFound.addAll(in.index().callSites(o.key()));
        callsFound.addAll(AddParameterRefactoring.misboundCalls(in, m, oldCount));
        List<Reference> refs = new ArrayList<>();
        for (String k : calleeKeys) refs.addAll(in.index().references(k));
        refs.addAll(AddParameterRefactoring.unboundMethodReferences(in, m));
        return build(in, m, change, params, record, new Uses(keys, overrides, callsFound, refs, null, m, List.of()));
    }

    /**
     * A record's components renamed in its header where the record declares its canonical constructor in full
     * ({@code Point(int x, int y) { this.x = x; ... }}): that constructor's parameters must be named as the
     * components (else it is no valid canonical constructor), so they are renamed with their uses in its body, as
     * the components' uses are everywhere ({@link RenamedComponents}) and the Javadoc tags, the record's and the
     * constructor's. Renames only: a component added, removed or moved changes what the constructor must do.
     */
    private Optional<RefactorPlan> componentsRenamedBeside(RefactorInput in) {
        Optional<SymbolInfo> at = in.index().declarationsIn(in.file()).stream().filter(d -> d.kind() == SymbolKind.RECORD
                && d.nameRange().startLine() <= in.position().line() && in.position().line() <= d.nameRange().startLine() + 2).findFirst();
        if (at.isEmpty()) return Optional.empty();
        SymbolInfo record = at.get();
        String text = in.text(in.file());
        int open = text.indexOf('(', JavaText.offsetOf(text, record.nameRange().endLine(), record.nameRange().endColumn()));
        int close = open < 0 ? -1 : JavaText.matchingClose(text, open);
        if (close < 0 || JavaText.offsetOf(text, in.position().line(), in.position().column()) > close + 1) return Optional.empty();
        List<String> components = JavaText.splitTopLevel(text.substring(open + 1, close).replaceAll("\\s+", " "));
        Optional<Change> found = AddParameterRefactoring.parametersBeforeEdit(in, record).flatMap(old -> Change.between(old, components));
        if (found.isEmpty() || found.get().changesCalls() || !found.get().renames()) return Optional.empty();
        Change change = found.get();
        List<String> oldTypes = change.oldParams().stream().map(Change::typeOf).toList();
        List<String> oldNames = change.oldParams().stream().map(AddParameterRefactoring::lastWord).toList();
        List<String> newNames = components.stream().map(AddParameterRefactoring::lastWord).toList();
        // The canonical constructor as it was: the components' types, and their names before the edit.
        Optional<SymbolInfo> canonical = in.index().declarationsIn(in.file()).stream().filter(c -> c.kind() == SymbolKind.CONSTRUCTOR
                && c.declaringTypeKey().equals(record.key()) && AddParameterRefactoring.parameterListOpen(text, c) != open
                && AddParameterRefactoring.parameters(c, text).stream().map(Change::typeOf).toList().equals(oldTypes)
                && AddParameterRefactoring.parameterNames(in, c).equals(oldNames)).findFirst();
        if (canonical.isEmpty()) return Optional.empty();
        SymbolInfo ctor = canonical.get();
        Map<String, String> renamed = change.renamed();
        Optional<String> implemented = implementedByComponent(in, record.key(), renamed);
        if (implemented.isPresent()) return Optional.of(RefactorPlan.refused(name(), componentsTitle(record.name(), renamed), implemented.get()));
        BodyClash clash = bodyClash(in, ctor, renamed);
        if (clash.refusal() != null) {
            return Optional.of(RefactorPlan.refused(name(), componentsTitle(record.name(), renamed), clash.refusal()));
        }
        List<String> descriptors = AddParameterRefactoring.declaredDescriptors(ctor, ctor.key());
        Map<String, String> renamedDescriptors = new java.util.HashMap<>();
        for (int i = 0; i < newNames.size() && i < descriptors.size(); i++) renamedDescriptors.put(newNames.get(i), descriptors.get(i));
        String context = "// " + ctor.signature() + "\n";
        List<Site> sites = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        // The constructor's own parameters, then their uses in its body, then the components' everywhere.
        int ctorOpen = AddParameterRefactoring.parameterListOpen(text, ctor);
        List<int[]> items = JavaText.itemRanges(text, ctorOpen, JavaText.matchingClose(text, ctorOpen));
        for (int[] item : items) {
            String name = AddParameterRefactoring.lastWord(text.substring(item[0], item[1]));
            if (renamed.containsKey(name)) sites.add(Site.decided(in.file(), item[1] - name.length(), item[1], renamed.get(name), context));
        }
        sites.addAll(renamedInBody(in, ctor, renamed));
        sites.addAll(clash.qualified());
        sites.addAll(RenamedComponents.sites(in, ctor, renamed, renamedDescriptors));
        List<Site> unique = new ArrayList<>();
        for (Site site : sites) if (seen.add(site.file() + ":" + site.start())) unique.add(site);
        int uses = unique.size();
        Javadocs.rewriteParamTags(in, record, oldNames, newNames, change.from(), name -> "").ifPresent(unique::add);
        Javadocs.rewriteParamTags(in, ctor, oldNames, newNames, change.from(), name -> "").ifPresent(unique::add);
        return Optional.of(new RefactorPlan(name(), renameTitle(ctor, true, renamed, uses, unique), unique, 0,
                "each use of a renamed component under its new name, and the canonical constructor's parameters named as the components"));
    }

    /**
     * Why a record's components must not be renamed so ({@code renamed}, old name to new): one's accessor implements
     * a method of a supertype of the record ({@code record Tag(String name) implements Named}, {@code Named.name()}),
     * which the record would no longer implement. That method is renamed instead, and the component follows it.
     */
    private static Optional<String> implementedByComponent(RefactorInput in, String recordKey, Map<String, String> renamed) {
        Optional<SymbolInfo> record = in.index().declaration(recordKey);
        if (record.isEmpty()) return Optional.empty();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(record.get().supertypeKeys());
        Set<String> visited = new HashSet<>();
        while (!queue.isEmpty()) {
            String t = queue.poll();
            Optional<SymbolInfo> type = in.index().declaration(t);
            if (!visited.add(t) || type.isEmpty()) continue;
            for (SymbolInfo d : in.index().declarationsIn(type.get().location().path())) {
                if (d.kind() == SymbolKind.METHOD && t.equals(d.declaringTypeKey()) && renamed.containsKey(d.name()) && !d.modifiers().contains("static")
                        && !d.modifiers().contains("private") && AddParameterRefactoring.declaredDescriptors(d, d.key()).isEmpty()) {
                    String owner = type.get().name();
                    return Optional.of("the component " + d.name() + " of record " + record.get().name() + " implements " + owner + "." + d.name() + "() ("
                            + CompiledRenames.shown(in, d) + "), which " + record.get().name() + " would no longer implement: rename " + owner + "."
                            + d.name() + "() to " + renamed.get(d.name()) + "() instead, and the component follows");
                }
            }
            queue.addAll(type.get().supertypeKeys());
        }
        return Optional.empty();
    }

    /**
     * A method renamed and re-parametered in one edit ({@code price(String sku)} -> {@code cost(String code, int
     * count)}), as an IDE's change-signature dialog does both: the method's family and uses are found by the old name
     * and the old parameters ({@link RenamedMethods#renames}), each takes the new name, and each call passes its
     * arguments the new way, each override takes the new parameters, each method reference becomes a lambda that
     * calls the new name. Refused, with the way through in two steps, where the class keeps a method of the old name
     * whose parameters the old ones are (or may be) more specific than (the calls written for the method as it was
     * now bind to it without a word), and for a varargs method.
     */
    private Optional<RefactorPlan> renamedAndChanged(RefactorInput in, SymbolInfo m, RenamedMethods.Renamed before, List<String> params) {
        String old = before.old();
        List<String> oldParams = before.parametersBefore();
        if (!Change.declarations(oldParams) || !Change.declarations(params)) return Optional.empty(); // a header half typed
        Optional<Change> found = Change.between(oldParams, params);
        if (found.isEmpty()) return Optional.empty(); // a name said twice: the compiler says so
        Change change = found.get();
        // Only the parameters' modifiers changed (final, an annotation): a rename, the calls as they are.
        if (!change.changesDeclarations() && !change.renames()) return RenamedMethods.plan(in, m, old, name());
        String refusalTitle = "Change the signature of " + ownerName(m) + "." + old + "()";
        String twoSteps = ": put the old name back, run change-signature for the parameters, then retype the name and run it again";
        if (java.util.stream.Stream.concat(oldParams.stream(), params.stream()).anyMatch(p -> p.contains("..."))) {
            return Optional.of(RefactorPlan.refused(name(), refusalTitle, "a varargs method's calls have no one length, so its name and "
                    + "parameters cannot change in one edit" + twoSteps));
        }
        // m's parameter types before the edit: the earlier key of the old name that has them, else as the header tells.
        List<String> guessed = oldDescriptors(in, m, Set.of(m.key()), change);
        String qualifiedOld = m.qualifiedName().substring(0, m.qualifiedName().length() - m.name().length()) + old;
        List<String> earlier = in.earlierKeys().apply(qualifiedOld).stream().filter(k -> in.index().declaration(k).isEmpty()
                && AddParameterRefactoring.sameParameters(guessed, AddParameterRefactoring.declaredDescriptors(m, k))).toList();
        List<String> oldDescriptors = earlier.size() == 1 ? AddParameterRefactoring.declaredDescriptors(m, earlier.getFirst()) : guessed;
        // An overload of the old name that m as it was is more specific than (or may be: a type not known) takes
        // the calls written for m without a word once m is renamed.
        for (SymbolInfo o : in.index().declarationsIn(m.location().path())) {
            if (o.kind() == SymbolKind.METHOD && o.name().equals(old) && o.declaringTypeKey().equals(m.declaringTypeKey())
                    && RenamedMethods.mayBeMoreSpecific(in, oldDescriptors, AddParameterRefactoring.declaredDescriptors(o, o.key()))) {
                return Optional.of(RefactorPlan.refused(name(), refusalTitle, ownerName(m) + " keeps " + old + "(" + String.join(", ",
                        AddParameterRefactoring.parameters(o, in.text(o.location().path())).stream().map(Change::typeOf).toList()) + ") ("
                        + CompiledRenames.shown(in, o) + "), to which calls written for " + old + "() as it was may now bind without a word"
                        + twoSteps));
            }
        }
        Optional<RenamedMethods.Renames> family = RenamedMethods.renames(in, m, old, oldDescriptors,
                ds -> AddParameterRefactoring.sameParameters(oldDescriptors, ds), false);
        if (family.isEmpty()) return Optional.empty();
        RenamedMethods.Renames r = family.get();
        if (r.refusal() != null) return Optional.of(RefactorPlan.refused(name(), refusalTitle, r.refusal()));

        // The old name's places, told apart: an override's name (its list changes as the method's), a method
        // reference's (it becomes a lambda where the calls change), a call's (its arguments follow).
        Set<String> overrideNames = new HashSet<>();
        for (SymbolInfo o : r.overrides()) {
            String text = in.text(o.location().path());
            overrideNames.add(o.location().path() + ":" + JavaText.offsetOf(text, o.nameRange().startLine(), o.nameRange().startColumn()));
        }
        List<Site> names = new ArrayList<>();
        List<CallSite> calls = new ArrayList<>();
        List<Reference> references = new ArrayList<>();
        for (Site s : r.sites()) {
            String text = in.text(s.file());
            int colons = JavaText.skipBlankBack(text, s.start());
            if (colons > 1 && text.startsWith("::", colons - 2)) {
                references.add(new Reference(m.key(), m.kind(), new SourceLocation(s.file(), AddParameterRefactoring.range(text, s.start(), s.end()))));
                if (change.changesCalls()) continue; // the lambda names the method itself
            }
            names.add(s);
            int open = JavaText.skipBlank(text, s.end());
            int close = open < text.length() && text.charAt(open) == '(' ? JavaText.matchingClose(text, open) : -1;
            if (close > 0 && !overrideNames.contains(s.file() + ":" + s.start())) {
                calls.add(new CallSite(m.key(), "", new SourceLocation(s.file(), AddParameterRefactoring.range(text, s.start(), close + 1))));
            }
        }
        List<String> oldTypes = oldParams.stream().map(JavadocLinks::ofParameter).toList();
        names.addAll(JavadocLinks.renamed(in, r.root(), old, m.name(), oldTypes));
        Set<String> keys = new LinkedHashSet<>(earlier);
        keys.add(m.key());
        return build(in, m, change, params, false, new Uses(keys, r.overrides(), calls, references, old, r.root(), names));
    }

    /**
     * What a change of parameters rewrites: the method's keys before the edit and now ({@code keys}), its overrides,
     * its calls and its references as the index and the compiler found them; for a method renamed in the same edit,
     * its name before ({@code oldName}) and the renames of that name at the overrides, uses and Javadoc references
     * ({@code names}, decided). Null {@code oldName}: not renamed. Javadoc references are looked for to {@code linked}
     * (the method renamed with its family, m where it is not an override).
     */
    private record Uses(Set<String> keys, List<SymbolInfo> overrides, List<CallSite> calls, List<Reference> references, String oldName,
                        SymbolInfo linked, List<Site> names) {
    }

    /** The plan that passes the arguments as the parameters now are ({@code change}) at {@code uses}. */
    private Optional<RefactorPlan> build(RefactorInput in, SymbolInfo m, Change change, List<String> params, boolean record, Uses uses) {
        Set<String> keys = uses.keys();
        List<SymbolInfo> overrides = uses.overrides();
        int oldCount = change.oldParams().size();
        Map<Integer, Added> added = new java.util.TreeMap<>();
        List<String> newDescriptors = AddParameterRefactoring.declaredDescriptors(m, m.key());
        for (int i : change.added()) added.put(i, Added.of(change, i, newDescriptors));
        List<String> oldNames = change.oldParams().stream().map(AddParameterRefactoring::lastWord).toList();
        List<String> newNames = params.stream().map(AddParameterRefactoring::lastWord).toList();

        List<Site> sites = new ArrayList<>();
        List<Site> tags = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<Path, List<String>> importsFor = new LinkedHashMap<>();
        // An override's Javadoc documents a new parameter as the method's does, if it does (else the user will).
        java.util.function.UnaryOperator<String> description = name -> Javadocs.paramDescription(in, m, name);
        Map<Path, List<int[]>> gaining = new LinkedHashMap<>();
        // Overrides keep their own parameter names: a rename alone leaves their lists as they are.
        for (SymbolInfo o : change.changesDeclarations() ? overrides : List.<SymbolInfo>of()) {
            // The new parameters as o declares them: a type variable of m's type as o's class binds it.
            Map<Integer, String> declared = new java.util.TreeMap<>();
            added.forEach((i, a) -> declared.put(i, AddParameterRefactoring.parameterIn(in, m, a.param(), change.oldParams(), o)));
            Optional<Site> list = declarationSite(in, m, o, change, declared).filter(s -> seen.add(s.file() + ":" + s.start()));
            if (list.isEmpty()) continue;
            sites.add(list.get());
            String text = in.text(o.location().path());
            TextRange r = o.location().range();
            gaining.computeIfAbsent(o.location().path(), f -> new ArrayList<>())
                    .add(new int[] {JavaText.offsetOf(text, r.startLine(), r.startColumn()), JavaText.offsetOf(text, r.endLine(), r.endColumn())});
            if (!declared.isEmpty()) importsFor.computeIfAbsent(o.location().path(), f -> new ArrayList<>()).addAll(declared.values());
            List<String> own = AddParameterRefactoring.parameterNames(in, o);
            List<String> ownNew = change.arrange(own, i -> added.get(i).name());
            Javadocs.rewriteParamTags(in, o, own, ownNew, change.from(), description).ifPresent(tags::add);
        }
        int overrideCount = sites.size();
        // An override's return type written as the method's was follows the method's (renamed or not).
        Optional<ReturnTypes.Change> returnType = ReturnTypes.changed(in, m);
        if (returnType.isPresent()) {
            for (SymbolInfo o : overrides) ReturnTypes.followed(in, o, returnType.get(), "// " + m.signature() + "\n").ifPresent(tags::add);
        }
        // Lambdas of a functional interface take their parameters the same way, their own names kept, a new one
        // named as the method names it (typed where theirs are): those the compiler resolves as the method's, and
        // those that no longer fit it (a length changed). One that no longer compiles so (a body still using a
        // removed parameter, the new name taken around it) is left as it was, with the reason.
        List<Lambdas.ParameterList> lambdas = new ArrayList<>();
        if (change.changesCalls() && Lambdas.implementsFunctionalMethod(in, m)) {
            Set<String> lambdaAt = new HashSet<>();
            List<Lambdas.ParameterList> candidates = new ArrayList<>(Lambdas.implementing(in, m, keys));
            if (oldCount != params.size()) candidates.addAll(Lambdas.mismatched(in, m));
            for (Lambdas.ParameterList l : candidates) if (l.params().size() == oldCount && lambdaAt.add(l.file() + ":" + l.start())) lambdas.add(l);
        }
        for (Lambdas.ParameterList l : lambdas) {
            boolean typed = l.params().stream().anyMatch(p -> p.strip().contains(" "));
            String list = "(" + String.join(", ", change.arrange(l.params(), i -> typed ? added.get(i).param() : added.get(i).name())) + ")";
            sites.add(new Site(l.file(), l.start(), l.end(), "", "", "// " + m.signature() + "\n", 1, modelText -> list,
                    new Site.Fallback(list, l.start(), Math.max(l.end(), l.bodyTo()), true), () -> List.of(list)));
        }
        int declarations = sites.size();
        Javadocs.rewriteParamTags(in, m, oldNames, newNames, change.from(), name -> "").ifPresent(tags::add);
        boolean renamedToo = uses.oldName() != null;
        tags.addAll(JavadocLinks.rewritten(in, uses.linked(), renamedToo ? uses.oldName() : m.name(), change.oldParams(), params, change.from()));
        Map<String, String> renamed = change.renamed();
        // Renames go in first: a call whose arguments move takes the renamed names inside it with it.
        Map<String, String> renamedDescriptors = new java.util.HashMap<>();
        for (int i = 0; i < params.size() && i < newDescriptors.size(); i++) renamedDescriptors.put(newNames.get(i), newDescriptors.get(i));
        if (record) {
            Optional<String> implemented = implementedByComponent(in, m.declaringTypeKey(), renamed);
            if (implemented.isPresent()) return Optional.of(RefactorPlan.refused(name(), componentsTitle(m.name(), renamed), implemented.get()));
        }
        List<Site> renames = record ? RenamedComponents.sites(in, m, renamed, renamedDescriptors) : renamedInBody(in, m, renamed);
        if (!record && !renamed.isEmpty()) {
            // The new names where the body already says them: a field's use is written this.count; a local is refused.
            BodyClash clash = bodyClash(in, m, renamed);
            if (clash.refusal() != null) {
                return Optional.of(RefactorPlan.refused(name(), "Rename parameter" + (renamed.size() == 1 ? " " : "s ") + renames(renamed) + " of "
                        + ownerName(m) + "." + m.name() + "()", clash.refusal()));
            }
            renames = new ArrayList<>(renames);
            renames.addAll(clash.qualified());
        }

        var sight = new AddParameterRefactoring.VariablesInSight(in.index());
        int calls = 0;
        for (CallSite c : uses.calls()) {
            List<Site> call = callSites(in, m, c, change, added, sight, gaining, renames);
            if (!call.isEmpty() && seen.add(call.getFirst().file() + ":" + call.getFirst().start())) {
                sites.addAll(call);
                calls++;
            }
        }
        int callSites = sites.size() - declarations;
        List<Site> callLists = sites.subList(declarations, sites.size());
        for (Site rename : renames) {
            if (callLists.stream().noneMatch(c -> c.file().equals(rename.file()) && c.start() <= rename.start() && rename.end() <= c.end())) tags.add(rename);
        }
        Set<String> reserved = added.values().stream().map(Added::name).collect(java.util.stream.Collectors.toSet());
        for (Reference r : uses.references()) {
            // A rename alone changes no call: a method reference still fits.
            if (r.targetKind() != m.kind() || !change.changesCalls()) continue;
            AddParameterRefactoring.referenceAsLambda(in, m, r, sight, (inSight, qualifier, receiver) ->
                            AddParameterRefactoring.referenceLambda(inSight, qualifier, receiver, AddParameterRefactoring.referenceWord(m), oldNames,
                                    reserved, own -> change.arrange(own, i -> added.get(i).fallback(inSight))))
                    .filter(s -> seen.add(s.file() + ":" + s.start())).ifPresent(sites::add);
        }
        int references = sites.size() - declarations - callSites;
        if (sites.isEmpty() && renames.isEmpty() && uses.names().isEmpty()) return Optional.empty();
        sites.addAll(Imports.needed(in, m.location().path(), importsFor, false));
        sites.addAll(tags);
        for (Site name : uses.names()) if (seen.add(name.file() + ":" + name.start())) sites.add(name);
        String title;
        if (renamedToo) {
            String head = "Rename " + ownerName(uses.linked()) + "." + uses.oldName() + "()" + (uses.linked() == m ? "" : " (which " + ownerName(m) + "."
                    + uses.oldName() + "() overrides)") + " to " + m.name() + "() and ";
            // Every call and override is counted: those whose arguments stay as they were are renamed.
            int namedCalls = uses.calls().size();
            int namedReferences = (int) uses.references().stream().filter(r -> r.targetKind() == m.kind()).count();
            int overriding = uses.overrides().size() - (uses.linked() == m ? 0 : 1);
            title = change.changesCalls()
                    ? title(head + "change its arguments", change, newNames, oldNames, renamed, namedCalls, overriding, lambdas.size(),
                            namedReferences, sites)
                    : head + String.join(" and ", parameterChanges(change, renamed, newNames)) + ", at its " + RefactorPlan.count(namedCalls, "call site")
                            + (overriding == 0 ? "" : " and " + RefactorPlan.count(overriding, "override"))
                            + (namedReferences == 0 ? "" : " and " + RefactorPlan.count(namedReferences, "method reference")) + " in " + RefactorPlan.count(files(sites), "file");
        } else if (!change.changesCalls() && !change.retyped().isEmpty()) {
            if (overrideCount == 0 && renamed.isEmpty()) return Optional.empty(); // no override to follow: nothing but a Javadoc reference
            List<Integer> retyped = change.retyped();
            title = "Retype parameter" + (retyped.size() == 1 ? " " : "s ") + String.join(" and ", retyped.stream()
                    .map(i -> newNames.get(i) + " to " + Change.writtenType(change.newParams().get(i))).toList()) + " of " + ownerName(m) + "." + m.name()
                    + "()" + (renamed.isEmpty() ? "" : ", renaming " + renames(renamed)) + ", in its " + RefactorPlan.count(overrideCount, "override")
                    + " in " + RefactorPlan.count(files(sites), "file");
        } else {
            title = !change.changesCalls()
                    ? renameTitle(m, record, renamed, renames.size(), sites)
                    : title("Change the arguments of " + ownerName(m) + "." + m.name() + "()", change, newNames, oldNames, renamed, calls, overrideCount,
                            lambdas.size(), references, sites);
        }
        return Optional.of(new RefactorPlan(name(), title, sites, declarations, change.changesCalls()
                ? "the arguments as they were, in the new order; the variable named as the new parameter, or the only one whose type fits"
                        + (renamedToo ? "; each call, method reference and override under the new name" : "")
                : renamedToo ? "each call, method reference and override under the new name, and each use of a renamed parameter in the method's body"
                : record ? "each use of a renamed component under its new name, where the compiler no longer finds the old one"
                : "each use of a renamed parameter in the method's body under its new name"));
    }

    /**
     * The methods written to override m as it was (the add-parameter search, with m's old parameter types): those
     * still linked to one of its keys, the namesakes of the old parameter types in subtypes that override nothing
     * now, what overrides those, and anonymous classes' methods; not one whose parameters are already m's new ones.
     */
    private static List<SymbolInfo> overrides(RefactorInput in, SymbolInfo m, Set<String> keys, Change change) {
        int oldCount = change.oldParams().size();
        List<String> oldDescriptors = oldDescriptors(in, m, keys, change);
        List<SymbolInfo> found = new ArrayList<>(AddParameterRefactoring.overriders(in.index(), m, keys, oldDescriptors,
                AddParameterRefactoring.namesakesInSubtypes(in.index(), m, oldCount), true));
        if (m.kind() == dev.quicksilver.index.SymbolKind.METHOD && !m.modifiers().contains("static") && !m.modifiers().contains("private")) {
            found.addAll(AddParameterRefactoring.anonymousOverriders(in, m, oldDescriptors, found));
        }
        List<String> newNames = change.newParams().stream().map(AddParameterRefactoring::lastWord).toList();
        List<String> newTypes = change.newParams().stream().map(Change::typeOf).toList();
        List<SymbolInfo> out = new ArrayList<>();
        for (SymbolInfo o : found) {
            List<String> params = AddParameterRefactoring.parameters(o, in.text(o.location().path()));
            List<String> names = params.stream().map(AddParameterRefactoring::lastWord).toList();
            // One already written the new way (names and types) is left as it is.
            boolean changed = oldCount == newNames.size() && names.equals(newNames) && params.stream().map(Change::typeOf).toList().equals(newTypes);
            if (names.size() == oldCount && !changed && !out.contains(o)) out.add(o);
        }
        return out;
    }

    /**
     * m's parameter types before the edit, as descriptors: an earlier key's of the old length, else the kept
     * parameters' from m's key, a removed one's from its type as written where that is a primitive or a type
     * variable, else {@link AddParameterRefactoring#ANY_TYPE}.
     */
    private static List<String> oldDescriptors(RefactorInput in, SymbolInfo m, Set<String> keys, Change change) {
        int oldCount = change.oldParams().size();
        for (String k : keys) {
            if (!k.equals(m.key()) && AddParameterRefactoring.declaredDescriptors(m, k).size() == oldCount) {
                return AddParameterRefactoring.declaredDescriptors(m, k);
            }
        }
        List<String> now = AddParameterRefactoring.declaredDescriptors(m, m.key());
        Set<String> variables = new HashSet<>(TypeArguments.variablesOf(in, m));
        variables.addAll(TypeArguments.methodVariables(m));
        List<String> out = new ArrayList<>();
        for (int j = 0; j < oldCount; j++) {
            String written = Change.typeOf(change.oldParams().get(j));
            String descriptor = PRIMITIVES.get(written);
            if (variables.contains(written)) descriptor = "T" + written + ";";
            out.add(descriptor != null ? descriptor : AddParameterRefactoring.ANY_TYPE);
        }
        for (int i = 0; i < change.from().length; i++) {
            // A kept parameter's type from m's key, unless the edit retyped it (then as written before, above).
            if (change.from()[i] >= 0 && i < now.size() && !change.retyped().contains(i)) out.set(change.from()[i], now.get(i));
        }
        return out;
    }

    /** A primitive type's descriptor by its name ("int": "I"), the inverse of {@link AddParameterRefactoring#typeName}'s. */
    private static final Map<String, String> PRIMITIVES = "BCDFIJSZ".chars().mapToObj(c -> String.valueOf((char) c))
            .collect(java.util.stream.Collectors.toMap(AddParameterRefactoring::typeName, d -> d));

    /**
     * An override's parameter list the new way: its own parameters (its names) where the method's went (a retyped
     * one with the new type), the new ones ({@code addedParams}, by their place) as the override declares them. Decided; where a removed parameter
     * is still used in its body, the list is left as it was if the change adds a compile error in the override.
     */
    private static Optional<Site> declarationSite(RefactorInput in, SymbolInfo m, SymbolInfo o, Change change, Map<Integer, String> addedParams) {
        Path file = o.location().path();
        String text = in.text(file);
        int open = AddParameterRefactoring.parameterListOpen(text, o);
        int close = open < 0 ? -1 : JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        // A parameter whose type the edit changed takes the new type in the override (as o's class binds m's type
        // variables), under the override's own name and modifiers.
        List<int[]> items = JavaText.itemRanges(text, open, close);
        Map<Integer, String> retyped = new java.util.HashMap<>();
        for (int i : change.retyped()) {
            int j = change.from()[i];
            if (j >= items.size()) continue;
            String item = text.substring(items.get(j)[0], items.get(j)[1]);
            String inO = AddParameterRefactoring.parameterIn(in, m, change.newParams().get(i), change.oldParams(), o);
            retyped.put(items.get(j)[0], Change.modifiersOf(item) + Change.writtenType(inO) + " " + AddParameterRefactoring.lastWord(item));
        }
        Optional<List<String>> parts = rebuilt(text, open, close, change, (a, b) -> retyped.getOrDefault(a, text.substring(a, b)));
        if (parts.isEmpty()) return Optional.empty();
        StringBuilder joined = new StringBuilder(parts.get().getFirst());
        List<String> inserted = List.copyOf(addedParams.values());
        for (int k = 0; k < inserted.size(); k++) joined.append(inserted.get(k)).append(parts.get().get(k + 1));
        String list = joined.toString();
        TextRange r = o.location().range();
        int from = JavaText.offsetOf(text, r.startLine(), r.startColumn());
        int to = JavaText.offsetOf(text, r.endLine(), r.endColumn());
        String body = text.substring(close, Math.max(close, to));
        List<String> own = AddParameterRefactoring.parameterNames(in, o);
        boolean usesRemoved = change.removed().stream()
                .anyMatch(i -> Pattern.compile("\\b" + Pattern.quote(own.get(i)) + "\\b").matcher(body).find());
        return Optional.of(new Site(file, open + 1, close, "", "", "// " + o.signature() + "\n", 1, modelText -> list,
                new Site.Fallback(list, Math.min(from, open + 1), Math.max(to, close + 1), usesRemoved), () -> List.of(list)));
    }

    /**
     * A call's arguments the new way: those it passed, where their parameters went, and the new ones' (the model
     * writes each, choosing among the variables in sight of its type; inside an override that gets the parameter,
     * the parameter). The first site takes the list up to the second new argument; each further new argument is a
     * site of its own at the list's end. None where the call does not pass as many arguments as the method took.
     */
    private static List<Site> callSites(RefactorInput in, SymbolInfo m, CallSite c, Change change, Map<Integer, Added> added,
                                        AddParameterRefactoring.VariablesInSight sight, Map<Path, List<int[]>> gaining, List<Site> renames) {
        Path file = c.location().path();
        String text = in.text(file);
        TextRange r = c.location().range();
        int start = JavaText.offsetOf(text, r.startLine(), r.startColumn());
        int close = JavaText.argumentsClose(text, start, JavaText.offsetOf(text, r.endLine(), r.endColumn()));
        int open = close < 0 ? -1 : JavaText.matchingOpen(text, close);
        if (open < 0) return List.of();
        Slicer renamed = renamedSlicer(text, renames.stream().filter(s -> s.file().equals(file)).toList());
        Optional<List<String>> parts = rebuilt(text, open, close, change, renamed);
        if (parts.isEmpty()) return List.of();
        String context = "// " + m.signature() + "\n";
        int lineStart = text.lastIndexOf('\n', Math.max(0, open - 1)) + 1;
        int checkFrom = Math.min(lineStart, Math.min(start, open + 1));
        if (added.isEmpty()) {
            String list = parts.get().getFirst();
            if (list.equals(renamed.slice(open + 1, close))) return List.of();
            return List.of(new Site(file, open + 1, close, "", "", context, 1, modelText -> list,
                    new Site.Fallback(list, checkFrom, close + 1, false), () -> List.of(list)));
        }
        boolean passedOn = gaining.getOrDefault(file, List.of()).stream().anyMatch(range -> range[0] <= start && start < range[1]);
        int at = open + 1;
        sight.register(file, text, at);
        String scope = text.substring(Math.max(0, at - 1500), at);
        List<Site> out = new ArrayList<>();
        int k = 0;
        for (Added a : added.values()) {
            // Passed on where that compiles (a call on another receiver may want another type), else the fallback.
            Supplier<String> fallback = () -> a.fallback(sight.at(file, at));
            Supplier<List<String>> candidates = passedOn ? () -> List.of(a.name())
                    : a.type() == null ? List::of : () -> AddParameterRefactoring.candidates(sight.at(file, at), a.type(), a.name());
            UnaryOperator<String> finish = modelText -> passedOn && modelText.strip().equals(a.name())
                    ? a.name() : AddParameterRefactoring.expression(modelText, fallback.get(), scope);
            boolean first = k == 0;
            out.add(new Site(file, first ? open + 1 : close, close, first ? parts.get().getFirst() : "", parts.get().get(k + 1), context, 12, finish,
                    new Site.Fallback(fallback, checkFrom, close + 1, false), candidates));
            k++;
        }
        return out;
    }

    /**
     * Sites that rename a renamed parameter where m's body uses it (the header says the new name; the body, written
     * before, the old): each use as a name of its own, not a member of that name ({@code other.sku}), nor in a
     * comment or a literal. Decided.
     */
    private static List<Site> renamedInBody(RefactorInput in, SymbolInfo m, Map<String, String> renamed) {
        if (renamed.isEmpty()) return List.of();
        Path file = m.location().path();
        String text = in.text(file);
        List<Site> out = new ArrayList<>();
        String context = "// " + m.signature() + "\n";
        for (int[] word : bodyWords(text, m)) {
            String now = renamed.get(text.substring(word[0], word[1]));
            int before = JavaText.skipBlankBack(text, word[0]);
            if (now != null && (before == 0 || text.charAt(before - 1) != '.')) out.add(Site.decided(file, word[0], word[1], now, context));
        }
        return out;
    }

    /** The words of m's body's code ({@code [start, end)}; comments and literals skipped), in order; none without a body. */
    private static List<int[]> bodyWords(String text, SymbolInfo m) {
        int open = AddParameterRefactoring.parameterListOpen(text, m);
        int close = open < 0 ? -1 : JavaText.matchingClose(text, open);
        int end = JavaText.offsetOf(text, m.location().range().endLine(), m.location().range().endColumn());
        int body = close < 0 ? -1 : text.indexOf('{', close);
        if (body < 0 || body >= end) return List.of();
        return JavaText.codeWords(text, body, end);
    }

    /** What the body says under a parameter's new name: fields' uses to qualify, or why the rename must not run. */
    record BodyClash(List<Site> qualified, String refusal) {
    }

    /**
     * The words of m's body that are a renamed parameter's new name and were something else before the edit (a bare
     * name, not a member, a method's name or a renamed parameter's old one), read through the variables in sight in
     * the file as it was: a field's use is written {@code this.count} ({@code Shop.count} for a static one), so it
     * keeps reading the field once the parameter has its name (as IntelliJ's rename qualifies it); a local variable
     * or lambda parameter of that name would clash with the parameter, and the rename is refused with its line.
     */
    private static BodyClash bodyClash(RefactorInput in, SymbolInfo m, Map<String, String> renamed) {
        Path file = m.location().path();
        String text = in.text(file);
        if (in.lastEdit().isEmpty()) return new BodyClash(List.of(), null);
        Set<String> newNames = new HashSet<>(renamed.values());
        newNames.removeAll(renamed.keySet()); // a name passed from one parameter to another is a rename of its own
        List<Integer> found = new ArrayList<>();
        for (int[] word : bodyWords(text, m)) {
            int before = JavaText.skipBlankBack(text, word[0]);
            int after = JavaText.skipBlank(text, word[1]);
            if (newNames.contains(text.substring(word[0], word[1])) && (before == 0 || text.charAt(before - 1) != '.')
                    && (after >= text.length() || text.charAt(after) != '(')) {
                found.add(word[0]);
            }
        }
        if (found.isEmpty()) return new BodyClash(List.of(), null);
        // The body as it was: the edit changed the header only, so the body is where it was, shifted.
        String was = AddParameterRefactoring.textBeforeEdit(text, in.lastEdit().get());
        int shift = was.length() - text.length();
        List<List<dev.quicksilver.index.ScopeVariable>> scopes = in.index().variablesInScope(file, was,
                found.stream().map(at -> Math.clamp(at + shift, 0, was.length())).toList());
        String owner = ownerName(m);
        String context = "// " + m.signature() + "\n";
        List<Site> qualified = new ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
            int at = found.get(k);
            int wordEnd = at;
            while (wordEnd < text.length() && Character.isJavaIdentifierPart(text.charAt(wordEnd))) wordEnd++;
            String word = text.substring(at, wordEnd);
            // Where the edit reached into the body too, the body as it was is not where this word is: nothing is known.
            if (!was.startsWith(word, at + shift)) continue;
            Optional<dev.quicksilver.index.ScopeVariable> meant = scopes.get(k).stream().filter(v -> v.name().equals(word)).findFirst();
            if (meant.isEmpty()) continue; // no variable (a type's or a label's name): the parameter takes nothing from it
            if (!meant.get().field()) {
                return new BodyClash(List.of(), word + " on line " + (JavaText.lineOf(text, at) + 1) + " is a local variable of " + owner + "."
                        + m.name() + "(), which the parameter renamed " + word + " would clash with: choose another name");
            }
            boolean staticField = in.index().declarationsIn(file).stream().anyMatch(d -> d.kind() == dev.quicksilver.index.SymbolKind.FIELD
                    && d.name().equals(word) && d.declaringTypeKey().equals(m.declaringTypeKey()) && d.modifiers().contains("static"));
            // In a static method only a static field can be read there, and `this` cannot name it; in an anonymous
            // class's body `this` is the anonymous object.
            boolean byType = staticField || m.modifiers().contains("static");
            boolean inner = !byType && in.index().declaration(m.declaringTypeKey()).filter(t -> RenameFieldRefactoring.innerTo(in, file, at, t)).isPresent();
            qualified.add(Site.decided(file, at, at + word.length(), (byType ? owner : inner ? owner + ".this" : "this") + "." + word, context));
        }
        return new BodyClash(qualified, null);
    }

    /** The text between two offsets of a file, as it is to be: {@code text.substring} with some sites' edits made in it. */
    @FunctionalInterface
    interface Slicer {
        String slice(int from, int to);
    }

    /**
     * {@code text}'s slices with the {@code renames} (decided sites: one text each) that lie wholly inside a slice
     * made in them: a call's arguments moved to their new places take a renamed parameter's new name along.
     */
    static Slicer renamedSlicer(String text, List<Site> renames) {
        List<Site> sorted = renames.stream().sorted(java.util.Comparator.comparingInt(Site::start)).toList();
        return (from, to) -> {
            StringBuilder out = new StringBuilder();
            int at = from;
            for (Site r : sorted) {
                if (r.start() < at || r.end() > to) continue;
                out.append(text, at, r.start()).append(r.fallback().text());
                at = r.end();
            }
            return out.append(text, at, to).toString();
        };
    }

    /** {@link #rebuilt(String, int, int, Change, Slicer)} of the text as it is. */
    static Optional<List<String>> rebuilt(String text, int open, int close, Change change) {
        return rebuilt(text, open, close, change, text::substring);
    }

    /**
     * The list between the brackets at {@code open} and {@code close} the new way, in parts split where the new
     * parameters go (one part when none is added): each kept item moved to its new place (as {@code slicer} gives
     * it), the blanks and line breaks between places staying where they were. Empty where the list does not have
     * the old number of items.
     */
    static Optional<List<String>> rebuilt(String text, int open, int close, Change change, Slicer slicer) {
        List<int[]> items = JavaText.itemRanges(text, open, close);
        if (items.size() != change.oldParams().size()) return Optional.empty();
        int n = change.from().length;
        List<String> parts = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        if (n > 0 && !items.isEmpty()) out.append(text, open + 1, items.getFirst()[0]);
        for (int i = 0; i < n; i++) {
            if (i > 0) out.append(i < items.size() ? text.substring(items.get(i - 1)[1], items.get(i)[0]) : ", ");
            int j = change.from()[i];
            if (j < 0) {
                parts.add(out.toString());
                out = new StringBuilder();
            } else {
                out.append(slicer.slice(items.get(j)[0], items.get(j)[1]));
            }
        }
        if (n > 0 && !items.isEmpty()) out.append(text, items.getLast()[1], close);
        parts.add(out.toString());
        return Optional.of(parts);
    }

    /** "HEAD to (names), dropping x, filling new y, at its N call sites ... in K files". */
    private static String title(String head, Change change, List<String> newNames, List<String> oldNames, Map<String, String> renamed,
                                int calls, int overrides, int lambdas, int references, List<Site> sites) {
        List<String> how = new ArrayList<>();
        List<String> dropped = change.removed().stream().map(oldNames::get).toList();
        if (!dropped.isEmpty()) how.add("dropping " + String.join(" and ", dropped));
        if (!change.added().isEmpty()) how.add("filling new " + String.join(" and ", change.added().stream().map(newNames::get).toList()));
        if (change.reordered()) how.add("reordering");
        if (!renamed.isEmpty()) how.add("renaming " + renames(renamed));
        long files = files(sites);
        return head + " to (" + String.join(", ", newNames)
                + "), " + String.join(", ", how) + ", at its " + calls + " call site" + (calls == 1 ? "" : "s")
                + (overrides == 0 ? "" : " and " + overrides + " override" + (overrides == 1 ? "" : "s"))
                + (lambdas == 0 ? "" : " and " + lambdas + " lambda" + (lambdas == 1 ? "" : "s"))
                + (references == 0 ? "" : " and " + references + " method reference" + (references == 1 ? "" : "s"))
                + " in " + files + " file" + (files == 1 ? "" : "s");
    }

    /**
     * What a change that keeps the calls does to the parameters: "its parameter sku to item", "the type of sku to
     * CharSequence".
     */
    private static List<String> parameterChanges(Change change, Map<String, String> renamed, List<String> newNames) {
        List<String> out = new ArrayList<>();
        if (!renamed.isEmpty()) out.add("its parameter" + (renamed.size() == 1 ? " " : "s ") + renames(renamed));
        List<Integer> retyped = change.retyped();
        if (!retyped.isEmpty()) {
            out.add("the type" + (retyped.size() == 1 ? " of " : "s of ") + String.join(" and ", retyped.stream()
                    .map(i -> newNames.get(i) + " to " + Change.writtenType(change.newParams().get(i))).toList()));
        }
        return out;
    }

    /** How many files the sites are in. */
    private static long files(List<Site> sites) {
        return sites.stream().map(Site::file).distinct().count();
    }

    /** The simple name of the type that declares m ("Shop" for "p.Shop.price"). */
    static String ownerName(SymbolInfo m) {
        String owner = m.qualifiedName().contains(".") ? m.qualifiedName().substring(0, m.qualifiedName().lastIndexOf('.')) : "";
        return owner.substring(owner.lastIndexOf('.') + 1);
    }

    /**
     * Parameters renamed, nothing else: "Rename component x to left of record Point, at its 5 uses in 3 files", or
     * "Rename parameter sku to item of Shop.price(), at its 2 uses in 1 file".
     */
    private static String renameTitle(SymbolInfo m, boolean record, Map<String, String> renamed, int uses, List<Site> sites) {
        long files = sites.stream().map(Site::file).distinct().count();
        String what = record ? "component" + (renamed.size() == 1 ? " " : "s ") + renames(renamed) + " of record " + m.name()
                : "parameter" + (renamed.size() == 1 ? " " : "s ") + renames(renamed) + " of " + ownerName(m) + "." + m.name() + "()";
        return "Rename " + what + ", at " + (uses == 1 ? "its 1 use" : "its " + uses + " uses") + " in " + files + " file" + (files == 1 ? "" : "s");
    }

    /** "Rename component x to left of record Point". */
    private static String componentsTitle(String record, Map<String, String> renamed) {
        return "Rename component" + (renamed.size() == 1 ? " " : "s ") + renames(renamed) + " of record " + record;
    }

    /** "x to left and y to top". */
    private static String renames(Map<String, String> renamed) {
        return String.join(" and ", renamed.entrySet().stream().map(e -> e.getKey() + " to " + e.getValue()).toList());
    }

    /**
     * The new parameter: as written ("int scale"), its name, its type as written and its erasure (null for a type
     * variable), for its argument's fallback: the variable of its name in sight, else the type's default value.
     */
    private record Added(String param, String name, String declaredType, String type) {
        /** The new parameter at {@code index} of the new list. */
        static Added of(Change change, int index, List<String> newDescriptors) {
            String param = change.newParams().get(index);
            String name = AddParameterRefactoring.lastWord(param);
            String type = index < newDescriptors.size() ? AddParameterRefactoring.typeName(newDescriptors.get(index)) : null;
            return new Added(param, name, param.substring(0, param.length() - name.length()).strip(), type);
        }

        String fallback(List<dev.quicksilver.index.ScopeVariable> inSight) {
            return AddParameterRefactoring.fallback(inSight, name, type, declaredType);
        }
    }

    /**
     * A change of a parameter list from {@code oldParams} to {@code newParams} (as written): {@code from[i]} is the
     * old position of the parameter now at i (renamed or not), -1 for a new one.
     */
    record Change(List<String> oldParams, List<String> newParams, int[] from) {
        private static final Pattern ANNOTATION = Pattern.compile("@[\\w.]+(\\s*\\([^)]*\\))?");

        /** A parameter's type as {@link #typeOf} gives it: names, type arguments, arrays, varargs. */
        private static final Pattern DECLARED_TYPE = Pattern.compile("[\\w$.<>\\[\\],?&]+(\\.\\.\\.)?");
        private static final Pattern NAME = Pattern.compile("[A-Za-z_$][\\w$]*");

        /** Whether each item reads as a parameter declaration: a type and a name ({@code String} alone, mid-typing, does not). */
        static boolean declarations(List<String> params) {
            return params.stream().allMatch(p -> DECLARED_TYPE.matcher(typeOf(p)).matches()
                    && NAME.matcher(AddParameterRefactoring.lastWord(p)).matches());
        }

        /**
         * The change, parameters matched by name, then renamed ones by their type (where as many old as new
         * parameters of that type are left unmatched: in their order); empty where names repeat, or a list does not
         * read as declarations (a header half typed).
         */
        static Optional<Change> between(List<String> oldParams, List<String> newParams) {
            if (!declarations(oldParams) || !declarations(newParams)) return Optional.empty();
            List<String> oldNames = oldParams.stream().map(AddParameterRefactoring::lastWord).toList();
            List<String> newNames = newParams.stream().map(AddParameterRefactoring::lastWord).toList();
            if (new HashSet<>(oldNames).size() != oldNames.size() || new HashSet<>(newNames).size() != newNames.size()) return Optional.empty();
            int[] from = new int[newNames.size()];
            Set<Integer> unmatchedOld = new LinkedHashSet<>();
            for (int j = 0; j < oldNames.size(); j++) if (!newNames.contains(oldNames.get(j))) unmatchedOld.add(j);
            List<Integer> unmatchedNew = new ArrayList<>();
            for (int i = 0; i < from.length; i++) {
                from[i] = oldNames.indexOf(newNames.get(i));
                if (from[i] < 0) unmatchedNew.add(i);
            }
            // Of one type, as many unmatched on each side: renamed, in their order ((int lo, int hi) -> (int start, int
            // end)); a different count leaves it open which went, so those are removed and added.
            Map<String, List<Integer>> oldsOfType = new LinkedHashMap<>();
            for (int j : unmatchedOld) oldsOfType.computeIfAbsent(typeOf(oldParams.get(j)), t -> new ArrayList<>()).add(j);
            Map<String, List<Integer>> newsOfType = new LinkedHashMap<>();
            for (int i : unmatchedNew) newsOfType.computeIfAbsent(typeOf(newParams.get(i)), t -> new ArrayList<>()).add(i);
            newsOfType.forEach((type, news) -> {
                List<Integer> olds = oldsOfType.getOrDefault(type, List.of());
                if (olds.size() != news.size()) return;
                for (int k = 0; k < news.size(); k++) from[news.get(k)] = olds.get(k);
            });
            return Optional.of(new Change(List.copyOf(oldParams), List.copyOf(newParams), from));
        }

        /** The new positions of the parameters added, in order. */
        List<Integer> added() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < from.length; i++) if (from[i] < 0) out.add(i);
            return out;
        }

        /** The old positions of the parameters removed, in order. */
        List<Integer> removed() {
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < oldParams.size(); j++) {
                int old = j;
                if (java.util.Arrays.stream(from).noneMatch(f -> f == old)) out.add(j);
            }
            return out;
        }

        /** Whether the parameters kept are in another order. */
        boolean reordered() {
            int last = -1;
            for (int f : from) {
                if (f < 0) continue;
                if (f < last) return true;
                last = f;
            }
            return false;
        }

        /**
         * Whether it is a change of one kind (one parameter added, or one removed, or the order) or none but renames:
         * another refactor's, or nobody's (a renamed parameter changes no call). A rename with another change is
         * this one's: reorder-parameters goes by the names, and the body's uses of a renamed parameter follow here.
         */
        boolean ofOneKind() {
            int kinds = (added().isEmpty() ? 0 : 1) + (removed().isEmpty() ? 0 : 1) + (reordered() ? 1 : 0);
            return kinds == 0 || kinds == 1 && removed().size() <= 1 && added().size() <= 1 && !renames();
        }

        /** Whether a parameter kept has another name now. */
        boolean renames() {
            return !renamed().isEmpty();
        }

        /** The parameters kept under another name: old name to new, in the new order. */
        Map<String, String> renamed() {
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < from.length; i++) {
                if (from[i] < 0) continue;
                String old = AddParameterRefactoring.lastWord(oldParams.get(from[i]));
                String now = AddParameterRefactoring.lastWord(newParams.get(i));
                if (!old.equals(now)) out.put(old, now);
            }
            return out;
        }

        /** Whether the calls change: a parameter added or removed, or the order changed (a rename alone changes none). */
        boolean changesCalls() {
            return !added().isEmpty() || !removed().isEmpty() || reordered();
        }

        /** The new positions of the parameters kept with another type ({@code String sku} -> {@code CharSequence sku}). */
        List<Integer> retyped() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < from.length; i++) {
                if (from[i] >= 0 && !typeOf(oldParams.get(from[i])).equals(typeOf(newParams.get(i)))) out.add(i);
            }
            return out;
        }

        /** Whether the overrides' parameter lists change: the calls do, or a parameter's type. */
        boolean changesDeclarations() {
            return changesCalls() || !retyped().isEmpty();
        }

        /** The annotations and {@code final} a parameter starts with, as written, with the blank after them ("" for none). */
        static String modifiersOf(String param) {
            java.util.regex.Matcher leading = LEADING_MODIFIERS.matcher(param.strip());
            return leading.lookingAt() ? leading.group() : "";
        }

        /** A parameter's type as written, its leading annotations, {@code final} and its name left out ("final Map<K, V> m": "Map<K, V>"). */
        static String writtenType(String param) {
            String p = param.strip();
            String name = AddParameterRefactoring.lastWord(p);
            String rest = p.substring(0, p.length() - name.length()).strip();
            java.util.regex.Matcher leading = LEADING_MODIFIERS.matcher(rest);
            return leading.lookingAt() ? rest.substring(leading.end()).strip() : rest;
        }

        private static final Pattern LEADING_MODIFIERS = Pattern.compile("(?:(?:@[\\w.]+(?:\\s*\\([^)]*\\))?|final)\\s+)+");

        /** The items of {@code old} (in the old order) the new way, {@code added} of its place where a new parameter goes. */
        <T> List<T> arrange(List<T> old, java.util.function.IntFunction<T> added) {
            List<T> out = new ArrayList<>();
            for (int i = 0; i < from.length; i++) out.add(from[i] < 0 ? added.apply(i) : old.get(from[i]));
            return out;
        }

        /** A parameter's type as written, without annotations, modifiers and blanks ("final @Nullable String s": "String"). */
        static String typeOf(String param) {
            String name = AddParameterRefactoring.lastWord(param);
            String type = ANNOTATION.matcher(param.strip().substring(0, param.strip().length() - name.length())).replaceAll(" ");
            return type.replaceAll("\\bfinal\\b", " ").replaceAll("\\s+", "");
        }
    }
}
