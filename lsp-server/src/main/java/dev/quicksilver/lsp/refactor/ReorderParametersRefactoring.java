package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "The user reordered a method's parameters: reorder the arguments at every call site, and the parameters in the
 * overrides, the same way." The last of the change-signature family with {@link AddParameterRefactoring} and
 * {@link RemoveParameterRefactoring} ({@link ChangeSignatureRefactoring} takes several kinds at once), decided
 * without the model. Calls written for the old order may still compile (parameters of one type) and then mean
 * something else, so every call of the method is reordered; a method reference becomes a lambda that takes the old
 * order and passes the new one; a lambda of the method's interface gets its parameters reordered (each name moving
 * with the value it receives). The old order comes from the header
 * as it read before the edit (an editor), else from the Javadoc's {@code @param} tags the edit left, else from an
 * override whose parameters are the method's in another order (the names tell, so they must be distinct).
 */
public final class ReorderParametersRefactoring implements Refactoring {
    @Override
    public String name() {
        return "reorder-parameters";
    }

    @Override
    public String description() {
        return "reorder the arguments at every call site, and the parameters in the overrides, as the declaration's were reordered";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> method = in.methodAt();
        if (method.isEmpty()) return Optional.empty();
        SymbolInfo m = method.get();
        List<String> params = AddParameterRefactoring.parameters(m, in.text(m.location().path()));
        List<String> names = params.stream().map(AddParameterRefactoring::lastWord).toList();
        if (names.size() < 2 || new HashSet<>(names).size() != names.size()) return Optional.empty();
        List<String> newDescriptors = AddParameterRefactoring.declaredDescriptors(m, m.key());
        List<SymbolInfo> namesakes = AddParameterRefactoring.namesakesInSubtypes(in.index(), m, names.size());
        Optional<List<String>> old = oldOrder(in, m, names, namesakes);
        if (old.isEmpty()) return Optional.empty();
        // The argument that goes to position i now is the one that was at from[i].
        int[] from = new int[names.size()];
        for (int i = 0; i < from.length; i++) from[i] = old.get().indexOf(names.get(i));
        List<String> oldDescriptors = new ArrayList<>(newDescriptors);
        if (newDescriptors.size() == from.length) for (int i = 0; i < from.length; i++) oldDescriptors.set(from[i], newDescriptors.get(i));
        Set<String> keys = new LinkedHashSet<>();
        keys.add(m.key());
        for (String k : in.earlierKeys().apply(m.qualifiedName())) {
            if (!k.equals(m.key()) && in.index().declaration(k).isEmpty()
                    && AddParameterRefactoring.sameParameters(oldDescriptors, AddParameterRefactoring.declaredDescriptors(m, k))) {
                keys.add(k);
            }
        }
        // Overrides were written for the old order: those still linked to an earlier key or to m (parameters of one
        // type keep the key), and namesakes of the old parameter types that override nothing now. One whose names
        // are the method's in the new order has been reordered already.
        Set<SymbolInfo> candidates = new LinkedHashSet<>();
        for (String k : keys) for (SymbolInfo o : in.index().implementations(k)) if (o.kind() == m.kind()) candidates.add(o);
        for (SymbolInfo o : namesakes) {
            if (o.supertypeKeys().isEmpty() && AddParameterRefactoring.sameParameters(oldDescriptors, AddParameterRefactoring.declaredDescriptors(o, o.key()))) {
                candidates.add(o);
            }
        }
        List<SymbolInfo> overrides = new ArrayList<>();
        for (SymbolInfo o : candidates) {
            List<String> oNames = AddParameterRefactoring.parameterNames(in, o);
            if (oNames.size() == names.size() && !oNames.equals(names)) overrides.add(o);
        }
        List<Site> sites = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int lambdas = 0;
        for (SymbolInfo o : overrides) {
            String text = in.text(o.location().path());
            int open = AddParameterRefactoring.parameterListOpen(text, o);
            reordered(o.location().path(), text, open, from, "// " + o.signature() + "\n").filter(s -> seen.add(s.file() + ":" + s.start())).ifPresent(sites::add);
        }
        // Lambdas of the method's interface get their arguments in the new order too: their parameters follow,
        // each name moving with the value it receives ((w, h) -> w * 2 + h becomes (h, w) -> w * 2 + h).
        if (Lambdas.implementsFunctionalMethod(in, m)) {
            for (Lambdas.ParameterList l : Lambdas.implementing(in, m, keys)) {
                if (l.params().size() != from.length) continue;
                String list = "(" + String.join(", ", inNewOrder(l.params(), from)) + ")";
                if (list.equals(in.text(l.file()).substring(l.start(), l.end())) || !seen.add(l.file() + ":" + l.start())) continue;
                sites.add(new Site(l.file(), l.start(), l.end(), "", "", "// " + m.signature() + "\n", 1, modelText -> list,
                        new Site.Fallback(list, l.start(), Math.max(l.end(), l.bodyTo()), false), () -> List.of(list)));
                lambdas++;
            }
        }
        int declarations = sites.size();
        List<String> calleeKeys = new ArrayList<>(keys);
        overrides.forEach(o -> calleeKeys.add(o.key()));
        for (String k : calleeKeys) {
            for (CallSite c : in.index().callSites(k)) {
                String text = in.text(c.location().path());
                TextRange r = c.location().range();
                int close = JavaText.argumentsClose(text, JavaText.offsetOf(text, r.startLine(), r.startColumn()),
                        JavaText.offsetOf(text, r.endLine(), r.endColumn()));
                if (close < 0) continue;
                reordered(c.location().path(), text, JavaText.matchingOpen(text, close), from, "// " + m.signature() + "\n")
                        .filter(s -> seen.add(s.file() + ":" + s.start())).ifPresent(sites::add);
            }
        }
        int calls = sites.size() - declarations;
        int overrideCount = declarations - lambdas;
        // The Javadoc's tags follow (the method's own too: left in the old order, they would offer this again).
        List<Site> tags = new ArrayList<>();
        Javadocs.reorderParamTags(in, m, names).ifPresent(tags::add);
        // References to the method by its types ({@link #area(int, String)}) follow when the types moved.
        tags.addAll(JavadocLinks.rewritten(in, m, inOldOrder(params, from), params, from));
        for (SymbolInfo o : overrides) {
            Javadocs.reorderParamTags(in, o, inNewOrder(AddParameterRefactoring.parameterNames(in, o), from)).ifPresent(tags::add);
        }
        // Method references pass the functional interface's arguments in its order, the old one: lambdas now.
        var sight = new AddParameterRefactoring.VariablesInSight(in.index());
        List<Reference> refs = new ArrayList<>();
        for (String k : calleeKeys) refs.addAll(in.index().references(k));
        // Those of other parameter types no longer compile, and JDT leaves them unbound: the compiler finds them.
        refs.addAll(AddParameterRefactoring.unboundMethodReferences(in, m));
        for (Reference r : refs) {
            if (r.targetKind() != m.kind()) continue;
            AddParameterRefactoring.referenceAsLambda(in, m, r, sight, (inSight, qualifier, receiver) ->
                            AddParameterRefactoring.referenceLambda(inSight, qualifier, receiver, AddParameterRefactoring.referenceWord(m),
                                    old.get(), Set.of(), own -> inNewOrder(own, from)))
                    .filter(s -> seen.add(s.file() + ":" + s.start())).ifPresent(sites::add);
        }
        int references = sites.size() - declarations - calls;
        if (sites.isEmpty()) return Optional.empty();
        sites.addAll(tags);
        long files = sites.stream().map(Site::file).distinct().count();
        String owner = m.qualifiedName().contains(".") ? m.qualifiedName().substring(0, m.qualifiedName().lastIndexOf('.')) : "";
        String title = "Reorder the arguments of " + owner.substring(owner.lastIndexOf('.') + 1) + "." + m.name() + "() to ("
                + String.join(", ", names) + ") at its " + calls + " call site" + (calls == 1 ? "" : "s")
                + (overrideCount == 0 ? "" : " and " + overrideCount + " override" + (overrideCount == 1 ? "" : "s"))
                + (lambdas == 0 ? "" : " and " + lambdas + " lambda" + (lambdas == 1 ? "" : "s"))
                + (references == 0 ? "" : " and " + references + " method reference" + (references == 1 ? "" : "s"))
                + " in " + files + " file" + (files == 1 ? "" : "s");
        return Optional.of(new RefactorPlan(name(), title, sites, declarations, "the arguments as they were, in the new order"));
    }

    /**
     * The parameter names in the order they had: the header before the edit, the Javadoc's tags, or an override's
     * names; each only where it is the same names in another order, the last two only on signs of an edit.
     */
    private static Optional<List<String>> oldOrder(RefactorInput in, SymbolInfo m, List<String> names, List<SymbolInfo> namesakes) {
        Optional<List<String>> said = AddParameterRefactoring.namesBeforeEdit(in, m).filter(o -> reorders(o, names));
        // Tags or an override in another order are a sign only after an edit (or when asked for by name): a Javadoc
        // may list the parameters in its own order, and an override may name them otherwise.
        if (said.isPresent() || !in.thorough() && !AddParameterRefactoring.editedNear(in, m)) return said;
        if (said.isEmpty()) said = Optional.of(Javadocs.paramNames(in, m)).filter(o -> reorders(o, names));
        for (SymbolInfo o : namesakes) {
            if (said.isPresent()) break;
            said = Optional.of(AddParameterRefactoring.parameterNames(in, o))
                    .filter(o2 -> reorders(o2, names));
        }
        return said;
    }

    /** The items of {@code old} (in the old order) in the new one: item i is the one that was at {@code from[i]}. */
    private static <T> List<T> inNewOrder(List<T> old, int[] from) {
        List<T> out = new ArrayList<>();
        for (int j : from) out.add(old.get(j));
        return out;
    }

    /** The items of {@code now} (in the new order) in the old one: inverse of {@link #inNewOrder}. */
    private static <T> List<T> inOldOrder(List<T> now, int[] from) {
        List<T> out = new ArrayList<>(now);
        for (int i = 0; i < from.length; i++) out.set(from[i], now.get(i));
        return out;
    }

    /** Whether {@code old} holds the names of {@code now} in another order. */
    private static boolean reorders(List<String> old, List<String> now) {
        return old.size() == now.size() && !old.equals(now) && new HashSet<>(old).equals(new HashSet<>(now));
    }

    /**
     * The site that puts the items of the list opened at {@code open} in the new order ({@code from[i]} the old
     * position of the item now at i), each item's text moved into the place another held (line breaks and
     * blanks between them stay). Decided; empty where the list does not have that many items.
     */
    private static Optional<Site> reordered(Path file, String text, int open, int[] from, String context) {
        if (open < 0) return Optional.empty();
        int close = JavaText.matchingClose(text, open);
        if (close < 0) return Optional.empty();
        List<int[]> items = JavaText.itemRanges(text, open, close);
        if (items.size() != from.length) return Optional.empty();
        StringBuilder list = new StringBuilder();
        int at = open + 1;
        for (int i = 0; i < from.length; i++) {
            list.append(text, at, items.get(i)[0]).append(text, items.get(from[i])[0], items.get(from[i])[1]);
            at = items.get(i)[1];
        }
        list.append(text, at, close);
        String reorderedList = list.toString();
        if (reorderedList.equals(text.substring(open + 1, close))) return Optional.empty(); // already in the new order
        int lineStart = text.lastIndexOf('\n', Math.max(0, open - 1)) + 1;
        return Optional.of(new Site(file, open + 1, close, "", "", context, 1, modelText -> reorderedList,
                new Site.Fallback(reorderedList, Math.min(lineStart, open + 1), close + 1, false), () -> List.of(reorderedList)));
    }
}
