package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * "The user removed a parameter from a method's declaration: drop its argument at every call site, and the
 * parameter from the methods that override it." The counterpart of {@link AddParameterRefactoring}, decided
 * without the model. Which parameter went: from the method's earlier binding key (an editor session: the index
 * still knows the old signature), else from an override the edit broke (the names tell), else from the compiler's
 * complaint at a call (the argument types tell, when only one position fits). Calls are the index's calls of the
 * method's keys that pass one argument more than it takes; overrides are the methods of its name in subtypes with
 * the old parameters that override nothing now (or that still override the earlier key); lambdas of a functional
 * interface are those the compiler says no longer fit, with one parameter more. An override or lambda whose body
 * still uses the parameter is left as it was (the compile check), with a note. A method reference to the method
 * as it was ({@code inventory::reserve} for a three-argument interface) becomes a lambda that takes the old
 * parameters and passes all but the removed one.
 */
public final class RemoveParameterRefactoring implements Refactoring {
    @Override
    public String name() {
        return "remove-parameter";
    }

    @Override
    public String description() {
        return "drop a removed parameter's argument at every call site, and the parameter in the overrides";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> method = in.methodAt();
        if (method.isEmpty()) return Optional.empty();
        SymbolInfo m = method.get();
        List<String> params = AddParameterRefactoring.parameters(m, in.text(m.location().path()));
        // A varargs method takes calls of any length: one argument more says nothing of a removed parameter.
        if (!params.isEmpty() && params.getLast().contains("...")) return Optional.empty();
        List<String> newDescriptors = AddParameterRefactoring.declaredDescriptors(m, m.key());
        Set<String> keys = new LinkedHashSet<>();
        keys.add(m.key());
        int removed = -1;
        String removedType = null;
        for (String k : in.earlierKeys().apply(m.qualifiedName())) {
            if (k.equals(m.key()) || in.index().declaration(k).isPresent()) continue;
            List<String> old = AddParameterRefactoring.declaredDescriptors(m, k);
            List<Integer> fits = AddParameterRefactoring.insertedPositions(newDescriptors, old);
            if (fits.isEmpty()) continue;
            keys.add(k);
            // Equal types side by side ((int w, int h) -> (int h)): the header as it read before the edit says which.
            removed = AddParameterRefactoring.choosePosition(in, m, params.stream().map(AddParameterRefactoring::lastWord).toList(), fits, false);
            if (removed >= 0) removedType = AddParameterRefactoring.typeName(old.get(removed));
        }
        // Overrides of the old signature: still linked to an earlier key, or namesakes that override nothing now.
        List<SymbolInfo> namesakes = AddParameterRefactoring.namesakesInSubtypes(in.index(), m, params.size() + 1);
        List<String> names = params.stream().map(AddParameterRefactoring::lastWord).toList();
        List<SymbolInfo> overrides = new ArrayList<>();
        for (String k : keys) {
            if (k.equals(m.key())) continue;
            for (SymbolInfo o : in.index().implementations(k)) {
                if (o.kind() == m.kind() && AddParameterRefactoring.descriptors(o.key()).size() == params.size() + 1 && !overrides.contains(o)) overrides.add(o);
            }
        }
        List<CallSite> calls = new ArrayList<>();
        for (String k : keys) {
            for (CallSite c : in.index().callSites(k)) if (argumentCount(in, c) == params.size() + 1) calls.add(c);
        }
        // A namesake with one parameter more may be an overload of the subtype's own: it counts as an override
        // only once the edit is known (an earlier key, calls that no longer fit) or it says @Override.
        boolean edited = keys.size() > 1 || !calls.isEmpty();
        for (SymbolInfo o : namesakes) {
            if (!o.supertypeKeys().isEmpty() || o.modifiers().contains("private") || overrides.contains(o)) continue;
            if (!edited && !OVERRIDE.matcher(o.signature()).find()) continue;
            List<String> oParams = AddParameterRefactoring.parameters(o, in.text(o.location().path()));
            List<String> oNames = oParams.stream().map(AddParameterRefactoring::lastWord).toList();
            for (int i = 0; i <= params.size(); i++) {
                if (i != removed && removed >= 0) continue;
                if (AddParameterRefactoring.sameParameters(newDescriptors, AddParameterRefactoring.without(AddParameterRefactoring.descriptors(o.key()), i))
                        && AddParameterRefactoring.without(oNames, i).equals(names)) {
                    overrides.add(o);
                    if (removed < 0) {
                        removed = i;
                        removedType = oParams.get(i);
                    }
                    break;
                }
            }
        }
        for (SymbolInfo o : overrides) {
            for (CallSite c : in.index().callSites(o.key())) if (argumentCount(in, c) == params.size() + 1) calls.add(c);
        }
        // Lambdas of a functional interface whose method lost a parameter: found by compiling (so only on signs of
        // an edit, as add-parameter's), each with one parameter more than the method takes now.
        boolean mayCompile = keys.size() > 1 || in.thorough() || !calls.isEmpty() || !overrides.isEmpty();
        List<Lambdas.ParameterList> lambdas = mayCompile && Lambdas.implementsFunctionalMethod(in, m)
                ? Lambdas.mismatched(in, m).stream().filter(l -> l.params().size() == params.size() + 1).toList() : List.of();
        // Method references to the method as it was (inventory::reserve as a three-argument interface's method)
        // become lambdas that take the old parameters and pass all but the removed one.
        List<dev.quicksilver.index.Reference> references = new ArrayList<>();
        for (String k : keys) if (!k.equals(m.key())) references.addAll(in.index().references(k));
        for (SymbolInfo o : overrides) references.addAll(in.index().references(o.key()));
        if (mayCompile) references.addAll(AddParameterRefactoring.unboundMethodReferences(in, m));
        references.removeIf(r -> r.targetKind() != m.kind());
        if (calls.isEmpty() && overrides.isEmpty() && lambdas.isEmpty() && references.isEmpty()) return Optional.empty();
        if (removed < 0) {
            Set<Path> complaining = new java.util.LinkedHashSet<>();
            for (CallSite c : calls) complaining.add(c.location().path());
            for (dev.quicksilver.index.Reference r : references) complaining.add(r.location().path());
            Optional<Removed> said = fromComplaint(in, m, params, newDescriptors, complaining);
            removed = said.map(Removed::index).orElse(-1);
            removedType = said.map(Removed::argumentType).orElse(removedType);
        }
        if (removed < 0) {
            // Equal types side by side ((int start, int end, int size) -> (int start, int size)): the Javadoc's
            // tags, if the edit left them, name the parameters as they were.
            List<Integer> fits = new ArrayList<>();
            for (int i = 0; i <= names.size(); i++) fits.add(i);
            removed = AddParameterRefactoring.choosePosition(in, m, names, fits, false);
        }
        if (removed < 0) return Optional.empty(); // which argument is not known: better nothing than the wrong one
        List<Site> sites = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int overrideCount = 0;
        for (SymbolInfo o : overrides) {
            // Checked over the whole override: a body that still uses the parameter keeps it.
            String text = in.text(o.location().path());
            TextRange r = o.location().range();
            int[] body = {JavaText.offsetOf(text, r.startLine(), r.startColumn()), JavaText.offsetOf(text, r.endLine(), r.endColumn())};
            Optional<Site> list = listItemSite(in, o.location().path(), openParenAfterName(in, o), removed, body, "// " + o.signature() + "\n")
                    .filter(s -> seen.add(s.file() + ":" + s.start()));
            if (list.isEmpty()) continue;
            sites.add(list.get());
            overrideCount++;
            // Its Javadoc's @param for the parameter goes too, where the body does not use it (else both stay).
            List<String> oParams = AddParameterRefactoring.parameters(o, text);
            if (removed < oParams.size()) {
                String gone = AddParameterRefactoring.lastWord(oParams.get(removed));
                int bodyStart = text.indexOf('{', openParenAfterName(in, o));
                boolean used = bodyStart >= 0 && bodyStart < body[1]
                        && Pattern.compile("\\b" + Pattern.quote(gone) + "\\b").matcher(text.substring(bodyStart, body[1])).find();
                if (!used) sites.addAll(Javadocs.dropParamTags(in, o, gone::equals));
            }
        }
        // The method's own Javadoc: the tag of a parameter it no longer has.
        sites.addAll(Javadocs.dropParamTags(in, m, tagged -> !names.contains(tagged)));
        // Javadoc references to the method by its types ({@link #reserve(String, int, String)}) lose the type too,
        // where the removed parameter's type is known.
        if (removedType != null) {
            List<String> oldParams = new ArrayList<>(params);
            // (An override's parameter as written, "String customerId", or a type.)
            String type = removedType.strip().contains(" ") ? ChangeSignatureRefactoring.Change.typeOf(removedType) : removedType;
            oldParams.add(removed, type + " removed");
            int[] from = new int[params.size()];
            for (int i = 0; i < from.length; i++) from[i] = i < removed ? i : i + 1;
            sites.addAll(JavadocLinks.rewritten(in, m, oldParams, params, from));
        }
        for (Lambdas.ParameterList l : lambdas) {
            // The list without the parameter; left as it was where the body still uses it.
            List<String> kept = AddParameterRefactoring.without(l.params(), removed);
            String list = "(" + String.join(", ", kept) + ")";
            sites.add(new Site(l.file(), l.start(), l.end(), "", "", "// " + m.signature() + "\n", 12, modelText -> list,
                    new Site.Fallback(list, l.start(), Math.max(l.end(), l.bodyTo()), true), () -> List.of(list)));
        }
        int declarations = sites.size(); // parameter lists and Javadoc tags of declarations
        int at = removed;
        for (CallSite c : calls) {
            callOpen(in, c).flatMap(open -> enumConstantSite(in, m, c, open, params.size())
                            .or(() -> listItemSite(in, c.location().path(), open, at, null, "// " + m.signature() + "\n")))
                    .filter(s -> seen.add(s.file() + ":" + s.start())).ifPresent(sites::add);
        }
        int callCount = sites.size() - declarations;
        List<String> oldNames = new ArrayList<>(names);
        oldNames.add(at, removedName(in, overrides, at));
        var sight = new AddParameterRefactoring.VariablesInSight(in.index());
        for (dev.quicksilver.index.Reference r : references) {
            AddParameterRefactoring.referenceAsLambda(in, m, r, sight, (inSight, qualifier, receiver) -> lambda(inSight, qualifier, receiver, AddParameterRefactoring.referenceWord(m), oldNames, at))
                    .filter(s -> seen.add(s.file() + ":" + s.start())).ifPresent(sites::add);
        }
        int referenceCount = sites.size() - declarations - callCount;
        if (sites.isEmpty()) return Optional.empty();
        String owner = m.qualifiedName().contains(".") ? m.qualifiedName().substring(0, m.qualifiedName().lastIndexOf('.')) : "";
        boolean component = AddParameterRefactoring.isRecordHeader(in, m);
        String what = (removedType != null ? "`" + removedType + "` (#" + (removed + 1) + ")" : "#" + (removed + 1))
                + (component ? " of record " + m.name() : " of " + owner.substring(owner.lastIndexOf('.') + 1) + "." + m.name() + "()");
        long files = sites.stream().map(Site::file).distinct().count();
        String title = "Drop removed " + (component ? "component " : "parameter ") + what + " from its " + callCount + " call site" + (callCount == 1 ? "" : "s")
                + (overrideCount == 0 ? "" : " and " + overrideCount + " override" + (overrideCount == 1 ? "" : "s"))
                + (lambdas.isEmpty() ? "" : " and " + lambdas.size() + " lambda" + (lambdas.size() == 1 ? "" : "s"))
                + (referenceCount == 0 ? "" : " and " + referenceCount + " method reference" + (referenceCount == 1 ? "" : "s"))
                + " in " + files + " file" + (files == 1 ? "" : "s");
        return Optional.of(new RefactorPlan(name(), title, sites, declarations, "the argument of the removed parameter"));
    }

    /** The removed parameter's name, as an override that still has it says; "unused" where none does. */
    private static String removedName(RefactorInput in, List<SymbolInfo> overrides, int removed) {
        for (SymbolInfo o : overrides) {
            List<String> params = AddParameterRefactoring.parameters(o, in.text(o.location().path()));
            if (removed < params.size()) return AddParameterRefactoring.lastWord(params.get(removed));
        }
        return "unused";
    }

    /**
     * A lambda for a method reference to the method as it was: it takes the old parameters ({@code oldNames}) and
     * passes all but the removed one ({@code (sku, quantity, customerId) -> inventory.reserve(sku, quantity)}).
     */
    private static String lambda(List<dev.quicksilver.index.ScopeVariable> inSight, String qualifier, String receiver, String method,
                                 List<String> oldNames, int removed) {
        return AddParameterRefactoring.referenceLambda(inSight, qualifier, receiver, method, oldNames, Set.of(),
                params -> AddParameterRefactoring.without(params, removed));
    }

    /** The removed position, and the type of the argument the calls pass there. */
    private record Removed(int index, String argumentType) {
    }

    /**
     * The removed position from the compiler's complaint at a call ("... is not applicable for the arguments
     * (String, int, boolean)", "The constructor Money(int, String) is undefined") or a method or constructor
     * reference ("The type Pair does not define Pair(String, Integer) that is applicable here"), in {@code files}:
     * the one position whose argument type, left out, leaves the parameter types (else types that pass as them: an
     * int for a long, an Integer for an int). None when several fit (equal types): the wrong argument dropped would
     * compile and be wrong.
     */
    private static Optional<Removed> fromComplaint(RefactorInput in, SymbolInfo m, List<String> params, List<String> descriptors,
                                                   Set<Path> files) {
        List<String> types = descriptors.stream().map(AddParameterRefactoring::typeName).map(AddParameterRefactoring::simpleType).toList();
        for (Path file : files) {
            for (CompileError e : in.compileErrors(file)) {
                if (!AddParameterRefactoring.MISFIT_CALL.contains(e.id()) && e.id() != AddParameterRefactoring.NO_APPLICABLE_REFERENCED_METHOD) continue;
                Optional<List<String>> args = AddParameterRefactoring.argumentTypes(e.message(), m.name());
                if (args.isEmpty()) continue;
                List<String> given = args.get().stream().map(AddParameterRefactoring::simpleType).toList();
                if (given.size() != params.size() + 1) continue;
                List<Integer> fits = AddParameterRefactoring.dropPositions(given, types, true);
                return fits.size() == 1 ? Optional.of(new Removed(fits.getFirst(), given.get(fits.getFirst()))) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static final Pattern OVERRIDE = Pattern.compile("@(java\\.lang\\.)?Override\\b");


    private static int argumentCount(RefactorInput in, CallSite c) {
        return callOpen(in, c).map(open -> {
            String text = in.text(c.location().path());
            int close = JavaText.matchingClose(text, open);
            return close < 0 ? -1 : JavaText.splitTopLevel(text.substring(open + 1, close)).size();
        }).orElse(-1);
    }

    /** The opening parenthesis of a call's arguments. */
    private static Optional<Integer> callOpen(RefactorInput in, CallSite c) {
        String text = in.text(c.location().path());
        TextRange r = c.location().range();
        int close = JavaText.argumentsClose(text, JavaText.offsetOf(text, r.startLine(), r.startColumn()),
                JavaText.offsetOf(text, r.endLine(), r.endColumn()));
        if (close < 0) return Optional.empty();
        int open = JavaText.matchingOpen(text, close);
        return open < 0 ? Optional.empty() : Optional.of(open);
    }

    /**
     * An enum constant that passed the constructor's only argument ({@code SMALL(1)} once {@code Size(int weight)}
     * became {@code Size()}) loses its parentheses too: {@code SMALL}, as it would be written. Decided.
     */
    private static Optional<Site> enumConstantSite(RefactorInput in, SymbolInfo m, CallSite c, int open, int paramsNow) {
        if (m.kind() != dev.quicksilver.index.SymbolKind.CONSTRUCTOR || paramsNow != 0 || !c.callerKey().equals(m.declaringTypeKey())) {
            return Optional.empty();
        }
        Path file = c.location().path();
        String text = in.text(file);
        TextRange r = c.location().range();
        int nameEnd = JavaText.bareEnumConstantEnd(text, JavaText.offsetOf(text, r.startLine(), r.startColumn()), open);
        if (nameEnd < 0 || JavaText.wordEndsAt(text, nameEnd, "this") || JavaText.wordEndsAt(text, nameEnd, "super")) return Optional.empty();
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        int lineStart = text.lastIndexOf('\n', Math.max(0, open - 1)) + 1;
        return Optional.of(new Site(file, nameEnd, close + 1, "", "", "// " + m.signature() + "\n", 1, modelText -> "",
                new Site.Fallback("", Math.min(lineStart, nameEnd), close + 1, false), () -> List.of("")));
    }

    private static int openParenAfterName(RefactorInput in, SymbolInfo d) {
        String text = in.text(d.location().path());
        return AddParameterRefactoring.parameterListOpen(text, d);
    }

    /**
     * The site that removes item {@code index} of the list opened at {@code open} (with the comma that separates it
     * from its neighbour), decided: nothing goes in its place. With {@code optionalIn} (a declaration's range), it is
     * left as it was where the removal adds a compile error there; else it is a call's, checked on its line.
     */
    private static Optional<Site> listItemSite(RefactorInput in, Path file, int open, int index, int[] optionalIn, String context) {
        String text = in.text(file);
        if (open < 0) return Optional.empty();
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        List<int[]> items = new ArrayList<>();
        int start = open + 1;
        while (true) {
            int comma = JavaText.topLevelComma(text, start, close);
            items.add(new int[] {start, comma});
            if (comma >= close) break;
            start = comma + 1;
        }
        if (index < 0 || index >= items.size()) return Optional.empty();
        int from;
        int to;
        if (items.size() == 1) {
            from = open + 1;
            to = close;
        } else if (index == 0) {
            from = items.get(0)[0];
            to = items.get(1)[0];
            while (to < close && Character.isWhitespace(text.charAt(to))) to++;
        } else {
            from = items.get(index - 1)[1]; // the comma before it
            to = items.get(index)[1];
        }
        int lineStart = text.lastIndexOf('\n', Math.max(0, open - 1)) + 1;
        int checkFrom = optionalIn != null ? Math.min(optionalIn[0], from) : Math.min(lineStart, from);
        int checkTo = optionalIn != null ? Math.max(optionalIn[1], close + 1) : Math.max(to, close + 1);
        return Optional.of(new Site(file, from, to, "", "", context, 1, modelText -> "",
                new Site.Fallback("", checkFrom, checkTo, optionalIn != null), () -> List.of("")));
    }
}
