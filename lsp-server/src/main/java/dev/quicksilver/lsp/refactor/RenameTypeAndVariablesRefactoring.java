package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.VariableUses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;

/**
 * "Rename the type, and the variables named after it": what IntelliJ offers after a class rename ("Rename
 * variables"), offered beside {@link RenameTypeRefactoring}'s plan as a second code action. A local or parameter
 * declared with the type whose name says the words the type's name changed takes the new ones ({@code Store} ->
 * {@code Shop}: {@code store}, {@code oldStore}, {@code storeCopy} -> {@code shop}, {@code oldShop}, {@code
 * shopCopy}, and {@code stores} -> {@code shops} for a {@code Store[]} or a {@code List<Store>}; {@code JsonWriter}
 * -> {@code JsonPrinter}: {@code writer} -> {@code printer}) at its declaration and every use the compiler binds to
 * it, and a parameter's {@code @param} tag follows; so does a private field (seen in its file alone), where the new
 * name is said nowhere in its file. The type's uses are renamed first (in the text the variables are looked for in,
 * so the compiler binds the variables as they will be). A variable whose new name is another variable's in its
 * scope, or a keyword, keeps its name; other fields (whose uses reach other files, and whose names a class's API may
 * fix), record components and methods keep theirs. Decided, without the model.
 */
public final class RenameTypeAndVariablesRefactoring implements Refactoring {
    @Override
    public String name() {
        return "rename-type-and-variables";
    }

    @Override
    public String description() {
        return "rename-type, and the local variables and parameters named after the type (store -> shop)";
    }

    @Override
    public Optional<RefactorPlan> plan(RefactorInput in) {
        Optional<RenameTypeRefactoring.RetypedType> retyped = RenameTypeRefactoring.retypedAt(in);
        if (retyped.isEmpty()) return Optional.empty();
        Optional<RefactorPlan> typePlan = new RenameTypeRefactoring().plan(in, retyped.get());
        if (typePlan.isEmpty() || typePlan.get().isRefused()) return Optional.empty();
        String old = retyped.get().old();
        String now = retyped.get().type().name();
        RefactorPlan type = typePlan.get();

        // Where the type is used, and where it is declared: the files its variables can be in.
        Map<Path, List<FileChange.Replacement>> typeEdits = new LinkedHashMap<>();
        typeEdits.put(retyped.get().type().location().path(), new ArrayList<>());
        for (Site s : type.sites()) {
            if (!s.file().toString().endsWith(".java")) continue;
            typeEdits.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(new FileChange.Replacement(s.start(), s.end(), s.fallback().text()));
        }
        String context = "// the variables named after " + old + ", renamed after " + now + "\n";
        List<Site> sites = new ArrayList<>();
        Map<String, String> renamed = new LinkedHashMap<>(); // old variable name -> new, for the title
        for (Map.Entry<Path, List<FileChange.Replacement>> e : typeEdits.entrySet()) {
            Path file = e.getKey();
            FileChange typeRenamed = new FileChange(file, in.text(file), e.getValue());
            String text = typeRenamed.apply();
            List<Variable> named = new ArrayList<>();
            List<String> newNames = new ArrayList<>();
            for (Variable v : variablesOf(text, now)) {
                String newName = renamedVariable(v.name(), old, now, v.several());
                if (newName == null) continue;
                named.add(v);
                newNames.add(newName);
            }
            if (named.isEmpty()) continue;
            // One resolve of the file for all of them.
            List<Optional<VariableUses>> found = in.index().localOrPrivateFieldUses(file, text, named.stream().map(Variable::start).toList(), newNames);
            for (int i = 0; i < named.size(); i++) {
                Variable v = named.get(i);
                String newName = newNames.get(i);
                Optional<VariableUses> uses = found.get(i);
                if (uses.isEmpty() || uses.get().clashes()) continue;
                List<Integer> at = new ArrayList<>(uses.get().uses());
                at.add(v.start());
                if (uses.get().methodParameter()) at.addAll(paramTags(text, v.start(), v.name()));
                for (int offset : at) {
                    int original = typeRenamed.originalOffset(offset);
                    if (!in.text(file).startsWith(v.name(), original)) continue;
                    sites.add(Site.decided(file, original, original + v.name().length(), newName, context));
                }
                // A private field's Javadoc references ({@link #shop}) follow it, as rename-field's do: a stale one
                // fails javadoc -Xdoclint.
                fieldAt(in, file, typeRenamed.originalOffset(v.start())).ifPresent(field -> {
                    for (Site link : JavadocLinks.renamed(in, field, v.name(), newName)) {
                        if (sites.stream().noneMatch(x -> x.file().equals(link.file()) && x.start() == link.start())) sites.add(link);
                    }
                });
                renamed.putIfAbsent(v.name(), newName);
            }
        }
        if (renamed.isEmpty()) return Optional.empty();
        List<Site> all = new ArrayList<>(type.sites());
        all.addAll(sites);
        int variables = renamed.size();
        List<String> shown = renamed.entrySet().stream().limit(3).map(r -> r.getKey() + " -> " + r.getValue()).toList();
        String title = type.title() + ", and the variable" + (variables == 1 ? "" : "s") + " named after it ("
                + String.join(", ", shown) + (variables > 3 ? ", and " + (variables - 3) + " more" : "") + ")";
        return Optional.of(new RefactorPlan(name(), title, all, 0,
                type.decidedBecause() + "; each variable named after the type, at its declaration and the uses the compiler binds to it",
                type.fileRenames()));
    }

    /** The field whose name is declared at {@code offset} of the file as indexed, if one is. */
    private static Optional<SymbolInfo> fieldAt(RefactorInput in, Path file, int offset) {
        String text = in.text(file);
        return in.index().declarationsIn(file).stream()
                .filter(d -> d.kind() == SymbolKind.FIELD && JavaText.offsetOf(text, d.nameRange().startLine(), d.nameRange().startColumn()) == offset)
                .findFirst();
    }

    /**
     * A variable declared with the type: its name's offset and name, and whether it holds several (an array,
     * varargs, a container's last type argument), whose name may say the type's word in the plural.
     */
    record Variable(int start, String name, boolean several) {
    }

    /**
     * The declarations {@code Type name} in {@code text}'s code where the type is {@code type} (its simple name,
     * with type arguments, array brackets or varargs, or the last type argument of a container's: {@code
     * List<Shop> shops}): a local's, a parameter's, a for loop's, a catch clause's, a pattern's, a typed lambda
     * parameter's, and a field's (the compiler tells which: a private field is renamed, others are left).
     */
    static List<Variable> variablesOf(String text, String type) {
        List<Variable> out = new ArrayList<>();
        for (int[] word : JavaText.codeWords(text, 0, text.length())) {
            if (word[1] - word[0] != type.length() || !text.startsWith(type, word[0])) continue;
            int i = JavaText.skipBlank(text, word[1]);
            boolean several = false;
            int before = JavaText.skipBlankBack(text, word[0]);
            if (i < text.length() && text.charAt(i) == '>' && before > 0 && (text.charAt(before - 1) == '<' || text.charAt(before - 1) == ',')) {
                // The last type argument of a container's type (List<Shop>, Map<String, Shop>): its variable holds
                // several, as an array's does. Not one nested in another's (List<List<Shop>>).
                int open = openingAngle(text, before - 1);
                if (open < 0 || closingAngle(text, open) != i) continue;
                int generic = JavaText.skipBlankBack(text, open);
                int simple = generic; // the container type's simple name, capitalised as types are
                while (simple > 0 && Character.isJavaIdentifierPart(text.charAt(simple - 1))) simple--;
                if (simple == generic || !Character.isUpperCase(text.charAt(simple))) continue;
                int qualified = simple; // back over its package (java.util.List)
                while (qualified > 1 && text.charAt(qualified - 1) == '.' && Character.isJavaIdentifierPart(text.charAt(qualified - 2))) {
                    qualified--;
                    while (qualified > 0 && Character.isJavaIdentifierPart(text.charAt(qualified - 1))) qualified--;
                }
                int outer = JavaText.skipBlankBack(text, qualified);
                if (outer > 0 && (text.charAt(outer - 1) == '<' || text.charAt(outer - 1) == ',')) continue;
                several = true;
                i = JavaText.skipBlank(text, i + 1);
            } else if (i < text.length() && text.charAt(i) == '<') {
                int close = closingAngle(text, i);
                if (close < 0) continue;
                i = JavaText.skipBlank(text, close + 1);
            }
            while (true) {
                if (text.startsWith("[", i)) {
                    int close = JavaText.skipBlank(text, i + 1);
                    if (!text.startsWith("]", close)) break;
                    several = true;
                    i = JavaText.skipBlank(text, close + 1);
                } else if (text.startsWith("...", i)) {
                    several = true;
                    i = JavaText.skipBlank(text, i + 3);
                } else {
                    break;
                }
            }
            Matcher name = DECLARED_NAME.matcher(text).region(i, text.length());
            if (!name.lookingAt() || !SourceVersion.isName(name.group(1))) continue;
            out.add(new Variable(name.start(1), name.group(1), several));
        }
        return out;
    }

    /** A declared variable's name and what may follow it: an initializer, the end, the next one, a for loop's colon, a pattern's condition. */
    private static final Pattern DECLARED_NAME = Pattern.compile("([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)\\s*(?=[=;,):&|?]|\\[\\s*\\]\\s*[=;,)])");

    /** The offset of the '<' whose type arguments hold {@code inside}, or -1 where none opens before the statement. */
    private static int openingAngle(String text, int inside) {
        int depth = 0;
        for (int i = inside; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == '>') depth++;
            else if (c == '<' && depth-- == 0) return i;
            else if (c == ';' || c == '{' || c == '}' || c == '(' || c == '=') return -1;
        }
        return -1;
    }

    /** The offset of the '>' closing the type arguments opened at {@code open}, or -1 when they do not close on the type. */
    private static int closingAngle(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<') depth++;
            else if (c == '>' && --depth == 0) return i;
            else if (c == ';' || c == '{' || c == '(' || c == '=') return -1;
        }
        return -1;
    }

    /**
     * The variable's new name, as IntelliJ's rename suggests it: the words the type's name changed ({@code Writer} in
     * {@code JsonWriter} -> {@code JsonPrinter}; all of {@code Store} -> {@code Shop}) are replaced where the name says
     * the type's last words down to them, the last such place ({@code writer} -> {@code printer}, {@code jsonWriter}
     * -> {@code jsonPrinter}, {@code oldStore} -> {@code oldShop}, {@code storeCopy} -> {@code shopCopy}; {@code
     * stores} -> {@code shops} where the variable holds {@code several}), the name's own words kept around them, the
     * first word lower case where it starts the name; null where the name does not say the changed words ({@code
     * store} for an {@code OrderStore} renamed {@code PurchaseStore}), or the new name is no identifier.
     */
    static String renamedVariable(String variable, String oldType, String newType, boolean several) {
        List<String> words = words(variable);
        List<String> oldWords = words(oldType);
        List<String> newWords = words(newType);
        if (words.isEmpty() || oldWords.isEmpty() || newWords.isEmpty() || variable.contains("_")) return null;
        // The words the two names share at their start and at their end are no change.
        int prefix = 0;
        while (prefix < oldWords.size() && prefix < newWords.size() && oldWords.get(prefix).equalsIgnoreCase(newWords.get(prefix))) prefix++;
        int suffix = 0;
        while (suffix < oldWords.size() - prefix && suffix < newWords.size() - prefix
                && oldWords.get(oldWords.size() - 1 - suffix).equalsIgnoreCase(newWords.get(newWords.size() - 1 - suffix))) suffix++;
        // The old name's changed words, which the name must say (none where words were only added: Adapter ->
        // TypeAdapter; then it must say the words after the new ones).
        int changed = oldWords.size() - prefix - suffix;
        List<String> replacement = newWords.subList(prefix, newWords.size() - suffix);
        // The last place the name says the type's last k words (k reaching back over the changed ones), the longest there.
        for (int end = words.size(); end >= 1; end--) {
            for (int k = Math.min(end, oldWords.size()); k >= Math.max(1, changed + suffix); k--) {
                int start = end - k;
                String plural = "";
                boolean says = true;
                for (int m = 0; m < k && says; m++) {
                    String w = words.get(start + m);
                    String o = oldWords.get(oldWords.size() - k + m);
                    if (w.equalsIgnoreCase(o)) continue;
                    // The type's last word made plural at the name's end, where the variable holds several (stores).
                    boolean pluralEnd = several && m == k - 1 && end == words.size() && w.length() == o.length() + 1
                            && w.regionMatches(true, 0, o, 0, o.length()) && Character.toLowerCase(w.charAt(o.length())) == 's';
                    if (pluralEnd) plural = w.substring(o.length());
                    else says = false;
                }
                if (!says) continue;
                int changedStart = start + k - changed - suffix; // where in the name the changed words are
                List<String> named = new ArrayList<>(words.subList(0, changedStart));
                named.addAll(replacement);
                named.addAll(words.subList(changedStart + changed, words.size()));
                if (named.isEmpty()) return null;
                StringBuilder out = new StringBuilder(lowerFirstWord(named.getFirst()));
                for (String w : named.subList(1, named.size())) out.append(capitalized(w));
                // A plural's s on a changed word goes on the new last word (on a kept one, it stayed with it).
                if (suffix == 0) out.append(plural);
                String name = out.toString();
                return name.equals(variable) || !SourceVersion.isName(name) ? null : name;
            }
        }
        return null;
    }

    /** camelCase words: {@code orderStore} -> order, Store; {@code URLStore} -> URL, Store; {@code store2} -> store2. */
    static List<String> words(String name) {
        List<String> out = new ArrayList<>();
        for (String w : name.split("(?<=[\\p{Ll}\\d])(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /** An upper-case word (an acronym: {@code URL}) lower case, else its first letter: where a variable's name starts. */
    private static String lowerFirstWord(String w) {
        return w.chars().allMatch(c -> !Character.isLetter(c) || Character.isUpperCase(c)) ? w.toLowerCase(java.util.Locale.ROOT)
                : Character.toLowerCase(w.charAt(0)) + w.substring(1);
    }

    private static String capitalized(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    /**
     * The offsets of {@code name} in the {@code @param name} tag of the Javadoc of the method whose parameter is
     * declared at {@code declared}: the comment right before the method's header (nothing but annotations, modifiers
     * and the header between them).
     */
    static List<Integer> paramTags(String text, int declared, String name) {
        int close = text.lastIndexOf("*/", declared);
        int open = close < 0 ? -1 : text.lastIndexOf("/**", close);
        if (open < 0) return List.of();
        // The comment is the method's where no member ends or body opens between it and the parameter.
        String between = text.substring(close + 2, declared);
        if (between.contains(";") || between.contains("{") || between.contains("}")) return List.of();
        Matcher tag = Pattern.compile("@param\\s+(" + Pattern.quote(name) + ")(?![\\w$])").matcher(text).region(open, close);
        List<Integer> out = new ArrayList<>();
        while (tag.find()) out.add(tag.start(1));
        return out;
    }
}
