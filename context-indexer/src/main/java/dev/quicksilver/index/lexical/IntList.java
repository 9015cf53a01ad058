package dev.quicksilver.index.lexical;

import java.util.Arrays;

/** A growable list of ints (the chunks a search touched). */
final class IntList {
    private int[] values = new int[4];
    private int size;

    void add(int value) {
        if (size == values.length) values = Arrays.copyOf(values, size + (size >> 1) + 1);
        values[size++] = value;
    }

    int get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }
}
