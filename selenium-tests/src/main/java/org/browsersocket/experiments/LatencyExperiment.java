package org.browsersocket.experiments;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.browsersocket.load.LoadGenerator;

/**
 * E1: echo round-trip time vs message size, page-hosted (direct and through a relay) vs
 * Java-WebSocket vs Node.js ws. The relay's ratios are to the direct page-hosted path.
 */
final class LatencyExperiment {
    static final String NAME = "e1_latency";

    private LatencyExperiment() {}

    static void run(Lab lab) throws Exception {
        int[] sizes = lab.quick() ? new int[] {16, 64, 65536, 1 << 20} : new int[] {16, 64, 256, 4096, 65536, 1 << 20};
        int repetitions = lab.count(2, 5);
        Map<String, Histogram> merged = new HashMap<>();
        Csv raw = new Csv("repetition", "server", "message_bytes", "samples", "median_us", "p99_us");
        try (Servers servers = Servers.start(lab)) {
            for (int rep = 1; rep <= repetitions; rep++) {
                for (int size : sizes) {
                    for (Map.Entry<String, URI> server : servers.urls().entrySet()) { // alternating, same run
                        LoadGenerator.Result result = LoadGenerator.run(new LoadGenerator.Config(server.getValue(), 1, size,
                                true, 0, lab.span(100, 300), lab.span(300, 1500)));
                        Histogram h = result.latencyMicros();
                        merged.computeIfAbsent(server.getKey() + size, k -> new Histogram(3)).add(h);
                        raw.row(rep, server.getKey(), size, h.getTotalCount(), Percentiles.median(h), Percentiles.p99(h));
                    }
                }
            }
        }
        Csv summary = new Csv("message_bytes", "page_median_us", "page_p99_us", "relay_median_us", "relay_p99_us",
                "java_median_us", "java_p99_us", "node_median_us", "node_p99_us", "ratio_java_median", "ratio_java_p99",
                "ratio_node_median", "ratio_node_p99", "ratio_relay_median", "ratio_relay_p99");
        for (int size : sizes) {
            Histogram page = merged.get(Servers.PAGE + size);
            Histogram relay = merged.get(Servers.RELAY + size);
            Histogram java = merged.get(Servers.JAVA + size);
            Histogram node = merged.get(Servers.NODE + size);
            summary.row(size, Percentiles.median(page), Percentiles.p99(page), Percentiles.median(relay), Percentiles.p99(relay),
                    Percentiles.median(java), Percentiles.p99(java),
                    Percentiles.median(node), Percentiles.p99(node),
                    Percentiles.ratio(Percentiles.median(page), Percentiles.median(java)),
                    Percentiles.ratio(Percentiles.p99(page), Percentiles.p99(java)),
                    Percentiles.ratio(Percentiles.median(page), Percentiles.median(node)),
                    Percentiles.ratio(Percentiles.p99(page), Percentiles.p99(node)),
                    Percentiles.ratio(Percentiles.median(relay), Percentiles.median(page)),
                    Percentiles.ratio(Percentiles.p99(relay), Percentiles.p99(page)));
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }
}
