package org.browsersocket.experiments;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.bench.PageBounce;
import org.browsersocket.bench.RoundTrips;

/**
 * E1: echo round-trip time vs message size, page-hosted (direct and through a relay) vs
 * Java-WebSocket vs Node.js ws; and the page-hosted echo's physical floor: the Java-WebSocket
 * echo's round trip plus the round trip of a message between a native server and the same page
 * bouncing it back over a plain browser WebSocket ({@link PageBounce}). The relay's ratios are to
 * the direct page-hosted path. Every server gets the same number of samples in every round, and
 * the order in which they are measured turns by one each round. A server's figure is the median
 * over repetitions of each repetition's median, with a 95% bootstrap interval; its p99 and CDF pool
 * every repetition's samples. Round trips that stalled and were pinged on are counted per server.
 */
final class LatencyExperiment {
    static final String NAME = "e1_latency";
    static final String BOUNCE = "bounce";

    private LatencyExperiment() {}

    /** One way of timing round trips of {@code size}-byte messages, {@code count} of them. */
    private interface Probe {
        void run(int count, int size, Histogram into) throws Exception;
    }

    /** Servers in the summary's column order; the ratios are of the page-hosted (and relay) medians to them. */
    private static final List<String> SERIES = List.of(Servers.PAGE, Servers.RELAY, Servers.JAVA, Servers.NODE, BOUNCE);
    /** Percentiles at which the CDF file samples each series (the paper's CDF figure). */
    private static final double[] CDF_POINTS = cdfPoints();

    static void run(Lab lab) throws Exception {
        int[] sizes = lab.quick() ? new int[] {16, 64, 65536, 1 << 20} : new int[] {16, 64, 256, 4096, 65536, 1 << 20};
        int repetitions = lab.count(2, 5);
        Map<String, RepeatedSamples> series = new HashMap<>();
        Map<String, Integer> stalled = new HashMap<>();
        Csv raw = new Csv("repetition", "server", "message_bytes", "samples", "median_us", "p99_us", "stalled");
        List<AutoCloseable> clients = new ArrayList<>();
        try (Servers servers = Servers.start(lab)) {
            Map<String, Probe> probes = new LinkedHashMap<>();
            Map<String, RoundTrips> roundTrips = new HashMap<>();
            for (Map.Entry<String, URI> server : servers.urls().entrySet()) {
                RoundTrips client = new RoundTrips(server.getValue().toString());
                clients.add(client);
                String name = server.getKey();
                roundTrips.put(name, client);
                probes.put(name, (count, size, into) -> {
                    try {
                        client.run(count, size, into);
                    } catch (IllegalStateException e) {
                        throw new IllegalStateException(name + ": " + e.getMessage(), e);
                    }
                });
            }
            PageBounce bounce = PageBounce.open(servers.page().chromium());
            clients.add(bounce);
            probes.put(BOUNCE, bounce::run);
            List<String> order = new ArrayList<>(probes.keySet());
            for (int size : sizes) {
                for (String name : order) {
                    probes.get(name).run(samples(lab.count(100, 500), size), size, null); // warm-up, unrecorded
                }
            }
            for (int rep = 1; rep <= repetitions; rep++) {
                for (int size : sizes) {
                    for (String name : order) {
                        RoundTrips client = roundTrips.get(name);
                        int stallsBefore = client == null ? 0 : client.nudged();
                        Histogram h = new Histogram(3);
                        probes.get(name).run(samples(lab.count(300, 2000), size), size, h);
                        int stalls = client == null ? 0 : client.nudged() - stallsBefore;
                        series.computeIfAbsent(name + size, k -> new RepeatedSamples()).add(h);
                        stalled.merge(name + size, stalls, Integer::sum);
                        raw.row(rep, name, size, h.getTotalCount(), Percentiles.median(h), Percentiles.p99(h), stalls);
                    }
                    Collections.rotate(order, 1); // a different server goes first in the next round
                }
            }
        } finally {
            for (AutoCloseable client : clients) {
                client.close();
            }
        }
        List<String> header = new ArrayList<>(List.of("message_bytes"));
        for (String name : SERIES) {
            header.addAll(List.of(name + "_median_us", name + "_ci_low_us", name + "_ci_high_us", name + "_p99_us"));
        }
        header.addAll(List.of("ratio_java_median", "ratio_java_p99", "ratio_node_median", "ratio_node_p99",
                "ratio_relay_median", "ratio_relay_p99", "floor_median_us", "ratio_floor_median", "ratio_relay_floor_median",
                "repetitions", "samples_per_server", "page_stalled", "relay_stalled", "java_stalled", "node_stalled"));
        Csv summary = new Csv(header.toArray(String[]::new));
        Csv cdf = new Csv("message_bytes", "percentile", "page_us", "relay_us", "java_us", "node_us", "bounce_us");
        for (int size : sizes) {
            List<Object> row = new ArrayList<>(List.of(size));
            Map<String, Double> median = new HashMap<>();
            Map<String, Double> p99 = new HashMap<>();
            long samples = -1;
            for (String name : SERIES) {
                RepeatedSamples s = series.get(name + size);
                Bootstrap.Interval m = s.median();
                median.put(name, m.median());
                p99.put(name, s.p99());
                row.addAll(List.of(m.median(), m.low(), m.high(), s.p99()));
                if (samples >= 0 && samples != s.samples()) {
                    throw new IllegalStateException("unequal samples at " + size + " B: " + name + " has " + s.samples());
                }
                samples = s.samples();
            }
            double floor = median.get(Servers.JAVA) + median.get(BOUNCE);
            double page = median.get(Servers.PAGE);
            double relay = median.get(Servers.RELAY);
            row.addAll(List.of(Percentiles.ratio(page, median.get(Servers.JAVA)),
                    Percentiles.ratio(p99.get(Servers.PAGE), p99.get(Servers.JAVA)),
                    Percentiles.ratio(page, median.get(Servers.NODE)),
                    Percentiles.ratio(p99.get(Servers.PAGE), p99.get(Servers.NODE)),
                    Percentiles.ratio(relay, page), Percentiles.ratio(p99.get(Servers.RELAY), p99.get(Servers.PAGE)),
                    floor, Percentiles.ratio(page, floor), Percentiles.ratio(relay, floor), repetitions, samples,
                    stalled.get(Servers.PAGE + size), stalled.get(Servers.RELAY + size), stalled.get(Servers.JAVA + size),
                    stalled.get(Servers.NODE + size)));
            summary.row(row.toArray());
            for (double point : CDF_POINTS) {
                List<Object> cdfRow = new ArrayList<>(List.of(size, point));
                for (String name : SERIES) {
                    cdfRow.add((double) series.get(name + size).pooled().getValueAtPercentile(point));
                }
                cdf.row(cdfRow.toArray());
            }
            System.out.printf(Locale.ROOT, "   %d B: page %.0f us, relay %.0f us, native %.0f us, bounce %.0f us,"
                            + " floor %.0f us; page/native %.2f, page/floor %.2f, relay/floor %.2f; %d samples per server%n",
                    size, page, relay, median.get(Servers.JAVA), median.get(BOUNCE), floor,
                    Percentiles.ratio(page, median.get(Servers.JAVA)), Percentiles.ratio(page, floor),
                    Percentiles.ratio(relay, floor), samples);
            if (size == 64 || size == 65536) {
                String at = size == 64 ? "64 B" : "64 KiB";
                String detail = "E1 medians over " + repetitions + " repetitions, " + samples + " samples per server";
                BenchSummary.record("E1 page / native, " + at, BenchSummary.figure(
                        Percentiles.ratio(page, median.get(Servers.JAVA))), "<= 3", detail);
                BenchSummary.record("E1 page / floor, " + at, BenchSummary.figure(Percentiles.ratio(page, floor)), "<= 1.25", detail);
                BenchSummary.record("E1 relay / native, " + at, BenchSummary.figure(
                        Percentiles.ratio(relay, median.get(Servers.JAVA))), "<= 3", detail);
                BenchSummary.record("E1 relay / floor, " + at, BenchSummary.figure(Percentiles.ratio(relay, floor)), "<= 1.25", detail);
            }
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
        cdf.write(lab.csv(NAME + "_cdf"));
    }

    /** 1, 2, ..., 99, then 99.5 and 99.9. */
    private static double[] cdfPoints() {
        double[] points = new double[101];
        for (int i = 0; i < 99; i++) {
            points[i] = i + 1;
        }
        points[99] = 99.5;
        points[100] = 99.9;
        return points;
    }

    /** Round trips per server and round at {@code size}: fewer for the largest messages, the same for every server. */
    static int samples(int base, int size) {
        return size >= (1 << 20) ? Math.max(10, base / 20) : base;
    }
}
