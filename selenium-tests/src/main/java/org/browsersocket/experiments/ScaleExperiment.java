package org.browsersocket.experiments;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.bench.CpuTimes;
import org.browsersocket.bench.ResidentMemory;
import org.browsersocket.bench.RoundTrips;
import org.browsersocket.browser.Chromium;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;
import org.browsersocket.load.OpenFileLimit;

/**
 * E3: many concurrent idle peers on one page-hosted server, climbing through levels on the same
 * runtime and page: connection set-up rate, the runtime's resident-set growth since before the
 * first peer and its slope between consecutive levels (the cost of one more peer), each read after
 * a garbage collection of the runtime once the figure is steady, the page's own JavaScript heap
 * per connection, the browser's resident-set growth (all its processes) since before the first
 * peer, and round-trip time while they are connected; and the same climb on the native
 * Java-WebSocket server, in a process of its own.
 */
final class ScaleExperiment {
    static final String NAME = "e3_scale";
    private ScaleExperiment() {}

    /** One server holding {@code open} idle peers. */
    record Level(int open, double connectsPerSecond, long growthBytes, double slopeBytesPerConnection,
                 long residentBytes, double browserGrowthBytes, double pageHeapBytesPerConnection, Histogram latency,
                 int connectFailures, double settleSeconds) {}

    /** A server is quiet when it used less than this share of a core over {@link #QUIET_WINDOW_MILLIS}. */
    static final double QUIET_CORES = 0.1;
    static final long QUIET_WINDOW_MILLIS = 2000;
    static final long QUIET_DEADLINE_MILLIS = 120_000;

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
        for (int i = 0; i < levels.length; i++) {
            int attempted = levels[i];
            Lab.checkLoss("E3 page-hosted connections at " + levels[i], page.get(i).connectFailures(), attempted);
            Lab.checkLoss("E3 native connections at " + levels[i], nativeServer.get(i).connectFailures(), attempted);
        }
        // Growth is read after a collection against the same process before its first peer; the
        // per-peer cost is the slope between levels (the growth divided by the peers would spread
        // the first level's fixed costs — pools, buffers, compiled code — over them).
        Csv csv = new Csv("connections", "page_connect_per_s", "native_connect_per_s", "runtime_rss_mb",
                "runtime_growth_mb", "runtime_slope_bytes_per_connection", "native_rss_mb", "native_growth_mb",
                "native_slope_bytes_per_connection", "page_heap_bytes_per_connection", "browser_rss_growth_mb",
                "page_median_us", "page_p99_us", "native_median_us", "native_p99_us", "samples", "connect_failures",
                "native_connect_failures", "runtime_settle_s", "native_settle_s");
        for (int i = 0; i < levels.length; i++) {
            Level p = page.get(i);
            Level n = nativeServer.get(i);
            csv.row(p.open(), p.connectsPerSecond(), n.connectsPerSecond(), p.residentBytes() / 1048576.0,
                    p.growthBytes() / 1048576.0, p.slopeBytesPerConnection(), n.residentBytes() / 1048576.0,
                    n.growthBytes() / 1048576.0, n.slopeBytesPerConnection(), p.pageHeapBytesPerConnection(),
                    p.browserGrowthBytes() / 1048576.0, Percentiles.median(p.latency()), Percentiles.p99(p.latency()),
                    Percentiles.median(n.latency()), Percentiles.p99(n.latency()), p.latency().getTotalCount(),
                    p.connectFailures(), n.connectFailures(), p.settleSeconds(), n.settleSeconds());
            System.out.printf(Locale.ROOT, "   %d peers: page %.0f connects/s, runtime %+.1f MB (slope %.0f B/peer), page heap %.0f B/peer,"
                            + " browser %+.1f MB, rtt %.0f us, quiet after %.0f s; native %+.1f MB (slope %.0f B/peer), rtt %.0f us,"
                            + " quiet after %.0f s%n", p.open(),
                    p.connectsPerSecond(), p.growthBytes() / 1048576.0, p.slopeBytesPerConnection(),
                    p.pageHeapBytesPerConnection(), p.browserGrowthBytes() / 1048576.0, Percentiles.median(p.latency()),
                    p.settleSeconds(), n.growthBytes() / 1048576.0, n.slopeBytesPerConnection(), Percentiles.median(n.latency()),
                    n.settleSeconds());
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
        double browserBaseline = browser.bytes();
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
                // The level is read once the server is quiet: a server may still be working through
                // the burst after every handshake is done (a Java-WebSocket server does, for about
                // 30 s at 10,000 peers, its round trip 4 ms instead of 0.1 ms meanwhile), and a round
                // trip measured then says more about the burst than about the peers held. Then a
                // collection and steady memory, and a warm-up; the round trips are a closed loop whose
                // stalled echoes are pinged on (RoundTrips).
                double settleSeconds = awaitQuiet(pid);
                long rss = ResidentMemory.settled(pid);
                double heapNow = heap.bytes();
                Histogram latency = new Histogram(3);
                try (RoundTrips roundTrips = new RoundTrips(url.toString())) {
                    roundTrips.run(lab.count(1000, 3000), 64, null);
                    roundTrips.run(lab.count(2000, 10000), 64, latency);
                }
                double slope = result.isEmpty() ? Double.NaN : (double) (rss - previousRss) / Math.max(1, open - previousOpen);
                result.add(new Level(open, fleet.connectsPerSecond(), rss - baseline, slope, rss,
                        browser.bytes() - browserBaseline, (heapNow - heapBaseline) / Math.max(1, open), latency,
                        fleets.stream().mapToInt(IdleFleet::failures).sum(), settleSeconds));
                previousRss = rss;
                previousOpen = open;
            }
            return result;
        } finally {
            fleets.forEach(IdleFleet::close);
        }
    }

    /**
     * Waits until process {@code pid} used less than {@link #QUIET_CORES} of a core over a
     * {@link #QUIET_WINDOW_MILLIS} window (or {@link #QUIET_DEADLINE_MILLIS} passed); returns the
     * seconds it took.
     */
    static double awaitQuiet(long pid) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(QUIET_DEADLINE_MILLIS);
        long before = CpuTimes.processTicks(List.of(pid));
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_WINDOW_MILLIS); // the window the quiet condition is read over
            long now = CpuTimes.processTicks(List.of(pid));
            if (CpuTimes.cores(now - before, QUIET_WINDOW_MILLIS / 1000.0) < QUIET_CORES) {
                break;
            }
            before = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The page's JavaScript heap in use after a collection (DevTools HeapProfiler / Runtime.getHeapUsage). */
    static double pageHeap(Chromium chromium) {
        chromium.cdp("HeapProfiler.collectGarbage", Map.of());
        Object used = chromium.cdp("Runtime.getHeapUsage", Map.of()).get("usedSize");
        return used instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
