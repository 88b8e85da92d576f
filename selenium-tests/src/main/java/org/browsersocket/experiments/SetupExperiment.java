package org.browsersocket.experiments;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.browsersocket.bench.EchoServers;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;

/**
 * E4: set-up costs. {@code listener_ready}: from {@code new BrowserSocket()} to ready, measured in
 * the page, vs starting a native Java-WebSocket server until it listens. {@code handshake}: a
 * peer's WebSocket handshake with the page-hosted server vs with the native one.
 */
final class SetupExperiment {
    static final String NAME = "e4_setup";

    private SetupExperiment() {}

    static void run(Lab lab) throws Exception {
        int samples = lab.count(15, 60);
        Histogram pageReady = new Histogram(3);
        Histogram javaReady = new Histogram(3);
        Histogram pageHandshake;
        Histogram javaHandshake;
        try (PageHost host = PageHost.start(lab.repoRoot())) {
            while (pageReady.getTotalCount() < samples) {
                host.chromium().open(host.url("/experiments/relay.html"));
                List<Number> times = host.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                        + "measureListenerReady(15).then(done, function (e) { done([]); });");
                if (times.isEmpty()) {
                    throw new IllegalStateException("listeners did not become ready in the page");
                }
                pageReady.add(Percentiles.ofMillis(times));
                // The native counterpart, alternating with the page's batches.
                for (int i = 0; i < times.size(); i++) {
                    long start = System.nanoTime();
                    try (EchoServers.JavaWebSocketEcho server = EchoServers.JavaWebSocketEcho.begin()) {
                        javaReady.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                    }
                }
            }
            URI page = URI.create(host.openEcho() + "handshake");
            try (EchoServers.JavaWebSocketEcho java = EchoServers.JavaWebSocketEcho.begin()) {
                List<Histogram> page2 = new ArrayList<>();
                List<Histogram> java2 = new ArrayList<>();
                for (int round = 0; round < lab.count(2, 5); round++) {
                    try (IdleFleet fleet = LoadGenerator.openIdle(page, lab.count(25, 100))) {
                        page2.add(fleet.connectMicros());
                    }
                    try (IdleFleet fleet = LoadGenerator.openIdle(URI.create(java.url()), lab.count(25, 100))) {
                        java2.add(fleet.connectMicros());
                    }
                }
                pageHandshake = merge(page2);
                javaHandshake = merge(java2);
            }
        }
        Csv csv = new Csv("measure", "page_median_ms", "page_p99_ms", "java_median_ms", "java_p99_ms", "ratio_median");
        row(csv, "listener_ready", pageReady, javaReady);
        row(csv, "handshake", pageHandshake, javaHandshake);
        csv.write(lab.csv(NAME));
    }

    private static Histogram merge(List<Histogram> parts) {
        Histogram all = new Histogram(3);
        parts.forEach(all::add);
        return all;
    }

    private static void row(Csv csv, String measure, Histogram page, Histogram java) {
        csv.row(measure, Percentiles.median(page) / 1000, Percentiles.p99(page) / 1000, Percentiles.median(java) / 1000,
                Percentiles.p99(java) / 1000, Percentiles.ratio(Percentiles.median(page), Percentiles.median(java)));
    }
}
