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
 * the order in which they are measured turns by one each round.
 */
final class LatencyExperiment {
    static final String NAME = "e1_latency";
    static final String BOUNCE = "bounce";

    private LatencyExperiment() {}

    /** One way of timing round trips of {@code size}-byte messages, {@code count} of them. */
    private interface Probe {
        void run(int count, int size, Histogram into) throws Exception;
    }

    static void run(Lab lab) throws Exception {
        int[] sizes = lab.quick() ? new int[] {16, 64, 65536, 1 << 20} : new int[] {16, 64, 256, 4096, 65536, 1 << 20};
        int repetitions = lab.count(2, 5);
        Map<String, Histogram> merged = new HashMap<>();
        Csv raw = new Csv("repetition", "server", "message_bytes", "samples", "median_us", "p99_us");
        List<AutoCloseable> clients = new ArrayList<>();
        try (Servers servers = Servers.start(lab)) {
            Map<String, Probe> probes = new LinkedHashMap<>();
            for (Map.Entry<String, URI> server : servers.urls().entrySet()) {
                RoundTrips client = new RoundTrips(server.getValue().toString());
                clients.add(client);
                String name = server.getKey();
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
                        Histogram h = new Histogram(3);
                        probes.get(name).run(samples(lab.count(300, 2000), size), size, h);
                        merged.computeIfAbsent(name + size, k -> new Histogram(3)).add(h);
                        raw.row(rep, name, size, h.getTotalCount(), Percentiles.median(h), Percentiles.p99(h));
                    }
                    Collections.rotate(order, 1); // a different server goes first in the next round
                }
            }
        } finally {
            for (AutoCloseable client : clients) {
                client.close();
            }
        }
        Csv summary = new Csv("message_bytes", "page_median_us", "page_p99_us", "relay_median_us", "relay_p99_us",
                "java_median_us", "java_p99_us", "node_median_us", "node_p99_us", "ratio_java_median", "ratio_java_p99",
                "ratio_node_median", "ratio_node_p99", "ratio_relay_median", "ratio_relay_p99",
                "bounce_median_us", "bounce_p99_us", "floor_median_us", "ratio_floor_median", "ratio_relay_floor_median");
        for (int size : sizes) {
            Histogram page = merged.get(Servers.PAGE + size);
            Histogram relay = merged.get(Servers.RELAY + size);
            Histogram java = merged.get(Servers.JAVA + size);
            Histogram node = merged.get(Servers.NODE + size);
            Histogram bounce = merged.get(BOUNCE + size);
            double floor = Percentiles.median(java) + Percentiles.median(bounce);
            summary.row(size, Percentiles.median(page), Percentiles.p99(page), Percentiles.median(relay), Percentiles.p99(relay),
                    Percentiles.median(java), Percentiles.p99(java),
                    Percentiles.median(node), Percentiles.p99(node),
                    Percentiles.ratio(Percentiles.median(page), Percentiles.median(java)),
                    Percentiles.ratio(Percentiles.p99(page), Percentiles.p99(java)),
                    Percentiles.ratio(Percentiles.median(page), Percentiles.median(node)),
                    Percentiles.ratio(Percentiles.p99(page), Percentiles.p99(node)),
                    Percentiles.ratio(Percentiles.median(relay), Percentiles.median(page)),
                    Percentiles.ratio(Percentiles.p99(relay), Percentiles.p99(page)),
                    Percentiles.median(bounce), Percentiles.p99(bounce), floor,
                    Percentiles.ratio(Percentiles.median(page), floor),
                    Percentiles.ratio(Percentiles.median(relay), floor));
            System.out.printf(Locale.ROOT, "   %d B: page %.0f us, relay %.0f us, native %.0f us, bounce %.0f us,"
                            + " floor %.0f us; page/native %.2f, page/floor %.2f, relay/floor %.2f%n", size,
                    Percentiles.median(page), Percentiles.median(relay), Percentiles.median(java), Percentiles.median(bounce),
                    floor, Percentiles.ratio(Percentiles.median(page), Percentiles.median(java)),
                    Percentiles.ratio(Percentiles.median(page), floor), Percentiles.ratio(Percentiles.median(relay), floor));
            if (size == 64 || size == 65536) {
                String at = size == 64 ? "64 B" : "64 KiB";
                String detail = "E1 medians, " + merged.get(Servers.PAGE + size).getTotalCount() + " samples per server";
                BenchSummary.record("E1 page / native, " + at, BenchSummary.figure(
                        Percentiles.ratio(Percentiles.median(page), Percentiles.median(java))), "<= 3", detail);
                BenchSummary.record("E1 page / floor, " + at, BenchSummary.figure(
                        Percentiles.ratio(Percentiles.median(page), floor)), "<= 1.25", detail);
                BenchSummary.record("E1 relay / native, " + at, BenchSummary.figure(
                        Percentiles.ratio(Percentiles.median(relay), Percentiles.median(java))), "<= 3", detail);
                BenchSummary.record("E1 relay / floor, " + at, BenchSummary.figure(
                        Percentiles.ratio(Percentiles.median(relay), floor)), "<= 1.25", detail);
            }
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    /** Round trips per server and round at {@code size}: fewer for the largest messages, the same for every server. */
    static int samples(int base, int size) {
        return size >= (1 << 20) ? Math.max(10, base / 20) : base;
    }
}
