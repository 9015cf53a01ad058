package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * For add-parameter: the lambdas and method references that implement a functional interface whose method got a
 * parameter, and the calls of that method inside them. The index keeps no lambdas, so the compiler finds them
 * (its complaints in the files that may hold them); each lambda's parameter list gets the new parameter, each
 * method reference becomes a lambda that takes it, and a call inside a lambda passes the lambda's new parameter
 * on ({@link AddParameterRefactoring} makes those call sites).
 */
final class Lambdas {
    private Lambdas() {
    }

    /** Most files {@link #of} compiles (a popular type's users: the ones the index lists first). */
    private static final int MAX_LAMBDA_FILES = 200;

    /** JDT's IProblem.lambdaSignatureMismatched: a lambda whose parameters are not the functional method's. */
    private static final int LAMBDA_SIGNATURE_MISMATCHED = 553648784;

    /** Whether m is the one abstract method of an interface (lambdas may implement it). */
    static boolean implementsFunctionalMethod(RefactorInput in, SymbolInfo m) {
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        return owner.isPresent() && owner.get().kind() == SymbolKind.INTERFACE && DefaultBodyRefactoring.isAbstract(m)
                && DefaultBodyRefactoring.abstractMethods(in, owner.get()) == 1;
    }

    /**
     * The parameter lists of the lambdas that implement m's interface and no longer match it, each with the new
     * parameter at its index ({@code cents -> ...} to {@code (cents, currency) -> ...}; typed when the lambda's are;
     * renamed where the declaration around the lambda uses the name). Found by the compiler's complaint in the files that mention the
     * interface and in the files that call a method of theirs whose signature names it ({@code cart.total(c -> c)})
     * or name that method's type, of those that hold a lambda or method reference at all: one compile each. Method
     * references that implement the interface become lambdas ({@link #implementingReference}).
     */
    static List<Lambda> of(RefactorInput in, SymbolInfo m, AddParameterRefactoring.Arguments a) {
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        if (owner.isEmpty()) return List.of();
        List<Lambda> out = new ArrayList<>();
        for (Path file : candidateFiles(in, owner.get())) out.addAll(inFile(in, file, in.text(file), m, a, owner.get()));
        return out;
    }

    /**
     * The files that may hold lambdas or method references of the interface {@code owner}: those that mention it,
     * call a method whose signature names it, or name that method's type; of those, the ones with a lambda or a
     * method reference at all, at most {@link #MAX_LAMBDA_FILES}.
     */
    private static List<Path> candidateFiles(RefactorInput in, SymbolInfo owner) {
        Pattern typeWord = Pattern.compile("\\b" + Pattern.quote(owner.name()) + "\\b");
        Set<Path> files = new LinkedHashSet<>();
        Set<Path> mentioning = new LinkedHashSet<>();
        for (Reference r : in.index().references(owner.key())) mentioning.add(r.location().path());
        files.addAll(mentioning);
        Set<String> typesTakingIt = new LinkedHashSet<>();
        for (Path f : mentioning) {
            for (SymbolInfo d : in.index().declarationsIn(f)) {
                if ((d.kind() == SymbolKind.METHOD || d.kind() == SymbolKind.CONSTRUCTOR) && typeWord.matcher(d.signature()).find()) {
                    for (CallSite c : in.index().callSites(d.key())) files.add(c.location().path());
                    typesTakingIt.add(d.declaringTypeKey());
                }
            }
        }
        // A call whose lambda or method reference no longer fits may be bound to nothing: the files that name the
        // types of those methods too (DurationUtils.accept(obj::wait, d)).
        for (String type : typesTakingIt) {
            for (Reference r : in.index().references(type)) files.add(r.location().path());
        }
        List<Path> out = new ArrayList<>();
        for (Path file : files) {
            String text = in.text(file);
            if (!text.contains("->") && !text.contains("::")) continue;
            if (out.size() == MAX_LAMBDA_FILES) break;
            out.add(file);
        }
        return out;
    }

    /** JDT's IProblem.TargetTypeNotAFunctionalInterface: a lambda or method reference whose type has two abstract methods. */
    private static final int NOT_A_FUNCTIONAL_INTERFACE = 553648781;

    /**
     * Whether lambdas or method references of the interface {@code owner} no longer compile because it is functional
     * no more: the compiler says "must be a functional interface" in a file that may hold them (one compile each).
     */
    static boolean functionalNoMore(RefactorInput in, SymbolInfo owner) {
        for (Path file : candidateFiles(in, owner)) {
            if (in.compileErrors(file).stream().anyMatch(e -> e.id() == NOT_A_FUNCTIONAL_INTERFACE)) return true;
        }
        return false;
    }

    /** A lambda's parameter list {@code [start, end)} of its file's text, its parameters, and its body's range. */
    record ParameterList(Path file, int start, int end, List<String> params, int bodyFrom, int bodyTo) {
    }

    /**
     * The parameter lists of the lambdas of m's interface that no longer fit it (the compiler's complaint; one
     * compile of each candidate file): for a refactor that changes them otherwise than by adding one.
     */
    static List<ParameterList> mismatched(RefactorInput in, SymbolInfo m) {
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        if (owner.isEmpty()) return List.of();
        List<ParameterList> out = new ArrayList<>();
        for (Path file : candidateFiles(in, owner.get())) {
            String text = in.text(file);
            for (dev.quicksilver.index.CompileError e : in.compileErrors(file)) {
                if (e.id() == LAMBDA_SIGNATURE_MISMATCHED && e.message().contains(" " + m.name() + "(")) {
                    parameterList(file, text, e).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /**
     * The parameter lists of the lambdas that implement m as the compiler resolves them, m being one of
     * {@code keys} (its keys before and after an edit): those the edit did not break (a reordered list of one
     * type), which no complaint finds. One resolve of each file that may hold them.
     */
    static List<ParameterList> implementing(RefactorInput in, SymbolInfo m, Set<String> keys) {
        Optional<SymbolInfo> owner = in.index().declaration(m.declaringTypeKey());
        if (owner.isEmpty()) return List.of();
        List<ParameterList> out = new ArrayList<>();
        for (Path file : candidateFiles(in, owner.get())) {
            for (dev.quicksilver.index.LambdaSite l : in.index().lambdasImplementing(file, in.text(file), keys)) {
                out.add(new ParameterList(file, l.paramsStart(), l.paramsEnd(), l.params(), l.bodyStart(), l.bodyEnd()));
            }
        }
        return out;
    }

    /** The parameter list of the lambda the error {@code e} is about. */
    private static Optional<ParameterList> parameterList(Path file, String text, dev.quicksilver.index.CompileError e) {
        // The error covers the lambda, or its parameters: its arrow is the first one from the error's start.
        int arrow = text.indexOf("->", e.start());
        boolean itsArrow = arrow >= 0 && (arrow < e.end() || text.substring(e.end(), arrow).isBlank());
        if (!itsArrow) return Optional.empty();
        int end = arrow;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        int start;
        List<String> params;
        if (end > 0 && text.charAt(end - 1) == ')') {
            start = JavaText.matchingOpen(text, end - 1);
            if (start < 0) return Optional.empty();
            String inner = text.substring(start + 1, end - 1);
            params = inner.isBlank() ? List.of() : JavaText.splitTopLevel(inner).stream().map(String::strip).toList();
        } else {
            start = end;
            while (start > 0 && Character.isJavaIdentifierPart(text.charAt(start - 1))) start--;
            if (start == end) return Optional.empty();
            params = List.of(text.substring(start, end));
        }
        return Optional.of(new ParameterList(file, start, end, params, arrow + 2, lambdaBodyEnd(text, arrow + 2)));
    }

    /**
     * The lambdas and method references of one file that no longer fit m. One inside a lambda that did not fit
     * ({@code c -> Stream.of(c).anyMatch(Objects::nonNull)}) is not resolved, so not reported, until the outer one
     * has its new parameters: rounds of compiles with what the ones before found, as {@link RevealedCalls}.
     */
    private static List<Lambda> inFile(RefactorInput in, Path file, String text, SymbolInfo m, AddParameterRefactoring.Arguments a,
                                       SymbolInfo owner) {
        List<Lambda> out = new ArrayList<>();
        FileChange edits = new FileChange(file, text, List.of()); // what the rounds before found, as it will be
        Set<Integer> starts = new java.util.HashSet<>();
        List<dev.quicksilver.index.CompileError> errors = in.compileErrors(file);
        for (int round = 0; round < CompileCheck.MAX_ROUNDS; round++) {
            List<Lambda> found = new ArrayList<>();
            for (dev.quicksilver.index.CompileError reported : errors) {
                boolean lambda = reported.id() == LAMBDA_SIGNATURE_MISMATCHED && reported.message().contains(" " + m.name() + "(");
                if (!lambda && reported.id() != AddParameterRefactoring.NO_APPLICABLE_REFERENCED_METHOD) continue;
                // Where it is in the file's own text (the compile was of the text with the edits of the rounds before).
                var e = new dev.quicksilver.index.CompileError(edits.originalOffset(reported.start()), edits.originalOffset(reported.end()),
                        reported.id(), reported.message(), reported.kind());
                // Names in use around it, the new parameters of the lambdas it is in among them.
                Set<String> taken = identifiers(enclosing(in, file, text, e.start()));
                for (Lambda l : out) if (e.start() >= l.bodyFrom() && e.start() < l.bodyTo()) taken.add(l.name());
                Optional<Lambda> site = lambda ? lambdaSite(in, file, text, e, a, m, taken) : implementingReference(in, file, text, edits, e, a, m, owner, taken);
                site.filter(l -> starts.add(l.site().start())).ifPresent(found::add);
            }
            if (found.isEmpty()) break;
            out.addAll(found);
            List<FileChange.Replacement> made = new ArrayList<>(edits.replacements());
            for (Lambda l : found) made.add(replacement(l));
            edits = new FileChange(file, text, made);
            errors = in.index().compileErrors(file, edits.apply());
        }
        return out;
    }

    /**
     * A lambda that gets the new parameter: the site of its parameter list, where its body lies ({@code [bodyFrom,
     * bodyTo)} of the file's text), and the parameter's name in it.
     */
    record Lambda(Site site, int bodyFrom, int bodyTo, String name) {
    }

    /** The lambda whose error {@code e} is: its parameter list, to get the new parameter. */
    private static Optional<Lambda> lambdaSite(RefactorInput in, Path file, String text, dev.quicksilver.index.CompileError e,
                                               AddParameterRefactoring.Arguments a, SymbolInfo m, Set<String> taken) {
        Optional<ParameterList> found = parameterList(file, text, e);
        if (found.isEmpty()) return Optional.empty();
        int start = found.get().start();
        int end = found.get().end();
        List<String> params = found.get().params();
        if (params.size() != a.paramCount() - 1) return Optional.empty();
        // Typed like the lambda's own parameters: all or none are ("var" counts as a type).
        boolean typed = !params.isEmpty() && params.getFirst().contains(" ");
        boolean var = typed && params.getFirst().startsWith("var ");
        String name = AddParameterRefactoring.fresh(a.paramName(), new java.util.HashSet<>(taken)); // each lambda its own scope
        String param = !typed ? name : (var ? "var" : typeIn(in, m, a, params, e.message())) + " " + name;
        List<String> all = new ArrayList<>(params);
        all.add(a.inserted(), param);
        String list = "(" + String.join(", ", all) + ")";
        String context = "// " + m.signature() + "\n";
        Site site = new Site(file, start, end, "", "", context, 12, modelText -> list, new Site.Fallback(list, start, end, false),
                () -> List.of(list));
        return Optional.of(new Lambda(site, found.get().bodyFrom(), found.get().bodyTo(), name));
    }

    /**
     * The new parameter's type in a typed lambda: a type variable of m's interface ({@code T} of {@code Check<T, U>})
     * becomes what the lambda binds it to, found by matching its parameters against m's old ones ({@code String s}
     * for {@code T value}), else in the compiler's complaint ({@code ... method test(String, Integer, String)}) when
     * that agrees with the lambda's own types; as declared where it stays open.
     */
    private static String typeIn(RefactorInput in, SymbolInfo m, AddParameterRefactoring.Arguments a, List<String> lambdaParams,
                                 String complaint) {
        Set<String> vars = TypeArguments.variablesOf(in, m);
        if (!TypeArguments.mentions(a.declaredType(), vars)) return a.declaredType();
        Map<String, String> binding = new java.util.LinkedHashMap<>();
        List<String> declared = AddParameterRefactoring.oldParameters(in, m, a);
        TypeArguments.unifyParameters(declared, lambdaParams, vars, binding);
        int open = complaint.lastIndexOf('(');
        if (open >= 0 && complaint.endsWith(")")) {
            List<String> types = new ArrayList<>(JavaText.splitTopLevel(complaint.substring(open + 1, complaint.length() - 1)));
            if (types.size() == a.paramCount()) {
                String added = types.remove(a.inserted());
                boolean agrees = types.size() == lambdaParams.size();
                for (int i = 0; agrees && i < types.size(); i++) {
                    agrees = TypeArguments.typeOf(types.get(i) + " x").equals(TypeArguments.typeOf(lambdaParams.get(i)));
                }
                if (agrees) TypeArguments.unify(a.declaredType(), added, vars, binding);
            }
        }
        return TypeArguments.bound(a.declaredType(), vars, binding, m).orElse(a.declaredType());
    }

    /** Where the body of a lambda that starts at {@code from} (after its arrow) ends: its block's brace, or its expression's end. */
    private static int lambdaBodyEnd(String text, int from) {
        int i = JavaText.skipBlank(text, from);
        if (i < text.length() && text.charAt(i) == '{') {
            int close = JavaText.matchingClose(text, i);
            return close < 0 ? text.length() : close + 1;
        }
        while (i < text.length()) {
            char c = text.charAt(i);
            int skipped = JavaText.skippedEnd(text, i, text.length());
            if (skipped > i) {
                i = skipped;
            } else if (c == '(' || c == '[' || c == '{') {
                int close = JavaText.matchingClose(text, i);
                if (close < 0) return text.length();
                i = close + 1;
            } else if (c == ',' || c == ';' || c == ')' || c == ']' || c == '}') {
                return i;
            } else {
                i++;
            }
        }
        return text.length();
    }

    /** A lambda's site as the edit it makes: its one candidate in place of its range. */
    private static FileChange.Replacement replacement(Lambda l) {
        return new FileChange.Replacement(l.site().start(), l.site().end(), l.site().candidates().get().getFirst());
    }

    /**
     * Calls of m inside the lambdas that get the parameter ({@code accept(t, u)} in {@code (t, u) -> { accept(t, u);
     * ... }}): unresolved while the lambda's own parameters did not fit, so the index has none of them; the compiler
     * names them once the lambdas have their new parameter lists ({@link RevealedCalls}). Each passes on its
     * lambda's new parameter.
     */
    static List<CallSite> callsInside(RefactorInput in, SymbolInfo m, AddParameterRefactoring.Arguments a, List<Lambda> lambdas) {
        Map<Path, List<Lambda>> byFile = new java.util.LinkedHashMap<>();
        for (Lambda l : lambdas) byFile.computeIfAbsent(l.site().file(), f -> new ArrayList<>()).add(l);
        List<CallSite> out = new ArrayList<>();
        byFile.forEach((file, inFile) -> {
            List<FileChange.Replacement> edits = inFile.stream().map(Lambdas::replacement).toList();
            out.addAll(RevealedCalls.find(in, file, m, a, edits, at -> inFile.stream()
                    .filter(l -> at >= l.bodyFrom() && at < l.bodyTo())
                    .max(java.util.Comparator.comparingInt(Lambda::bodyFrom)).map(Lambda::name)));
        });
        return out;
    }

    /**
     * The text of the innermost method, constructor or field declaration around {@code offset} (the whole text
     * outside any): a lambda's parameter must not take a name in use there (a local it would shadow illegally, or a
     * field its body reads).
     */
    private static String enclosing(RefactorInput in, Path file, String text, int offset) {
        int bestFrom = 0;
        int bestTo = text.length();
        for (SymbolInfo d : in.index().declarationsIn(file)) {
            if (d.kind() != SymbolKind.METHOD && d.kind() != SymbolKind.CONSTRUCTOR && d.kind() != SymbolKind.FIELD) continue;
            TextRange r = d.location().range();
            int from = JavaText.offsetOf(text, r.startLine(), r.startColumn());
            int to = JavaText.offsetOf(text, r.endLine(), r.endColumn());
            if (offset >= from && offset < to && from >= bestFrom && to <= bestTo) {
                bestFrom = from;
                bestTo = to;
            }
        }
        return text.substring(bestFrom, bestTo);
    }

    /**
     * A method reference that implements m's interface ({@code thread::join} as a {@code FailableBiConsumer}) no
     * longer fits once m takes one more parameter: the compiler says the referenced method does not take m's new
     * parameter types. It becomes a lambda that takes them all and passes the old ones on
     * ({@code (t, u, strict) -> thread.join(t, u)}); through a type ({@code Thread::sleep}), the static call if it
     * compiles there, else the first parameter as the receiver ({@code (s, strict) -> s.length()}). A reference
     * to m itself is left to {@link AddParameterRefactoring}'s search for references to m.
     */
    private static Optional<Lambda> implementingReference(RefactorInput in, Path file, String text, FileChange edits,
                                                          dev.quicksilver.index.CompileError e,
                                                          AddParameterRefactoring.Arguments a, SymbolInfo m, SymbolInfo owner,
                                                          Set<String> inUse) {
        var said = NOT_APPLICABLE_HERE.matcher(e.message());
        if (!said.find()) return Optional.empty();
        List<String> types = JavaText.splitTopLevel(said.group(3));
        if (types.size() != a.paramCount()) return Optional.empty();
        if (a.paramType() != null && !types.get(a.inserted()).equals(AddParameterRefactoring.typeName(a.paramType()))
                && !types.get(a.inserted()).equals(a.declaredType())) {
            return Optional.empty();
        }
        String reference = text.substring(e.start(), Math.min(text.length(), e.end()));
        int sep = reference.indexOf("::");
        if (sep < 0) return Optional.empty();
        String qualifier = reference.substring(0, sep).strip();
        String method = reference.substring(sep + 2).strip();
        if (method.equals(m.name()) && said.group(1).equals(owner.name())) return Optional.empty(); // a reference to m
        Set<String> taken = new java.util.HashSet<>(inUse);
        List<String> names = new ArrayList<>();
        for (String old : a.oldNames()) names.add(AddParameterRefactoring.fresh(old.isBlank() ? "arg" : old, taken));
        String name = AddParameterRefactoring.fresh(a.paramName(), taken);
        List<String> params = new ArrayList<>(names);
        params.add(a.inserted(), name);
        String head = "(" + String.join(", ", params) + ") -> ";
        String passed = String.join(", ", names);
        String lambda;
        if (method.equals("new")) {
            lambda = head + "new " + qualifier + "(" + passed + ")";
        } else if (!AddParameterRefactoring.namesAType(qualifier) || names.isEmpty()) {
            lambda = head + qualifier + "." + method + "(" + passed + ")";
        } else {
            String asStatic = head + qualifier + "." + method + "(" + passed + ")";
            String withReceiver = head + names.getFirst() + "." + method + "(" + String.join(", ", names.subList(1, names.size())) + ")";
            // Compiled with the edits found before it (it may be inside a lambda that gets the parameter).
            List<FileChange.Replacement> made = new ArrayList<>(edits.replacements());
            made.add(new FileChange.Replacement(e.start(), e.end(), asStatic));
            FileChange trial = new FileChange(file, text, made);
            boolean compiles = in.index().compileErrors(file, trial.apply()).stream().noneMatch(x -> {
                int at = trial.originalOffset(x.start());
                return at >= e.start() && at < e.end();
            });
            lambda = compiles ? asStatic : withReceiver;
        }
        String context = "// " + m.signature() + "\n";
        String chosen = lambda;
        Site site = new Site(file, e.start(), e.end(), "", "", context, 24, modelText -> chosen,
                new Site.Fallback(chosen, e.start(), e.end(), true), () -> List.of(chosen), AddParameterRefactoring.receiverCaveat(qualifier));
        return Optional.of(new Lambda(site, e.start(), e.start(), name));
    }

    /** "The type T does not define m(A, B) that is applicable here": T, m, and the types. */
    private static final Pattern NOT_APPLICABLE_HERE = Pattern.compile("The type (\\S+?)(?:<.*>)? does not define (\\S+)\\((.*)\\) that is applicable here");

    /** The words of a Java text that could be names (a lambda parameter must not take one already in use). */
    private static Set<String> identifiers(String text) {
        Set<String> names = new java.util.HashSet<>();
        var words = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*").matcher(text);
        while (words.find()) names.add(words.group());
        return names;
    }
}
