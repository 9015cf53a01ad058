package dev.quicksilver.index.lexical;

import dev.quicksilver.index.SimilarSite;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LexicalIndexTest {
    @Test
    void identifiersAreSplitIntoTheirParts() {
        assertEquals(List.of("parsehttpheader", "parse", "http", "header", "max_size", "max", "size", "x1"),
                CodeTokenizer.terms("parseHTTPHeader(MAX_SIZE, x1, 42, a)"));
    }

    @Test
    void bm25PrefersRareTermsAndShorterChunks() {
        LexicalIndex index = new LexicalIndex();
        index.put(Path.of("/a.py"), "def checksum(data):\n    return crc32(data)\n");
        index.put(Path.of("/b.py"), "def common(data):\n    return data\n");
        index.put(Path.of("/c.py"), "def common_data(data):\n    data = data + data\n    return crc32(data) + common(data)\n");
        List<LexicalIndex.ChunkHit> hits = index.search("crc32 data", 10, p -> false);
        assertEquals(List.of(Path.of("/a.py"), Path.of("/c.py"), Path.of("/b.py")), hits.stream().map(LexicalIndex.ChunkHit::path).toList());
        assertEquals(List.of(Path.of("/a.py"), Path.of("/c.py")), // same tf, a.py is the shorter chunk
                index.search("crc32", 10, p -> p.equals(Path.of("/b.py"))).stream().map(LexicalIndex.ChunkHit::path).toList());
    }

    /**
     * The index's top hits against BM25 computed the plain way over the same chunks (every chunk scored, all
     * sorted), on a seeded random corpus with files replaced and removed; equal scores are ordered by path, then
     * line, so the cut at the limit is the same every time.
     */
    @Test
    void topHitsAreExactlyThoseOfAPlainBm25AfterReplacementsAndRemovals() {
        java.util.Random random = new java.util.Random(42);
        String[] words = {"alpha", "beta", "gamma", "delta", "size", "count", "index", "value", "crc", "data", "list", "map"};
        LexicalIndex index = new LexicalIndex();
        Map<Path, String> files = new java.util.TreeMap<>();
        for (int round = 0; round < 200; round++) {
            Path path = Path.of("/f" + random.nextInt(40) + ".java");
            if (random.nextInt(5) == 0) {
                index.remove(path);
                files.remove(path);
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (int line = 0, lines = 1 + random.nextInt(40); line < lines; line++) {
                for (int w = 0, n = random.nextInt(6); w < n; w++) text.append(words[random.nextInt(words.length)]).append(' ');
                text.append('\n');
            }
            index.put(path, text.toString());
            files.put(path, text.toString());
        }
        for (String query : List.of("crc data", "alpha alpha beta", "size count index value", "map", "nothing")) {
            List<LexicalIndex.ChunkHit> expected = plainBm25(files, query);
            for (int limit : List.of(1, 5, 1000)) {
                List<LexicalIndex.ChunkHit> hits = index.search(query, limit, p -> p.equals(Path.of("/f3.java")));
                List<LexicalIndex.ChunkHit> want = expected.stream().filter(h -> !h.path().equals(Path.of("/f3.java"))).limit(limit).toList();
                assertEquals(want.size(), hits.size(), query + " / " + limit);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i).path(), hits.get(i).path(), query + " #" + i);
                    assertEquals(want.get(i).startLine(), hits.get(i).startLine(), query + " #" + i);
                    assertEquals(want.get(i).score(), hits.get(i).score(), 1e-9, query + " #" + i);
                }
            }
        }
    }

    /** BM25 as the index's comment defines it, every chunk of every file scored. */
    private static List<LexicalIndex.ChunkHit> plainBm25(Map<Path, String> files, String query) {
        record Piece(Path path, int startLine, int endLine, Map<String, Integer> counts, int length) {
        }
        List<Piece> pieces = new java.util.ArrayList<>();
        for (var f : files.entrySet()) {
            List<String> lines = f.getValue().lines().toList();
            for (int from = 0; from < lines.size(); from += LexicalIndex.CHUNK_LINES) {
                int to = Math.min(lines.size(), from + LexicalIndex.CHUNK_LINES);
                Map<String, Integer> counts = new HashMap<>();
                for (String t : CodeTokenizer.terms(String.join("\n", lines.subList(from, to)))) counts.merge(t, 1, Integer::sum);
                if (!counts.isEmpty()) {
                    pieces.add(new Piece(f.getKey(), from, to - 1, counts, counts.values().stream().mapToInt(Integer::intValue).sum()));
                }
            }
        }
        double average = pieces.stream().mapToInt(Piece::length).average().orElse(1);
        List<LexicalIndex.ChunkHit> hits = new java.util.ArrayList<>();
        for (Piece p : pieces) {
            double score = 0;
            for (String term : CodeTokenizer.terms(query).stream().distinct().toList()) {
                int tf = p.counts().getOrDefault(term, 0);
                if (tf == 0) continue;
                long df = pieces.stream().filter(q -> q.counts().containsKey(term)).count();
                double idf = Math.log(1 + (pieces.size() - df + 0.5) / (df + 0.5));
                score += idf * tf * (1.2 + 1) / (tf + 1.2 * (1 - 0.75 + 0.75 * p.length() / average));
            }
            if (score > 0) hits.add(new LexicalIndex.ChunkHit(p.path(), p.startLine(), p.endLine(), score));
        }
        hits.sort(java.util.Comparator.comparingDouble(LexicalIndex.ChunkHit::score).reversed()
                .thenComparing(LexicalIndex.ChunkHit::path).thenComparingInt(LexicalIndex.ChunkHit::startLine));
        return hits;
    }

    @Test
    void replacingAndRemovingAFileUpdatesPostingsAndStatistics() {
        LexicalIndex index = new LexicalIndex();
        index.put(Path.of("/x.txt"), "alpha beta\n".repeat(40));
        assertEquals(3, index.chunkCount()); // 40 lines + the empty last line, 16 per chunk
        index.put(Path.of("/x.txt"), "gamma\n");
        assertEquals(List.of(), index.search("alpha", 5, p -> false));
        assertEquals(1, index.search("gamma", 5, p -> false).size());
        index.remove(Path.of("/x.txt"));
        assertEquals(0, index.chunkCount());
        assertEquals(List.of(), index.search("gamma", 5, p -> false));
    }

    @Test
    void similarSitesAreFoundAtTheSnippetsSizeAndRanked() {
        Map<Path, String> files = new HashMap<>();
        String filler = "int unrelated = compute();\nlog(\"noise\");\n".repeat(10);
        files.put(Path.of("/A.java"), filler + "for (Order order : orders) {\n    total += order.price() * order.quantity();\n}\n" + filler);
        files.put(Path.of("/B.java"), "for (Order o : pending) {\n    sum += o.price() * o.quantity();\n}\n" + filler);
        files.put(Path.of("/C.java"), filler + "for (Item item : items) {\n    count++;\n}\n");
        LexicalIndex index = new LexicalIndex();
        files.forEach(index::put);
        SimilarSiteFinder finder = new SimilarSiteFinder(index, p -> Optional.ofNullable(files.get(p)));
        List<SimilarSite> sites = finder.find("for (Order order : orders) {\n    total += order.price() * order.quantity();\n}", 5, p -> false);
        assertEquals(Path.of("/A.java"), sites.get(0).path());
        assertEquals(20, sites.get(0).startLine());
        assertEquals(22, sites.get(0).endLine());
        assertEquals(1.0, sites.get(0).score(), 1e-9);
        assertEquals(Path.of("/B.java"), sites.get(1).path());
        assertEquals(0, sites.get(1).startLine());
        assertTrue(sites.get(1).score() < 1.0 && sites.get(1).score() > 0.4, String.valueOf(sites.get(1).score()));
        assertTrue(sites.stream().noneMatch(s -> s.path().equals(Path.of("/C.java")) && s.score() > 0.4));
    }
}
