package dev.quicksilver.lsp.refactor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The imports a refactor's text needs where it lands: text written in one file (a parameter {@code Locale locale}
 * added to an interface method, whose file imports {@code java.util.Locale}) and put into others (the
 * implementations' parameter lists) names types those files may not import. For each file, one site adds the
 * single-type imports of the source file (and the types of the source file's own package) that name a type the
 * inserted texts use and the file neither imports
 * (by name or package) nor has in its own package, nor declares or imports another type of that name. Decided
 * without the model; placed among the file's imports in alphabetical order, or after its package declaration.
 */
final class Imports {
    static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
    static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern TYPE_NAME = Pattern.compile("\\b[A-Z][\\w$]*\\b");

    private Imports() {
    }

    /**
     * One site per file of {@code inserted} (file to the texts put there) that adds the imports those texts need,
     * taken from {@code source}'s imports; {@code optional} as the sites they serve are.
     */
    static List<Site> needed(RefactorInput in, Path source, Map<Path, List<String>> inserted, boolean optional) {
        String sourceText = in.text(source);
        Map<String, String> sourceImports = singleTypeImports(sourceText);
        Matcher sourcePackage = PACKAGE.matcher(sourceText);
        String ownPackage = sourcePackage.find() ? sourcePackage.group(1) : "";
        List<Site> out = new ArrayList<>();
        for (Map.Entry<Path, List<String>> e : inserted.entrySet()) {
            Path file = e.getKey();
            if (file.equals(source)) continue;
            String text = in.text(file);
            Set<String> names = new LinkedHashSet<>();
            for (String t : e.getValue()) {
                Matcher m = TYPE_NAME.matcher(t);
                while (m.find()) names.add(m.group());
            }
            List<String> lines = new ArrayList<>();
            for (String name : names) {
                String qualified = sourceImports.getOrDefault(name, ownPackageType(in, ownPackage, name));
                if (qualified != null && lacks(text, qualified, name)) lines.add("import " + qualified + ";");
            }
            if (!lines.isEmpty()) out.add(site(file, text, lines, optional));
        }
        return out;
    }

    /** {@code pkg.name} when the workspace declares a top-level type of that name in the source file's package. */
    private static String ownPackageType(RefactorInput in, String pkg, String name) {
        if (pkg.isEmpty()) return null;
        String qualified = pkg + "." + name;
        return in.index().declarationsNamed(name).stream()
                .anyMatch(d -> d.kind().isType() && d.qualifiedName().equals(qualified)) ? qualified : null;
    }

    private static final Pattern ONLY_IMPORTS = Pattern.compile("\\s*(import\\s+[\\w.]+\\s*;\\s*)+");

    /** Whether a text is import lines and blanks only. */
    static boolean onlyImports(String text) {
        return ONLY_IMPORTS.matcher(text).matches();
    }

    /** Whether a site is one that adds imports. */
    static boolean isImportSite(Site s) {
        return s.start() == s.end() && ONLY_IMPORTS.matcher(s.fallback().text()).matches();
    }

    /**
     * The lines of an import block whose type {@code text} names outside its imports: those the edits that stayed
     * still use.
     */
    static String used(String block, String text) {
        String code = IMPORT.matcher(text).replaceAll("");
        StringBuilder out = new StringBuilder();
        for (String line : block.split("(?<=\n)")) {
            Matcher m = IMPORT.matcher(line);
            if (m.find()) {
                String q = m.group(2);
                if (!Pattern.compile("\\b" + Pattern.quote(q.substring(q.lastIndexOf('.') + 1)) + "\\b").matcher(code).find()) continue;
            }
            out.append(line);
        }
        // A block placed after the package declaration starts with a blank line: with no import left, nothing is.
        return out.toString().isBlank() ? "" : out.toString();
    }

    /** Simple name to qualified name of a text's single-type, non-static imports. */
    private static Map<String, String> singleTypeImports(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
            String q = m.group(2);
            if (m.group(1) != null || q.endsWith(".*")) continue;
            out.put(q.substring(q.lastIndexOf('.') + 1), q);
        }
        return out;
    }

    /**
     * Whether {@code text} needs an import of {@code qualified} to use {@code name}: it does not import it (nor its
     * package), is not in its package, and names no other type so (an import or a declaration of that name).
     */
    static boolean lacks(String text, String qualified, String name) {
        String pkg = qualified.substring(0, qualified.lastIndexOf('.'));
        Matcher p = PACKAGE.matcher(text);
        if (p.find() && p.group(1).equals(pkg)) return false;
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) continue;
            String q = m.group(2);
            if (q.equals(qualified) || q.equals(pkg + ".*")) return false;
            if (q.endsWith("." + name)) return false; // another type of that name: leave it to the user
        }
        return !Pattern.compile("\\b(class|interface|enum|record)\\s+" + Pattern.quote(name) + "\\b").matcher(text).find();
    }

    /**
     * The imports, sorted, before the file's first non-static import that sorts after the first of them (so an
     * alphabetical list stays so), else after its last import, else after its package declaration.
     */
    static Site site(Path file, String text, List<String> lines, boolean optional) {
        List<String> sorted = lines.stream().sorted().toList();
        int at = 0;
        String block = String.join("\n", sorted) + "\n";
        String first = sorted.getFirst().substring("import ".length(), sorted.getFirst().length() - 1);
        Matcher m = IMPORT.matcher(text);
        int lastImportEnd = -1;
        int before = -1;
        String group = first.substring(0, first.indexOf('.') + 1); // "java.": imports are often grouped so
        String previous = null;
        while (m.find()) {
            if (before < 0 && m.group(1) == null && m.group(2).compareTo(first) > 0) {
                // The next group starts here: stay at the end of the one before, when it is the import's own.
                boolean nextGroup = previous != null && previous.startsWith(group) && !m.group(2).startsWith(group);
                int lineEnd = text.indexOf('\n', lastImportEnd);
                before = nextGroup && lineEnd >= 0 ? lineEnd + 1 : text.lastIndexOf('\n', m.start(2)) + 1;
            }
            lastImportEnd = m.end();
            if (m.group(1) == null) previous = m.group(2);
        }
        if (before >= 0) {
            at = before;
        } else if (lastImportEnd >= 0) {
            at = text.indexOf('\n', lastImportEnd);
            at = at < 0 ? text.length() : at + 1;
        } else {
            Matcher p = PACKAGE.matcher(text);
            if (p.find()) {
                at = text.indexOf('\n', p.end());
                at = at < 0 ? text.length() : at + 1;
                block = "\n" + block;
            }
        }
        String insert = block;
        return new Site(file, at, at, "", "", "", 16, modelText -> insert, new Site.Fallback(insert, at, at, optional), () -> List.of(insert));
    }

    /** The files of {@code sites}, each with what the sites there put in (their one candidate or their fallback). */
    static Map<Path, List<String>> insertedBy(List<Site> sites) {
        Map<Path, List<String>> out = new LinkedHashMap<>();
        for (Site s : sites) {
            List<String> candidates = s.candidates().get();
            String text = candidates.size() == 1 ? candidates.getFirst() : s.fallback().text();
            out.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(s.before() + text + s.after());
        }
        return out;
    }
}
