package org.browsersocket.discovery.limits;

/**
 * The discovery service's abuse limits, per client (an IPv4 address or an IPv6 /64) and in all.
 *
 * @param writesPerSecond      writes (puts, removals, signed updates) one client may make per
 *                             second, in bursts of ten times as many ({@code --writes-per-second})
 * @param putsPerNamePerMinute puts one client may make to one name per minute, in bursts of as
 *                             many ({@code --puts-per-name-per-minute})
 * @param maxStoredBytes       stored bytes (see {@code Capacity}) the whole store may hold
 *                             ({@code --max-stored-bytes})
 * @param watchesPerClient     live watches ({@code GET /v1/watch/...}) one client may hold
 * @param maxWatches           live watches one instance holds in all
 */
public record DiscoveryLimits(double writesPerSecond, double putsPerNamePerMinute, long maxStoredBytes,
                              int watchesPerClient, int maxWatches) {

    /** 50 writes/s, 10 puts per name per minute, 1 GiB, 8 watches per client, 10,000 in all. */
    public static final DiscoveryLimits DEFAULTS = new DiscoveryLimits(50, 10, 1L << 30, 8, 10_000);

    public DiscoveryLimits {
        if (!(writesPerSecond > 0) || !(putsPerNamePerMinute > 0) || maxStoredBytes < 0 || watchesPerClient < 1
                || maxWatches < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public DiscoveryLimits withWritesPerSecond(double rate) {
        return new DiscoveryLimits(rate, putsPerNamePerMinute, maxStoredBytes, watchesPerClient, maxWatches);
    }
}
