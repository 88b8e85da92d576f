package org.browsersocket.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** The parameters and shared progress of one {@link LoadGenerator#run} (absent for idle fleets). */
final class LoadState {
    /** Most messages one connection may have in flight in an open-loop run. */
    static final int MAX_IN_FLIGHT = 10_000;
    /** Bound on the payload bytes in flight over all connections, which lowers the per-connection limit for big messages. */
    static final long IN_FLIGHT_BYTES = 256L << 20;

    final boolean binary;
    final boolean closedLoop;
    final byte[] filler;
    final int inFlightLimit;
    /** Start of the recorded window and end of sending, nanoseconds since the connector's epoch. */
    volatile long warmupEnd = Long.MAX_VALUE;
    volatile long end = Long.MIN_VALUE;
    /** Messages sent and neither echoed nor written off. */
    final LongAdder inFlight = new LongAdder();
    /** Open loop: sends handed to an event loop and not yet executed there. */
    final AtomicLong pending = new AtomicLong();
    final AtomicReference<String> saturation = new AtomicReference<>();

    LoadState(LoadGenerator.Config config) {
        binary = config.binary();
        closedLoop = config.ratePerSecond() == 0;
        filler = Payload.filler(config.messageBytes());
        long byBytes = IN_FLIGHT_BYTES / config.connections() / config.messageBytes();
        inFlightLimit = (int) Math.max(2, Math.min(MAX_IN_FLIGHT, byBytes));
    }

    int messageBytes() {
        return filler.length;
    }

    void saturate(String reason) {
        saturation.compareAndSet(null, reason);
    }
}
