package org.browsersocket.discovery.http;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.browsersocket.discovery.directory.ValueFeed;
import org.browsersocket.discovery.store.Limits;
import org.browsersocket.discovery.store.StoredValue;
import org.browsersocket.discovery.store.ValueStore;

/**
 * The live watches of one instance ({@code GET /v1/watch/{name}}). Watches are asynchronous
 * responses ({@link Watcher}) and hold no thread; one thread of the hub reads each watched key
 * once and fans the changes out to its watchers: at once for puts and removals made through this
 * instance, and every {@link #RECHECK} for everything (puts through other instances sharing the
 * store, expiries), when it also sends each watcher a keep-alive.
 *
 * <p>A client (IPv4 address or IPv6 /64) may hold a few watches (429 beyond them), the instance
 * many (503 beyond them): see {@link org.browsersocket.discovery.limits.DiscoveryLimits}.
 */
final class WatchHub implements ValueFeed, AutoCloseable {
    /** How often every watched key is read again, and keep-alives are sent. */
    static final Duration RECHECK = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(WatchHub.class.getName());

    /** Why a watch was not started: HTTP status and message. */
    record Refusal(int status, String message) {}

    private final ValueStore store;
    private final Clock clock;
    private final int perClient;
    private final int max;
    private final int maxPendingBytes;
    private final Map<String, Set<Watcher>> byKey = new ConcurrentHashMap<>();
    private final Map<String, Integer> byClient = new HashMap<>(); // guarded by itself
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    /** Watches started since the hub last looked: only they need the values there are (not the key's other watchers). */
    private final Queue<Watcher> joined = new ConcurrentLinkedQueue<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread fanOut;
    private int total; // guarded by byClient
    private volatile boolean closed;

    /**
     * @param store     where the watched values are read
     * @param perClient watches one client may hold
     * @param max       watches the instance holds
     * @param maxPendingBytes most bytes waiting for one watcher's client before it is dropped
     */
    WatchHub(ValueStore store, Clock clock, int perClient, int max, int maxPendingBytes) {
        this.maxPendingBytes = maxPendingBytes;
        this.store = store;
        this.clock = clock;
        this.perClient = perClient;
        this.max = max;
        this.fanOut = new Thread(this::run, "watch-hub");
        fanOut.setDaemon(true);
        fanOut.start();
    }

    @Override
    public void published(byte[] key, StoredValue value) {
        String hex = HexFormat.of().formatHex(key);
        if (byKey.containsKey(hex)) {
            changed.add(hex);
            wake.release();
        }
    }

    /**
     * Starts a watch of {@code key} for {@code client} on this request: the response becomes an
     * event stream (its headers are sent now) that the hub feeds. Answers null, or why the watch was
     * refused (then nothing was started and the response is untouched).
     */
    Refusal watch(String client, byte[] key, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        synchronized (byClient) {
            if (closed) {
                return new Refusal(503, "the service is stopping");
            }
            int mine = byClient.getOrDefault(client, 0);
            if (mine >= perClient) {
                return new Refusal(429, "too many watches from your address (at most " + perClient
                        + " at once); close one first");
            }
            if (total >= max) {
                return new Refusal(503, "this instance holds as many watches as it may (" + max + "); try again later");
            }
            byClient.put(client, mine + 1);
            total++;
        }
        AsyncContext async = null;
        Watcher watcher = null;
        try {
            async = request.startAsync();
            async.setTimeout(0); // a watch lasts until one side ends it
            response.setStatus(200);
            response.setContentType("text/event-stream; charset=utf-8");
            response.setHeader("Cache-Control", "no-store");
            response.flushBuffer(); // commits: the routes' framework leaves a committed response alone
            String hex = HexFormat.of().formatHex(key);
            watcher = new Watcher(client, key, async, maxPendingBytes, this::forget);
            byKey.computeIfAbsent(hex, k -> ConcurrentHashMap.newKeySet()).add(watcher);
            joined.add(watcher); // the hub sends it the values there are now
            wake.release();
            return null;
        } catch (IOException | RuntimeException e) {
            if (watcher != null) {
                watcher.close();
            } else {
                release(client);
                if (async != null) {
                    async.complete();
                }
            }
            throw e;
        }
    }

    /** Watches held now, by everyone. */
    int size() {
        synchronized (byClient) {
            return total;
        }
    }

    private void forget(Watcher watcher) {
        byKey.computeIfPresent(HexFormat.of().formatHex(watcher.key), (k, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
        release(watcher.client);
    }

    private void release(String client) {
        synchronized (byClient) {
            byClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
            total--;
        }
    }

    private void run() {
        long nextRecheck = System.nanoTime() + RECHECK.toNanos();
        while (!closed) {
            try {
                wake.tryAcquire(Math.max(0, nextRecheck - System.nanoTime()), TimeUnit.NANOSECONDS);
                wake.drainPermits();
            } catch (InterruptedException stopping) {
                return;
            }
            boolean recheck = System.nanoTime() - nextRecheck >= 0;
            if (recheck) {
                nextRecheck = System.nanoTime() + RECHECK.toNanos();
                changed.clear();
                joined.clear(); // all are told now
                byKey.forEach((hex, watchers) -> fanOut(watchers, true));
            } else {
                for (String hex : List.copyOf(changed)) {
                    changed.remove(hex);
                    Set<Watcher> watchers = byKey.get(hex);
                    if (watchers != null) {
                        fanOut(watchers, false);
                    }
                }
                Map<String, List<Watcher>> newcomers = new HashMap<>();
                for (Watcher w = joined.poll(); w != null; w = joined.poll()) {
                    newcomers.computeIfAbsent(HexFormat.of().formatHex(w.key), k -> new ArrayList<>()).add(w);
                }
                newcomers.values().forEach(watchers -> fanOut(watchers, false));
            }
        }
    }

    /** Reads the key of {@code watchers} (all of one key) once and tells each of them what changed. */
    private void fanOut(Collection<Watcher> watchers, boolean keepAlive) {
        if (watchers.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<StoredValue> values;
        try {
            values = store.get(watchers.iterator().next().key, Limits.MAX_VALUES_PER_GET, new byte[0], now).values();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reading a watched key failed; trying again in " + RECHECK.toSeconds() + " s", e);
            return;
        }
        WatchEvents events = new WatchEvents(values, now); // encoded once, for all the key's watchers
        for (Watcher watcher : watchers) {
            try {
                watcher.update(events);
                if (keepAlive) {
                    watcher.keepAlive();
                }
            } catch (RuntimeException e) {
                // One broken stream must not stop the others' (nor this thread).
                LOG.log(Level.WARNING, "a watch failed; ending it", e);
                watcher.close();
            }
        }
    }

    /** Ends every watch and the hub's thread (the server is stopping). */
    @Override
    public void close() {
        closed = true;
        fanOut.interrupt();
        byKey.values().forEach(set -> List.copyOf(set).forEach(Watcher::close));
        try {
            fanOut.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
