package org.browsersocket.runtime.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes the runtime holds on behalf of peers, against one limit: parts of messages still
 * arriving, and what slow peers have not read. A peer that would push it over the limit is closed
 * instead (the rest keep their share). Thread-safe.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when they do not fit. */
    public boolean tryReserve(long bytes) {
        long now = used.addAndGet(bytes);
        if (now > limit) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Returns {@code bytes} taken earlier. */
    public void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
