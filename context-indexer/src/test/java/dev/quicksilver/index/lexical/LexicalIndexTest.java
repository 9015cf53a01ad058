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
