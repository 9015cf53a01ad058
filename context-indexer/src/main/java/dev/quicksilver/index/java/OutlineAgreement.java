package dev.quicksilver.index.java;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How far a file's {@link JavaOutline} agrees with its resolved facts: the check behind the outline's promise that
 * completions see the same declarations before and after JDT resolves a file. Declarations inside method bodies
 * and initializers (local and anonymous classes and their members) are left out: the outline does not read
 * bodies. A declaration agrees when kind, qualified name, name range, signature, modifiers, javadoc summary and
 * range are equal, and, for a type, its key and declaring type key too.
 */
public final class OutlineAgreement {
    /** JDT keys local and anonymous types with {@code $} and a digit ({@code Lp/A$1;}, {@code Lp/A$1Local;}). */
    private static final Pattern LOCAL_TYPE = Pattern.compile("\\$\\d");

    /**
     * @param resolved     declarations of the resolved facts the outline could see
     * @param agreeing     of those, the ones the outline has exactly
     * @param extra        outline declarations with no resolved counterpart
     * @param differences  one line per disagreement (at most {@code maxDifferences})
     */
    public record Result(int resolved, int agreeing, int extra, List<String> differences) {
        public Result plus(Result other, int maxDifferences) {
            List<String> all = new ArrayList<>(differences);
            for (String d : other.differences) if (all.size() < maxDifferences) all.add(d);
            return new Result(resolved + other.resolved, agreeing + other.agreeing, extra + other.extra, all);
        }

        public static Result empty() {
            return new Result(0, 0, 0, List.of());
        }
    }

    private OutlineAgreement() {
    }

    public static Result compare(JavaFileFacts resolved, JavaFileFacts outline, int maxDifferences) {
        List<SymbolInfo> visible = new ArrayList<>();
        List<SymbolInfo> bodies = resolved.declarations().stream()
                .filter(d -> d.kind() == SymbolKind.METHOD || d.kind() == SymbolKind.CONSTRUCTOR || d.kind() == SymbolKind.FIELD).toList();
        for (SymbolInfo d : resolved.declarations()) {
            String typeKey = d.kind().isType() ? d.key() : d.declaringTypeKey();
            if (d.key().startsWith("?") || LOCAL_TYPE.matcher(typeKey).find() || insideBody(d, bodies)) continue;
            visible.add(d);
        }
        Map<String, SymbolInfo> byPlace = new HashMap<>();
        for (SymbolInfo d : outline.declarations()) byPlace.put(place(d), d);
        Set<String> matched = new HashSet<>();
        List<String> differences = new ArrayList<>();
        int agreeing = 0;
        for (SymbolInfo d : visible) {
            SymbolInfo o = byPlace.get(place(d));
            String difference;
            if (o == null) {
                difference = "missing";
            } else {
                matched.add(place(d));
                difference = difference(d, o);
            }
            if (difference == null) agreeing++;
            else if (differences.size() < maxDifferences) differences.add(resolved.path() + ": " + d.qualifiedName() + " (" + d.kind() + "): " + difference);
        }
        int extra = (int) outline.declarations().stream().filter(d -> !matched.contains(place(d))).count();
        return new Result(visible.size(), agreeing, extra, differences);
    }

    private static boolean insideBody(SymbolInfo d, List<SymbolInfo> bodies) {
        for (SymbolInfo b : bodies) {
            if (b != d && b.location().range().startLine() <= d.location().range().startLine()
                    && b.location().range().endLine() >= d.location().range().endLine()
                    && strictlyContains(b, d)) {
                return true;
            }
        }
        return false;
    }

    private static boolean strictlyContains(SymbolInfo outer, SymbolInfo inner) {
        var o = outer.location().range();
        var i = inner.location().range();
        boolean startsAfter = i.startLine() > o.startLine() || (i.startLine() == o.startLine() && i.startColumn() > o.startColumn());
        boolean endsBefore = i.endLine() < o.endLine() || (i.endLine() == o.endLine() && i.endColumn() <= o.endColumn());
        return startsAfter && endsBefore;
    }

    private static String place(SymbolInfo d) {
        return d.kind() + "|" + d.qualifiedName() + "|" + d.nameRange();
    }

    private static String difference(SymbolInfo resolved, SymbolInfo outline) {
        if (!resolved.signature().equals(outline.signature())) return "signature " + outline.signature() + " instead of " + resolved.signature();
        if (!resolved.modifiers().equals(outline.modifiers())) return "modifiers " + outline.modifiers() + " instead of " + resolved.modifiers();
        if (!resolved.javadocSummary().equals(outline.javadocSummary())) return "javadoc \"" + outline.javadocSummary() + "\" instead of \"" + resolved.javadocSummary() + "\"";
        if (!resolved.location().equals(outline.location())) return "range " + outline.location().range() + " instead of " + resolved.location().range();
        if (resolved.kind().isType()) {
            if (!resolved.key().equals(outline.key())) return "key " + outline.key() + " instead of " + resolved.key();
            if (!Objects.equals(resolved.declaringTypeKey(), outline.declaringTypeKey())) {
                return "declaring type " + outline.declaringTypeKey() + " instead of " + resolved.declaringTypeKey();
            }
        } else if (!JavaOutline.isProvisionalKey(outline.key())) {
            return "member key " + outline.key() + " is not provisional";
        }
        return null;
    }
}
