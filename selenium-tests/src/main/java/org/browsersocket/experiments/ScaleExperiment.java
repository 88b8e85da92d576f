package org.browsersocket.experiments;

import java.io.IOException;
import java.net.URI;
import org.HdrHistogram.Histogram;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;

/**
 * E3: many concurrent peers on one page-hosted server: connect rate, runtime memory per
 * connection (resident-set growth of the runtime process), browser memory, and round-trip time
 * while they are connected; and the same idle load on the native Java-WebSocket server, in a
 * process of its own, for its memory per connection and round trip.
 */
final class ScaleExperiment {
    static final String NAME = "e3_scale";

    private ScaleExperiment() {}

    /** Memory per connection and round trip of one server holding {@code n} idle peers. */
    private record Held(int open, double connectsPerSecond, double bytesPerConnection, long residentBytes,
                        Histogram latency) {}

    private interface Resident {
        long bytes() throws IOException;
    }

    static void run(Lab lab) throws Exception {
        int[] levels = lab.quick() ? new int[] {200, 1000} : new int[] {1000, 5000, 10000};
        Csv csv = new Csv("connections", "connect_per_s", "runtime_bytes_per_connection", "runtime_rss_mb",
                "browser_rss_mb", "median_us", "p99_us", "native_bytes_per_connection", "native_median_us",
                "native_p99_us", "ratio_bytes");
        for (int n : levels) {
            Held page;
            double browserMb;
            try (PageHost host = PageHost.start(lab.repoRoot())) { // a fresh runtime per level: clean memory figures
                page = hold(lab, URI.create(host.openEcho() + "scale"), n, host.runtime()::residentBytes);
                browserMb = host.chromium().residentBytes() / 1048576.0;
            }
            Held nativeServer;
            try (NativeEchoProcess server = NativeEchoProcess.start()) {
                nativeServer = hold(lab, URI.create(server.url()), n, server::residentBytes);
            }
            csv.row(page.open(), page.connectsPerSecond(), page.bytesPerConnection(), page.residentBytes() / 1048576.0,
                    browserMb, Percentiles.median(page.latency()), Percentiles.p99(page.latency()),
                    nativeServer.bytesPerConnection(), Percentiles.median(nativeServer.latency()),
                    Percentiles.p99(nativeServer.latency()),
                    Percentiles.ratio(page.bytesPerConnection(), nativeServer.bytesPerConnection()));
        }
        csv.write(lab.csv(NAME));
    }

    private static Held hold(Lab lab, URI url, int n, Resident resident) throws Exception {
        LoadGenerator.run(new LoadGenerator.Config(url, 1, 64, true, 0, lab.span(200, 500), lab.span(200, 500)));
        long before = resident.bytes();
        try (IdleFleet fleet = LoadGenerator.openIdle(url, n)) {
            long after = resident.bytes();
            Histogram latency = LoadGenerator.run(new LoadGenerator.Config(url, 1, 64, true, 0,
                    lab.span(200, 500), lab.span(500, 3000))).latencyMicros();
            return new Held(fleet.openCount(), fleet.connectsPerSecond(),
                    (double) (after - before) / Math.max(1, fleet.openCount()), after, latency);
        }
    }
}
