package org.browsersocket.runtime.relay;

/**
 * Bytes per second for one registrant, shared by all its relayed peers in both directions, with a
 * burst of one second's worth. Thread-safe.
 */
final class TokenBucket {
    private final long bytesPerSecond;
    private long tokens;
    private long refilledNanos = System.nanoTime();

    TokenBucket(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    /**
     * Takes {@code bytes} (going into debt if need be) and returns how long the caller should
     * pause before taking more: 0 while within the rate.
     */
    synchronized long take(long bytes, long nowNanos) {
        long elapsed = nowNanos - refilledNanos;
        if (elapsed > 0) {
            long refill = (long) (elapsed / 1e9 * bytesPerSecond);
            if (refill > 0) {
                tokens = Math.min(bytesPerSecond, tokens + refill);
                refilledNanos = nowNanos;
            }
        }
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
    }
}
