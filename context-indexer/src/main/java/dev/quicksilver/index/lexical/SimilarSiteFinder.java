package dev.quicksilver.index.lexical;

import dev.quicksilver.index.SimilarSite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the places that look like a snippet, at the snippet's own size. BM25 over chunks ({@link LexicalIndex})
 * picks candidate regions cheaply; then a window as tall as the snippet slides over each region, and the window
 * with the highest Jaccard similarity of term sets with the snippet is that region's site. Overlapping sites are
 * merged, best first.
 *
 * <p>Stateless; safe to call from any thread (the index does its own locking).
 */
public final class SimilarSiteFinder {
    /** Below this Jaccard similarity a window shares too little with the snippet to be called similar. */
    public static final double MIN_SIMILARITY = 0.15;

    private final LexicalIndex index;
    private final Function<Path, Optional<String>> texts;

    /** @param texts the current text of a file (the editor's buffer when open, else the disk) */
    public SimilarSiteFinder(LexicalIndex index, Function<Path, Optional<String>> texts) {
        this.index = index;
        this.texts = texts;
    }

    public List<SimilarSite> find(String snippet, int limit, java.util.function.Predicate<Path> excluded) {
        String trimmed = snippet.strip();
        Set<String> snippetTerms = new HashSet<>(CodeTokenizer.terms(trimmed));
        if (snippetTerms.isEmpty() || limit <= 0) return List.of();
        int height = (int) trimmed.lines().count();
        List<LexicalIndex.ChunkHit> candidates = index.search(trimmed, limit * 4 + 8, excluded);
        Map<Path, String[]> linesByFile = new HashMap<>();
        List<SimilarSite> sites = new ArrayList<>();
        for (LexicalIndex.ChunkHit hit : candidates) {
            String[] lines = linesByFile.computeIfAbsent(hit.path(),
                    p -> texts.apply(p).map(t -> t.split("\n", -1)).orElse(new String[0]));
            if (lines.length == 0) continue;
            bestWindow(hit, lines, height, snippetTerms).ifPresent(sites::add);
        }
        sites.sort((a, b) -> Double.compare(b.score(), a.score()));
        List<SimilarSite> result = new ArrayList<>();
        for (SimilarSite site : sites) {
            if (site.score() < MIN_SIMILARITY) break;
            boolean overlaps = result.stream().anyMatch(r -> r.path().equals(site.path())
                    && r.startLine() <= site.endLine() && site.startLine() <= r.endLine());
            if (!overlaps) result.add(site);
            if (result.size() == limit) break;
        }
        return result;
    }

    private static Optional<SimilarSite> bestWindow(LexicalIndex.ChunkHit hit, String[] lines, int height, Set<String> snippetTerms) {
        int from = Math.max(0, hit.startLine() - height + 1);
        int to = Math.min(lines.length - 1, hit.endLine() + height - 1);
        List<Set<String>> lineTerms = new ArrayList<>();
        for (int l = from; l <= to; l++) lineTerms.add(new HashSet<>(CodeTokenizer.terms(lines[l])));
        double bestScore = -1;
        int bestStart = from;
        for (int start = from; start + height - 1 <= to || start == from; start++) {
            Set<String> window = new HashSet<>();
            for (int l = start; l < start + height && l <= to; l++) window.addAll(lineTerms.get(l - from));
            double score = jaccard(snippetTerms, window);
            if (score > bestScore) {
                bestScore = score;
                bestStart = start;
            }
            if (start + height - 1 >= to) break;
        }
        int end = Math.min(to, bestStart + height - 1);
        // Trim blank edges so a site starts and ends on code.
        int s = bestStart;
        int e = end;
        while (s < e && lines[s].isBlank()) s++;
        while (e > s && lines[e].isBlank()) e--;
        String text = String.join("\n", java.util.Arrays.copyOfRange(lines, s, e + 1));
        return Optional.of(new SimilarSite(hit.path(), s, e, bestScore, text));
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) return 0;
        int intersection = 0;
        for (String t : a) if (b.contains(t)) intersection++;
        return (double) intersection / (a.size() + b.size() - intersection);
    }
}
