package org.browsersocket.discovery.http;

import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.browsersocket.discovery.directory.ValueFeed;
import org.browsersocket.discovery.store.StoredValue;

/**
 * Wakes the watchers of a key when a put on this instance stored a value there. Watchers re-read
 * the store when woken (and every few seconds anyway, for puts made through other instances
 * sharing the store), so a wake-up carries no data.
 */
final class WatchHub implements ValueFeed {
    private final Map<String, Set<Semaphore>> watchers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public void published(byte[] key, StoredValue value) {
        Set<Semaphore> waiting = watchers.get(HexFormat.of().formatHex(key));
        if (waiting != null) {
            waiting.forEach(Semaphore::release);
        }
    }

    /** Registers a watcher of {@code key}; released when something was put there. */
    Semaphore subscribe(byte[] key) {
        Semaphore wake = new Semaphore(0);
        watchers.computeIfAbsent(HexFormat.of().formatHex(key), k -> ConcurrentHashMap.newKeySet()).add(wake);
        return wake;
    }

    void unsubscribe(byte[] key, Semaphore wake) {
        watchers.computeIfPresent(HexFormat.of().formatHex(key), (k, set) -> {
            set.remove(wake);
            return set.isEmpty() ? null : set;
        });
    }

    /** Ends every watch (the server is stopping). */
    void close() {
        closed = true;
        watchers.values().forEach(set -> set.forEach(Semaphore::release));
    }

    boolean isClosed() {
        return closed;
    }
}
