package org.browsersocket.experiments;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.bench.ResidentMemory;
import org.browsersocket.bench.RoundTrips;
import org.browsersocket.browser.Chromium;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;
import org.browsersocket.load.OpenFileLimit;

/**
 * E3: many concurrent idle peers on one page-hosted server, climbing through levels on the same
 * runtime and page: connection set-up rate, runtime memory per connection (resident-set growth
 * since before the first peer, and the slope between consecutive levels, each read after a
 * garbage collection of the runtime), the page's own JavaScript heap per connection, browser
 * memory, and round-trip time while they are connected; and the same climb on the native
 * Java-WebSocket server, in a process of its own.
 */
final class ScaleExperiment {
    static final String NAME = "e3_scale";
    private ScaleExperiment() {}

    /** One server holding {@code open} idle peers. */
    record Level(int open, double connectsPerSecond, double bytesPerConnection, double slopeBytesPerConnection,
                 long residentBytes, double browserBytes, double pageHeapBytesPerConnection, Histogram latency) {}

    /** A reading taken with the peers of a level connected. */
    private interface Reading {
        double bytes() throws Exception;
    }

    static void run(Lab lab) throws Exception {
        int[] wanted = lab.quick() ? new int[] {500, 2000} : new int[] {10_000, 20_000, 50_000};
        // Before any server starts: the servers inherit the limit. Where it cannot be raised, the
        // highest level is what fits (and the run says so), so there are still levels to compare.
        int fit = OpenFileLimit.forConnections(wanted[wanted.length - 1]);
        int[] levels = IntStream.of(wanted).map(level -> Math.min(level, fit)).distinct().toArray();
        List<Level> page;
        try (PageHost host = PageHost.start(lab.repoRoot())) {
            URI url = URI.create(host.openEcho() + "scale");
            Chromium chromium = host.chromium();
            page = climb(lab, url, levels, host.runtime().pid(), () -> chromium.residentBytes(), () -> pageHeap(chromium));
        }
        List<Level> nativeServer;
        try (NativeEchoProcess server = NativeEchoProcess.start()) {
            nativeServer = climb(lab, URI.create(server.url()), levels, server.pid(), () -> Double.NaN, () -> Double.NaN);
        }
        Csv csv = new Csv("connections", "connect_per_s", "runtime_bytes_per_connection", "runtime_rss_mb",
                "browser_rss_mb", "median_us", "p99_us", "native_bytes_per_connection", "native_median_us",
                "native_p99_us", "ratio_bytes", "slope_bytes_per_connection", "native_slope_bytes_per_connection",
                "page_heap_bytes_per_connection", "native_connect_per_s");
        for (int i = 0; i < levels.length; i++) {
            Level p = page.get(i);
            Level n = nativeServer.get(i);
            csv.row(p.open(), p.connectsPerSecond(), p.bytesPerConnection(), p.residentBytes() / 1048576.0,
                    p.browserBytes() / 1048576.0, Percentiles.median(p.latency()), Percentiles.p99(p.latency()),
                    n.bytesPerConnection(), Percentiles.median(n.latency()), Percentiles.p99(n.latency()),
                    Percentiles.ratio(p.bytesPerConnection(), n.bytesPerConnection()), p.slopeBytesPerConnection(),
                    n.slopeBytesPerConnection(), p.pageHeapBytesPerConnection(), n.connectsPerSecond());
            System.out.printf(Locale.ROOT, "   %d peers: page %.0f connects/s, %.0f B/peer (slope %.0f), page heap %.0f B/peer,"
                            + " rtt %.0f us; native %.0f B/peer (slope %.0f), rtt %.0f us%n", p.open(), p.connectsPerSecond(),
                    p.bytesPerConnection(), p.slopeBytesPerConnection(), p.pageHeapBytesPerConnection(),
                    Percentiles.median(p.latency()), n.bytesPerConnection(), n.slopeBytesPerConnection(),
                    Percentiles.median(n.latency()));
        }
        csv.write(lab.csv(NAME));
        Level last = page.get(page.size() - 1);
        BenchSummary.record("E3 runtime slope, bytes per idle peer",
                BenchSummary.figure(last.slopeBytesPerConnection()), "<= 2048",
                page.get(page.size() - 2).open() + " -> " + last.open() + " peers, after GC");
        BenchSummary.record("E3 connection set-up rate to one page, /s",
                BenchSummary.figure(last.connectsPerSecond()), ">= 10000",
                "the last level's added peers");
    }

    /**
     * Opens idle peers up to each level in turn (the earlier ones stay), reading the server's
     * memory after a collection and its round trip at every level.
     */
    static List<Level> climb(Lab lab, URI url, int[] levels, long pid, Reading browser, Reading heap) throws Exception {
        try (RoundTrips warm = new RoundTrips(url.toString())) {
            warm.run(lab.count(1000, 3000), 64, null);
        }
        long baseline = ResidentMemory.settled(pid);
        double heapBaseline = heap.bytes();
        List<IdleFleet> fleets = new ArrayList<>();
        List<Level> result = new ArrayList<>();
        try {
            int open = 0;
            long previousRss = baseline;
            int previousOpen = 0;
            for (int level : levels) {
                IdleFleet fleet = LoadGenerator.openIdle(url, level - open);
                fleets.add(fleet);
                if (fleet.failures() > 0) {
                    System.out.printf("   %s: %d of %d peers failed to connect (first: %s)%n", url, fleet.failures(),
                            fleet.requested(), fleet.firstFailure());
                }
                open = fleets.stream().mapToInt(IdleFleet::openCount).sum();
                // Read after the burst of handshakes has settled (a collection, steady memory) and a
                // warm-up: right after it, a Java-WebSocket server stalls for hundreds of
                // milliseconds at a time, and a round trip measured then says more about the burst
                // than about the peers held.
                // A closed loop whose stalled echoes are pinged on (RoundTrips): a Java-WebSocket
                // server now and then holds an echo back until the connection sees more traffic.
                long rss = ResidentMemory.settled(pid);
                double heapNow = heap.bytes();
                Histogram latency = new Histogram(3);
                try (RoundTrips roundTrips = new RoundTrips(url.toString())) {
                    roundTrips.run(lab.count(1000, 3000), 64, null);
                    roundTrips.run(lab.count(2000, 10000), 64, latency);
                }
                double slope = result.isEmpty() ? Double.NaN : (double) (rss - previousRss) / Math.max(1, open - previousOpen);
                result.add(new Level(open, fleet.connectsPerSecond(), (double) (rss - baseline) / Math.max(1, open), slope,
                        rss, browser.bytes(), (heapNow - heapBaseline) / Math.max(1, open), latency));
                previousRss = rss;
                previousOpen = open;
            }
            return result;
        } finally {
            fleets.forEach(IdleFleet::close);
        }
    }

    /** The page's JavaScript heap in use after a collection (DevTools HeapProfiler / Runtime.getHeapUsage). */
    static double pageHeap(Chromium chromium) {
        chromium.cdp("HeapProfiler.collectGarbage", Map.of());
        Object used = chromium.cdp("Runtime.getHeapUsage", Map.of()).get("usedSize");
        return used instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
