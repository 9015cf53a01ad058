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
 * <p>Storage is compact because it has to hold a whole JDK: a chunk keeps its distinct term ids as an array; a
 * posting list is the ids of the chunks holding the term with the term's count in each ({@link PostingList}), and
 * chunk lengths are one array by id, so scoring never touches a chunk. Chunk ids only grow, so every posting list
 * stays sorted and removing a chunk is a binary search per term.
 *
 * <p>Concurrency: one {@link ReadWriteLock}; {@link #put}/{@link #remove} tokenize outside the lock (or take a
 * file {@link #prepare}d on any thread) and take the write lock only to link or unlink one file's chunks;
 * searches take the read lock.
 */
public final class LexicalIndex {
    public static final int CHUNK_LINES = 16;
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    /** One chunk: lines [startLine, endLine] of a file, its distinct terms (sorted, for removal) and its length in terms. */
    private record Chunk(Path path, int startLine, int endLine, int[] termIds, int length) {
    }

    /** A chunk found by {@link #search}. Lines are zero-based, end inclusive. */
    public record ChunkHit(Path path, int startLine, int endLine, double score) {
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> termIds = new HashMap<>();
    private final List<PostingList> postings = new ArrayList<>();
    /** Each chunk's length in terms, by chunk id (what BM25 needs of a chunk, in one array). */
    private int[] chunkLengths = new int[1024];
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
                // Terms sorted by id, each with its count: (id << 16 | count), sorted.
                long[] packed = new long[bag.size()];
                int k = 0;
                int length = 0;
                for (Map.Entry<String, Integer> e : bag.entrySet()) {
                    long termId = termIds.computeIfAbsent(e.getKey(), t -> {
                        postings.add(new PostingList());
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
                chunks.add(new Chunk(path, lineRanges.get(c)[0], lineRanges.get(c)[1], terms, length));
                if (id == chunkLengths.length) chunkLengths = java.util.Arrays.copyOf(chunkLengths, id + (id >> 1) + 1);
                chunkLengths[id] = length;
                for (int t = 0; t < terms.length; t++) postings.get(terms[t]).add(id, frequencies[t]);
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
            for (int term : chunk.termIds()) postings.get(term).remove(id);
            totalLength -= chunk.length();
            liveChunks--;
            chunks.set(id, null);
        }
    }

    /** Per-thread score accumulator (searches run concurrently under the read lock): one slot per chunk id. */
    private static final ThreadLocal<double[]> SCORES = ThreadLocal.withInitial(() -> new double[0]);

    /** Best first; equal scores by path, then line, so which hits make the cut does not depend on chance. */
    private static final java.util.Comparator<ChunkHit> BEST_FIRST = (a, b) -> {
        int byScore = Double.compare(b.score(), a.score());
        if (byScore != 0) return byScore;
        int byPath = a.path().compareTo(b.path());
        return byPath != 0 ? byPath : Integer.compare(a.startLine(), b.startLine());
    };

    /**
     * The {@code limit} chunks that best match {@code query} by BM25, best first, skipping excluded files.
     *
     * <p>Scores accumulate in a dense per-thread array indexed by chunk id (a common term's posting list covers
     * tens of thousands of chunks on a JDK-sized index: boxing every partial score was most of a search), and a
     * hit object is made only for a chunk that beats the current {@code limit}-th best.
     */
    public List<ChunkHit> search(String query, int limit, Predicate<Path> excluded) {
        List<String> queryTerms = CodeTokenizer.terms(query).stream().distinct().toList();
        lock.readLock().lock();
        try {
            if (liveChunks == 0 || queryTerms.isEmpty() || limit <= 0) return List.of();
            double averageLength = (double) totalLength / liveChunks;
            double[] scores = SCORES.get();
            if (scores.length < chunks.size()) {
                scores = new double[chunks.size() + chunks.size() / 4];
                SCORES.set(scores);
            }
            IntList touched = new IntList();
            try {
                return best(scores, touched, queryTerms, averageLength, limit, excluded);
            } finally {
                for (int i = 0; i < touched.size(); i++) scores[touched.get(i)] = 0; // the scratch is clean for the next search
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Scores every chunk holding a query term into {@code scores} (recording which in {@code touched}); the best. */
    private List<ChunkHit> best(double[] scores, IntList touched, List<String> queryTerms, double averageLength, int limit,
                                Predicate<Path> excluded) {
        for (String term : queryTerms) {
            Integer termId = termIds.get(term);
            if (termId == null) continue;
            PostingList list = postings.get(termId);
            int df = list.size();
            if (df == 0) continue;
            double idf = Math.log(1 + (liveChunks - df + 0.5) / (df + 0.5));
            for (int i = 0; i < df; i++) {
                int id = list.id(i);
                int tf = list.count(i);
                double norm = tf + K1 * (1 - B + B * chunkLengths[id] / averageLength);
                if (scores[id] == 0) touched.add(id);
                scores[id] += idf * tf * (K1 + 1) / norm;
            }
        }
        // The worst of the best `limit` on top, so a chunk that does not beat it costs one comparison.
        PriorityQueue<ChunkHit> best = new PriorityQueue<>(BEST_FIRST.reversed());
        for (int i = 0; i < touched.size(); i++) {
            int id = touched.get(i);
            double score = scores[id];
            if (best.size() == limit && score < best.peek().score()) continue;
            Chunk chunk = chunks.get(id);
            if (excluded.test(chunk.path())) continue;
            ChunkHit hit = new ChunkHit(chunk.path(), chunk.startLine(), chunk.endLine(), score);
            if (best.size() < limit) {
                best.add(hit);
            } else if (BEST_FIRST.compare(hit, best.peek()) < 0) {
                best.poll();
                best.add(hit);
            }
        }
        List<ChunkHit> result = new ArrayList<>(best);
        result.sort(BEST_FIRST);
        return result;
    }

    /** The files one of whose terms is {@code term} (a term as {@link CodeTokenizer} makes them: lower case). */
    public Set<Path> filesWithTerm(String term) {
        lock.readLock().lock();
        try {
            Integer id = termIds.get(term);
            Set<Path> files = new HashSet<>();
            if (id == null) return files;
            PostingList list = postings.get(id);
            for (int i = 0; i < list.size(); i++) {
                Chunk chunk = chunks.get(list.id(i));
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
