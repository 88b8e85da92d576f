package org.browsersocket.experiments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.load.LoadGenerator;

/**
 * E2: messages/s and MB/s vs message size and concurrent clients (1, 10, 100), same servers as E1
 * (page-hosted direct and through a relay, Java, Node.js); the relay's ratio is to the direct path.
 * Closed loop (one message in flight per client), a fixed window per point after a warm-up; the
 * server order turns at every point. A figure is the median over repetitions with its 95%
 * bootstrap interval; messages lost (unanswered or mismatched) are counted and fail the run past
 * {@link Lab#MAX_LOST_FRACTION}.
 */
final class ThroughputExperiment {
    static final String NAME = "e2_throughput";
    private static final List<String> SERVERS = List.of(Servers.PAGE, Servers.RELAY, Servers.JAVA, Servers.NODE);

    private ThroughputExperiment() {}

    static void run(Lab lab) throws Exception {
        int[] sizes = lab.quick() ? new int[] {64, 65536} : new int[] {64, 4096, 65536};
        int[] clients = {1, 10, 100};
        int repetitions = lab.count(1, 3);
        Duration warmup = lab.span(200, 500);
        Duration window = lab.span(500, 2000);
        Map<String, List<Double>> rates = new HashMap<>(); // server/size/clients → messages/s per repetition
        Map<String, long[]> losses = new HashMap<>(); // → {lost, attempted}
        Csv raw = new Csv("repetition", "server", "message_bytes", "clients", "msgs_per_s", "mb_per_s", "messages",
                "unanswered", "mismatched", "connections_lost", "connect_failures", "stalled");
        try (Servers servers = Servers.start(lab)) {
            List<String> order = new ArrayList<>(servers.urls().keySet());
            for (int rep = 1; rep <= repetitions; rep++) {
                for (int size : sizes) {
                    for (int c : clients) {
                        for (String server : order) {
                            LoadGenerator.Result result = LoadGenerator.run(new LoadGenerator.Config(servers.urls().get(server), c,
                                    size, true, 0, warmup, window));
                            String key = server + "/" + size + "/" + c;
                            rates.computeIfAbsent(key, k -> new ArrayList<>()).add(result.messagesPerSecond());
                            long[] loss = losses.computeIfAbsent(key, k -> new long[2]);
                            loss[0] += lost(result);
                            loss[1] += result.messages() + lost(result);
                            raw.row(rep, server, size, c, result.messagesPerSecond(), result.megabytesPerSecond(),
                                    result.messages(), result.unanswered(), result.mismatched(), result.connectionsLost(),
                                    result.connectFailures(), result.stalled());
                        }
                        Collections.rotate(order, 1); // a different server goes first at the next point
                    }
                }
            }
        }
        List<String> header = new ArrayList<>(List.of("message_bytes", "clients"));
        for (String server : SERVERS) {
            header.addAll(List.of(server + "_msgs_per_s", server + "_mb_per_s"));
        }
        header.addAll(List.of("ratio_java", "ratio_node", "ratio_relay"));
        for (String server : SERVERS) {
            header.addAll(List.of(server + "_ci_low_msgs_per_s", server + "_ci_high_msgs_per_s", server + "_lost"));
        }
        header.addAll(List.of("repetitions", "window_s"));
        Csv summary = new Csv(header.toArray(String[]::new));
        for (int size : sizes) {
            for (int c : clients) {
                Map<String, Bootstrap.Interval> rate = new HashMap<>();
                List<Object> row = new ArrayList<>(List.of(size, c));
                for (String server : SERVERS) {
                    String key = server + "/" + size + "/" + c;
                    Bootstrap.Interval r = Bootstrap.medianInterval(rates.get(key).stream().mapToDouble(Double::doubleValue).toArray());
                    rate.put(server, r);
                    row.addAll(List.of(r.median(), r.median() * size / 1e6));
                    long[] loss = losses.get(key);
                    Lab.checkLoss("E2 " + key, loss[0], loss[1]);
                }
                double page = rate.get(Servers.PAGE).median();
                double java = rate.get(Servers.JAVA).median();
                row.addAll(List.of(Percentiles.ratio(page, java), Percentiles.ratio(page, rate.get(Servers.NODE).median()),
                        Percentiles.ratio(rate.get(Servers.RELAY).median(), page)));
                for (String server : SERVERS) {
                    row.addAll(List.of(rate.get(server).low(), rate.get(server).high(), losses.get(server + "/" + size + "/" + c)[0]));
                }
                row.addAll(List.of(repetitions, window.toMillis() / 1000.0));
                summary.row(row.toArray());
                if (size == 64 && c == 100) {
                    BenchSummary.record("E2 page / native msg/s, 64 B, 100 clients", BenchSummary.figure(
                            Percentiles.ratio(page, java)), ">= 0.5", String.format(Locale.ROOT,
                            "E2: page %.0f vs native %.0f msg/s", page, java));
                }
                if (size == 65536 && c == 10) {
                    BenchSummary.record("E2 page / native MB/s, 64 KiB, 10 clients", BenchSummary.figure(
                            Percentiles.ratio(page, java)), ">= 0.7", String.format(Locale.ROOT,
                            "E2: page %.1f vs native %.1f MB/s", page * size / 1e6, java * size / 1e6));
                }
            }
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    /** Messages a run lost: sent and never echoed, or echoed wrong. */
    static long lost(LoadGenerator.Result result) {
        return result.unanswered() + result.mismatched();
    }
}
