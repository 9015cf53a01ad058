package dev.quicksilver.index.lexical;

import java.util.Arrays;

/** A growable, sorted-by-construction list of ints: posting lists whose ids only ever grow. */
final class IntList {
    private int[] values = new int[4];
    private int size;

    void add(int value) {
        if (size == values.length) values = Arrays.copyOf(values, size + (size >> 1) + 1);
        values[size++] = value;
    }

    /** Removes {@code value} from a list kept in increasing order; binary search, then one shift. */
    void removeSorted(int value) {
        int i = Arrays.binarySearch(values, 0, size, value);
        if (i < 0) return;
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
    }

    int get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }
}
