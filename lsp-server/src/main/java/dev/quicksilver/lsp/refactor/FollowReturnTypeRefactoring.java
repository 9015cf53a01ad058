package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "The user changed a method's return type: make its calls take the new one where they no longer compile." The
 * compiler says where ("Type mismatch: cannot convert from long to int" on a call of the method, in the files that
 * call it); two cases are followed. A local variable declared with the call as its initializer ({@code int n =
 * store.count();}) takes the new type ({@code long n}), where that leaves its method compiling as before (the check
 * region is the whole method: a use of the variable that needs the old type keeps the declaration as it was, with the
 * reason). A call whose new type is an {@link java.util.Optional} of what its place expects ({@code String name =
 * repo.find(id);} once {@code find} returns {@code Optional<String>}) has the value taken out of it: the model
 * chooses, from the code around the call, between {@code .orElseThrow()} (absent is a failure) and {@code
 * .orElse(null)} (absent stays null, as before); a primitive's place gets {@code .orElseThrow()}; so does a call
 * whose value is used at once ({@code repo.find(id).length()}: the Optional has no such method). Other places are
 * left as they were, with a note. An override the compiler says no longer fits ("The return type is incompatible")
 * takes the method's return type, where its body compiles so.
 */
public final class FollowReturnTypeRefactoring implements Refactoring {
    private static final Pattern MISMATCH = Pattern.compile("Type mismatch: cannot convert from (.+) to (.+)");

    @Override
    public String name() {
        return "follow-return-type";
    }

    @Override
    public String description() {
        return "make the calls of a method whose return type changed take the new type: their locals' types, or the value out of an Optional";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<SymbolInfo> at = in.methodAt();
        if (at.isEmpty() || at.get().kind() != SymbolKind.METHOD || !(in.thorough() || AddParameterRefactoring.editedNear(in, at.get()))) {
            return Optional.empty();
        }
        SymbolInfo m = at.get();
        String mText = in.text(m.location().path());
        String returnType = ReturnTypes.written(mText, JavaText.offsetOf(mText, m.nameRange().startLine(), m.nameRange().startColumn()));
        if (returnType.isEmpty() || returnType.equals("void")) return Optional.empty();
        // The key ends with the return type ("...(Ljava/lang/String;)I"): calls may still be linked to the key it had.
        Map<Path, List<CallSite>> byFile = new LinkedHashMap<>();
        for (String key : in.keysOf(m)) for (CallSite c : in.index().callSites(key)) byFile.computeIfAbsent(c.location().path(), p -> new ArrayList<>()).add(c);
        String optionalOf = optionalArgument(returnType);
        String context = "// " + m.signature() + " returns " + returnType + " now\n";
        List<Site> sites = new ArrayList<>();
        Map<Path, List<String>> inserted = new LinkedHashMap<>();
        int followed = 0;
        for (Map.Entry<Path, List<CallSite>> e : byFile.entrySet()) {
            Path file = e.getKey();
            String text = in.text(file);
            List<CompileError> errors = in.compileErrors(file);
            List<CompileError> mismatches = errors.stream().filter(x -> MISMATCH.matcher(x.message()).matches()).toList();
            // store.find(id).length(): a method the Optional does not have, called on the call's value.
            List<CompileError> undefined = optionalOf == null ? List.of() : errors.stream().filter(CompileError::unknownName).toList();
            if (mismatches.isEmpty() && undefined.isEmpty()) continue;
            for (CallSite call : e.getValue()) {
                TextRange r = call.location().range();
                int start = JavaText.offsetOf(text, r.startLine(), r.startColumn());
                int end = JavaText.offsetOf(text, r.endLine(), r.endColumn());
                Optional<CompileError> error = mismatches.stream().filter(x -> x.start() == start && x.end() == end).findFirst();
                int member = JavaText.skipBlank(text, end);
                if (error.isEmpty() && member < text.length() && text.charAt(member) == '.'
                        && undefined.stream().anyMatch(x -> x.start() == JavaText.skipBlank(text, member + 1))) {
                    sites.add(unwrapped(file, end, true, context).orElseThrow());
                    followed++;
                    continue;
                }
                if (error.isEmpty()) continue;
                Matcher types = MISMATCH.matcher(error.get().message());
                if (!types.matches()) continue;
                String expected = types.group(2).strip();
                Optional<Site> site = optionalOf != null && sameType(optionalOf, expected) ? unwrapped(file, end, AddParameterRefactoring.BOXES.containsKey(expected), context)
                        : localRetyped(in, file, text, start, expected, returnType, context);
                if (site.isEmpty()) {
                    String call0 = text.substring(start, end);
                    sites.add(new Site(file, start, end, "", "", context, 1, t -> call0, new Site.Fallback(call0, start, end, false), () -> List.of(call0),
                            "left as it was: " + types.group(1).strip() + " does not fit where " + expected + " is expected; change it by hand"));
                    continue;
                }
                sites.add(site.get());
                if (site.get().start() != site.get().end()) inserted.computeIfAbsent(file, f -> new ArrayList<>()).add(returnType);
                followed++;
            }
        }
        // Overrides written with another return type no longer override ("The return type is incompatible with
        // Store.count()"): they take the method's, where their bodies compile so.
        List<SymbolInfo> overrides = new ArrayList<>();
        for (String key : in.keysOf(m)) for (SymbolInfo o : in.index().implementations(key)) if (!overrides.contains(o)) overrides.add(o);
        int retyped = 0;
        for (SymbolInfo o : overrides) {
            Optional<Site> site = overrideRetyped(in, o, returnType, context);
            if (site.isEmpty()) continue;
            sites.add(site.get());
            inserted.computeIfAbsent(o.location().path(), f -> new ArrayList<>()).add(returnType);
            retyped++;
        }
        if (followed + retyped == 0) return Optional.empty(); // notes alone: nothing this refactor can do here
        // The new type's names, imported where the method's file imports them.
        sites.addAll(Imports.needed(in, m.location().path(), inserted, true));
        long files = sites.stream().map(Site::file).distinct().count();
        List<String> where = new ArrayList<>();
        if (followed > 0) where.add(RefactorPlan.count(followed, "call"));
        if (retyped > 0) where.add(RefactorPlan.count(retyped, "override"));
        String title = "Follow " + ChangeSignatureRefactoring.ownerName(m) + "." + m.name() + "()" + "'s new return type " + returnType + " at "
                + String.join(" and ", where) + " (" + RefactorPlan.count(files, "file") + ")";
        return Optional.of(new RefactorPlan(name(), title, sites, 0, "a local's type written as the method's"));
    }

    /** JDT's IProblem.IncompatibleReturnType: an override whose return type does not fit the method's. */
    private static final int INCOMPATIBLE_RETURN_TYPE = 67109268;

    /**
     * The override o's return type made the method's, where the compiler says o's no longer fits it; checked over o's
     * whole declaration (a body that returns what the new type does not take keeps the old one, with the reason).
     */
    private static Optional<Site> overrideRetyped(RefactorInput in, SymbolInfo o, String returnType, String context) {
        Path file = o.location().path();
        String text = in.text(file);
        int nameAt = JavaText.offsetOf(text, o.nameRange().startLine(), o.nameRange().startColumn());
        int[] type = ReturnTypes.range(text, nameAt);
        if (type[0] >= type[1]) return Optional.empty();
        boolean incompatible = in.compileErrors(file).stream()
                .anyMatch(e -> e.id() == INCOMPATIBLE_RETURN_TYPE && e.start() < type[1] && e.end() > type[0]);
        if (!incompatible) return Optional.empty();
        int from = JavaText.offsetOf(text, o.location().range().startLine(), o.location().range().startColumn());
        int to = JavaText.offsetOf(text, o.location().range().endLine(), o.location().range().endColumn());
        return Optional.of(new Site(file, type[0], type[1], "", "", context, 1, t -> returnType,
                new Site.Fallback(returnType, Math.min(from, type[0]), Math.max(to, type[1]), true), () -> List.of(returnType)));
    }

    /** {@code T} of {@code Optional<T>} (or {@code java.util.Optional<T>}); null for other types. */
    static String optionalArgument(String type) {
        Matcher m = Pattern.compile("(?:java\\.util\\.)?Optional\\s*<\\s*(.+)\\s*>").matcher(type);
        return m.matches() ? m.group(1).strip() : null;
    }

    /** Whether a type as written and as the compiler names it are one (the compiler drops packages). */
    private static boolean sameType(String written, String named) {
        return written.replaceAll("\\b[a-z]\\w*\\.", "").replace(" ", "").equals(named.replaceAll("\\b[a-z]\\w*\\.", "").replace(" ", ""))
                || AddParameterRefactoring.BOXES.getOrDefault(named, named).equals(written.replaceAll("^java\\.lang\\.", ""));
    }

    /**
     * The value out of the Optional, after the call: the model chooses {@code .orElseThrow()} or {@code .orElse(null)};
     * where null could not be used ({@code mustHold}: a primitive's place, which null does not unbox into, or a value
     * used at once) it is {@code .orElseThrow()}.
     */
    private static Optional<Site> unwrapped(Path file, int callEnd, boolean mustHold, String context) {
        List<String> choices = mustHold ? List.of(".orElseThrow()") : List.of(".orElseThrow()", ".orElse(null)");
        String fallback = ".orElseThrow()";
        return Optional.of(new Site(file, callEnd, callEnd, "", "", context, 8, t -> choices.contains(t.strip()) ? t.strip() : fallback,
                new Site.Fallback(fallback, callEnd, callEnd, false), () -> choices));
    }

    /**
     * {@code T v = call;} on one line, T written as {@code expected}: T becomes the new return type, checked over the
     * whole method around it (a use that needs the old type keeps it as it was).
     */
    private static Optional<Site> localRetyped(RefactorInput in, Path file, String text, int callStart, String expected, String returnType, String context) {
        int equals = JavaText.skipBlankBack(text, callStart);
        if (equals < 1 || text.charAt(equals - 1) != '=' || equals >= 2 && "=!<>+-*/%&|^".indexOf(text.charAt(equals - 2)) >= 0) return Optional.empty();
        int nameEnd = JavaText.skipBlankBack(text, equals - 1);
        int nameStart = nameEnd;
        while (nameStart > 0 && Character.isJavaIdentifierPart(text.charAt(nameStart - 1))) nameStart--;
        if (nameStart == nameEnd) return Optional.empty();
        int[] type = ReturnTypes.range(text, nameStart);
        if (type[0] >= type[1] || !sameType(text.substring(type[0], type[1]), expected)) return Optional.empty();
        // A declaration, not an assignment: the type starts its statement (after modifiers such as final).
        int lineStart = text.lastIndexOf('\n', Math.max(0, type[0] - 1)) + 1;
        if (!text.substring(lineStart, type[0]).matches("\\s*(final\\s+)?")) return Optional.empty();
        int line = (int) text.substring(0, callStart).chars().filter(c -> c == '\n').count();
        Optional<SymbolInfo> method = in.index().declarationsIn(file).stream()
                .filter(d -> (d.kind() == SymbolKind.METHOD || d.kind() == SymbolKind.CONSTRUCTOR) && d.location().range().startLine() <= line
                        && line <= d.location().range().endLine())
                .max(java.util.Comparator.comparingInt(d -> d.location().range().startLine()));
        int from = method.map(d -> JavaText.offsetOf(text, d.location().range().startLine(), d.location().range().startColumn())).orElse(type[0]);
        int to = method.map(d -> JavaText.offsetOf(text, d.location().range().endLine(), d.location().range().endColumn())).orElse(type[1]);
        // Optional: where the new type adds a compile error in the method, the declaration stays as it was.
        return Optional.of(new Site(file, type[0], type[1], "", "", context, 1, t -> returnType,
                new Site.Fallback(returnType, Math.min(from, type[0]), Math.max(to, type[1]), true), () -> List.of(returnType)));
    }
}
