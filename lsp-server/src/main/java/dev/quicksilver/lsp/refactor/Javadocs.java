package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.TextRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A method's Javadoc {@code @param} tags, kept in step with its parameters: a tag for a parameter the method no
 * longer has fails {@code javadoc -Xdoclint} ("@param name not found"), as an IDE's change-signature knows. The
 * index's declaration range starts at the Javadoc, when there is one.
 */
final class Javadocs {
    private static final Pattern PARAM_TAG = Pattern.compile("(?m)^[ \\t]*\\*?[ \\t]*@param[ \\t]+(<?[\\w$]+>?)");
    private static final Pattern ANY_TAG = Pattern.compile("(?m)^[ \\t]*\\*?[ \\t]*@\\w");

    private Javadocs() {
    }

    /** The Javadoc of {@code d} as offsets {@code [open, close)} into {@code text} ("/**" to past "*&#47;"), if it has one. */
    private static Optional<int[]> of(SymbolInfo d, String text) {
        TextRange r = d.location().range();
        int start = JavaText.offsetOf(text, r.startLine(), r.startColumn());
        int name = JavaText.offsetOf(text, d.nameRange().startLine(), d.nameRange().startColumn());
        if (!text.startsWith("/**", start)) return Optional.empty();
        int close = text.indexOf("*/", start + 3);
        return close < 0 || close > name ? Optional.empty() : Optional.of(new int[] {start, close + 2});
    }

    /**
     * The names {@code d}'s Javadoc gives its parameters, in order (a type parameter's {@code <T>} left out); empty
     * without tags. Right after an edit of the header they may still be the old ones: what the method was.
     */
    static List<String> paramNames(RefactorInput in, SymbolInfo d) {
        String text = in.text(d.location().path());
        List<String> names = new ArrayList<>();
        Optional<int[]> doc = of(d, text);
        if (doc.isEmpty()) return names;
        Matcher tag = PARAM_TAG.matcher(text).region(doc.get()[0] + 3, doc.get()[1] - 2);
        while (tag.find()) {
            if (!tag.group(1).startsWith("<") && tag.start() > 0 && text.charAt(tag.start() - 1) == '\n') names.add(tag.group(1));
        }
        return names;
    }

    /**
     * The site that puts {@code d}'s Javadoc {@code @param} tags in the order of {@code names}, where they stand one
     * after another and name exactly those parameters (each tag with its continuation lines). Decided.
     */
    static Optional<Site> reorderParamTags(RefactorInput in, SymbolInfo d, List<String> names) {
        Path file = d.location().path();
        String text = in.text(file);
        Optional<int[]> doc = of(d, text);
        if (doc.isEmpty()) return Optional.empty();
        int close = doc.get()[1] - 2;
        List<String> tagged = new ArrayList<>();
        List<int[]> blocks = new ArrayList<>();
        Matcher tag = PARAM_TAG.matcher(text).region(doc.get()[0] + 3, close);
        while (tag.find()) {
            if (tag.group(1).startsWith("<") || tag.start() == 0 || text.charAt(tag.start() - 1) != '\n') continue;
            Matcher next = ANY_TAG.matcher(text).region(tag.end(), close);
            tagged.add(tag.group(1));
            blocks.add(new int[] {tag.start(), next.find() ? next.start() : text.lastIndexOf('\n', close) + 1});
        }
        if (tagged.equals(names) || !new java.util.HashSet<>(tagged).equals(new java.util.HashSet<>(names)) || tagged.size() != names.size()) {
            return Optional.empty();
        }
        for (int i = 1; i < blocks.size(); i++) if (blocks.get(i)[0] != blocks.get(i - 1)[1]) return Optional.empty(); // other text between
        int from = blocks.getFirst()[0];
        int to = blocks.getLast()[1];
        if (to <= from || !text.substring(from, to).endsWith("\n")) return Optional.empty(); // the last tag on the line of "*/"
        StringBuilder ordered = new StringBuilder();
        for (String name : names) {
            int[] b = blocks.get(tagged.indexOf(name));
            ordered.append(text, b[0], b[1]);
        }
        String tags = ordered.toString();
        return Optional.of(new Site(file, from, to, "", "", "// " + d.signature() + "\n", 1, modelText -> tags,
                new Site.Fallback(tags, from, to, false), () -> List.of(tags)));
    }

    /** The first line of the description {@code d}'s Javadoc gives the parameter {@code name}, or "". */
    static String paramDescription(RefactorInput in, SymbolInfo d, String name) {
        String text = in.text(d.location().path());
        Optional<int[]> doc = of(d, text);
        if (doc.isEmpty()) return "";
        Matcher tag = PARAM_TAG.matcher(text).region(doc.get()[0] + 3, doc.get()[1] - 2);
        while (tag.find()) {
            if (!tag.group(1).equals(name)) continue;
            int lineEnd = text.indexOf('\n', tag.end());
            String rest = text.substring(tag.end(), lineEnd < 0 || lineEnd > doc.get()[1] - 2 ? doc.get()[1] - 2 : lineEnd);
            return rest.strip();
        }
        return "";
    }

    /**
     * The site that adds {@code @param name description} to {@code d}'s Javadoc where it documents its parameters
     * ({@code oldNames}, the new one going to index {@code inserted}): after the tag of the parameter before it,
     * else before the tag of the one after it, in the tags' indentation. Empty where the Javadoc has no such tag.
     */
    static Optional<Site> addParamTag(RefactorInput in, SymbolInfo d, String name, List<String> oldNames, int inserted, String description) {
        Path file = d.location().path();
        String text = in.text(file);
        Optional<int[]> doc = of(d, text);
        if (doc.isEmpty()) return Optional.empty();
        int close = doc.get()[1] - 2;
        java.util.Map<String, int[]> tags = new java.util.HashMap<>(); // name -> its tag's line start, and where it ends
        Matcher tag = PARAM_TAG.matcher(text).region(doc.get()[0] + 3, close);
        while (tag.find()) {
            int from = tag.start();
            if (from == 0 || text.charAt(from - 1) != '\n') continue;
            Matcher next = ANY_TAG.matcher(text).region(tag.end(), close);
            tags.put(tag.group(1), new int[] {from, next.find() ? next.start() : text.lastIndexOf('\n', close) + 1});
        }
        if (tags.containsKey(name)) return Optional.empty(); // documented already
        int[] before = inserted > 0 && inserted - 1 < oldNames.size() ? tags.get(oldNames.get(inserted - 1)) : null;
        int[] after = inserted < oldNames.size() ? tags.get(oldNames.get(inserted)) : null;
        if (before == null && after == null) return Optional.empty();
        int at = before != null ? before[1] : after[0];
        int lineStart = before != null ? before[0] : after[0];
        String prefix = text.substring(lineStart, text.indexOf('@', lineStart));
        String line = prefix + "@param " + name + (description.isEmpty() ? "" : " " + description) + "\n";
        String tagLine = JavaText.withLineEndsOf(text, line);
        return Optional.of(new Site(file, at, at, "", "", "// " + d.signature() + "\n", 1, modelText -> tagLine,
                new Site.Fallback(tagLine, at, at, false), () -> List.of(tagLine)));
    }

    /**
     * Sites that drop the {@code @param} tags of {@code d}'s Javadoc whose parameter {@code drop} accepts (a type
     * parameter's {@code <T>} is never dropped): each the tag's lines, down to the next tag or the comment's end.
     * Decided: nothing goes in their place.
     */
    static List<Site> dropParamTags(RefactorInput in, SymbolInfo d, java.util.function.Predicate<String> drop) {
        Path file = d.location().path();
        String text = in.text(file);
        List<Site> out = new ArrayList<>();
        Optional<int[]> doc = of(d, text);
        if (doc.isEmpty()) return out;
        int open = doc.get()[0];
        int close = doc.get()[1] - 2;
        Matcher tag = PARAM_TAG.matcher(text).region(open + 3, close);
        while (tag.find()) {
            String name = tag.group(1);
            if (name.startsWith("<") || !drop.test(name)) continue;
            int from = tag.start();
            if (from > 0 && text.charAt(from - 1) != '\n') continue; // "@param" not at a line's start: prose
            Matcher next = ANY_TAG.matcher(text).region(tag.end(), close);
            int lastLineEnd = text.lastIndexOf('\n', close) + 1; // the line of "*/"
            int to = next.find() ? next.start() : Math.max(from, lastLineEnd);
            if (to <= from) continue; // the tag shares its line with "*/": left for the user
            out.add(new Site(file, from, to, "", "", "// " + d.signature() + "\n", 1, modelText -> "",
                    new Site.Fallback("", from, to, false), () -> List.of("")));
        }
        return out;
    }
}
