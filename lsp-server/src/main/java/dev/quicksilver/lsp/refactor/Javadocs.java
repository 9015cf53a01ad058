package dev.quicksilver.lsp.refactor;

import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.TextRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
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

    /**
     * One {@code @param} tag that starts a line: the parameter it names ({@code <T>} for a type parameter), where its
     * line starts, where the name ends, and where the tag ends (the next tag's line, else the line of the comment's
     * end).
     */
    private record Tag(String name, int from, int nameEnd, int to) {
        boolean ofTypeParameter() {
            return name.startsWith("<");
        }
    }

    /** The Javadoc of {@code d} in its file's {@code text}, and its {@code @param} tags. */
    private record Doc(String text, int open, int close, List<Tag> tags) {
        /** The tags of the method's parameters (not its type parameters'), in their order. */
        List<Tag> parameterTags() {
            return tags.stream().filter(t -> !t.ofTypeParameter()).toList();
        }
    }

    /** The Javadoc of {@code d} ("/**" to "*&#47;", exclusive), if it has one. */
    private static Optional<Doc> of(RefactorInput in, SymbolInfo d) {
        // A record's components are documented in the record's Javadoc, its canonical constructor's parameters.
        if (AddParameterRefactoring.isRecordHeader(in, d)) {
            Optional<SymbolInfo> record = in.index().declaration(d.declaringTypeKey());
            if (record.isPresent()) d = record.get();
        }
        String text = in.text(d.location().path());
        TextRange r = d.location().range();
        int start = JavaText.offsetOf(text, r.startLine(), r.startColumn());
        int name = JavaText.offsetOf(text, d.nameRange().startLine(), d.nameRange().startColumn());
        if (!text.startsWith("/**", start)) return Optional.empty();
        int close = text.indexOf("*/", start + 3);
        if (close < 0 || close > name) return Optional.empty();
        List<Tag> tags = new ArrayList<>();
        Matcher tag = PARAM_TAG.matcher(text).region(start + 3, close);
        while (tag.find()) {
            if (tag.start() == 0 || text.charAt(tag.start() - 1) != '\n') continue; // "@param" in prose, or on the "/**" line
            Matcher next = ANY_TAG.matcher(text).region(tag.end(), close);
            int to = next.find() ? next.start() : text.lastIndexOf('\n', close) + 1;
            tags.add(new Tag(tag.group(1), tag.start(), tag.end(), to));
        }
        return Optional.of(new Doc(text, start, close, tags));
    }

    /**
     * The names {@code d}'s Javadoc gives its parameters, in order (a type parameter's {@code <T>} left out); empty
     * without tags. Right after an edit of the header they may still be the old ones: what the method was.
     */
    static List<String> paramNames(RefactorInput in, SymbolInfo d) {
        return of(in, d).map(doc -> doc.parameterTags().stream().map(Tag::name).toList()).orElse(List.of());
    }

    /** The first line of the description {@code d}'s Javadoc gives the parameter {@code name}, or "". */
    static String paramDescription(RefactorInput in, SymbolInfo d, String name) {
        return of(in, d).flatMap(doc -> doc.parameterTags().stream().filter(t -> t.name().equals(name)).findFirst().map(t -> {
            int lineEnd = doc.text().indexOf('\n', t.nameEnd());
            return doc.text().substring(t.nameEnd(), lineEnd < 0 || lineEnd > doc.close() ? doc.close() : lineEnd).strip();
        })).orElse("");
    }

    /**
     * The site that puts {@code d}'s Javadoc {@code @param} tags in the order of {@code names}, where they stand one
     * after another and name exactly those parameters (each tag with its continuation lines). Decided.
     */
    static Optional<Site> reorderParamTags(RefactorInput in, SymbolInfo d, List<String> names) {
        Optional<Doc> doc = of(in, d);
        if (doc.isEmpty()) return Optional.empty();
        String text = doc.get().text();
        List<Tag> tags = doc.get().parameterTags();
        List<String> tagged = tags.stream().map(Tag::name).toList();
        if (tagged.equals(names) || tagged.size() != names.size() || !new HashSet<>(tagged).equals(new HashSet<>(names))) return Optional.empty();
        for (int i = 1; i < tags.size(); i++) if (tags.get(i).from() != tags.get(i - 1).to()) return Optional.empty(); // other text between
        int from = tags.getFirst().from();
        int to = tags.getLast().to();
        if (to <= from || !text.substring(from, to).endsWith("\n")) return Optional.empty(); // the last tag on the line of "*/"
        StringBuilder ordered = new StringBuilder();
        for (String name : names) {
            Tag t = tags.get(tagged.indexOf(name));
            ordered.append(text, t.from(), t.to());
        }
        return Optional.of(decided(d, from, to, ordered.toString()));
    }

    /**
     * The site that rewrites {@code d}'s {@code @param} tags for a change of its parameters from {@code oldNames} to
     * {@code newNames} ({@code from[i]} the old position of the parameter now at i, -1 for a new one): in the new
     * order, a renamed parameter's tag renamed, a removed one's dropped, and a new one's added with its
     * {@code descriptionOf} (none without one) where the Javadoc documented every old parameter. Decided; empty
     * where the tags do not stand one after another, or name a parameter the method did not have.
     */
    static Optional<Site> rewriteParamTags(RefactorInput in, SymbolInfo d, List<String> oldNames, List<String> newNames, int[] from,
                                           java.util.function.UnaryOperator<String> descriptionOf) {
        Optional<Doc> doc = of(in, d);
        if (doc.isEmpty() || doc.get().parameterTags().isEmpty()) return Optional.empty();
        String text = doc.get().text();
        List<Tag> tags = doc.get().parameterTags();
        if (!oldNames.containsAll(tags.stream().map(Tag::name).toList())) return Optional.empty();
        for (int i = 1; i < tags.size(); i++) if (tags.get(i).from() != tags.get(i - 1).to()) return Optional.empty(); // other text between
        int start = tags.getFirst().from();
        int end = tags.getLast().to();
        if (end <= start || !text.substring(start, end).endsWith("\n")) return Optional.empty(); // the last tag on the line of "*/"
        boolean allDocumented = tags.size() == oldNames.size();
        String prefix = text.substring(start, text.indexOf('@', start));
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < newNames.size(); i++) {
            if (from[i] < 0) {
                String description = descriptionOf.apply(newNames.get(i));
                if (allDocumented && !description.isEmpty()) {
                    block.append(JavaText.withLineEndsOf(text, prefix + "@param " + newNames.get(i) + " " + description + "\n"));
                }
                continue;
            }
            Optional<Tag> t = tagOf(doc.get(), oldNames.get(from[i]));
            if (t.isEmpty()) continue;
            int nameStart = t.get().nameEnd() - t.get().name().length();
            block.append(text, t.get().from(), nameStart).append(newNames.get(i)).append(text, t.get().nameEnd(), t.get().to());
        }
        if (block.toString().equals(text.substring(start, end))) return Optional.empty();
        return Optional.of(decided(d, start, end, block.toString()));
    }

    /**
     * The site that adds {@code @param name description} to {@code d}'s Javadoc where it documents its parameters
     * ({@code oldNames}, the new one going to index {@code inserted}): after the tag of the parameter before it,
     * else before the tag of the one after it, in the tags' indentation. Empty where the Javadoc has no such tag.
     */
    static Optional<Site> addParamTag(RefactorInput in, SymbolInfo d, String name, List<String> oldNames, int inserted, String description) {
        Optional<Doc> doc = of(in, d);
        if (doc.isEmpty() || doc.get().parameterTags().stream().anyMatch(t -> t.name().equals(name))) return Optional.empty(); // documented already
        String text = doc.get().text();
        Optional<Tag> before = inserted > 0 && inserted - 1 < oldNames.size() ? tagOf(doc.get(), oldNames.get(inserted - 1)) : Optional.empty();
        Optional<Tag> after = inserted < oldNames.size() ? tagOf(doc.get(), oldNames.get(inserted)) : Optional.empty();
        if (before.isEmpty() && after.isEmpty()) return Optional.empty();
        int at = before.map(Tag::to).orElseGet(() -> after.get().from());
        int lineStart = before.orElseGet(after::get).from();
        String prefix = text.substring(lineStart, text.indexOf('@', lineStart));
        String line = prefix + "@param " + name + (description.isEmpty() ? "" : " " + description) + "\n";
        return Optional.of(decided(d, at, at, JavaText.withLineEndsOf(text, line)));
    }

    private static Optional<Tag> tagOf(Doc doc, String name) {
        return doc.parameterTags().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * Sites that drop the {@code @param} tags of {@code d}'s Javadoc whose parameter {@code drop} accepts (a type
     * parameter's {@code <T>} is never dropped): each the tag's lines, down to the next tag or the comment's end.
     * Decided: nothing goes in their place.
     */
    static List<Site> dropParamTags(RefactorInput in, SymbolInfo d, Predicate<String> drop) {
        List<Site> out = new ArrayList<>();
        for (Tag t : of(in, d).map(Doc::parameterTags).orElse(List.of())) {
            // A tag that shares its line with "*/" is left for the user.
            if (drop.test(t.name()) && t.to() > t.from()) out.add(decided(d, t.from(), t.to(), ""));
        }
        return out;
    }

    /** A site of {@code d}'s file that puts {@code text} in place of {@code [from, to)}, decided. */
    private static Site decided(SymbolInfo d, int from, int to, String text) {
        return Site.decided(d.location().path(), from, to, text, "// " + d.signature() + "\n");
    }
}
