package org.browsersocket.load;

import java.util.NoSuchElementException;

/** A FIFO of longs that grows on demand (one connection's messages in flight, oldest first). */
final class LongRing {
    private long[] items = new long[4];
    private int head;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(long value) {
        if (size == items.length) {
            long[] grown = new long[items.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = items[(head + i) % items.length];
            }
            items = grown;
            head = 0;
        }
        items[(head + size) % items.length] = value;
        size++;
    }

    /** The oldest value, left in place. */
    long peek() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return items[head];
    }

    long poll() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        long value = items[head];
        head = (head + 1) % items.length;
        size--;
        return value;
    }

    void clear() {
        head = 0;
        size = 0;
        if (items.length > 1024) {
            items = new long[4];
        }
    }
}
