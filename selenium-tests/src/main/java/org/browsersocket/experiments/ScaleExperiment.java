package org.browsersocket.experiments;

import java.net.URI;
import org.HdrHistogram.Histogram;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;

/**
 * E3: many concurrent peers on one page-hosted server: connect rate, runtime memory per
 * connection (resident-set growth of the runtime process), browser memory, and round-trip time
 * while they are connected.
 */
final class ScaleExperiment {
    static final String NAME = "e3_scale";

    private ScaleExperiment() {}

    static void run(Lab lab) throws Exception {
        int[] levels = lab.quick() ? new int[] {200, 1000} : new int[] {1000, 5000, 10000};
        Csv csv = new Csv("connections", "connect_per_s", "runtime_bytes_per_connection", "runtime_rss_mb",
                "browser_rss_mb", "median_us", "p99_us");
        for (int n : levels) {
            try (PageHost host = PageHost.start(lab.repoRoot())) { // a fresh runtime per level: clean memory figures
                URI url = URI.create(host.openEcho() + "scale");
                LoadGenerator.run(new LoadGenerator.Config(url, 1, 64, true, 0, lab.span(200, 500), lab.span(200, 500)));
                long before = host.runtime().residentBytes();
                try (IdleFleet fleet = LoadGenerator.openIdle(url, n)) {
                    long after = host.runtime().residentBytes();
                    Histogram latency = LoadGenerator.run(new LoadGenerator.Config(url, 1, 64, true, 0,
                            lab.span(200, 500), lab.span(500, 3000))).latencyMicros();
                    csv.row(fleet.openCount(), fleet.connectsPerSecond(),
                            (double) (after - before) / Math.max(1, fleet.openCount()), after / 1048576.0,
                            host.chromium().residentBytes() / 1048576.0, Percentiles.median(latency), Percentiles.p99(latency));
                }
            }
        }
        csv.write(lab.csv(NAME));
    }
}
