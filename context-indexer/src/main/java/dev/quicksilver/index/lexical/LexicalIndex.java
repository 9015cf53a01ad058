package dev.quicksilver.index.lexical;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * A lexical index of every text file, any language: each file is cut into chunks of {@value #CHUNK_LINES} lines,
 * each chunk is a bag of {@link CodeTokenizer} terms, and queries rank chunks with Okapi BM25 (Robertson and
 * Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009; k1 = 1.2, b = 0.75, the Lucene
 * defaults, and Lucene's non-negative idf {@code ln(1 + (N - df + 0.5) / (df + 0.5))}).
 *
 * <p>Storage is compact because it has to hold a whole JDK: a chunk keeps its distinct term ids and their counts
 * as arrays; a posting list is an int list of chunk ids. Chunk ids only grow, so every posting list stays sorted
 * and removing a chunk is a binary search per term.
 *
 * <p>Concurrency: one {@link ReadWriteLock}; {@link #put}/{@link #remove} tokenize outside the lock (or take a
 * file {@link #prepare}d on any thread) and take the write lock only to link or unlink one file's chunks;
 * searches take the read lock.
 */
public final class LexicalIndex {
    public static final int CHUNK_LINES = 16;
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    /** One chunk: lines [startLine, endLine] of a file, its distinct terms and their frequencies. */
    private record Chunk(Path path, int startLine, int endLine, int[] termIds, short[] frequencies, int length) {
    }

    /** A chunk found by {@link #search}. Lines are zero-based, end inclusive. */
    public record ChunkHit(Path path, int startLine, int endLine, double score) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> termIds = new HashMap<>();
    private final List<IntList> postings = new ArrayList<>();
    private final List<Chunk> chunks = new ArrayList<>(); // by chunk id; null once removed
    private final Map<Path, int[]> chunksByFile = new HashMap<>();
    private long totalLength;
    private int liveChunks;

    /** One file's chunks as term bags, cut and tokenized but not yet in the index. */
    public static final class PreparedFile {
        private final List<Map<String, Integer>> bags;
        private final List<int[]> lineRanges;

        private PreparedFile(List<Map<String, Integer>> bags, List<int[]> lineRanges) {
            this.bags = bags;
            this.lineRanges = lineRanges;
        }
    }

    /** Indexes (or re-indexes) one file's text. */
    public void put(Path path, String text) {
        put(path, prepare(text));
    }

    /**
     * Cuts and tokenizes a file's text: the expensive part of {@link #put}, touching no shared state, so a cold
     * index runs it on several files at once.
     */
    public static PreparedFile prepare(String text) {
        List<Map<String, Integer>> bags = new ArrayList<>();
        List<int[]> lineRanges = new ArrayList<>();
        int line = 0;
        int chunkStart = 0;
        int chunkFirstLine = 0;
        int linesInChunk = 0;
        for (int i = 0; i <= text.length(); i++) {
            boolean endOfLine = i == text.length() || text.charAt(i) == '\n';
            if (!endOfLine) continue;
            linesInChunk++;
            if (linesInChunk == CHUNK_LINES || i == text.length()) {
                Map<String, Integer> bag = new LinkedHashMap<>();
                CodeTokenizer.forEachTerm(text, chunkStart, i, t -> bag.merge(t, 1, Integer::sum));
                if (!bag.isEmpty()) {
                    bags.add(bag);
                    lineRanges.add(new int[]{chunkFirstLine, line});
                }
                chunkStart = i + 1;
                chunkFirstLine = line + 1;
                linesInChunk = 0;
            }
            line++;
        }
        return new PreparedFile(bags, lineRanges);
    }

    /** Links a prepared file's chunks into the index, replacing what the file had. */
    public void put(Path path, PreparedFile prepared) {
        List<Map<String, Integer>> bags = prepared.bags;
        List<int[]> lineRanges = prepared.lineRanges;
        lock.writeLock().lock();
        try {
            removeLocked(path);
            int[] ids = new int[bags.size()];
            for (int c = 0; c < bags.size(); c++) {
                Map<String, Integer> bag = bags.get(c);
                // Terms sorted by id so a frequency lookup is a binary search: (id << 16 | count), sorted.
                long[] packed = new long[bag.size()];
                int k = 0;
                int length = 0;
                for (Map.Entry<String, Integer> e : bag.entrySet()) {
                    long termId = termIds.computeIfAbsent(e.getKey(), t -> {
                        postings.add(new IntList());
                        return postings.size() - 1;
                    });
                    packed[k++] = termId << 16 | Math.min(Short.MAX_VALUE, e.getValue());
                    length += e.getValue();
                }
                java.util.Arrays.sort(packed);
                int[] terms = new int[packed.length];
                short[] frequencies = new short[packed.length];
                for (int t = 0; t < packed.length; t++) {
                    terms[t] = (int) (packed[t] >>> 16);
                    frequencies[t] = (short) (packed[t] & 0xFFFF);
                }
                int id = chunks.size();
                chunks.add(new Chunk(path, lineRanges.get(c)[0], lineRanges.get(c)[1], terms, frequencies, length));
                for (int term : terms) postings.get(term).add(id);
                totalLength += length;
                liveChunks++;
                ids[c] = id;
            }
            chunksByFile.put(path, ids);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void remove(Path path) {
        lock.writeLock().lock();
        try {
            removeLocked(path);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeLocked(Path path) {
        int[] ids = chunksByFile.remove(path);
        if (ids == null) return;
        for (int id : ids) {
            Chunk chunk = chunks.get(id);
            for (int term : chunk.termIds()) postings.get(term).removeSorted(id);
            totalLength -= chunk.length();
            liveChunks--;
            chunks.set(id, null);
        }
    }

    /** The {@code limit} chunks that best match {@code query} by BM25, best first, skipping excluded files. */
    public List<ChunkHit> search(String query, int limit, Predicate<Path> excluded) {
        List<String> queryTerms = CodeTokenizer.terms(query).stream().distinct().toList();
        lock.readLock().lock();
        try {
            if (liveChunks == 0 || queryTerms.isEmpty()) return List.of();
            double averageLength = (double) totalLength / liveChunks;
            Map<Integer, Double> scores = new HashMap<>();
            for (String term : queryTerms) {
                Integer termId = termIds.get(term);
                if (termId == null) continue;
                IntList list = postings.get(termId);
                int df = list.size();
                if (df == 0) continue;
                double idf = Math.log(1 + (liveChunks - df + 0.5) / (df + 0.5));
                for (int i = 0; i < df; i++) {
                    int id = list.get(i);
                    Chunk chunk = chunks.get(id);
                    int tf = frequencyOf(chunk, termId);
                    double norm = tf + K1 * (1 - B + B * chunk.length() / averageLength);
                    scores.merge(id, idf * tf * (K1 + 1) / norm, Double::sum);
                }
            }
            PriorityQueue<ChunkHit> best = new PriorityQueue<>((a, b) -> Double.compare(a.score(), b.score()));
            for (Map.Entry<Integer, Double> e : scores.entrySet()) {
                Chunk chunk = chunks.get(e.getKey());
                if (excluded.test(chunk.path())) continue;
                best.add(new ChunkHit(chunk.path(), chunk.startLine(), chunk.endLine(), e.getValue()));
                if (best.size() > limit) best.poll();
            }
            List<ChunkHit> result = new ArrayList<>(best);
            result.sort((a, b) -> {
                int byScore = Double.compare(b.score(), a.score());
                if (byScore != 0) return byScore;
                int byPath = a.path().compareTo(b.path());
                return byPath != 0 ? byPath : Integer.compare(a.startLine(), b.startLine());
            });
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static int frequencyOf(Chunk chunk, int termId) {
        int i = java.util.Arrays.binarySearch(chunk.termIds(), termId);
        return i < 0 ? 0 : chunk.frequencies()[i];
    }

    /** The files one of whose terms is {@code term} (a term as {@link CodeTokenizer} makes them: lower case). */
    public Set<Path> filesWithTerm(String term) {
        lock.readLock().lock();
        try {
            Integer id = termIds.get(term);
            Set<Path> files = new HashSet<>();
            if (id == null) return files;
            IntList list = postings.get(id);
            for (int i = 0; i < list.size(); i++) {
                Chunk chunk = chunks.get(list.get(i));
                if (chunk != null) files.add(chunk.path());
            }
            return files;
        } finally {
            lock.readLock().unlock();
        }
    }

    public boolean contains(Path path) {
        lock.readLock().lock();
        try {
            return chunksByFile.containsKey(path);
        } finally {
            lock.readLock().unlock();
        }
    }

    public int fileCount() {
        lock.readLock().lock();
        try {
            return chunksByFile.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public int chunkCount() {
        lock.readLock().lock();
        try {
            return liveChunks;
        } finally {
            lock.readLock().unlock();
        }
    }
}
