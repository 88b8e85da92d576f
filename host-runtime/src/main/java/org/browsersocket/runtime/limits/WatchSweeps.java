package org.browsersocket.runtime.limits;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link WatchSweep} per event loop, for the peers of one public port (one set of limits). */
public final class WatchSweeps {
    private final long periodMillis;
    private final Map<EventExecutor, WatchSweep> sweeps = new ConcurrentHashMap<>();

    /** Deadlines are checked a quarter of the shortest one apart (so met within 25 %), at most every 50 ms. */
    public WatchSweeps(PeerLimits limits) {
        long shortest = Math.min(limits.handshakeTimeout().toMillis(),
                Math.min(limits.messageTimeout().toMillis(), limits.idleTimeout().toMillis()));
        this.periodMillis = Math.max(50, shortest / 4);
    }

    WatchSweep on(EventExecutor loop) {
        return sweeps.computeIfAbsent(loop, l -> new WatchSweep(l, periodMillis));
    }
}
