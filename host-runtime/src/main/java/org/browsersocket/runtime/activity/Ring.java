package org.browsersocket.runtime.activity;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last {@code capacity} items added, oldest first; older ones are dropped. Thread-safe. */
final class Ring<T> {
    private final int capacity;
    private final ArrayDeque<T> items;

    Ring(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
    }

    synchronized void add(T item) {
        if (items.size() == capacity) {
            items.removeFirst();
        }
        items.addLast(item);
    }

    synchronized List<T> items() {
        return new ArrayList<>(items);
    }
}
