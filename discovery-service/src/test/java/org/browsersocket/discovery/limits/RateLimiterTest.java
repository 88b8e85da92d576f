package org.browsersocket.discovery.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a clock the test moves. */
class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(42 * SECOND);

    private int granted(RateLimiter limiter, String key, int tries) {
        int granted = 0;
        for (int i = 0; i < tries; i++) {
            if (limiter.tryAcquire(key)) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void aNewKeyGetsItsBurstThenNothingUntilTimePasses() {
        RateLimiter limiter = new RateLimiter(2, 5, clock::get);
        assertEquals(5, granted(limiter, "a", 20));
        assertFalse(limiter.tryAcquire("a"));
        assertEquals(5, granted(limiter, "b", 20), "keys do not share buckets");
    }

    @Test
    void tokensComeBackAtTheRateButNeverBeyondTheBurst() {
        RateLimiter limiter = new RateLimiter(2, 5, clock::get);
        granted(limiter, "a", 5);
        clock.addAndGet(SECOND / 2);
        assertEquals(1, granted(limiter, "a", 10), "half a second at 2 per second");
        clock.addAndGet(3 * SECOND / 2);
        assertEquals(3, granted(limiter, "a", 10));
        clock.addAndGet(3600 * SECOND);
        assertEquals(5, granted(limiter, "a", 10), "an hour later: a full burst, no more");
    }

    @Test
    void whenTheTableIsFullTheFullBucketsAreForgotten() {
        RateLimiter limiter = new RateLimiter(1, 3, clock::get, 2);
        granted(limiter, "a", 3);
        granted(limiter, "b", 1);
        clock.addAndGet(2 * SECOND); // b is full again (1 + 2 >= 3), a is not (0 + 2)
        assertTrue(limiter.tryAcquire("c"));
        assertEquals(2, limiter.size(), "b was forgotten to make room for c");
        assertEquals(2, granted(limiter, "a", 10), "a kept what it had used");
        assertEquals(3, granted(limiter, "b", 10), "b starts again with a full burst, as it would have had");
    }

    @Test
    void whenNoBucketIsFullNewKeysShareOneOverflowBucket() {
        RateLimiter limiter = new RateLimiter(1, 3, clock::get, 2);
        granted(limiter, "a", 3);
        granted(limiter, "b", 3);
        // A flood of new keys: none gets a bucket of its own, together they get one burst.
        int granted = 0;
        for (int i = 0; i < 1000; i++) {
            granted += limiter.tryAcquire("new " + i) ? 1 : 0;
        }
        assertEquals(3, granted);
        assertEquals(2, limiter.size());
    }

    @Test
    void ratesAndBurstsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 5, clock::get));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, 0, clock::get));
        assertEquals("50 writes per second (bursts of 500)", new RateLimiter(50, 500, clock::get).describe("writes per second"));
    }
}
