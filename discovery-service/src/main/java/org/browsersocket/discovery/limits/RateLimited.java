package org.browsersocket.discovery.limits;

/**
 * A write refused because its client is over a rate limit; the message says which limit (JSON:
 * 429 with {@code Retry-After}; XML-RPC: fault 5).
 */
public final class RateLimited extends RuntimeException {
    private final long retryAfterSeconds;

    public RateLimited(String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When trying again may succeed. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
