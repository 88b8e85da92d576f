package org.browsersocket.load;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import picocli.CommandLine;

/**
 * Echo load against a WebSocket echo server.
 *
 * <p>All connections share a few Netty NIO event loops. Every message carries, in its first 8
 * bytes (16 hex characters in text mode), the time it was meant to be sent, so each echo is
 * matched to its send. In a <em>closed loop</em> ({@code ratePerSecond == 0}) every connection
 * keeps exactly one message in flight. In an <em>open loop</em> a scheduler sends at fixed
 * intended times, round-robin over the connections, and latency runs from the intended send time
 * (correcting for coordinated omission): a server stall shows up in the latency of every message
 * that should have been sent during it, not only the one that was waiting.
 */
public final class LoadGenerator {
    /** Largest latency or handshake time the histograms track (longer ones are recorded as this). */
    static final long MAX_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);
    /** After sending ends, how long a run waits for outstanding echoes. */
    static final Duration DRAIN = Duration.ofSeconds(3);
    /**
     * The open-loop scheduler parks until this close to a send time, then spins (parking
     * overshoots by ~50 µs); only at rates where that costs a small share of a CPU.
     */
    static final long SPIN_NANOS = 50_000;

    private LoadGenerator() {}

    /**
     * @param target        ws:// or wss:// URI of an echo server
     * @param connections   concurrent connections, at least 1
     * @param messageBytes  payload bytes per message, at least 16 (the first 8 bytes, or 16 hex
     *                      characters in text mode, are the stamp)
     * @param binary        binary frames; otherwise text frames with an ASCII payload
     * @param ratePerSecond total messages per second across all connections, 0 = closed loop (each
     *                      connection sends its next message when the previous echo arrived)
     * @param warmup        load before recording starts (not recorded), may be zero
     * @param duration      recorded load, positive
     */
    public record Config(URI target, int connections, int messageBytes, boolean binary,
                         double ratePerSecond, Duration warmup, Duration duration) {
        public Config {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(duration, "duration");
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1, not " + connections);
            }
            if (messageBytes < Payload.MIN_BYTES) {
                throw new IllegalArgumentException("messageBytes must be at least " + Payload.MIN_BYTES + ", not " + messageBytes);
            }
            if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("ratePerSecond must be 0 (closed loop) or positive, not " + ratePerSecond);
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warmup must not be negative");
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
        }

        public boolean closedLoop() {
            return ratePerSecond == 0;
        }
    }

    /**
     * @param latencyMicros   round-trip latency of every recorded message in microseconds; in an
     *                        open loop measured from the message's intended send time
     * @param messages        recorded messages whose echo arrived and matched
     * @param bytes           payload bytes of those echoes
     * @param seconds         length of the recorded window (shorter than the configured duration
     *                        when every connection was lost or the run saturated)
     * @param connectMicros   time from TCP connect to completed WebSocket handshake, per connection
     * @param connectFailures connections that could not be opened
     * @param unanswered      messages (warm-up included) without an echo when the run ended, or
     *                        whose connection closed first
     * @param mismatched      echoes that did not match the oldest message in flight on their
     *                        connection (stamp, length or frame type), or arrived with none in flight
     * @param connectionsLost connections closed by the server or the network during the run
     * @param stalled         closed loop: messages whose echo was still missing after 1 s, whose
     *                        connection was then pinged (their full time is recorded)
     */
    public record Result(Histogram latencyMicros, long messages, long bytes, double seconds,
                         Histogram connectMicros, int connectFailures,
                         long unanswered, long mismatched, int connectionsLost, long stalled) {
        public double messagesPerSecond() {
            return seconds > 0 ? messages / seconds : 0;
        }

        /** Payload echoed back, in MB (10^6 bytes) per second. */
        public double megabytesPerSecond() {
            return seconds > 0 ? bytes / 1e6 / seconds : 0;
        }

        /** Human-readable summary: throughput, latency percentiles, connect statistics, errors. */
        public String summary() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "throughput  %d messages in %.2f s: %.1f msg/s, %.3f MB/s (payload echoed)%n",
                    messages, seconds, messagesPerSecond(), megabytesPerSecond()));
            out.append("latency     ").append(percentiles(latencyMicros)).append('\n');
            out.append(String.format(Locale.ROOT, "connect     %d opened, %d failed; handshake %s%n",
                    connectMicros.getTotalCount(), connectFailures, percentiles(connectMicros)));
            out.append(String.format(Locale.ROOT, "errors      %d unanswered, %d mismatched, %d connections lost, %d stalled and pinged%n",
                    unanswered, mismatched, connectionsLost, stalled));
            return out.toString();
        }
    }

    /** p50/p90/p99/p99.9/max of a histogram of microseconds, printed in milliseconds. */
    static String percentiles(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return "(no samples)";
        }
        return String.format(Locale.ROOT, "p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms",
                micros.getValueAtPercentile(50) / 1e3, micros.getValueAtPercentile(90) / 1e3,
                micros.getValueAtPercentile(99) / 1e3, micros.getValueAtPercentile(99.9) / 1e3,
                micros.getMaxValue() / 1e3);
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_TRACKABLE_MICROS, 3);
    }

    static long clampMicros(long micros) {
        return Math.max(0, Math.min(MAX_TRACKABLE_MICROS, micros));
    }

    static int eventLoops(int connections) {
        return Math.max(1, Math.min(connections, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    /**
     * Runs the load: opens the connections, sends for warm-up plus duration, waits at most
     * {@link #DRAIN} for outstanding echoes, closes everything.
     *
     * @throws ConnectException     if not a single connection could be opened
     * @throws SaturationException  if an open-loop run offered more than the server (or this
     *                              generator) could keep up with; it carries the partial result
     */
    public static Result run(Config config) throws Exception {
        LoadState load = new LoadState(config);
        try (Connector connector = new Connector(config.target(), eventLoops(config.connections()), load)) {
            connector.connect(config.connections());
            List<EchoPeer> peers = connector.openedPeers();
            if (peers.isEmpty()) {
                ConnectException e = new ConnectException(String.format(Locale.ROOT,
                        "none of %d connections to %s opened: %s", config.connections(), config.target(),
                        describe(connector.firstFailure())));
                if (connector.firstFailure() != null) {
                    e.initCause(connector.firstFailure());
                }
                throw e;
            }
            long start = connector.now();
            long warmupEnd = start + config.warmup().toNanos();
            long end = warmupEnd + config.duration().toNanos();
            load.warmupEnd = warmupEnd;
            load.end = end;

            long stoppedAt = config.closedLoop()
                    ? closedLoop(connector, peers, end)
                    : openLoop(connector, load, peers, config.ratePerSecond(), start, end);

            long drainUntil = connector.now() + DRAIN.toNanos();
            while ((load.pending.get() > 0 || load.inFlight.sum() > 0) && connector.now() < drainUntil
                    && connector.live() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            Connector.Totals totals = connector.collect(true);
            double seconds = Math.max(0, Math.min(stoppedAt, end) - warmupEnd) / 1e9;
            Result result = new Result(totals.latencyMicros, totals.messages, totals.messages * config.messageBytes(),
                    seconds, totals.connectMicros, connector.failures(), totals.unanswered, totals.mismatched,
                    connector.lost(), totals.stalled);
            String saturation = load.saturation.get();
            if (saturation != null) {
                throw new SaturationException(saturation + String.format(Locale.ROOT,
                        " (offered %.1f msg/s over %d connections)", config.ratePerSecond(), peers.size()), result);
            }
            return result;
        }
    }

    /** Kicks off every connection, then waits until the end (or until every connection is gone). */
    private static long closedLoop(Connector connector, List<EchoPeer> peers, long end) {
        for (EchoPeer peer : peers) {
            peer.channel().eventLoop().execute(peer::startClosedLoop);
        }
        long now;
        while ((now = connector.now()) < end && connector.live() > 0) {
            LockSupport.parkNanos(Math.min(end - now, TimeUnit.MILLISECONDS.toNanos(10)));
        }
        return Math.min(now, end);
    }

    /**
     * Sends message k at start + k / rate, round-robin over the connections still open; stops at
     * the end, on saturation, or when every connection is gone.
     */
    private static long openLoop(Connector connector, LoadState load, List<EchoPeer> peers, double rate, long start, long end) {
        EchoPeer[] ring = peers.toArray(EchoPeer[]::new);
        double interval = 1e9 / rate;
        long pendingLimit = Math.max(100_000, (long) rate);
        long spin = interval >= 4 * SPIN_NANOS ? SPIN_NANOS : 0;
        int next = 0;
        for (long k = 0; ; k++) {
            long intended = start + (long) (k * interval);
            if (intended >= end) {
                return end;
            }
            long now;
            while ((now = connector.now()) < intended) {
                long wait = intended - now;
                if (wait > spin) {
                    LockSupport.parkNanos(wait - spin);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (load.saturation.get() != null) {
                return now;
            }
            EchoPeer peer = null;
            for (int tried = 0; tried < ring.length && peer == null; tried++) {
                EchoPeer candidate = ring[next];
                next = (next + 1) % ring.length;
                if (candidate.isOpen()) {
                    peer = candidate;
                }
            }
            if (peer == null) {
                return now; // every connection is gone
            }
            if (load.pending.incrementAndGet() > pendingLimit) {
                load.saturate("saturated: the generator's event loops fell " + pendingLimit
                        + " sends behind the schedule");
                load.pending.decrementAndGet();
                return now;
            }
            peer.dispatch(intended);
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "no cause recorded";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Opens {@code count} idle connections (at most {@value Connector#HANDSHAKES_IN_FLIGHT}
     * handshakes in flight), recording each handshake's time. Failures are counted, not thrown.
     */
    public static IdleFleet openIdle(URI target, int count) throws Exception {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        Connector connector = new Connector(target, eventLoops(Math.max(1, count)), null);
        try {
            connector.connect(count);
            Connector.Totals totals = connector.collect(false);
            return new IdleFleet(connector, count, totals.connectMicros, connector.failures(),
                    connector.connectSeconds(), connector.firstFailure());
        } catch (Exception | Error e) {
            connector.close();
            throw e;
        }
    }

    /** Command line: {@code --help} lists the options. Exits 0 after printing the summary. */
    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = HelpLayout.applyTo(OneLineUsageErrors.commandLine(new LoadGeneratorCommand()));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof java.io.IOException || e instanceof java.util.concurrent.TimeoutException
                    || e instanceof IllegalArgumentException) {
                command.getErr().println("error: " + e.getMessage()); // expected failures: no stack trace
            } else {
                e.printStackTrace(command.getErr());
            }
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
