package org.browsersocket.experiments;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;

/**
 * E4: set-up costs, each kind measured apart.
 * <ul>
 *   <li>{@code handshake_single}: one peer's WebSocket handshake with nothing else in flight
 *       ({@link SingleHandshake}), with the page-hosted server, through its relay, and with the
 *       native Java-WebSocket and Node.js servers (each in a process of its own).
 *   <li>{@code handshake_burst}: the same servers, a burst of {@value #BURST} peers connecting at
 *       once; each one's time includes its wait behind the others in the burst.
 *   <li>{@code listener_ready}: in an open page, from {@code new BrowserSocket()} to its
 *       {@code ready} (the runtime opens the port and answers over the control channel); the
 *       native row is what an already running program does for the same: bind and listen on a
 *       new loopback port ({@code ServerSocketChannel}, in the harness's JVM).
 * </ul>
 * Every round measures every server, in an order that turns each round; a figure is the median
 * over rounds of each round's median with its 95% bootstrap interval; p99 pools the rounds.
 */
final class SetupExperiment {
    static final String NAME = "e4_setup";
    static final int BURST = 100;
    static final String NATIVE_BIND = "native_bind";

    private SetupExperiment() {}

    static void run(Lab lab) throws Exception {
        int rounds = lab.count(2, 5);
        int singles = lab.count(30, 100);
        Map<String, RepeatedSamples> series = new HashMap<>(); // measure/server
        Map<String, Integer> failures = new HashMap<>();
        Csv raw = new Csv("round", "measure", "server", "samples", "median_ms", "p99_ms", "failures");
        List<String> servers;
        try (Servers running = Servers.start(lab)) {
            servers = new ArrayList<>(running.urls().keySet());
            List<String> order = new ArrayList<>(servers);
            for (String server : order) { // warm-up, unrecorded
                for (int i = 0; i < lab.count(10, 50); i++) {
                    SingleHandshake.micros(running.urls().get(server));
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (String server : order) {
                    URI url = running.urls().get(server);
                    Histogram single = new Histogram(3);
                    for (int i = 0; i < singles; i++) {
                        single.recordValue(SingleHandshake.micros(url));
                    }
                    record(series, raw, round, "handshake_single", server, single, 0);
                }
                for (String server : order) {
                    try (IdleFleet fleet = LoadGenerator.openIdle(running.urls().get(server), BURST)) {
                        record(series, raw, round, "handshake_burst", server, fleet.connectMicros(), fleet.failures());
                        failures.merge("handshake_burst/" + server, fleet.failures(), Integer::sum);
                    }
                }
                Collections.rotate(order, 1);
            }
            // Last, as it navigates the page away from the echo the other rows use.
            int batch = 15; // within the runtime's 16 listeners per page
            for (int round = 1; round <= rounds; round++) {
                // A fresh page each round: the runtime frees a stopped listener's slot only when the
                // page's stop reaches it, and the next batch must not meet the page's limit.
                running.page().chromium().open(running.page().url("/experiments/relay.html"));
                Object times = running.page().chromium().asyncScript("var done = arguments[arguments.length - 1];"
                        + "measureListenerReady(arguments[0]).then(done, function (e) { done(String(e && e.message || e)); });", batch);
                if (!(times instanceof List<?> list) || list.size() != batch) {
                    throw new IllegalStateException("listeners did not become ready in the page: " + times);
                }
                @SuppressWarnings("unchecked")
                List<Number> millis = (List<Number>) times;
                record(series, raw, round, "listener_ready", Servers.PAGE, Percentiles.ofMillis(millis), 0);
                Histogram bind = new Histogram(3);
                for (int i = 0; i < batch; i++) {
                    long start = System.nanoTime();
                    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                        channel.bind(new InetSocketAddress("127.0.0.1", 0));
                        bind.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                    }
                }
                record(series, raw, round, "listener_ready", NATIVE_BIND, bind, 0);
            }
        }
        Csv csv = new Csv("measure", "server", "median_ms", "ci_low_ms", "ci_high_ms", "p99_ms", "samples", "failures",
                "rounds", "ratio_java_median");
        for (String measure : List.of("handshake_single", "handshake_burst", "listener_ready")) {
            List<String> names = measure.equals("listener_ready") ? List.of(Servers.PAGE, NATIVE_BIND) : servers;
            String reference = measure.equals("listener_ready") ? NATIVE_BIND : Servers.JAVA;
            double referenceMedian = series.get(measure + "/" + reference).median().median();
            for (String server : names) {
                RepeatedSamples s = series.get(measure + "/" + server);
                Bootstrap.Interval m = s.median();
                int failed = failures.getOrDefault(measure + "/" + server, 0);
                Lab.checkLoss("E4 " + measure + " " + server, failed, s.samples() + failed);
                csv.row(measure, server, m.median() / 1000, m.low() / 1000, m.high() / 1000, s.p99() / 1000, s.samples(),
                        failed, rounds, Percentiles.ratio(m.median(), referenceMedian));
                System.out.printf(Locale.ROOT, "   %s %s: median %.3f ms [%.3f, %.3f], p99 %.3f ms, %d samples%n", measure,
                        server, m.median() / 1000, m.low() / 1000, m.high() / 1000, s.p99() / 1000, s.samples());
            }
        }
        csv.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    private static void record(Map<String, RepeatedSamples> series, Csv raw, int round, String measure, String server,
                               Histogram samples, int failures) {
        series.computeIfAbsent(measure + "/" + server, k -> new RepeatedSamples()).add(samples);
        raw.row(round, measure, server, samples.getTotalCount(), Percentiles.median(samples) / 1000,
                Percentiles.p99(samples) / 1000, failures);
    }
}
