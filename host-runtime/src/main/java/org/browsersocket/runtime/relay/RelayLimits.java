package org.browsersocket.runtime.relay;

import java.time.Duration;

/**
 * What one relay allows each registrant, and altogether.
 *
 * @param maxRegistrants     runtimes registered at once
 * @param maxRoutes          prefixes (listeners) one registrant may route through the relay
 * @param maxConnections     peers relayed to one registrant at once (WebSocket peers and HTTP
 *                           requests passed on to its pages); more are refused with 503
 * @param bytesPerSecond     bytes relayed for one registrant per second, both directions together;
 *                           peers of a registrant over it are slowed down (not read), never dropped
 * @param reclaim            how long a registrant whose link dropped keeps its routes, so that it can
 *                           reconnect and nobody else can take them meanwhile
 * @param requestBodyBytes   largest HTTP request body the relay passes on to a page; larger ones get 413
 * @param cache              the relay's shared HTTP cache for its registrants' pages (null: none)
 */
public record RelayLimits(int maxRegistrants, int maxRoutes, int maxConnections, long bytesPerSecond,
                          Duration reclaim, long requestBodyBytes, RelayCacheLimits cache) {
    public static final long DEFAULT_REQUEST_BODY_BYTES = 16L << 20;

    /** Limits without a cache, and the default request body limit. */
    public RelayLimits(int maxRegistrants, int maxRoutes, int maxConnections, long bytesPerSecond, Duration reclaim) {
        this(maxRegistrants, maxRoutes, maxConnections, bytesPerSecond, reclaim, DEFAULT_REQUEST_BODY_BYTES, null);
    }

    public static RelayLimits defaults() {
        return new RelayLimits(1000, 64, 1000, 16L << 20, Duration.ofSeconds(60));
    }

    public RelayLimits withCache(RelayCacheLimits limits) {
        return new RelayLimits(maxRegistrants, maxRoutes, maxConnections, bytesPerSecond, reclaim, requestBodyBytes, limits);
    }

    public RelayLimits withRequestBodyBytes(long bytes) {
        return new RelayLimits(maxRegistrants, maxRoutes, maxConnections, bytesPerSecond, reclaim, bytes, cache);
    }
}
