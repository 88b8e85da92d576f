package org.browsersocket.load;

import org.HdrHistogram.Histogram;

/** Idle WebSocket connections held open for a scale test; {@link #close()} closes them all. */
public final class IdleFleet implements AutoCloseable {
    private final Connector connector;
    private final int requested;
    private final Histogram connectMicros;
    private final int failures;
    private final double connectSeconds;
    private final Throwable firstFailure;

    IdleFleet(Connector connector, int requested, Histogram connectMicros, int failures, double connectSeconds,
              Throwable firstFailure) {
        this.connector = connector;
        this.requested = requested;
        this.connectMicros = connectMicros;
        this.failures = failures;
        this.connectSeconds = connectSeconds;
        this.firstFailure = firstFailure;
    }

    /** Connections asked for. */
    public int requested() {
        return requested;
    }

    /** Connections open now (those the server closed since are not counted). */
    public int openCount() {
        return connector.live();
    }

    /** Connections that could not be opened. */
    public int failures() {
        return failures;
    }

    /** Time from TCP connect to completed WebSocket handshake, one value per opened connection. */
    public Histogram connectMicros() {
        return connectMicros;
    }

    /** Connections opened per second over the whole opening phase. */
    public double connectsPerSecond() {
        return connectSeconds > 0 ? connectMicros.getTotalCount() / connectSeconds : 0;
    }

    /** Seconds the opening phase took. */
    public double connectSeconds() {
        return connectSeconds;
    }

    /** Why the first failed connection failed, or null. */
    public Throwable firstFailure() {
        return firstFailure;
    }

    /** Connections the server closed after their handshake. */
    public int lost() {
        return connector.lost();
    }

    @Override
    public void close() {
        connector.close();
    }
}
