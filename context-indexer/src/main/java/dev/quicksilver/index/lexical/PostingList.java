package dev.quicksilver.index.lexical;

import java.util.Arrays;

/**
 * One term's postings: the ids of the chunks that hold it, in increasing order (ids only ever grow), each with the
 * term's count in that chunk, side by side, so scoring a term reads two arrays front to back and never the chunks.
 */
final class PostingList {
    private int[] ids = new int[4];
    private short[] counts = new short[4];
    private int size;

    void add(int id, short count) {
        if (size == ids.length) {
            int grown = size + (size >> 1) + 1;
            ids = Arrays.copyOf(ids, grown);
            counts = Arrays.copyOf(counts, grown);
        }
        ids[size] = id;
        counts[size] = count;
        size++;
    }

    /** Removes chunk {@code id}: binary search, then one shift of both arrays. */
    void remove(int id) {
        int i = Arrays.binarySearch(ids, 0, size, id);
        if (i < 0) return;
        System.arraycopy(ids, i + 1, ids, i, size - i - 1);
        System.arraycopy(counts, i + 1, counts, i, size - i - 1);
        size--;
    }

    int id(int i) {
        return ids[i];
    }

    int count(int i) {
        return counts[i];
    }

    int size() {
        return size;
    }
}
