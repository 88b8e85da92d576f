package org.browsersocket.experiments;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.browsersocket.load.LoadGenerator;
import org.browsersocket.load.SaturationException;

/**
 * E9: latency vs offered load. The same servers as E1 and E2 (page-hosted direct and through a
 * relay, Java, Node.js) under an open loop: 10 connections send 64-byte binary messages at a fixed
 * total rate, each message at its intended time whether or not earlier ones were answered, and
 * latency runs from that intended time (corrected for coordinated omission), so a server that
 * falls behind shows it in every message that waited. The rate climbs a ladder; at each rung every
 * server is measured in turn, the order turning by one at every rung.
 *
 * <p>Per server and rate, over the repetitions: the median of the repetitions' median latencies
 * with its 95% bootstrap interval, the p99 and p99.9 of all their samples together, the messages
 * lost (unanswered or mismatched, warm-up included) and sent (the recorded ones echoed, plus the
 * lost), as E2 counts them; achieved is the median over the repetitions of the recorded echoes per
 * second of the window (echoes that arrive while the run drains count). A run the generator stops
 * because the server (or the generator) could not keep up with the rate ({@link
 * SaturationException}), or that lost more than {@link Lab#MAX_LOST_FRACTION} of its messages or
 * echoed under 90% of the offered rate, is recorded, from its result, as saturated: the rung at which
 * that server stopped keeping up.
 */
final class OfferedLoadExperiment {
    static final String NAME = "e9_offered_load";
    static final String HEADER = "server,offered_per_s,achieved_per_s,median_us,median_ci_low_us,median_ci_high_us,"
            + "p99_us,p999_us,sent,lost,saturated,repetitions";
    static final String RAW_HEADER = "repetition,server,offered_per_s,achieved_per_s,median_us,p99_us,sent,lost,saturated";
    private static final List<String> SERVERS = List.of(Servers.PAGE, Servers.RELAY, Servers.JAVA, Servers.NODE);
    static final int CONNECTIONS = 10;
    static final int MESSAGE_BYTES = 64;

    private OfferedLoadExperiment() {}

    /** What one server did at one rate over the repetitions. */
    private static final class Series {
        final List<Double> achieved = new ArrayList<>();
        final List<Double> medians = new ArrayList<>();
        final Histogram pooled = new Histogram(3);
        long sent;
        long lost;
        /** The generator stopped at least one repetition for saturation. */
        boolean saturated;
        int repetitions;
    }

    static void run(Lab lab) throws Exception {
        int[] rates = lab.quick() ? new int[] {500, 2000, 8000} : new int[] {500, 1000, 2000, 4000, 8000, 16000, 32000, 64000};
        int repetitions = lab.count(1, 3);
        Duration warmup = lab.span(200, 500);
        Duration window = lab.span(500, 2000);
        Map<String, Series> series = new LinkedHashMap<>(); // server/rate → its repetitions
        Csv raw = new Csv(RAW_HEADER.split(","));
        try (Servers servers = Servers.start(lab)) {
            List<String> order = new ArrayList<>(servers.urls().keySet());
            for (int rep = 1; rep <= repetitions; rep++) {
                for (int rate : rates) {
                    for (String server : order) {
                        URI target = servers.urls().get(server);
                        LoadGenerator.Result result;
                        boolean saturated;
                        try {
                            result = LoadGenerator.run(new LoadGenerator.Config(target, CONNECTIONS, MESSAGE_BYTES, true, rate,
                                    warmup, window));
                            saturated = false;
                        } catch (SaturationException e) {
                            result = e.partialResult();
                            saturated = true;
                        }
                        long lost = ThroughputExperiment.lost(result);
                        long sent = result.messages() + lost;
                        // Past its capacity an open loop outruns the server by design: echoes still
                        // missing after the drain, or a rate it did not keep up with, mark the rung
                        // where it saturated (recorded as such), not a lost measurement.
                        saturated |= lost > Lab.MAX_LOST_FRACTION * Math.max(1, sent) || result.messagesPerSecond() < 0.9 * rate;
                        double median = median(result.latencyMicros());
                        double p99 = result.latencyMicros().getTotalCount() == 0 ? Double.NaN
                                : result.latencyMicros().getValueAtPercentile(99);
                        Series s = series.computeIfAbsent(server + "/" + rate, k -> new Series());
                        s.achieved.add(result.messagesPerSecond());
                        if (!Double.isNaN(median)) {
                            s.medians.add(median);
                        }
                        s.pooled.add(result.latencyMicros());
                        s.sent += sent;
                        s.lost += lost;
                        s.saturated |= saturated;
                        s.repetitions++;
                        raw.row(rep, server, rate, result.messagesPerSecond(), median, p99, sent, lost, saturated);
                    }
                    Collections.rotate(order, 1); // a different server goes first at the next rung
                }
            }
        }
        Csv summary = new Csv(HEADER.split(","));
        for (String server : SERVERS) {
            for (int rate : rates) {
                Series s = series.get(server + "/" + rate);
                Bootstrap.Interval median = Bootstrap.medianInterval(s.medians.stream().mapToDouble(Double::doubleValue).toArray());
                double achieved = Bootstrap.median(s.achieved.stream().mapToDouble(Double::doubleValue).toArray());
                boolean empty = s.pooled.getTotalCount() == 0;
                double p99 = empty ? Double.NaN : s.pooled.getValueAtPercentile(99);
                double p999 = empty ? Double.NaN : s.pooled.getValueAtPercentile(99.9);
                if (!s.saturated) {
                    Lab.checkLoss(String.format(Locale.ROOT, "E9 %s at %d msg/s", server, rate), s.lost, s.sent);
                }
                summary.row(server, rate, achieved, median.median(), median.low(), median.high(), p99, p999, s.sent, s.lost,
                        s.saturated, s.repetitions);
                System.out.printf(Locale.ROOT, "   %-5s offered %6d/s  achieved %9.1f/s  median %8.0f µs [%.0f, %.0f]"
                                + "  p99 %8.0f µs  p99.9 %8.0f µs  lost %d of %d%s%n",
                        server, rate, achieved, median.median(), median.low(), median.high(), p99, p999, s.lost, s.sent,
                        s.saturated ? "  SATURATED" : "");
            }
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    /** A run's median latency in µs; none (NaN) when it recorded no echo. */
    private static double median(Histogram latency) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(50);
    }
}
