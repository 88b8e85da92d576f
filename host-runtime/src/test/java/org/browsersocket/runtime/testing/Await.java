package org.browsersocket.runtime.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition, up to a deadline; never a fixed sleep. */
public final class Await {
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private Await() {}

    /** Returns once {@code condition} holds; fails saying {@code what} did not happen within 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    public static void until(String what, Duration limit, BooleanSupplier condition) {
        until(() -> what, limit, condition);
    }

    /** Like {@link #until(String, Duration, BooleanSupplier)}; {@code what} is evaluated on failure (it may report the state seen). */
    public static void until(Supplier<String> what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: " + what.get());
            }
            LockSupport.parkNanos(2_000_000); // poll the condition every 2 ms
        }
    }
}
