package dev.quicksilver.index.context;

import dev.quicksilver.index.Context;
import dev.quicksilver.index.ContextSegment;
import dev.quicksilver.index.ContextSegment.Kind;
import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.SymbolKind;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.TokenCounter;
import dev.quicksilver.index.java.JavaFileFacts;
import dev.quicksilver.index.java.SymbolTable;
import dev.quicksilver.index.lexical.CodeTokenizer;
import dev.quicksilver.index.lexical.LexicalIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the model's {@link Context} for a cursor under a token budget.
 *
 * <p>Budget policy: the prefix window may take half the budget and the suffix window a fifth; what they cannot
 * use (a short file) goes to related code. Related code is the declarations of symbols used near the cursor
 * (nearest use first; resolved references from the Java index, plus a by-name lookup of identifiers in the live
 * text so freshly typed code still finds its types), then snippets from other files that BM25 ranks as similar
 * to the lines before the cursor. Whatever related code leaves unused flows back to the prefix, then the suffix.
 * Windows are cut at line boundaries and grow outward from the cursor, so the nearest lines are kept.
 *
 * <p>Stateless; safe from any thread (the indexes lock for themselves).
 */
public final class ContextAssembler {
    private static final double PREFIX_SHARE = 0.5;
    private static final double SUFFIX_SHARE = 0.2;
    /** Of the related budget, declarations may take this much before similar snippets get a say. */
    private static final double DECLARATION_SHARE = 0.6;
    private static final int LINES_BEFORE_FOR_SYMBOLS = 30;
    private static final int LINES_AFTER_FOR_SYMBOLS = 10;
    private static final int LINES_FOR_SIMILARITY_QUERY = 8;
    private static final int MAX_SIMILAR = 4;
    private static final int MAX_SKELETON_MEMBERS = 40;

    private final SymbolTable symbols;
    private final LexicalIndex lexical;
    private final Function<Path, Optional<String>> texts;

    public ContextAssembler(SymbolTable symbols, LexicalIndex lexical, Function<Path, Optional<String>> texts) {
        this.symbols = symbols;
        this.lexical = lexical;
        this.texts = texts;
    }

    public Context assemble(DocumentSnapshot document, TextPosition position, int tokenBudget, TokenCounter counter) {
        if (tokenBudget < 0) throw new IllegalArgumentException("token budget must not be negative, was " + tokenBudget);
        DocumentLines doc = new DocumentLines(document.text(), position);
        Window fullPrefix = doc.prefix(Integer.MAX_VALUE, counter);
        Window fullSuffix = doc.suffix(Integer.MAX_VALUE, counter);
        int prefixReserve = Math.min(fullPrefix.tokens(), (int) (tokenBudget * PREFIX_SHARE));
        int suffixReserve = Math.min(fullSuffix.tokens(), (int) (tokenBudget * SUFFIX_SHARE));
        int relatedBudget = Math.max(0, tokenBudget - prefixReserve - suffixReserve);

        // Lines the windows could show at most: a declaration there is already visible.
        Window prefixProbe = doc.prefix(prefixReserve, counter);
        Window suffixProbe = doc.suffix(suffixReserve, counter);
        List<ContextSegment> declarations = declarations(document, doc, prefixProbe.firstLine(), suffixProbe.lastLine(),
                (int) (relatedBudget * DECLARATION_SHARE), counter);
        int declarationTokens = declarations.stream().mapToInt(ContextSegment::tokens).sum();
        List<ContextSegment> similar = similar(document, doc, relatedBudget - declarationTokens, counter);
        int relatedTokens = declarationTokens + similar.stream().mapToInt(ContextSegment::tokens).sum();

        int available = tokenBudget - relatedTokens;
        // The prefix takes all but the suffix's reserve; the suffix gets its reserve plus what the prefix left.
        Window prefix = doc.prefix(available - suffixReserve, counter);
        Window suffix = doc.suffix(available - prefix.tokens(), counter);

        List<ContextSegment> segments = new ArrayList<>();
        if (!prefix.text().isEmpty()) {
            segments.add(new ContextSegment(Kind.PREFIX, document.path(), prefix.firstLine(), prefix.lastLine(), prefix.text(), prefix.tokens()));
        }
        if (!suffix.text().isEmpty()) {
            segments.add(new ContextSegment(Kind.SUFFIX, document.path(), suffix.firstLine(), suffix.lastLine(), suffix.text(), suffix.tokens()));
        }
        segments.addAll(declarations);
        segments.addAll(similar);
        int total = segments.stream().mapToInt(ContextSegment::tokens).sum();
        return new Context(segments, total, tokenBudget);
    }

    // ---- declarations of symbols used near the cursor ----

    private List<ContextSegment> declarations(DocumentSnapshot document, DocumentLines doc, int visibleFrom, int visibleTo,
                                              int budget, TokenCounter counter) {
        int cursorLine = doc.cursorLine();
        int from = cursorLine - LINES_BEFORE_FOR_SYMBOLS;
        int to = cursorLine + LINES_AFTER_FOR_SYMBOLS;
        // Key -> distance of its nearest use from the cursor; uses after the cursor count a little farther.
        Map<String, Double> distance = new HashMap<>();
        Optional<JavaFileFacts> facts = symbols.facts(document.path());
        facts.ifPresent(f -> {
            for (Reference r : f.references()) {
                int line = r.location().line();
                if (line >= from && line <= to) distance.merge(r.targetKey(), distanceOf(line, cursorLine), Math::min);
            }
        });
        Set<String> imports = facts.map(f -> Set.copyOf(f.imports())).orElse(Set.of());
        String packageName = facts.map(JavaFileFacts::packageName).orElse("");
        for (int line = Math.max(0, from); line <= Math.min(doc.lineCount() - 1, to); line++) {
            // Slightly behind a resolved reference on the same line: a by-name match is a guess.
            double d = distanceOf(line, cursorLine) + 0.25;
            for (String identifier : identifiers(doc.line(line))) {
                resolveByName(identifier, imports, packageName, document.path()).ifPresent(key -> distance.merge(key, d, Math::min));
            }
        }
        // A member is shown as its type's skeleton (the type's API around it), ranked by its nearest member's use.
        Map<String, Double> byType = new HashMap<>();
        for (Map.Entry<String, Double> e : distance.entrySet()) {
            Optional<SymbolInfo> symbol = symbols.declaration(e.getKey());
            if (symbol.isEmpty()) continue;
            String typeKey = symbol.get().kind().isType() || symbols.declaration(symbol.get().declaringTypeKey()).isEmpty()
                    ? e.getKey() : symbol.get().declaringTypeKey();
            byType.merge(typeKey, e.getValue(), Math::min);
        }
        distance.clear();
        distance.putAll(byType);
        List<SymbolInfo> candidates = new ArrayList<>();
        for (String key : distance.keySet()) symbols.declaration(key).ifPresent(candidates::add);
        candidates.sort(Comparator.comparingDouble((SymbolInfo s) -> distance.get(s.key()))
                .thenComparing(s -> !s.kind().isType())
                .thenComparing(SymbolInfo::key));

        List<ContextSegment> result = new ArrayList<>();
        Set<String> rendered = new HashSet<>();
        int used = 0;
        for (SymbolInfo symbol : candidates) {
            boolean sameFile = symbol.location().path().equals(document.path());
            if (sameFile && symbol.location().range().startLine() <= visibleTo && symbol.location().range().endLine() >= visibleFrom) continue;
            if (rendered.contains(symbol.key()) || rendered.contains(symbol.declaringTypeKey())) continue;
            String text = symbol.kind().isType() ? skeleton(symbol, budget - used, counter) : memberDeclaration(symbol);
            int tokens = counter.count(text);
            if (text.isEmpty() || tokens > budget - used) continue;
            used += tokens;
            rendered.add(symbol.key());
            result.add(new ContextSegment(Kind.DECLARATION, symbol.location().path(), symbol.location().range().startLine(),
                    symbol.location().range().endLine(), text, tokens));
        }
        return result;
    }

    private static double distanceOf(int line, int cursorLine) {
        return line <= cursorLine ? cursorLine - line : (line - cursorLine) * 1.5;
    }

    /**
     * An identifier of the live text resolved by name, for code the index has not seen yet: a type name declared
     * once in the workspace, or imported, or in the document's package; a member name declared exactly once.
     */
    private Optional<String> resolveByName(String identifier, Set<String> imports, String packageName, Path self) {
        List<SymbolInfo> named = symbols.declarationsNamed(identifier);
        if (named.isEmpty()) return Optional.empty();
        if (named.size() == 1) return Optional.of(named.getFirst().key());
        // A type and its constructors share a name: a name that is one type in the workspace means that type.
        List<SymbolInfo> types = named.stream().filter(s -> s.kind().isType()).toList();
        if (types.size() == 1) return Optional.of(types.getFirst().key());
        for (SymbolInfo s : named) {
            if (!s.kind().isType()) continue;
            String qn = s.qualifiedName();
            String pkg = qn.contains(".") ? qn.substring(0, qn.lastIndexOf('.')) : "";
            if (imports.contains(qn) || imports.contains(pkg + ".*") || (pkg.equals(packageName) && !s.location().path().equals(self))) {
                return Optional.of(s.key());
            }
        }
        return Optional.empty();
    }

    private static Set<String> identifiers(String line) {
        Set<String> result = new java.util.LinkedHashSet<>();
        int i = 0;
        while (i < line.length()) {
            if (Character.isJavaIdentifierStart(line.charAt(i))) {
                int start = i;
                while (i < line.length() && Character.isJavaIdentifierPart(line.charAt(i))) i++;
                if (i - start >= 2) result.add(line.substring(start, i));
            } else {
                i++;
            }
        }
        return result;
    }

    /** A type as its header and member signatures (no bodies), cut to fit {@code budget}. */
    private String skeleton(SymbolInfo type, int budget, TokenCounter counter) {
        StringBuilder text = new StringBuilder();
        appendJavadoc(text, type.javadocSummary(), "");
        text.append(type.signature()).append(" {\n");
        String close = "}\n";
        if (counter.count(text + close) > budget) return "";
        for (SymbolInfo member : symbols.members(type.key()).stream().limit(MAX_SKELETON_MEMBERS).toList()) {
            if (member.modifiers().contains("private")) continue;
            // A record's implicit canonical constructor: its header says the same.
            if (member.kind() == SymbolKind.CONSTRUCTOR && member.nameRange().equals(type.nameRange())) continue;
            StringBuilder line = new StringBuilder();
            appendJavadoc(line, member.javadocSummary(), "    ");
            line.append("    ").append(member.signature()).append(";\n");
            if (counter.count(text.toString() + line + close) > budget) break;
            text.append(line);
        }
        return text.append(close).toString();
    }

    private String memberDeclaration(SymbolInfo member) {
        StringBuilder text = new StringBuilder();
        String owner = symbols.declaration(member.declaringTypeKey()).map(SymbolInfo::qualifiedName).orElse("");
        if (!owner.isEmpty()) text.append("// member of ").append(owner).append('\n');
        appendJavadoc(text, member.javadocSummary(), "");
        return text.append(member.signature()).append(";\n").toString();
    }

    private static void appendJavadoc(StringBuilder text, String summary, String indent) {
        if (!summary.isEmpty()) text.append(indent).append("/** ").append(summary).append(" */\n");
    }

    // ---- similar snippets from other files ----

    private List<ContextSegment> similar(DocumentSnapshot document, DocumentLines doc, int budget, TokenCounter counter) {
        if (budget <= 0) return List.of();
        StringBuilder query = new StringBuilder();
        for (int l = Math.max(0, doc.cursorLine() - LINES_FOR_SIMILARITY_QUERY); l <= doc.cursorLine(); l++) {
            query.append(doc.line(l)).append('\n');
        }
        if (CodeTokenizer.terms(query).isEmpty()) return List.of();
        List<ContextSegment> result = new ArrayList<>();
        int used = 0;
        Map<Path, String[]> files = new LinkedHashMap<>();
        for (LexicalIndex.ChunkHit hit : lexical.search(query.toString(), MAX_SIMILAR * 2, p -> p.equals(document.path()))) {
            String[] lines = files.computeIfAbsent(hit.path(), p -> texts.apply(p).map(t -> t.split("\n", -1)).orElse(new String[0]));
            if (hit.endLine() >= lines.length) continue;
            String text = String.join("\n", java.util.Arrays.copyOfRange(lines, hit.startLine(), hit.endLine() + 1)).strip() + "\n";
            int tokens = counter.count(text);
            if (tokens > budget - used) continue;
            used += tokens;
            result.add(new ContextSegment(Kind.SIMILAR, hit.path(), hit.startLine(), hit.endLine(), text, tokens));
            if (result.size() == MAX_SIMILAR) break;
        }
        return result;
    }
}
