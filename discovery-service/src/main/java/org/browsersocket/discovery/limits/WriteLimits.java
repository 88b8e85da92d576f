package org.browsersocket.discovery.limits;

import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * The rate limits on writes: every write of a client (puts, removals, signed updates) counts
 * against its writes per second, and every put also against its puts to that name per minute, so
 * one client cannot fill a popular name (say, a chat lobby) with junk in a burst.
 */
public final class WriteLimits {
    private final RateLimiter writes;
    private final RateLimiter putsPerName;
    private final String putsPerNameText;

    public WriteLimits(DiscoveryLimits limits, LongSupplier nanoClock) {
        this.writes = new RateLimiter(limits.writesPerSecond(), limits.writesPerSecond() * 10, nanoClock);
        this.putsPerName = new RateLimiter(limits.putsPerNamePerMinute() / 60, limits.putsPerNamePerMinute(), nanoClock);
        double perMinute = limits.putsPerNamePerMinute();
        this.putsPerNameText = perMinute == Math.rint(perMinute) ? Long.toString((long) perMinute) : Double.toString(perMinute);
    }

    /** Counts a write of {@code client}; throws when it is over its writes per second. */
    public void admitWrite(String client) {
        if (!writes.tryAcquire(client)) {
            throw new RateLimited("rate limit exceeded: " + writes.describe("writes per second per client"), 1);
        }
    }

    /** Counts a put of {@code client} to {@code key}; throws when it is over its puts to that name. */
    public void admitPut(String client, byte[] key) {
        if (!putsPerName.tryAcquire(client + " " + HexFormat.of().formatHex(key))) {
            throw new RateLimited("rate limit exceeded: at most " + putsPerNameText
                    + " puts to one name per minute from one address", 60);
        }
    }
}
