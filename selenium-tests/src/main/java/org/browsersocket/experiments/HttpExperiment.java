package org.browsersocket.experiments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.browsersocket.bench.HttpPoint;
import org.browsersocket.bench.HttpTable;
import org.browsersocket.bench.HttpTargets;

/**
 * E8: a page answering plain HTTP ({@code bs.onrequest} returning {@code new Response(bytes)})
 * against a native Netty HTTP server answering the same bytes, by body size and keep-alive
 * connections (closed loop): requests/s and latency, directly and through a relay, and through
 * the relay a cacheable response with the relay's cache cold (a new URL each time) and warm (one
 * URL). At every point the targets are measured one after another (in the opposite order in every
 * other repetition); ratios are to the native server and to the page reached directly at the same
 * point, from the same run. A target that does not answer (e.g. a relay without plain HTTP) is
 * left out, and said so on the console.
 */
final class HttpExperiment {
    static final String NAME = "e8_http";
    static final String[] HEADER = {"target", "body_bytes", "connections", "repetitions", "requests", "requests_per_s",
            "p50_us", "p90_us", "p99_us", "failures", "sent", "page_requests", "page_share", "cpu_us_per_request", "client_cores",
            "machine_cores",
            "ratio_rps", "ratio_p50", "ratio_p99", "ratio_rps_page", "median_rps", "ci_low_rps", "ci_high_rps"};
    static final String[] RAW_HEADER = {"repetition", "target", "body_bytes", "connections", "requests", "seconds",
            "requests_per_s", "p50_us", "p90_us", "p99_us", "failures", "sent", "page_requests", "client_cores",
            "target_cores", "browser_cores", "relay_cores", "page_thread_cores", "machine_cores"};

    private HttpExperiment() {}

    static void run(Lab lab) throws Exception {
        int[] sizes = {1024, 65536};
        int[] connections = {1, 8, 32};
        int repetitions = lab.count(1, 3);
        Duration warmup = lab.span(300, 1000);
        Duration window = lab.span(1000, 5000);
        int clientThreads = 1;
        Map<String, HttpPoint> merged = new LinkedHashMap<>();
        Map<String, List<Double>> rates = new LinkedHashMap<>(); // point → requests/s per repetition
        Map<String, String> unavailable = new LinkedHashMap<>();
        Csv raw = new Csv(RAW_HEADER);
        try (HttpTargets targets = HttpTargets.start(lab.repoRoot(), sizes)) {
            for (int size : sizes) {
                for (String target : HttpTargets.ALL) {
                    String why = unavailable.containsKey(target) ? null : targets.unavailable(targets.target(target, size));
                    if (why != null) {
                        unavailable.put(target, why);
                        System.out.println("   not measured: " + HttpTargets.DESCRIPTIONS.get(target) + ": " + why);
                    }
                }
            }
            List<String> measured = new ArrayList<>(HttpTargets.ALL);
            measured.removeAll(unavailable.keySet());
            targets.warmUp(measured, sizes[0], lab.span(500, 3000), clientThreads);
            for (int rep = 1; rep <= repetitions; rep++) {
                List<String> order = new ArrayList<>(measured);
                if (rep % 2 == 0) {
                    java.util.Collections.reverse(order); // drift over a point weighs on every target alike
                }
                for (int size : sizes) {
                    for (int c : connections) {
                        for (String target : order) {
                            HttpPoint p = targets.measure(targets.target(target, size), c, warmup, window, clientThreads);
                            raw.row(rep, target, size, c, p.requests(), p.seconds(), p.requestsPerSecond(), p.p50Micros(),
                                    p.p90Micros(), p.p99Micros(), p.failures(), p.sent(), p.pageRequests(), p.clientCores(),
                                    p.targetCores(), p.browserCores(), p.relayCores(), p.pageThreadCores(), p.machineCores());
                            merged.merge(p.key(), p, HttpPoint::plus);
                            rates.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.requestsPerSecond());
                        }
                    }
                }
            }
        }
        List<HttpPoint> points = new ArrayList<>(merged.values());
        points.sort(java.util.Comparator.comparingInt(HttpPoint::bodyBytes).thenComparingInt(HttpPoint::connections)
                .thenComparingInt(p -> HttpTargets.ALL.indexOf(p.target())));
        System.out.print(HttpTable.format(points, unavailable, Runtime.getRuntime().availableProcessors(), clientThreads)
                .indent(3));
        Csv summary = new Csv(HEADER);
        for (Object[] row : summaryRows(points, repetitions, rates)) {
            summary.row(row);
        }
        for (HttpPoint p : points) {
            Lab.checkLoss("E8a " + p.key(), p.failures(), p.sent());
        }
        summary.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    /**
     * One row per target, body size and connections (in the order given): the merged repetitions'
     * figures, and ratios to the native server's and to the directly reached page's at the same
     * point (0 where that one was not measured); then the median over repetitions of each one's
     * requests/s with its 95% bootstrap interval ({@code rates}: point key → one rate per repetition).
     */
    static List<Object[]> summaryRows(List<HttpPoint> points, int repetitions, Map<String, List<Double>> rates) {
        Map<String, HttpPoint> byKey = new LinkedHashMap<>();
        for (HttpPoint p : points) {
            byKey.put(p.key(), p);
        }
        List<Object[]> rows = new ArrayList<>();
        for (HttpPoint p : points) {
            HttpPoint nat = byKey.get(HttpPoint.key(HttpTargets.NATIVE, p.bodyBytes(), p.connections()));
            HttpPoint page = byKey.get(HttpPoint.key(HttpTargets.PAGE, p.bodyBytes(), p.connections()));
            Bootstrap.Interval interval = Bootstrap.medianInterval(rates.getOrDefault(p.key(), List.of()).stream()
                    .mapToDouble(Double::doubleValue).toArray());
            rows.add(new Object[] {p.target(), p.bodyBytes(), p.connections(), repetitions, p.requests(),
                    p.requestsPerSecond(), p.p50Micros(), p.p90Micros(), p.p99Micros(), p.failures(), p.sent(),
                    p.pageRequests(), p.pageShare(),
                    p.targetCpuMicrosPerRequest(), p.clientCores(), p.machineCores(),
                    nat == null ? 0.0 : Percentiles.ratio(p.requestsPerSecond(), nat.requestsPerSecond()),
                    nat == null ? 0.0 : Percentiles.ratio(p.p50Micros(), nat.p50Micros()),
                    nat == null ? 0.0 : Percentiles.ratio(p.p99Micros(), nat.p99Micros()),
                    page == null ? 0.0 : Percentiles.ratio(p.requestsPerSecond(), page.requestsPerSecond()),
                    interval.median(), interval.low(), interval.high()});
        }
        return rows;
    }
}
