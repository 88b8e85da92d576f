package org.browsersocket.runtime.activity;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What happened lately on the runtime, for its status page: the last events (pages coming and
 * going, listeners, handshakes, closes), the connections that closed lately, and the traffic
 * totals. Pages write here; the status page reads; neither knows the other. Bounded: old entries
 * are dropped.
 */
public final class ActivityLog {
    public static final int DEFAULT_EVENTS = 500;
    public static final int DEFAULT_CLOSED = 100;

    private final Ring<ActivityEvent> events;
    private final Ring<ClosedConnection> closed;
    private final AtomicLong seq = new AtomicLong();
    private final Traffic traffic = new Traffic();
    private final LongSupplier clock;

    /** Keeps the default number of events and closed connections. */
    public ActivityLog() {
        this(DEFAULT_EVENTS, DEFAULT_CLOSED, System::currentTimeMillis);
    }

    /** Keeps the last {@code events} events and {@code closed} closed connections; {@code clock} gives epoch ms. */
    public ActivityLog(int events, int closed, LongSupplier clock) {
        this.events = new Ring<>(events);
        this.closed = new Ring<>(closed);
        this.clock = clock;
    }

    /** Records an event (see {@link ActivityEvent} for the fields) and returns it. */
    public ActivityEvent record(String kind, String page, Integer listener, Integer connection, String remote,
                                Integer code, String detail) {
        // Numbered inside the ring's lock, so the log is in sequence order.
        synchronized (events) {
            ActivityEvent event = new ActivityEvent(seq.incrementAndGet(), clock.getAsLong(), kind, page, listener,
                    connection, remote, code, detail);
            events.add(event);
            return event;
        }
    }

    /** A connection closed. */
    public void closed(ClosedConnection connection) {
        closed.add(connection);
    }

    /** The current time as this log sees it, epoch milliseconds. */
    public long now() {
        return clock.getAsLong();
    }

    /** The kept events, oldest first. */
    public List<ActivityEvent> events() {
        return events.items();
    }

    /** The kept events numbered after {@code seq}, oldest first. */
    public List<ActivityEvent> eventsAfter(long seq) {
        return events.items().stream().filter(e -> e.seq() > seq).toList();
    }

    /** The number of the latest event (0 before the first): changes whenever something happened. */
    public long lastSeq() {
        return seq.get();
    }

    /** The connections that closed lately, oldest first. */
    public List<ClosedConnection> closedConnections() {
        return closed.items();
    }

    /** Messages and bytes relayed since the start. */
    public Traffic traffic() {
        return traffic;
    }
}
