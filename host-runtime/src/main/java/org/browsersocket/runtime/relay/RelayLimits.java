package org.browsersocket.runtime.relay;

import java.time.Duration;

/**
 * What one relay allows each registrant, and altogether.
 *
 * @param maxRegistrants     runtimes registered at once
 * @param maxRoutes          prefixes (listeners) one registrant may route through the relay
 * @param maxConnections     peers relayed to one registrant at once; more are refused with 503
 * @param bytesPerSecond     bytes relayed for one registrant per second, both directions together;
 *                           peers of a registrant over it are slowed down (not read), never dropped
 * @param reclaim            how long a registrant whose link dropped keeps its routes, so that it can
 *                           reconnect and nobody else can take them meanwhile
 */
public record RelayLimits(int maxRegistrants, int maxRoutes, int maxConnections, long bytesPerSecond,
                          Duration reclaim) {
    public static RelayLimits defaults() {
        return new RelayLimits(1000, 64, 1000, 16L << 20, Duration.ofSeconds(60));
    }
}
