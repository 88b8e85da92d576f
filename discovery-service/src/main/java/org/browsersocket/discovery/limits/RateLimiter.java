package org.browsersocket.discovery.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client token buckets for writes: each client (by address) may make {@code burst} writes at
 * once and {@code perSecond} more every second. Idle buckets are forgotten so the map stays small.
 */
public final class RateLimiter {
    private static final int MAX_CLIENTS = 100_000;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    public RateLimiter(double perSecond, double burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for {@code client}; false when the client is over its rate. */
    public boolean tryAcquire(String client) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(b -> now - b.refilledAt > 60_000_000_000L);
        }
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.refilledAt) / 1e9 * perSecond);
            bucket.refilledAt = now;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }

    /** The limit in words, for error messages. */
    public String describe() {
        return (int) perSecond + " writes per second per client (bursts of " + (int) burst + ")";
    }
}
