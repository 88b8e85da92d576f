package org.browsersocket.discovery.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongToIntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Purges a store's expired values now and then on a daemon thread. Reads already hide expired
 * values; this only keeps them from piling up on disk or in Redis memory.
 */
final class Purger implements AutoCloseable {
    /** How often a store purges unless told otherwise. */
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(Purger.class.getName());

    private final ScheduledExecutorService executor;

    /** Starts purging with {@code purge(nowMillis)} every {@code interval}, the first time after one interval. */
    Purger(String name, Duration interval, LongToIntFunction purge) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("purge interval must be positive: " + interval);
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> purgeOnce(purge), millis, millis, TimeUnit.MILLISECONDS);
    }

    private static void purgeOnce(LongToIntFunction purge) {
        try {
            purge.applyAsInt(System.currentTimeMillis());
        } catch (RuntimeException e) {
            // An escaping exception would cancel every later run; log it and try again next time.
            LOG.log(Level.WARNING, "purging expired values failed; trying again later", e);
        }
    }

    /** Stops purging; waits for a purge under way, so the store can be closed after this returns. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warning("a purge is still running after 30 s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
