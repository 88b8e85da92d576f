package org.browsersocket.runtime.status;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.browsersocket.runtime.activity.Traffic;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.page.PeerConnection;

/**
 * Turns counters into rates: sampled about once a second, it keeps the runtime's messages per
 * second for the last {@link #HISTORY} samples (the status page's graph) and each open
 * connection's rates since the previous sample. Samples are taken on one thread; readers on
 * others see whole, immutable results.
 */
final class TrafficSampler {
    static final int HISTORY = 120;

    /** Rates over one sampling interval, per second. */
    record Rates(double messagesIn, double messagesOut, double bytesIn, double bytesOut) {
        static final Rates ZERO = new Rates(0, 0, 0, 0);
    }

    /** The runtime's rates at one moment (epoch milliseconds). */
    record Point(long at, double messagesIn, double messagesOut, double bytesIn, double bytesOut) {}

    private record Counts(long at, long messagesIn, long messagesOut, long bytesIn, long bytesOut) {
        Rates ratesSince(Counts before) {
            double seconds = Math.max(1, at - before.at) / 1000.0;
            return new Rates((messagesIn - before.messagesIn) / seconds, (messagesOut - before.messagesOut) / seconds,
                    (bytesIn - before.bytesIn) / seconds, (bytesOut - before.bytesOut) / seconds);
        }
    }

    private final Traffic traffic;
    private final ArrayDeque<Point> history = new ArrayDeque<>(HISTORY);
    private Counts lastTotals;
    private Map<PeerConnection, Counts> lastPerConnection = new IdentityHashMap<>();
    private volatile Map<PeerConnection, Rates> connectionRates = Map.of();
    private volatile List<Point> points = List.of();

    TrafficSampler(Traffic traffic) {
        this.traffic = traffic;
    }

    /** Takes a sample at {@code now} (epoch ms) of the totals and of the open connections. */
    void sample(long now, Collection<PageSession> sessions) {
        Counts totals = new Counts(now, traffic.messagesIn(), traffic.messagesOut(), traffic.bytesIn(), traffic.bytesOut());
        if (lastTotals != null) {
            Rates r = totals.ratesSince(lastTotals);
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(new Point(now, r.messagesIn(), r.messagesOut(), r.bytesIn(), r.bytesOut()));
            points = List.copyOf(history);
        }
        lastTotals = totals;
        Map<PeerConnection, Counts> current = new IdentityHashMap<>();
        Map<PeerConnection, Rates> rates = new IdentityHashMap<>();
        for (PageSession session : sessions) {
            for (PeerConnection c : session.allConnections()) {
                Counts counts = new Counts(now, c.messagesIn(), c.messagesOut(), c.bytesIn(), c.bytesOut());
                current.put(c, counts);
                Counts before = lastPerConnection.get(c);
                rates.put(c, before == null ? Rates.ZERO : counts.ratesSince(before));
            }
        }
        lastPerConnection = current; // closed connections drop out here
        connectionRates = rates;
    }

    /** A connection's rates over the last interval (zero until it has been sampled twice). */
    Rates rates(PeerConnection connection) {
        return connectionRates.getOrDefault(connection, Rates.ZERO);
    }

    /** The runtime's rates, oldest first, one per sample. */
    List<Point> history() {
        return points;
    }

    /** The latest rates, or zero before the second sample. */
    Point latest() {
        List<Point> p = points;
        return p.isEmpty() ? new Point(0, 0, 0, 0, 0) : p.get(p.size() - 1);
    }
}
