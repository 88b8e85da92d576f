package org.browsersocket.runtime.relay.link;

import java.util.concurrent.ThreadLocalRandom;

/** Delays between reconnection attempts: from half a second, doubling, at most 30 s, with jitter. */
final class Backoff {
    private static final long FIRST_MILLIS = 500;
    private static final long MAX_MILLIS = 30_000;
    private int failures;

    long nextDelayMillis() {
        long base = Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(failures++, 16));
        return base - (long) (base * 0.2 * ThreadLocalRandom.current().nextDouble());
    }

    void reset() {
        failures = 0;
    }
}
