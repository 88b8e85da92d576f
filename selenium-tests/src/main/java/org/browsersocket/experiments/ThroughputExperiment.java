package org.browsersocket.experiments;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.load.LoadGenerator;

/**
 * E2: messages/s and MB/s vs message size and concurrent clients (1, 10, 100), same servers as E1
 * (page-hosted direct and through a relay, Java, Node.js); the relay's ratio is to the direct path.
 */
final class ThroughputExperiment {
    static final String NAME = "e2_throughput";

    private ThroughputExperiment() {}

    static void run(Lab lab) throws Exception {
        int[] sizes = lab.quick() ? new int[] {64, 65536} : new int[] {64, 4096, 65536};
        int[] clients = {1, 10, 100};
        int repetitions = lab.count(1, 3);
        Map<String, double[]> sums = new HashMap<>(); // key → {messages/s, MB/s} summed over repetitions
        Csv raw = new Csv("repetition", "server", "message_bytes", "clients", "msgs_per_s", "mb_per_s");
        try (Servers servers = Servers.start(lab)) {
            for (int rep = 1; rep <= repetitions; rep++) {
                for (int size : sizes) {
                    for (int c : clients) {
                        for (Map.Entry<String, URI> server : servers.urls().entrySet()) {
                            LoadGenerator.Result result = LoadGenerator.run(new LoadGenerator.Config(server.getValue(), c, size,
                                    true, 0, lab.span(200, 500), lab.span(500, 2000)));
                            double[] sum = sums.computeIfAbsent(server.getKey() + "/" + size + "/" + c, k -> new double[2]);
                            sum[0] += result.messagesPerSecond();
                            sum[1] += result.megabytesPerSecond();
                            raw.row(rep, server.getKey(), size, c, result.messagesPerSecond(), result.megabytesPerSecond());
                        }
                    }
                }
            }
        }
        Csv summary = new Csv("message_bytes", "clients", "page_msgs_per_s", "page_mb_per_s", "relay_msgs_per_s",
                "relay_mb_per_s", "java_msgs_per_s", "java_mb_per_s", "node_msgs_per_s", "node_mb_per_s", "ratio_java",
                "ratio_node", "ratio_relay");
        for (int size : sizes) {
            for (int c : clients) {
                double[] page = mean(sums.get(Servers.PAGE + "/" + size + "/" + c), repetitions);
                double[] relay = mean(sums.get(Servers.RELAY + "/" + size + "/" + c), repetitions);
                double[] java = mean(sums.get(Servers.JAVA + "/" + size + "/" + c), repetitions);
                double[] node = mean(sums.get(Servers.NODE + "/" + size + "/" + c), repetitions);
                summary.row(size, c, page[0], page[1], relay[0], relay[1], java[0], java[1], node[0], node[1],
                        Percentiles.ratio(page[0], java[0]), Percentiles.ratio(page[0], node[0]),
                        Percentiles.ratio(relay[0], page[0]));
                if (size == 64 && c == 100) {
                    BenchSummary.record("E2 page / native msg/s, 64 B, 100 clients", BenchSummary.figure(
                            Percentiles.ratio(page[0], java[0])), ">= 0.5", String.format(Locale.ROOT,
                            "E2: page %.0f vs native %.0f msg/s", page[0], java[0]));
                }
                if (size == 65536 && c == 10) {
                    BenchSummary.record("E2 page / native MB/s, 64 KiB, 10 clients", BenchSummary.figure(
                            Percentiles.ratio(page[1], java[1])), ">= 0.7", String.format(Locale.ROOT,
                            "E2: page %.1f vs native %.1f MB/s", page[1], java[1]));
                }
            }
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    private static double[] mean(double[] sum, int n) {
        return new double[] {sum[0] / n, sum[1] / n};
    }
}
