package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.ScopeVariable;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import dev.quicksilver.index.WorkspaceIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * "The user added a parameter to a method's declaration: fill the new argument at every call site." Offered on
 * the declaration, and on any call whose argument count no longer matches it. Call sites come from the index:
 * those it links to the method's current binding key, and those still linked to earlier keys of the same method
 * (other files were parsed against the old signature). A site needs an argument when it passes exactly one fewer
 * than the declaration takes; the new parameter's position comes from comparing the old and new keys' parameter
 * descriptors, or is taken as the last one. Where variables whose type passes as the parameter's are in sight
 * of a call, the argument is the one named as the parameter, else the model chooses among them
 * ({@code Site#candidates}: scored, not written); elsewhere the model writes it. The sites the model
 * fills go in one batch; an answer that is not one balanced expression falls back to a variable of the parameter's
 * name when the compiler sees one at the call, else to the type's default value, and so does a bare {@code null}
 * when such a variable is in sight; an answer that does not compile falls back the same way ({@link CompileCheck}).
 *
 * <p>Methods that override the one edited get the parameter too, at the same index and as written (as Eclipse's
 * and IntelliJ's change-signature do), and their call sites get the argument; a call inside one of them (its
 * {@code super} call, say) passes the new parameter on. Without this an {@code @Override} stops compiling, and an
 * override without the annotation silently stops being called through the base type. The lambdas of a functional
 * interface whose method got the parameter take it too ({@code cents -> ...} to {@code (cents, currency) -> ...}).
 */
public final class AddParameterRefactoring implements Refactoring {
    @Override
    public String name() {
        return "add-parameter";
    }

    @Override
    public String description() {
        return "fill a method's new parameter at every call site (at the declaration or a call)";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> method = in.methodAt();
        if (method.isEmpty()) return Optional.empty();
        SymbolInfo m = method.get();
        String declText = in.text(m.location().path());
        List<String> params = parameters(m, declText);
        if (params.isEmpty()) return Optional.empty();
        List<String> newDescriptors = declaredDescriptors(m, m.key());
        // The keys this method had before (calls in other files may still be bound to one of them); not those still
        // declared: an overload of the same name is another method. The one that is this key less one parameter
        // says where the parameter went.
        Set<String> keys = new LinkedHashSet<>();
        keys.add(m.key());
        int inserted = -1;
        List<String> newNames = params.stream().map(AddParameterRefactoring::lastWord).toList();
        for (String k : in.earlierKeys().apply(m.qualifiedName())) {
            if (k.equals(m.key()) || in.index().declaration(k).isPresent()) continue;
            keys.add(k);
            // Equal types side by side leave the position open ((int w) -> (int h, int w)): the names decide.
            List<Integer> fits = insertedPositions(declaredDescriptors(m, k), newDescriptors);
            if (!fits.isEmpty()) inserted = choosePosition(in, m, newNames, fits, true);
        }
        List<SymbolInfo> namesakes = namesakesInSubtypes(in.index(), m, params.size() - 1);
        List<SymbolInfo> overriders = List.of();
        if (inserted >= 0) {
            overriders = overriders(in.index(), m, keys, without(newDescriptors, inserted), namesakes, false);
        } else {
            // No earlier key (an index built after the edit): where the parameter went shows in the overrides the
            // edit broke, their parameters being the method's without it (the names decide between equal types);
            // else in the compiler's complaint at a call, the arguments' types being the parameters' without it
            // (the parameter the body does not use yet decides between equal types); else it is taken as the last.
            inserted = params.size() - 1;
            boolean namesAgree = false;
            for (int i = params.size() - 1; i >= 0 && !namesAgree; i--) {
                List<SymbolInfo> found = overriders(in.index(), m, keys, without(newDescriptors, i), namesakes, false);
                if (found.isEmpty()) continue;
                namesAgree = namesAgree(in, found.getFirst(), newNames, i);
                if (overriders.isEmpty() || namesAgree) {
                    inserted = i;
                    overriders = found;
                }
            }
            // No @Override to go by: a namesake of the old parameters whose names are the method's without one.
            for (int i = params.size() - 1; i >= 0 && overriders.isEmpty() && !namesAgree; i--) {
                List<SymbolInfo> found = overriders(in.index(), m, keys, without(newDescriptors, i), namesakes, true);
                namesAgree = !found.isEmpty() && namesAgree(in, found.getFirst(), newNames, i);
                if (namesAgree) inserted = i;
            }
            // Compiles: only on signs of an edit (not at every cursor move over a method nobody edited).
            if (overriders.isEmpty() && !namesAgree && (in.thorough() || editedNear(in, m))) {
                List<Integer> fits = positionsFromComplaint(in, m, params);
                if (!fits.isEmpty()) inserted = choosePosition(in, m, newNames, fits, true);
            }
        }
        // The index ahead of the text (its key has more parameters than the header read): no place to fill.
        if (inserted >= params.size()) return Optional.empty();
        String param = params.get(inserted);
        String paramType = inserted < newDescriptors.size() ? typeName(newDescriptors.get(inserted)) : null;
        String paramName = lastWord(param);
        String declaredType = param.substring(0, Math.max(0, param.length() - paramName.length())).strip();

        boolean varargs = params.getLast().contains("...");
        Arguments arguments = new Arguments(params.size(), inserted, paramName, declaredType, paramType, varargs, param,
                without(params.stream().map(AddParameterRefactoring::lastWord).toList(), inserted));
        // A generic class's constructor called with the diamond (new Pair<>(a, b)) that no longer fits: JDT
        // cannot infer the type arguments and binds the call to nothing, so only the compiler finds it.
        // Compiling the files that use the class costs seconds for a popular one, so only on signs of an edit.
        boolean edited = in.thorough() || editedNear(in, m);
        // No earlier key: an index built after the edit (or a method nobody edited, which finds nothing to do).
        boolean builtAfterEdit = keys.size() == 1;
        List<CallSite> diamonds = builtAfterEdit && m.kind() == SymbolKind.CONSTRUCTOR && edited ? unboundDiamondCalls(in, m) : List.of();
        // Lambdas of a functional interface whose method got the parameter take it too, and the calls of the
        // method inside them pass it on; only the compiler finds them (the index keeps no lambdas), so only on
        // signs of an edit.
        List<Lambdas.Lambda> lambdas = edited && !arguments.varargs() && Lambdas.implementsFunctionalMethod(in, m) ? Lambdas.of(in, m, arguments) : List.of();
        List<CallSite> early = new ArrayList<>(diamonds);
        early.addAll(Lambdas.callsInside(in, m, arguments, lambdas));
        Sites sites = sites(in, m, keys, overriders, arguments, early, List.of(), lambdas);
        // (Every call may have been bound to an overload: then the search above found nothing, and an edit says.)
        if ((!sites.all().isEmpty() || edited) && builtAfterEdit && !arguments.varargs()) {
            // An index built after the edit, which did break something. Three kinds of place the search above
            // does not reach: anonymous classes that overrode the method (the index keeps no declaration of their
            // types); calls the compiler bound to an overload that takes as many arguments as the old signature
            // (out.value(s) bound to value(boolean) once value(String) took two), which only a compile tells from
            // that overload's own calls; and method references, which JDT leaves unbound.
            // The edit broke something, so the namesakes of the old parameters that override nothing now were
            // overrides before it, @Override or not.
            List<SymbolInfo> all = new ArrayList<>(overriders);
            for (SymbolInfo o : overriders(in.index(), m, keys, without(newDescriptors, inserted), namesakes, true)) {
                if (!all.contains(o)) all.add(o);
            }
            if (overridable(m)) all.addAll(anonymousOverriders(in, m, without(newDescriptors, inserted), all));
            List<CallSite> misbound = new ArrayList<>(misboundCalls(in, m, params.size() - 1));
            misbound.addAll(chainedCalls(in, m, arguments, sites));
            List<Reference> unbound = unboundMethodReferences(in, m);
            if (all.size() > overriders.size() || !misbound.isEmpty() || !unbound.isEmpty()) {
                List<CallSite> more = new ArrayList<>(early);
                more.addAll(misbound);
                sites = sites(in, m, keys, all, arguments, more, unbound, lambdas); // again: calls in and of those overrides too
            }
        }
        if (sites.all().isEmpty()) return Optional.empty();
        boolean implementations = isAbstract(in.index(), m);
        int declarations = sites.declarations();
        String title = title(m, param, declarations - lambdas.size(), lambdas.size(), implementations, sites.all().size() - declarations,
                sites.all(), isRecordHeader(in, m));
        // The parameter lists written elsewhere name the parameter's type, which their files may not import.
        List<Site> all = new ArrayList<>(sites.all());
        all.addAll(Imports.needed(in, m.location().path(), Imports.insertedBy(sites.all().subList(0, declarations)), false));
        all.addAll(sites.javadoc());
        // Javadoc references to the method by its types ({@link #reserve(String, int)}) take the new one too.
        int[] from = new int[params.size()];
        for (int i = 0; i < from.length; i++) from[i] = i < inserted ? i : i == inserted ? -1 : i - 1;
        if (!arguments.varargs()) all.addAll(JavadocLinks.rewritten(in, m, without(params, inserted), params, from));
        return Optional.of(new RefactorPlan(name(), title, all, declarations, "the variable named as the parameter, or the only one whose type fits"));
    }

    /**
     * A plan's sites: first the {@code declarations} parameter lists (of overrides, then lambdas), then the calls and
     * references; and the overrides' {@code @param} tags for the parameter, which go last in the plan.
     */
    private record Sites(List<Site> all, int declarations, List<Site> javadoc) {
    }

    /**
     * The overrides' and lambdas' parameter lists, the calls of the method and of its overrides, and method
     * references to them.
     */
    private Sites sites(RefactorInput in, SymbolInfo m, Set<String> keys, List<SymbolInfo> overriders, Arguments a, List<CallSite> moreCalls,
                        List<Reference> moreReferences, List<Lambdas.Lambda> lambdas) {
        List<Site> sites = new ArrayList<>();
        List<Site> javadoc = new ArrayList<>();
        String description = Javadocs.paramDescription(in, m, a.paramName());
        for (SymbolInfo o : overriders) {
            String param = parameterIn(in, m, a, o);
            Optional<Site> list = declarationSite(in, o, a.inserted(), param);
            if (list.isEmpty()) continue;
            sites.add(list.get());
            // Where the override documents its parameters, the new one too (with the method's description of it).
            Javadocs.addParamTag(in, o, lastWord(param), parameterNames(in, o), a.inserted(), description).ifPresent(javadoc::add);
        }
        for (Lambdas.Lambda l : lambdas) sites.add(l.site());
        int declarations = sites.size();
        Gaining gaining = new Gaining(overriders, a.paramName(), lambdas);
        Set<String> seen = new LinkedHashSet<>();
        Set<String> insertions = new java.util.HashSet<>(); // a call found twice, by two of the searches: one argument
        VariablesInSight sight = new VariablesInSight(in.index());
        boolean varargsArgument = a.inserted() < a.paramCount() - 1; // the new parameter is not the varargs one
        List<List<CallSite>> calls = new ArrayList<>();
        if (!a.varargs()) {
            for (String k : keys) calls.add(in.index().callSites(k));
            for (SymbolInfo other : brokenOverloads(in.index(), m, a.paramCount() - 1)) calls.add(in.index().callSites(other.key()));
        } else if (varargsArgument && keys.size() > 1) {
            // A varargs method takes calls of many lengths, and one that compiles against the new signature cannot
            // be told from one written for the old by its length: calls still bound to an earlier key get the
            // argument, and those in the file being edited (re-resolved, so bound to the new key) where the
            // compiler says they do not fit. None when the old signature is not known, nor when the new parameter
            // is the varargs one (an empty varargs needs no argument).
            for (String k : keys) if (!k.equals(m.key())) calls.add(in.index().callSites(k));
            calls.add(misfits(in, m));
        }
        for (SymbolInfo o : overriders) {
            if (!a.varargs() || varargsArgument) calls.add(in.index().callSites(o.key()));
        }
        calls.add(moreCalls);
        for (List<CallSite> group : calls) {
            for (CallSite call : group) {
                if (!seen.add(call.location().path() + ":" + call.location().range())) continue;
                site(in, m, call, a, sight, gaining).filter(s -> insertions.add(s.file() + ":" + s.start())).ifPresent(sites::add);
            }
        }
        if (!a.varargs()) {
            // Method references written for the old signature (still bound to an earlier key, or to an override
            // not yet re-resolved) become lambdas that pass the new argument.
            List<String> referenced = new ArrayList<>();
            for (String k : keys) if (!k.equals(m.key())) referenced.add(k);
            for (SymbolInfo o : overriders) referenced.add(o.key());
            List<Reference> references = new ArrayList<>(moreReferences);
            for (String k : referenced) references.addAll(in.index().references(k));
            for (Reference r : references) {
                if (r.targetKind() != m.kind() || !seen.add(r.location().path() + ":" + r.location().range())) continue;
                methodReferenceSite(in, m, r, a, sight).ifPresent(sites::add);
            }
        }
        return new Sites(sites, declarations, javadoc);
    }

    /**
     * Overloads of m (its type's methods or constructors of its name) to which the compiler may have bound calls
     * written for m's old signature, for want of a better match: a call that passes one argument fewer than m takes
     * now matches none of them, and JDT then binds it to the closest (in an index built after the edit,
     * {@code super(name)} is bound to {@code Base()} once {@code Base(String name)} became {@code Base(String name,
     * boolean flag)}). Not an overload that takes that many arguments (its calls are its own), nor a varargs one.
     */
    static List<SymbolInfo> brokenOverloads(WorkspaceIndex index, SymbolInfo m, int oldCount) {
        return overloads(index, m).stream().filter(o -> !o.signature().contains("...") && declaredDescriptors(o, o.key()).size() != oldCount).toList();
    }

    /** m's overloads: the other methods (or constructors) of its name in its type. */
    private static List<SymbolInfo> overloads(WorkspaceIndex index, SymbolInfo m) {
        List<SymbolInfo> out = new ArrayList<>();
        for (SymbolInfo o : index.declarationsIn(m.location().path())) {
            if (o.kind() == m.kind() && o.name().equals(m.name()) && o.declaringTypeKey().equals(m.declaringTypeKey()) && !o.key().equals(m.key())) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * Calls bound to an overload of m that takes {@code oldCount} arguments, as m did, where the compiler says that
     * overload does not take them (one compile of each file that has such a call).
     */
    static List<CallSite> misboundCalls(RefactorInput in, SymbolInfo m, int oldCount) {
        Map<Path, List<CallSite>> byFile = new java.util.LinkedHashMap<>();
        for (SymbolInfo o : overloads(in.index(), m)) {
            if (o.signature().contains("...") || declaredDescriptors(o, o.key()).size() != oldCount) continue;
            for (CallSite c : in.index().callSites(o.key())) byFile.computeIfAbsent(c.location().path(), f -> new ArrayList<>()).add(c);
        }
        List<CallSite> out = new ArrayList<>();
        byFile.forEach((file, calls) -> out.addAll(rejected(in, file, calls)));
        return out;
    }

    /** JDT's problem "Cannot infer type arguments for T<>", on the whole {@code new T<>(...)}. */
    private static final int DIAMOND_NOT_INFERRED = 16778094;

    /**
     * Calls of the constructor m with the diamond that the compiler cannot type any more, as call sites spanning
     * {@code new T<>(...)}: in the files that mention m's type (or declare it) and say {@code new T<}, one compile
     * each.
     */
    private static List<CallSite> unboundDiamondCalls(RefactorInput in, SymbolInfo m) {
        Pattern diamond = Pattern.compile("\\bnew\\s+" + Pattern.quote(m.name()) + "\\s*<");
        List<CallSite> out = new ArrayList<>();
        for (Complaint c : complaints(in, m, diamond, Set.of())) {
            var e = c.error();
            if ((e.id() == DIAMOND_NOT_INFERRED || MISFIT_CALL.contains(e.id())) && diamond.matcher(c.text()).region(e.start(), e.end()).lookingAt()) {
                out.add(new CallSite(m.key(), "", new dev.quicksilver.index.SourceLocation(c.file(), range(c.text(), e.start(), e.end()))));
            }
        }
        return out;
    }

    /** A compiler error in one of the files {@link #complaints} compiled, with the text it was found in. */
    private record Complaint(Path file, String text, dev.quicksilver.index.CompileError error) {
    }

    /**
     * The compiler's errors in m's own file, the files that mention m's declaring type and the {@code more} files,
     * of those whose text has {@code hint} somewhere (the rest cannot hold what is looked for): one compile each.
     */
    private static List<Complaint> complaints(RefactorInput in, SymbolInfo m, Pattern hint, Set<Path> more) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(m.location().path());
        for (Reference r : in.index().references(m.declaringTypeKey())) files.add(r.location().path());
        files.addAll(more);
        List<Complaint> out = new ArrayList<>();
        for (Path file : files) {
            String text = in.text(file);
            if (!hint.matcher(text).find()) continue;
            for (dev.quicksilver.index.CompileError e : in.compileErrors(file)) out.add(new Complaint(file, text, e));
        }
        return out;
    }

    static TextRange range(String text, int start, int end) {
        return new TextRange(JavaText.lineOf(text, start), JavaText.columnOf(text, start), JavaText.lineOf(text, end),
                JavaText.columnOf(text, end));
    }

    /** Files saying m's name that {@link #unboundMethodReferences} compiles besides those that mention m's type. */
    private static final int MAX_FILES_SAYING_THE_NAME = 100;

    /** JDT's problem "The type T does not define m(...) that is applicable here", on a method reference. */
    static final int NO_APPLICABLE_REFERENCED_METHOD = 603979903;

    /**
     * Method references to m that no longer compile ({@code inventory::reserve} once reserve took one more
     * argument), as the places of their method names: in the files that mention m's type (or declare m) and say
     * {@code ::name}, and in the other files that say it (a reference through a variable whose type the file never
     * names), where the compiler's complaint names m's type; one compile each.
     */
    static List<Reference> unboundMethodReferences(RefactorInput in, SymbolInfo m) {
        String word = referenceWord(m);
        Pattern reference = Pattern.compile("::\\s*" + Pattern.quote(word) + "\\b");
        Set<Path> naming = new LinkedHashSet<>();
        for (Path file : in.index().filesMentioning(m.name())) {
            if (file.toString().endsWith(".java") && reference.matcher(in.text(file)).find()) naming.add(file);
        }
        // A common name (::get) is said in many files: past this many, only the files that mention the type.
        if (naming.size() > MAX_FILES_SAYING_THE_NAME) naming.clear();
        Set<Path> mentioningType = new java.util.HashSet<>();
        mentioningType.add(m.location().path());
        for (Reference r : in.index().references(m.declaringTypeKey())) mentioningType.add(r.location().path());
        Optional<String> typeName = in.index().declaration(m.declaringTypeKey()).map(SymbolInfo::name);
        List<Reference> out = new ArrayList<>();
        for (Complaint c : complaints(in, m, reference, naming)) {
            var e = c.error();
            if (e.id() != NO_APPLICABLE_REFERENCED_METHOD || !e.message().contains(" " + m.name() + "(")) continue;
            boolean namesType = typeName.isPresent() && Pattern.compile("\\btype " + Pattern.quote(typeName.get()) + "\\b").matcher(e.message()).find();
            if (!mentioningType.contains(c.file()) && !namesType) continue;
            var found = reference.matcher(c.text()).region(e.start(), Math.min(c.text().length(), e.end() + 1));
            if (!found.find()) continue;
            int nameStart = found.end() - word.length();
            out.add(new Reference(m.key(), m.kind(), new dev.quicksilver.index.SourceLocation(c.file(), range(c.text(), nameStart, found.end()))));
        }
        return out;
    }

    /** What a reference to m says after its {@code ::}: m's name, or {@code new} for a constructor ({@code Shape::new}). */
    static String referenceWord(SymbolInfo m) {
        return m.kind() == SymbolKind.CONSTRUCTOR ? "new" : m.name();
    }

    /** JDT's IProblem.ParameterMismatch and IProblem.UndefinedConstructor: a call no declaration of its name takes. */
    static final Set<Integer> MISFIT_CALL = Set.of(67108979, 134217858);

    /** Calls of m in the file being edited that the compiler says m does not take (one compile of that file). */
    private static List<CallSite> misfits(RefactorInput in, SymbolInfo m) {
        return rejected(in, in.file(), in.index().callSites(m.key()).stream().filter(c -> c.location().path().equals(in.file())).toList());
    }

    /** Those of {@code calls} (all in {@code file}) the compiler says no declaration of their name takes: one compile. */
    private static List<CallSite> rejected(RefactorInput in, Path file, List<CallSite> calls) {
        if (calls.isEmpty()) return List.of();
        String text = in.text(file);
        List<dev.quicksilver.index.CompileError> errors = in.compileErrors(file).stream()
                .filter(e -> MISFIT_CALL.contains(e.id())).toList();
        List<CallSite> out = new ArrayList<>();
        for (CallSite c : calls) {
            TextRange r = c.location().range();
            int from = JavaText.offsetOf(text, r.startLine(), r.startColumn());
            int to = JavaText.offsetOf(text, r.endLine(), r.endColumn());
            if (errors.stream().anyMatch(e -> e.start() >= from && e.start() < to)) out.add(c);
        }
        return out;
    }

    /** A call chained on another: its closing parenthesis followed by a member access. */
    private static final Pattern CHAINED = Pattern.compile("\\G\\s*\\.");

    /**
     * Calls chained on a call that no longer fits ({@code w.value(a).value(b)}, in an index built after the edit:
     * the first has no type, so the second is bound to nothing), found by compiling the files where a site's call
     * is followed by a member access, with every site given its type's default value ({@link RevealedCalls}).
     */
    private static List<CallSite> chainedCalls(RefactorInput in, SymbolInfo m, Arguments a, Sites sites) {
        String placeholder = defaultValue(a.declaredType());
        Map<Path, List<FileChange.Replacement>> edits = new java.util.LinkedHashMap<>();
        Set<Path> chaining = new LinkedHashSet<>();
        for (int i = 0; i < sites.all().size(); i++) {
            Site s = sites.all().get(i);
            boolean declaration = i < sites.declarations();
            if (!declaration && s.start() != s.end()) continue; // a method reference: not an argument's place
            // Parameter lists (decided) as they will be; calls with a placeholder (their own answers cost a compile).
            String filled = declaration ? s.candidates().get().getFirst() : placeholder;
            edits.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(new FileChange.Replacement(s.start(), s.end(), s.before() + filled + s.after()));
            if (!declaration && CHAINED.matcher(in.text(s.file())).region(s.fallback().checkTo(), in.text(s.file()).length()).find()) {
                chaining.add(s.file());
            }
        }
        List<CallSite> out = new ArrayList<>();
        for (Path file : chaining) out.addAll(RevealedCalls.find(in, file, m, a, edits.get(file), at -> Optional.of(placeholder)));
        return out;
    }

    /** Whether the document's last burst of typing touched the lines of m's header. */
    static boolean editedNear(RefactorInput in, SymbolInfo m) {
        if (in.lastEdit().isEmpty() || !in.file().equals(m.location().path())) return false;
        var e = in.lastEdit().get();
        return e.startLine() <= m.nameRange().endLine() + 2 && e.afterEndLine() >= m.nameRange().startLine() - 2;
    }

    /**
     * "Fill new parameter ... at its N call sites in F files", or "Add new parameter ... to its K overrides [and L
     * lambdas] ...".
     */
    private static String title(SymbolInfo m, String param, int declarations, int lambdas, boolean implementations, int calls,
                                List<Site> sites, boolean recordComponent) {
        String owner = m.qualifiedName().contains(".") ? m.qualifiedName().substring(0, m.qualifiedName().lastIndexOf('.')) : "";
        String what = recordComponent ? "component `" + param + "` of record " + m.name()
                : "`" + param + "` of " + owner.substring(owner.lastIndexOf('.') + 1) + "." + m.name() + "()";
        long files = sites.stream().map(Site::file).distinct().count();
        String inFiles = " in " + files + " file" + (files == 1 ? "" : "s");
        String callSites = calls + " call site" + (calls == 1 ? "" : "s");
        if (declarations == 0 && lambdas == 0) return "Fill new " + (recordComponent ? "" : "parameter ") + what + " at its " + callSites + inFiles;
        String kind = implementations ? "implementation" : "override";
        List<String> to = new ArrayList<>();
        if (declarations > 0) to.add(declarations + " " + kind + (declarations == 1 ? "" : "s"));
        if (lambdas > 0) to.add(lambdas + " lambda" + (lambdas == 1 ? "" : "s"));
        return "Add new parameter " + what + " to its " + String.join(" and ", to)
                + (calls == 0 ? "" : " and fill it at its " + callSites) + inFiles;
    }

    /** An abstract method, or an interface's neither default nor static: what overrides it implements it. */
    private static boolean isAbstract(WorkspaceIndex index, SymbolInfo m) {
        if (m.modifiers().contains("abstract")) return true;
        boolean inInterface = index.declaration(m.declaringTypeKey()).map(t -> t.kind() == SymbolKind.INTERFACE).orElse(false);
        return inInterface && !m.modifiers().contains("default") && !m.modifiers().contains("static");
    }

    /** The declared parameters, as written ("int quantity"), from the declaration's text. */
    static List<String> parameters(SymbolInfo m, String text) {
        int open = parameterListOpen(text, m);
        if (open < 0) return List.of();
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return List.of();
        return JavaText.splitTopLevel(text.substring(open + 1, close).replaceAll("\\s+", " "));
    }

    /**
     * Where the parameter list of the method or constructor {@code d} opens in its file's {@code text}: the
     * parenthesis after its name; for a record's compact canonical constructor ({@code Point { ... }}), the record
     * header's, whose components are its parameters. -1 where there is none.
     */
    static int parameterListOpen(String text, SymbolInfo d) {
        int nameStart = JavaText.offsetOf(text, d.nameRange().startLine(), d.nameRange().startColumn());
        int after = JavaText.offsetOf(text, d.nameRange().endLine(), d.nameRange().endColumn());
        while (after < text.length() && Character.isWhitespace(text.charAt(after))) after++;
        if (after < text.length() && text.charAt(after) == '(') return after;
        if (d.kind() != SymbolKind.CONSTRUCTOR || after >= text.length() || text.charAt(after) != '{') return text.indexOf('(', after);
        // A compact constructor: the header of the record of its name before it.
        java.util.regex.Matcher header = Pattern.compile("\\brecord\\s+" + Pattern.quote(d.name()) + "\\b").matcher(text).region(0, nameStart);
        int open = -1;
        while (header.find()) {
            int i = listAfterName(text, header.end());
            if (i >= 0 && i < nameStart) open = i;
        }
        return open;
    }

    /** The names of d's parameters, as its header in its file says them now. */
    static List<String> parameterNames(RefactorInput in, SymbolInfo d) {
        return parameters(d, in.text(d.location().path())).stream().map(AddParameterRefactoring::lastWord).toList();
    }

    /**
     * What every site is about: the new parameter list's size, where the parameter goes, its name, type as written
     * and erasure, whether the method's last parameter is varargs, the parameter as written, and the old
     * parameters' names.
     */
    record Arguments(int paramCount, int inserted, String paramName, String declaredType, String paramType, boolean varargs,
                     String param, List<String> oldNames) {
    }

    private Optional<Site> site(RefactorInput in, SymbolInfo m, CallSite call, Arguments a, VariablesInSight sight, Gaining gaining) {
        Path file = call.location().path();
        String text = in.text(file);
        TextRange r = call.location().range();
        int start = JavaText.offsetOf(text, r.startLine(), r.startColumn());
        int end = JavaText.offsetOf(text, r.endLine(), r.endColumn());
        // super(...) and this(...) are statements (their range ends with ';'); a creation may end with a class body
        int close = JavaText.argumentsClose(text, start, end);
        List<String> args;
        Insertion ins;
        if (close >= 0) {
            int open = JavaText.matchingOpen(text, close);
            if (open < 0) return Optional.empty();
            args = JavaText.splitTopLevel(text.substring(open + 1, close));
            ins = insertion(text, open, close, args.size(), a.inserted());
        } else {
            // An enum constant that passes nothing (RED, or RED {...}) to a constructor that took nothing: RED(X).
            close = JavaText.bareEnumConstantEnd(text, start, end);
            if (close < 0) return Optional.empty();
            args = List.of();
            ins = new Insertion(close, "(", ")");
        }
        // One argument fewer than the parameters now; for a varargs method, at least the old fixed ones.
        if (a.varargs() ? args.size() < a.paramCount() - 2 : args.size() != a.paramCount() - 1) return Optional.empty();
        int at = ins.at();
        String scope = text.substring(Math.max(0, at - 1500), at);
        String context = "// " + m.signature() + "\n";
        // The whole call: an argument of the wrong type makes the call "not applicable", reported on its name.
        int callStart = Math.min(at, start);
        Supplier<String> fallback;
        Supplier<List<String>> candidates;
        Optional<String> passedOn = gaining.parameterAt(file, text, at);
        sight.register(file, text, at);
        fallback = () -> fallback(sight.at(file, at), a.paramName(), a.paramType(), a.declaredType());
        if (passedOn.isPresent()) {
            // Inside an override or lambda that gets the parameter too (a call of super's version, say): it passes
            // it on, where that compiles (a call on another receiver may want another type: a TypeAdapter<Number>'s
            // read inside a TypeAdapter<AtomicLongArray>'s); else the fallback.
            candidates = () -> List.of(passedOn.get());
        } else if (a.paramType() == null) {
            // A type variable's parameter (T fallback): the variables in sight of the type it is at this call, as
            // the compiler's complaint about the call says (a Check<String, Integer>'s T is String).
            int callEnd = close + 1;
            candidates = () -> typeAtCall(in, m, a, file, callStart, callEnd).map(t -> candidatesOfType(sight.at(file, at), t, a.paramName()))
                    .orElse(List.of());
        } else {
            candidates = () -> candidates(sight.at(file, at), a.paramType(), a.paramName());
        }
        // The passed-on parameter is not in sight in the index (its declaration is not edited yet): kept as is.
        UnaryOperator<String> finish = modelText -> passedOn.isPresent() && modelText.strip().equals(passedOn.get())
                ? passedOn.get() : expression(modelText, fallback.get(), scope);
        return Optional.of(new Site(file, at, at, ins.before(), ins.after(), context, 12, finish,
                new Site.Fallback(fallback, callStart, Math.max(at, close + 1), false), candidates));
    }

    /**
     * The simple name of the new parameter's type at the call in {@code [from, to)} of {@code file}, from the
     * compiler's complaint about it ("The method test(String, Integer, String) in the type Check<String,Integer> is
     * not applicable ..."); empty where none says, or it says a type variable (one of m's, or of the calling code).
     */
    private static Optional<String> typeAtCall(RefactorInput in, SymbolInfo m, Arguments a, Path file, int from, int to) {
        for (dev.quicksilver.index.CompileError e : in.compileErrors(file)) {
            if (!MISFIT_CALL.contains(e.id()) || e.start() < from || e.start() >= to) continue;
            var said = NOT_APPLICABLE.matcher(e.message());
            if (!said.find() || !said.group(1).equals(m.name())) continue;
            List<String> types = JavaText.splitTopLevel(said.group(2));
            if (types.size() != a.paramCount()) continue;
            String type = simpleType(types.get(a.inserted()));
            // A lone capital letter is a type variable here too (of a generic method around the call): unknown.
            boolean variable = type.length() == 1 || TypeArguments.variablesOf(in, m).contains(type) || TypeArguments.methodVariables(m).contains(type);
            // Object: a raw or wildcard receiver's (TypeAdapter<?>), where any variable would pass: no choice worth making.
            return variable || type.startsWith("capture") || type.equals("Object") ? Optional.empty() : Optional.of(type);
        }
        return Optional.empty();
    }

    /** {@link #candidates} for a type known by its simple name ({@code String}): a variable that passes as a type of that name. */
    private static List<String> candidatesOfType(List<ScopeVariable> inSight, String simpleName, String paramName) {
        return candidates(inSight, v -> v.assignableTo().stream().anyMatch(t -> t.equals(simpleName) || t.endsWith("." + simpleName)), paramName);
    }

    /** Where an item goes into the list between {@code open} and {@code close} that has {@code count} items now. */
    record Insertion(int at, String before, String after) {
    }

    static Insertion insertion(String text, int open, int close, int count, int index) {
        if (index >= count) return new Insertion(close, count == 0 ? "" : ", ", "");
        // Before the item now at that index.
        int start = open + 1;
        for (int i = 0; i < index; i++) start = JavaText.topLevelComma(text, start, close) + 1;
        while (Character.isWhitespace(text.charAt(start))) start++;
        return new Insertion(start, "", ", ");
    }

    /**
     * A method reference to the method as it was ({@code inventory::reserve}) cannot pass the new argument: it
     * becomes a lambda that does ({@code (sku, quantity) -> inventory.reserve(sku, quantity, "")}), with the
     * argument a call there would get without the model, its parameters named as the old method's (renamed where
     * a variable in sight has the name), and, for an instance method referenced through its type
     * ({@code Inventory::available}), the receiver first. Decided here; optional: where the lambda does not compile
     * (the reference's target type takes other parameters than it seems), it is left as it was, with the reason.
     */
    private static Optional<Site> methodReferenceSite(RefactorInput in, SymbolInfo m, Reference r, Arguments a, VariablesInSight sight) {
        return referenceAsLambda(in, m, r, sight, (inSight, qualifier, receiver) -> lambda(inSight, qualifier, receiver, referenceWord(m), a));
    }

    /** The text of a lambda that stands for a method reference, from the variables in sight at it, its qualifier, and its receiver's name. */
    interface ReferenceLambda {
        /** {@code receiver} names the lambda's first parameter for a reference through a type to an instance method, else null. */
        String text(List<ScopeVariable> inSight, String qualifier, String receiver);
    }

    /**
     * The site that turns the method reference to m at {@code r} ({@code inventory::reserve}, {@code Inventory::available})
     * into the lambda {@code lambda} writes: decided, and optional (where it does not compile, the reference stays
     * as it was, with the reason). Empty where {@code r} is not a method reference.
     */
    static Optional<Site> referenceAsLambda(RefactorInput in, SymbolInfo m, Reference r, VariablesInSight sight, ReferenceLambda lambdaText) {
        Path file = r.location().path();
        String text = in.text(file);
        TextRange range = r.location().range();
        int nameStart = JavaText.offsetOf(text, range.startLine(), range.startColumn());
        int nameEnd = JavaText.offsetOf(text, range.endLine(), range.endColumn());
        int colons = JavaText.skipBlankBack(text, nameStart);
        if (colons < 2 || !text.startsWith("::", colons - 2)) return Optional.empty(); // a call's name, not a reference
        int qualifierEnd = JavaText.skipBlankBack(text, colons - 2);
        int qualifierStart = qualifierStart(text, qualifierEnd);
        if (qualifierStart < 0 || qualifierStart >= qualifierEnd) return Optional.empty();
        String qualifier = text.substring(qualifierStart, qualifierEnd);
        boolean unbound = m.kind() == SymbolKind.METHOD && !m.modifiers().contains("static") && !qualifier.equals("this")
                && !qualifier.equals("super") && namesAType(qualifier);
        int at = qualifierStart;
        sight.register(file, text, at);
        String receiver = unbound ? decapitalize(m.declaringTypeKey().replaceAll("^L|;$", "").replaceAll(".*[/$]", "").replaceAll("<.*", ""))
                : null;
        Supplier<String> lambda = memoized(() -> lambdaText.text(sight.at(file, at), qualifier, receiver));
        int lineStart = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        int lineEnd = text.indexOf('\n', nameEnd);
        String context = "// " + m.signature() + "\n";
        return Optional.of(new Site(file, at, nameEnd, "", "", context, 12, modelText -> lambda.get(),
                new Site.Fallback(lambda, Math.min(lineStart, at), lineEnd < 0 ? text.length() : lineEnd, true), () -> List.of(lambda.get()),
                receiverCaveat(qualifier)));
    }

    /** The lambda text for {@link #methodReferenceSite}. */
    private static String lambda(List<ScopeVariable> inSight, String qualifier, String receiver, String method, Arguments a) {
        String argument = fallback(inSight, a.paramName(), a.paramType(), a.declaredType());
        return referenceLambda(inSight, qualifier, receiver, method, a.oldNames(), Set.of(a.paramName()), params -> {
            List<String> args = new ArrayList<>(params);
            args.add(Math.min(a.inserted(), args.size()), argument);
            return args;
        });
    }

    /**
     * A lambda that stands for a method reference: it takes {@code names} (renamed where a variable in sight, or
     * one of {@code reserved}, has the name; the receiver first for a reference through a type) and calls
     * {@code method} on the qualifier (or the receiver) with {@code arguments} of those parameters; for a
     * constructor's ({@code method} "new", {@code Shape::new}) it makes a {@code new Shape(...)}.
     */
    static String referenceLambda(List<ScopeVariable> inSight, String qualifier, String receiver, String method, List<String> names,
                                  Set<String> reserved, UnaryOperator<List<String>> arguments) {
        Set<String> taken = new java.util.HashSet<>(reserved);
        for (ScopeVariable v : inSight) taken.add(v.name());
        List<String> params = new ArrayList<>();
        if (receiver != null) params.add(fresh(receiver, taken));
        List<String> own = new ArrayList<>();
        for (String n : names) own.add(fresh(n, taken));
        params.addAll(own);
        String head = params.size() == 1 ? params.getFirst() : "(" + String.join(", ", params) + ")";
        String target = receiver != null ? params.getFirst() : qualifier;
        String callee = method.equals("new") ? "new " + qualifier : target + "." + method;
        return head + " -> " + callee + "(" + String.join(", ", arguments.apply(own)) + ")";
    }

    /**
     * What a method reference converted to a lambda now does otherwise, if anything: a receiver that is a call or a
     * new object is evaluated at each call of the lambda (the reference evaluated it once), as an IDE's conversion warns.
     */
    static String receiverCaveat(String qualifier) {
        return qualifier.contains("(") ? "`" + qualifier + "` is now evaluated at each call of the lambda (the method reference evaluated it once)" : null;
    }

    /** {@code name}, or with the first number appended that makes it unlike any in {@code taken}; then taken too. */
    static String fresh(String name, Set<String> taken) {
        String n = name;
        for (int i = 1; taken.contains(n); i++) n = name + i;
        taken.add(n);
        return n;
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? "receiver" : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * Where the expression or type before a method reference's {@code ::} starts (an identifier chain, calls and
     * indexes in it, type arguments, a new object), scanning back from {@code end}; -1 where it is not one of
     * those.
     */
    static int qualifierStart(String text, int end) {
        int i = end;
        while (i > 0) {
            char c = text.charAt(i - 1);
            if (Character.isJavaIdentifierPart(c) || c == '.') {
                i--;
            } else if (c == ')' || c == ']') {
                int open = JavaText.matchingOpen(text, i - 1);
                if (open < 0) return -1;
                i = open;
            } else if (c == '>') {
                int depth = 0;
                int j = i - 1;
                for (; j >= 0; j--) {
                    if (text.charAt(j) == '>') depth++;
                    else if (text.charAt(j) == '<' && --depth == 0) break;
                }
                if (j < 0) return -1;
                i = j;
            } else {
                break;
            }
        }
        // A new object ({@code new Inventory()::reserve}): the qualifier starts at its new.
        int before = JavaText.skipBlankBack(text, i);
        return JavaText.wordEndsAt(text, before, "new") ? before - "new".length() : i;
    }

    /** Whether a method reference's qualifier names a type ({@code Inventory}, {@code shop.Inventory}, {@code List<String>}). */
    static boolean namesAType(String qualifier) {
        if (qualifier.endsWith(")") || qualifier.endsWith("]")) return false;
        String q = qualifier.contains("<") ? qualifier.substring(0, qualifier.indexOf('<')) : qualifier;
        String last = q.substring(q.lastIndexOf('.') + 1);
        return !last.isEmpty() && Character.isUpperCase(last.charAt(0)) && !last.equals(last.toUpperCase(java.util.Locale.ROOT));
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) value = supplier.get();
                return value;
            }
        };
    }

    /**
     * The argument that goes in where the model's is not usable or does not compile: the variable named as the
     * parameter where the compiler sees one at the call (of a type that passes, when the parameter's type is
     * known), else the type's default value. Not a name merely written somewhere before the call: a parameter of
     * another method above it is no variable here.
     */
    static String fallback(List<ScopeVariable> inSight, String paramName, String paramType, String declaredType) {
        for (ScopeVariable v : inSight) {
            if (v.name().equals(paramName)) {
                return paramType == null || v.assignableTo().contains(paramType) ? paramName : defaultValue(declaredType);
            }
        }
        return defaultValue(declaredType);
    }

    /**
     * The parameter list of an override gets the parameter as the user wrote it in the method it overrides, at the
     * same index. Decided here, not by the model: its one candidate is the parameter.
     */
    /**
     * The new parameter as the override {@code o} declares it: a type variable of m's type ({@code T fallback} in
     * {@code Check<T, U>}) becomes what o's class binds it to ({@code String fallback}), found by matching o's
     * parameters against m's, in the clauses of o's class (or anonymous class), and last by its return type; as
     * written where it stays open.
     */
    private static String parameterIn(RefactorInput in, SymbolInfo m, Arguments a, SymbolInfo o) {
        return parameterIn(in, m, a.param(), oldParameters(in, m, a), o);
    }

    /** {@code param}, new in m (whose parameters were {@code oldParams}), as the override {@code o} declares it. */
    static String parameterIn(RefactorInput in, SymbolInfo m, String param, List<String> oldParams, SymbolInfo o) {
        Set<String> vars = TypeArguments.variablesOf(in, m);
        // A parameterized type needs a look too: a raw subtype erases it.
        if (!TypeArguments.mentions(param, vars) && !param.contains("<")) return param;
        Map<String, String> binding = new java.util.LinkedHashMap<>();
        String text = in.text(o.location().path());
        TypeArguments.unifyParameters(oldParams, parameters(o, text), vars, binding);
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        Optional<SymbolInfo> type = in.index().declaration(o.declaringTypeKey());
        if (owner.isPresent() && type.isPresent()) {
            TypeArguments.inClauses(in, type.get(), owner.get()).forEach(binding::putIfAbsent);
        } else if (owner.isPresent()) {
            // An anonymous class's method: its clause is what stands between new and its body.
            int at = JavaText.offsetOf(text, o.nameRange().startLine(), o.nameRange().startColumn());
            AnonymousClasses.around(in.index(), o.location().path(), text, at)
                    .ifPresent(body -> TypeArguments.inClauses(in, body, owner.get()).forEach(binding::putIfAbsent));
        }
        // Last, as a return type may be narrower than the binding (Double read() in a TypeAdapter<Number>).
        TypeArguments.unify(TypeArguments.returnType(m), TypeArguments.returnType(o), vars, binding);
        return TypeArguments.bound(param, vars, binding, m).orElse(param);
    }

    /** m's parameters as declared before the new one (as written: "T value"). */
    static List<String> oldParameters(RefactorInput in, SymbolInfo m, Arguments a) {
        List<String> params = new ArrayList<>(parameters(m, in.text(m.location().path())));
        if (a.inserted() < params.size()) params.remove(a.inserted());
        return params;
    }

    private static Optional<Site> declarationSite(RefactorInput in, SymbolInfo o, int inserted, String param) {
        Path file = o.location().path();
        String text = in.text(file);
        int open = parameterListOpen(text, o);
        if (open < 0) return Optional.empty();
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        int count = JavaText.splitTopLevel(text.substring(open + 1, close)).size();
        Insertion ins = insertion(text, open, close, count, inserted);
        String context = "// " + o.signature() + "\n";
        return Optional.of(new Site(file, ins.at(), ins.at(), ins.before(), ins.after(), context, 12, modelText -> param,
                new Site.Fallback(param, ins.at(), ins.at(), false), () -> List.of(param)));
    }

    /**
     * The methods that override {@code m} as it was before the parameter was added (with the parameters
     * {@code oldDescriptors}). They get the parameter too, as an IDE's change-signature does: else one marked
     * {@code @Override} no longer compiles, and one that is not silently stops being called through the base type.
     * Found by the index's override relation to one of m's earlier keys (files not re-resolved since the edit), or
     * among the {@code namesakes} as one of the old parameters that overrides nothing now and says {@code @Override}
     * (re-resolved against the new signature), or, {@code unannotated}, even without it (then it may be an overload
     * of the subtype's own, unless the edit is known to have broken something); then what overrides those,
     * transitively.
     */
    static List<SymbolInfo> overriders(WorkspaceIndex index, SymbolInfo m, Set<String> keys, List<String> oldDescriptors,
                                       List<SymbolInfo> namesakes, boolean unannotated) {
        if (!overridable(m)) return List.of();
        Set<String> oldKeys = new LinkedHashSet<>(keys);
        oldKeys.remove(m.key());
        oldKeys.add(withDescriptors(m.key(), oldDescriptors));
        Map<String, SymbolInfo> found = new java.util.LinkedHashMap<>();
        for (String k : oldKeys) {
            if (index.declaration(k).isPresent()) continue; // an overload that is still there: not m before the edit
            for (SymbolInfo o : index.implementations(k)) {
                if (o.kind() == SymbolKind.METHOD && sameParameters(oldDescriptors, descriptors(o.key()))) found.putIfAbsent(o.key(), o);
            }
        }
        for (SymbolInfo o : namesakes) {
            boolean overridesNothing = o.supertypeKeys().isEmpty() && !o.modifiers().contains("private")
                    && (unannotated || OVERRIDE.matcher(o.signature()).find());
            if (overridesNothing && sameParameters(oldDescriptors, descriptors(o.key()))) found.putIfAbsent(o.key(), o);
        }
        // And what overrides those (still valid overrides of an override, so the two ways above miss them).
        for (SymbolInfo o : List.copyOf(found.values())) {
            for (SymbolInfo deeper : index.implementations(o.key())) {
                if (deeper.kind() == SymbolKind.METHOD && sameParameters(descriptors(o.key()), descriptors(deeper.key()))) {
                    found.putIfAbsent(deeper.key(), deeper);
                }
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * Methods of anonymous classes of m's type, or of an override's type, with m's name and old parameters, that
     * override nothing now (asked once the edit is known to have broken something, so they were overrides).
     */
    static List<SymbolInfo> anonymousOverriders(RefactorInput in, SymbolInfo m, List<String> oldDescriptors, List<SymbolInfo> overriders) {
        return anonymousOverriders(in, m, m.name(), oldDescriptors, overriders, true);
    }

    /**
     * {@link #anonymousOverriders(RefactorInput, SymbolInfo, List, List)} by another name (m's before it was renamed),
     * those that still override something too unless {@code overridingNothingNow} (a renamed method's overrides,
     * not renamed yet, are still overridden by the anonymous classes of their types).
     */
    static List<SymbolInfo> anonymousOverriders(RefactorInput in, SymbolInfo m, String name, List<String> oldDescriptors, List<SymbolInfo> overriders,
                                                boolean overridingNothingNow) {
        Set<String> types = new LinkedHashSet<>();
        types.add(m.declaringTypeKey());
        for (SymbolInfo o : overriders) types.add(o.declaringTypeKey());
        List<SymbolInfo> out = new ArrayList<>();
        for (String type : types) {
            for (AnonymousClasses.Body body : AnonymousClasses.of(in.index(), type, in::text)) {
                for (SymbolInfo d : body.methods(in.index())) {
                    if (d.name().equals(name) && (!overridingNothingNow || d.supertypeKeys().isEmpty()) && !d.modifiers().contains("private")
                            && sameParameters(oldDescriptors, descriptors(d.key()))) {
                        out.add(d);
                    }
                }
            }
        }
        return out;
    }

    /** Whether the parameter names of {@code override} are {@code newNames} without the one at {@code inserted}. */
    private static boolean namesAgree(RefactorInput in, SymbolInfo override, List<String> newNames, int inserted) {
        return parameterNames(in, override)
                .equals(without(newNames, inserted));
    }

    /**
     * Whether m is a record's canonical constructor with the header's components for parameters: implicit (the
     * index lists it on the record's header) or compact.
     */
    static boolean isRecordHeader(RefactorInput in, SymbolInfo m) {
        if (m.kind() != SymbolKind.CONSTRUCTOR) return false;
        String text = in.text(m.location().path());
        int open = parameterListOpen(text, m);
        boolean compact = open >= 0 && open < JavaText.offsetOf(text, m.nameRange().startLine(), m.nameRange().startColumn());
        return in.index().declaration(m.declaringTypeKey())
                .map(t -> t.kind() == SymbolKind.RECORD && (compact || t.nameRange().equals(m.nameRange()))).orElse(false);
    }

    /** Static and private methods and constructors are not overridden. */
    private static boolean overridable(SymbolInfo m) {
        return m.kind() == SymbolKind.METHOD && !m.modifiers().contains("static") && !m.modifiers().contains("private");
    }

    /**
     * The instance methods of m's name with {@code count} parameters declared in subtypes of m's type. From the
     * methods of that name, not from the subtypes: editors ask for code actions at every cursor move, and a type
     * like {@code Object} has every class of a workspace below it.
     */
    static List<SymbolInfo> namesakesInSubtypes(WorkspaceIndex index, SymbolInfo m, int count) {
        return namesakesInSubtypes(index, m, m.name(), count);
    }

    /** {@link #namesakesInSubtypes(WorkspaceIndex, SymbolInfo, int)} of another name (m's before it was renamed). */
    static List<SymbolInfo> namesakesInSubtypes(WorkspaceIndex index, SymbolInfo m, String name, int count) {
        if (!overridable(m)) return List.of();
        List<SymbolInfo> out = new ArrayList<>();
        Map<String, Boolean> below = new HashMap<>();
        for (SymbolInfo o : index.declarationsNamed(name)) {
            if (o.kind() == SymbolKind.METHOD && !o.modifiers().contains("static") && descriptors(o.key()).size() == count
                    && isSubtype(index, o.declaringTypeKey(), m.declaringTypeKey(), below)) {
                out.add(o);
            }
        }
        return out;
    }

    /** Whether {@code type} is a proper subtype of {@code of}, through the index's supertypes ({@code known}: answers so far). */
    static boolean isSubtype(WorkspaceIndex index, String type, String of, Map<String, Boolean> known) {
        Boolean answer = known.get(type);
        if (answer != null) return answer;
        known.put(type, false); // a cycle (broken code) answers no
        boolean result = false;
        for (String s : index.declaration(type).map(SymbolInfo::supertypeKeys).orElse(List.of())) {
            if (s.equals(of) || isSubtype(index, s, of, known)) {
                result = true;
                break;
            }
        }
        known.put(type, result);
        return result;
    }

    private static final Pattern OVERRIDE = Pattern.compile("@(java\\.lang\\.)?Override\\b");

    static <T> List<T> without(List<T> list, int index) {
        List<T> out = new ArrayList<>(list);
        if (index < out.size()) out.remove(index);
        return out;
    }

    /** {@code key} with its parameter descriptors replaced. */
    static String withDescriptors(String key, List<String> parameters) {
        int open = key.indexOf('(');
        int close = key.indexOf(')', open);
        if (open < 0 || close < 0) return key;
        return key.substring(0, open + 1) + String.join("", parameters) + key.substring(close);
    }

    /**
     * Whether an override's parameters are the overridden method's: the same types, compared by erasure, where a
     * type variable of the overridden one stands for any reference type (a subtype may bind it), and
     * {@link #ANY_TYPE} for any type.
     */
    static boolean sameParameters(List<String> overridden, List<String> override) {
        if (overridden.size() != override.size()) return false;
        for (int i = 0; i < overridden.size(); i++) {
            String a = overridden.get(i);
            String b = override.get(i);
            if (a.equals(b) || a.equals(ANY_TYPE)) continue;
            String ta = typeName(a);
            String tb = typeName(b);
            boolean typeVariable = ta == null && a.replaceFirst("^\\[*", "").startsWith("T");
            if (typeVariable) {
                if (b.length() == 1) return false; // a primitive does not bind a type variable
                continue;
            }
            if (ta == null || !ta.equals(tb)) return false;
        }
        return true;
    }

    /** A parameter descriptor that {@link #sameParameters} takes for any type: one known only by its name as written. */
    static final String ANY_TYPE = "*";

    /**
     * The methods and lambdas whose bodies get the parameter (the overrides, the lambdas of a functional
     * interface): a call inside one passes the parameter on, by the name it has there.
     */
    private static final class Gaining {
        private final Map<Path, List<TextRange>> ranges = new HashMap<>();
        private final String name;
        private final List<Lambdas.Lambda> lambdas;

        Gaining(List<SymbolInfo> methods, String name, List<Lambdas.Lambda> lambdas) {
            for (SymbolInfo o : methods) ranges.computeIfAbsent(o.location().path(), p -> new ArrayList<>()).add(o.location().range());
            this.name = name;
            this.lambdas = lambdas;
        }

        /** The name of the new parameter where {@code offset} of {@code file} is inside a body that gets it. */
        Optional<String> parameterAt(Path file, String text, int offset) {
            // The innermost lambda first: it may be inside an override, or inside another lambda.
            Lambdas.Lambda inner = null;
            for (Lambdas.Lambda l : lambdas) {
                if (l.site().file().equals(file) && offset >= l.bodyFrom() && offset < l.bodyTo()
                        && (inner == null || l.bodyFrom() > inner.bodyFrom())) {
                    inner = l;
                }
            }
            if (inner != null) return Optional.of(inner.name());
            for (TextRange r : ranges.getOrDefault(file, List.of())) {
                if (offset >= JavaText.offsetOf(text, r.startLine(), r.startColumn()) && offset < JavaText.offsetOf(text, r.endLine(), r.endColumn())) {
                    return Optional.of(name);
                }
            }
            return Optional.empty();
        }
    }

    /** Most variables offered to the model at one site: the innermost ones (a method rarely has more in sight). */
    static final int MAX_CANDIDATES = 16;

    /**
     * What the argument is chosen from at a site, when variables whose type passes as the parameter's are in sight
     * there: the one named as the parameter alone, if there is one (passed as is, as IDEs do); else those
     * variables, innermost first, for the model to choose among. None (the model writes) when no variable fits, or
     * the parameter's type is a type variable or unresolved. The type's default value is not offered: with it the
     * embedded model took the default at 90% of 200 calls of java.base whose argument was one of the variables,
     * and gave the argument back at 5%, against 65% without it ({@code bench arguments}, docs/benchmarks.md). The
     * cost is a plausible variable where none fits; every refactor edit asks for confirmation.
     */
    static List<String> candidates(List<ScopeVariable> inSight, String paramType, String paramName) {
        return candidates(inSight, v -> v.assignableTo().contains(paramType), paramName);
    }

    /** {@link #candidates} of the variables that {@code passes}: the one named as the parameter alone, else all, innermost first. */
    private static List<String> candidates(List<ScopeVariable> inSight, java.util.function.Predicate<ScopeVariable> passes, String paramName) {
        List<String> names = new ArrayList<>();
        for (ScopeVariable v : inSight) {
            if (!passes.test(v)) continue;
            if (v.name().equals(paramName)) return List.of(paramName);
            if (names.size() < MAX_CANDIDATES) names.add(v.name());
        }
        return names;
    }

    /**
     * The variables in sight at a plan's sites, each file resolved once (for all its sites) when first asked, which
     * is when the refactor runs, not when it is listed: sites register their places while the plan is made.
     * Asked from the thread that runs the refactor; synchronized all the same.
     */
    static final class VariablesInSight {
        private final WorkspaceIndex index;
        private final Map<Path, String> texts = new HashMap<>();
        private final Map<Path, List<Integer>> offsets = new HashMap<>();
        private final Map<Path, Map<Integer, List<ScopeVariable>>> resolved = new HashMap<>();

        VariablesInSight(WorkspaceIndex index) {
            this.index = index;
        }

        synchronized void register(Path file, String text, int offset) {
            texts.putIfAbsent(file, text);
            offsets.computeIfAbsent(file, f -> new ArrayList<>()).add(offset);
        }

        synchronized List<ScopeVariable> at(Path file, int offset) {
            return resolved.computeIfAbsent(file, f -> {
                List<Integer> places = offsets.get(f);
                List<List<ScopeVariable>> variables = index.variablesInScope(f, texts.get(f), places);
                Map<Integer, List<ScopeVariable>> byOffset = new HashMap<>();
                for (int i = 0; i < places.size(); i++) byOffset.put(places.get(i), variables.get(i));
                return byOffset;
            }).get(offset);
        }
    }

    /**
     * The erasure of a parameter descriptor as a qualified name ({@code I} int, {@code Ljava/util/List<...>;}
     * java.util.List, {@code [Lp/A$B;} p.A.B[]), or null for a type variable or an unresolved type.
     */
    public static String typeName(String descriptor) {
        int dims = 0;
        while (dims < descriptor.length() && descriptor.charAt(dims) == '[') dims++;
        String d = descriptor.substring(dims);
        String base = switch (d) {
            case "B" -> "byte";
            case "C" -> "char";
            case "D" -> "double";
            case "F" -> "float";
            case "I" -> "int";
            case "J" -> "long";
            case "S" -> "short";
            case "Z" -> "boolean";
            default -> {
                if (!d.startsWith("L") || !d.endsWith(";")) yield null;
                String n = d.substring(1, d.length() - 1);
                int generic = n.indexOf('<');
                if (generic >= 0) n = n.substring(0, generic);
                yield n.replace('/', '.').replace('$', '.');
            }
        };
        return base == null ? null : base + "[]".repeat(dims);
    }

    private static final Pattern LEADING_NAME = Pattern.compile("^[A-Za-z_$][A-Za-z0-9_$]*");
    private static final java.util.Set<String> NOT_NAMES = java.util.Set.of("true", "false", "null", "this", "super", "new");

    /**
     * The first balanced expression of the model's text, or the fallback when there is none, or when it
     * starts with a name that appears nowhere in {@code scope} (the text before the call site): a small
     * model readily writes a plausible identifier that the call site cannot see, which would not compile.
     * A bare {@code null} gives way to a fallback that is a variable (one named as the parameter is in
     * sight): passing null for a parameter whose namesake the caller holds is a placeholder, not an answer
     * (the embedded model wrote it at one of the demo's five sites, with {@code customerId} two lines up).
     * Other literals are kept: {@code "web"} or {@code 0} may be meant.
     */
    static String expression(String modelText, String fallback, String scope) {
        String e = expression(modelText, fallback);
        if (e.equals(fallback)) return e;
        if (e.equals("null") && LEADING_NAME.matcher(fallback).matches() && !NOT_NAMES.contains(fallback)) {
            return fallback;
        }
        var name = LEADING_NAME.matcher(e);
        if (!name.find() || NOT_NAMES.contains(name.group())) return e;
        String first = name.group();
        // A capitalised name followed by a dot is most likely a type (String.valueOf(x), List.of()), which
        // need not appear before the call site; any other name must.
        boolean typeQualifier = Character.isUpperCase(first.charAt(0)) && e.startsWith(first + ".");
        return mentions(scope, first) || typeQualifier ? e : fallback;
    }

    /** Whether {@code name} occurs as a whole word in {@code text}. */
    private static boolean mentions(String text, String name) {
        return Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(text).find();
    }

    /** The first balanced expression of the model's text, or "" (how an argument is read from what the model wrote). */
    public static String firstExpression(String modelText) {
        return expression(modelText, "");
    }

    /** The first balanced expression of the model's text, or the fallback. */
    static String expression(String modelText, String fallback) {
        String t = modelText.strip();
        int depth = 0;
        int i = 0;
        for (; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) break;
                depth--;
            } else if (depth == 0 && (c == ',' || c == ';' || c == '\n')) break;
        }
        String e = t.substring(0, i).strip();
        return e.isEmpty() || !JavaText.balanced(e) ? fallback : e;
    }

    public static String defaultValue(String type) {
        return switch (type.replaceAll("^final\\s+", "")) {
            case "int", "long", "short", "byte" -> "0";
            case "double", "float" -> "0.0";
            case "boolean" -> "false";
            case "char" -> "'\\0'";
            case "String" -> "\"\"";
            default -> "null";
        };
    }

    static String lastWord(String param) {
        String p = param.strip();
        int i = p.length();
        while (i > 0 && Character.isJavaIdentifierPart(p.charAt(i - 1))) i--;
        return p.substring(i);
    }

    /** Parameter descriptors of a method binding key, e.g. {@code Lp/A;.f(ILjava/lang/String;)V} gives [I, Ljava/lang/String;]. */
    /**
     * {@code key}'s parameter descriptors as the header of {@code m} (the declaration the key is of, a version of it,
     * or an overload in its type) declares them. JDT's key of an enum's or an inner class's constructor starts with
     * the parameters the compiler adds ({@code Color(int r)}: {@code (Ljava/lang/String;II)V}, the constant's name
     * and ordinal; an inner class's outer instance), which no call writes and no header names.
     */
    static List<String> declaredDescriptors(SymbolInfo m, String key) {
        List<String> all = descriptors(key);
        if (m.kind() != SymbolKind.CONSTRUCTOR) return all;
        var header = Pattern.compile("\\b" + Pattern.quote(m.name()) + "\\s*\\(").matcher(m.signature());
        if (!header.find()) return all;
        int close = JavaText.matchingClose(m.signature(), header.end() - 1);
        if (close < 0) return all; // a signature cut short: no count to go by
        int synthetic = descriptors(m.key()).size() - JavaText.splitTopLevel(m.signature().substring(header.end(), close)).size();
        return synthetic > 0 && synthetic <= all.size() ? all.subList(synthetic, all.size()) : all;
    }

    public static List<String> descriptors(String key) {
        int open = key.indexOf('(');
        int close = key.indexOf(')', open);
        List<String> out = new ArrayList<>();
        if (open < 0 || close < 0) return out;
        String s = key.substring(open + 1, close);
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && s.charAt(i) == '[') i++;
            char c = s.charAt(i);
            if (c == 'L' || c == 'Q' || c == 'T') {
                int depth = 0;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d == '<') depth++;
                    else if (d == '>') depth--;
                    else if (d == ';' && depth == 0) break;
                    i++;
                }
            }
            i++;
            out.add(s.substring(start, Math.min(i, s.length())));
        }
        return out;
    }

    /** Where one descriptor was inserted into {@code before} to give {@code after}, or -1. */
    /** The positions of {@code after} (one parameter more than {@code before}) whose removal leaves {@code before}. */
    static List<Integer> insertedPositions(List<String> before, List<String> after) {
        List<Integer> out = new ArrayList<>();
        if (after.size() != before.size() + 1) return out;
        for (int i = 0; i < after.size(); i++) if (sameParameters(before, without(after, i))) out.add(i);
        return out;
    }

    /**
     * Which of {@code fits} (positions the types allow) is the added parameter, or the removed one ({@code added}
     * false; {@code names} are then the parameters now, one fewer): as the header read before the last edit names
     * them, if the edit touched it, or as the Javadoc's {@code @param} tags still do; for an addition, the only one
     * the method's body does not use yet; else the last ({@code -1} for a removal: better nothing than the wrong
     * argument dropped).
     */
    static int choosePosition(RefactorInput in, SymbolInfo m, List<String> names, List<Integer> fits, boolean added) {
        if (fits.size() == 1) return fits.getFirst();
        // The header as it read before the edit, else the Javadoc's tags if the edit left them as they were.
        Optional<List<String>> before = namesBeforeEdit(in, m)
                .or(() -> Optional.of(Javadocs.paramNames(in, m)).filter(documented -> !documented.isEmpty() && !documented.equals(names)));
        if (before.isPresent()) {
            List<Integer> agree = new ArrayList<>();
            for (int i : fits) {
                if (added ? without(names, i).equals(before.get()) : before.get().size() == names.size() + 1 && without(before.get(), i).equals(names)) {
                    agree.add(i);
                }
            }
            if (agree.size() == 1) return agree.getFirst();
        }
        if (!added) return -1;
        String body = body(in, m);
        if (!body.isEmpty()) {
            List<Integer> unused = new ArrayList<>();
            for (int i : fits) if (!Pattern.compile("\\b" + Pattern.quote(names.get(i)) + "\\b").matcher(body).find()) unused.add(i);
            if (unused.size() == 1) return unused.getFirst();
        }
        return fits.getLast();
    }

    /** The parameter names of m's header as it read before the last edit, where that edit touched the header. */
    static Optional<List<String>> namesBeforeEdit(RefactorInput in, SymbolInfo m) {
        return parametersBeforeEdit(in, m).map(params -> params.stream().map(AddParameterRefactoring::lastWord).toList());
    }

    /**
     * The parameters of m's header as written before the last edit ("int quantity", blanks made single), where
     * that edit touched the header.
     */
    static Optional<List<String>> parametersBeforeEdit(RefactorInput in, SymbolInfo m) {
        if (!editedNear(in, m)) return Optional.empty();
        var edit = in.lastEdit().get();
        // The whole file as it was: a header on several lines may have had only its parameters' line edited.
        String before = textBeforeEdit(in.text(in.file()), edit);
        int from = JavaText.lineStartOffset(before, Math.min(m.nameRange().startLine(), edit.startLine()));
        int open = headerOpen(before, m.name(), Math.max(0, from));
        int close = open < 0 ? -1 : JavaText.matchingClose(before, open);
        if (close < 0) return Optional.empty();
        List<String> params = JavaText.splitTopLevel(before.substring(open + 1, close).replaceAll("\\s+", " "));
        // A call of m near its header (recursion) is no header: its arguments are no declarations.
        return ChangeSignatureRefactoring.Change.declarations(params) ? Optional.of(params) : Optional.empty();
    }

    /**
     * The parenthesis that opens the first parameter list after {@code from} of a declaration named {@code name}: the
     * name, then a generic record's type parameters if any ({@code Builder<S, T> (...)}), then the list. -1 if none.
     */
    private static int headerOpen(String text, String name, int from) {
        var named = Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(text).region(from, text.length());
        while (named.find()) {
            int i = listAfterName(text, named.end());
            if (i >= 0) return i;
        }
        return -1;
    }

    /**
     * The parenthesis that opens a parameter list right after a declared name ending at {@code nameEnd}, a generic
     * record's type parameters between ({@code Box<T extends Comparable<T>> (}), or -1.
     */
    private static int listAfterName(String text, int nameEnd) {
        int i = JavaText.skipBlank(text, nameEnd);
        if (i < text.length() && text.charAt(i) == '<') {
            int closing = TypeArguments.matchingAngle(text, i);
            if (closing < 0) return -1;
            i = JavaText.skipBlank(text, closing + 1);
        }
        return i < text.length() && text.charAt(i) == '(' ? i : -1;
    }

    /** A file's text as it read before {@code edit}: its lines as they are now, the edited ones as they were. */
    static String textBeforeEdit(String current, dev.quicksilver.lsp.documents.EditHistory.Edit edit) {
        List<String> lines = List.of(current.split("\n", -1));
        int from = Math.min(edit.startLine(), lines.size());
        int to = Math.min(Math.max(from, edit.afterEndLine() + 1), lines.size());
        List<String> out = new ArrayList<>(lines.subList(0, from));
        out.add(edit.before());
        out.addAll(lines.subList(to, lines.size()));
        return String.join("\n", out);
    }

    /** m's body as written (from its header's closing parenthesis to its end), empty for an abstract method. */
    private static String body(RefactorInput in, SymbolInfo m) {
        String text = in.text(m.location().path());
        int open = parameterListOpen(text, m);
        int close = open < 0 ? -1 : JavaText.matchingClose(text, open);
        int end = JavaText.offsetOf(text, m.location().range().endLine(), m.location().range().endColumn());
        if (close < 0 || close >= end) return "";
        String rest = text.substring(close + 1, end);
        return rest.contains("{") ? rest.substring(rest.indexOf('{')) : "";
    }

    /**
     * Where the compiler's complaint at m's calls (in an index built after the edit) puts the new parameter: the
     * positions whose removal from m's parameter types leaves the argument types ("... not applicable for the
     * arguments (String, int)" for {@code reserve(String sku, boolean rush, int quantity)}: 1); the calls of a few
     * files agree on them. The calls are m's and those of its overloads that take one parameter fewer, to which
     * the compiler may have bound them. Empty when no complaint says.
     */
    private static List<Integer> positionsFromComplaint(RefactorInput in, SymbolInfo m, List<String> params) {
        Set<Path> files = new LinkedHashSet<>();
        for (CallSite c : in.index().callSites(m.key())) files.add(c.location().path());
        for (SymbolInfo o : overloads(in.index(), m)) {
            if (declaredDescriptors(o, o.key()).size() == params.size() - 1) {
                for (CallSite c : in.index().callSites(o.key())) files.add(c.location().path());
            }
        }
        Set<String> variables = new java.util.HashSet<>(TypeArguments.variablesOf(in, m));
        variables.addAll(TypeArguments.methodVariables(m));
        List<String> types = params.stream().map(p -> simpleType(TypeArguments.typeOf(p))).map(t -> variables.contains(t) ? "Object" : t).toList();
        List<Integer> fits = null;
        int read = 0;
        for (Path file : files) {
            if (read++ == MAX_COMPLAINT_FILES) break;
            for (dev.quicksilver.index.CompileError e : in.compileErrors(file)) {
                if (!MISFIT_CALL.contains(e.id())) continue;
                Optional<List<String>> said = argumentTypes(e.message(), m.name());
                if (said.isEmpty()) continue;
                List<String> given = said.get().stream().map(AddParameterRefactoring::simpleType).toList();
                if (given.size() != params.size() - 1) continue;
                List<Integer> here = dropPositions(types, given, false);
                if (fits == null) fits = here;
                else fits.retainAll(here);
            }
        }
        return fits == null ? List.of() : fits;
    }

    /** Files whose complaints {@link #positionsFromComplaint} reads at most. */
    private static final int MAX_COMPLAINT_FILES = 4;

    private static final Pattern NOT_APPLICABLE = Pattern.compile("(\\S+)\\((.*)\\) in the type .* is not applicable for the arguments \\((.*)\\)");
    private static final Pattern UNDEFINED_CONSTRUCTOR = Pattern.compile("The constructor (\\S+?)(?:<.*>)?\\((.*)\\) is undefined");
    /** A method or constructor reference's: the types are those of the functional interface's method. */
    private static final Pattern NO_APPLICABLE_REFERENCE = Pattern.compile("does not define (\\S+?)\\((.*)\\) that is applicable here");

    /**
     * The argument types the compiler's complaint about a call of {@code name} gives ("... is not applicable for the
     * arguments (String, int)", "The constructor Point(int, int) is undefined"), as written there.
     */
    static Optional<List<String>> argumentTypes(String message, String name) {
        var call = NOT_APPLICABLE.matcher(message);
        if (call.find() && call.group(1).equals(name)) return Optional.of(JavaText.splitTopLevel(call.group(3)));
        var constructor = UNDEFINED_CONSTRUCTOR.matcher(message);
        if (constructor.find() && constructor.group(1).equals(name)) return Optional.of(JavaText.splitTopLevel(constructor.group(2)));
        var reference = NO_APPLICABLE_REFERENCE.matcher(message);
        if (reference.find() && reference.group(1).equals(name)) return Optional.of(JavaText.splitTopLevel(reference.group(2)));
        return Optional.empty();
    }

    /** A type as the compiler's message writes it, without package and type arguments ("java.util.List<String>": List). */
    static String simpleType(String type) {
        String t = type.strip().replace("...", "[]");
        int lt = t.indexOf('<');
        if (lt >= 0) t = t.substring(0, lt) + t.substring(t.lastIndexOf('>') + 1);
        return t.substring(t.lastIndexOf('.') + 1);
    }

    /**
     * The positions of {@code longer} whose removal leaves {@code shorter}: the parameter types of a call's
     * complaint against its argument types ({@code longerAreArguments} false: where a new parameter went), or the
     * argument types against the parameter types (true: which argument a removed parameter leaves over). Exact
     * matches first: with widening, {@code pad("a", 3, ' ')} against {@code pad(String, int)} would fit with the
     * {@code 3} dropped as well ({@code ' '} passes as an int), which is not what the call meant.
     */
    static List<Integer> dropPositions(List<String> longer, List<String> shorter, boolean longerAreArguments) {
        List<Integer> exact = new ArrayList<>();
        List<Integer> passing = new ArrayList<>();
        for (int i = 0; i < longer.size(); i++) {
            List<String> rest = without(longer, i);
            if (rest.equals(shorter)) exact.add(i);
            if (longerAreArguments ? passable(rest, shorter) : passable(shorter, rest)) passing.add(i);
        }
        return exact.isEmpty() ? passing : exact;
    }

    /** Whether arguments of the types {@code given} may be passed as {@code params}, as far as names tell. */
    private static boolean passable(List<String> given, List<String> params) {
        for (int i = 0; i < given.size(); i++) {
            String g = given.get(i);
            String p = params.get(i);
            boolean primitive = PRIMITIVES.contains(p);
            boolean ok = g.equals(p) || p.equals("Object") && !PRIMITIVES.contains(g) || g.equals("null") && !primitive
                    || BOXES.getOrDefault(g, "").equals(p) || BOXES.getOrDefault(p, "").equals(g)
                    || primitive && PRIMITIVES.contains(g) && PRIMITIVES.indexOf(g) < PRIMITIVES.indexOf(p) && !g.equals("boolean") && !p.equals("boolean");
            if (!ok) return false;
        }
        return true;
    }

    /** Primitive types, each widening to those after it (boolean apart; char to int and on). */
    private static final List<String> PRIMITIVES = List.of("byte", "short", "char", "int", "long", "float", "double", "boolean");
    static final Map<String, String> BOXES = Map.of("int", "Integer", "long", "Long", "double", "Double", "float", "Float",
            "boolean", "Boolean", "char", "Character", "byte", "Byte", "short", "Short");

}
