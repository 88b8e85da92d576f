package org.browsersocket.discovery.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets, one per key (a client, or a client and a name): each key may take {@code burst}
 * tokens at once and {@code perSecond} more every second. The table is bounded: when it holds
 * {@code maxKeys} buckets, the full ones are forgotten (a full bucket is what a new key gets, so
 * forgetting it changes nothing); if none is full, keys without a bucket share one overflow bucket
 * until some fill up, so a flood of new keys can neither grow the table nor get fresh bursts.
 */
public final class RateLimiter {
    /** Buckets kept unless told otherwise. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;
    private long lastSweep;

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        /** Refills for the time since the last refill, at most to {@code burst}. */
        void refill(long now, double perSecond, double burst) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / (double) NANOS_PER_SECOND * perSecond);
            refilledAt = now;
        }
    }

    /**
     * @param perSecond tokens each key gets back per second
     * @param burst     tokens a key may take at once (and what a new key starts with)
     * @param nanoClock {@link System#nanoTime} or a test's clock
     * @param maxKeys   most buckets kept
     */
    public RateLimiter(double perSecond, double burst, LongSupplier nanoClock, int maxKeys) {
        if (!(perSecond > 0) || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate, a burst of at least 1 and room for a key");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.maxKeys = maxKeys;
        long now = nanoClock.getAsLong();
        this.overflow = new Bucket(burst, now);
        this.lastSweep = now;
    }

    public RateLimiter(double perSecond, double burst, LongSupplier nanoClock) {
        this(perSecond, burst, nanoClock, DEFAULT_MAX_KEYS);
    }

    /** Takes one token for {@code key}; false when the key is over its rate. */
    public boolean tryAcquire(String key) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            bucket = newBucket(key, now);
        }
        synchronized (bucket) {
            bucket.refill(now, perSecond, burst);
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }

    /** Buckets held now (for tests). */
    int size() {
        return buckets.size();
    }

    private Bucket newBucket(String key, long now) {
        if (buckets.size() >= maxKeys) {
            sweep(now);
            if (buckets.size() >= maxKeys) {
                return overflow;
            }
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    }

    /**
     * Forgets the buckets that would be full by now. A sweep reads every bucket, so it runs at
     * most once for each token's worth of time, however many new keys arrive.
     */
    private synchronized void sweep(long now) {
        if (now - lastSweep < NANOS_PER_SECOND / perSecond) {
            return;
        }
        lastSweep = now;
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                return bucket.tokens + (now - bucket.refilledAt) / (double) NANOS_PER_SECOND * perSecond >= burst;
            }
        });
    }

    /** The limit in words, e.g. {@code 50 per second (bursts of 500)}. */
    public String describe(String unit) {
        return words(perSecond) + " " + unit + " (bursts of " + words(burst) + ")";
    }

    private static String words(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }
}
