package org.browsersocket.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.browsersocket.browser.Chromium;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import org.browsersocket.load.IdleFleet;
import org.browsersocket.load.LoadGenerator;
import org.browsersocket.load.OpenFileLimit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make bench}: echo round-trip time through a page-hosted BrowserSocket server (the
 * original echo example in headless Chromium, behind a host runtime process) next to a native
 * Java-WebSocket echo server, in the same run, alternating rounds; the same page is also measured
 * through a relay (a second runtime process started with {@code --relay}, with which the page's
 * runtime registers through {@code --via-relay}). Beside them, the page-hosted echo's physical
 * floor: the native echo's round trip plus a native server's round trip to the same page
 * bouncing the message back over a plain browser WebSocket ({@link PageBounce}). Then a short
 * throughput step ({@link ThroughputStep}), and the runtime's memory per idle peer connection
 * with many peers on one page (its slope between two levels, after a collection), their set-up
 * rate, and the round trip under that load. Every headline figure goes to {@link BenchSummary}.
 */
@Command(name = "echo-bench", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "Round-trip time: page-hosted BrowserSocket (direct and through a relay) vs native Java-WebSocket echo"
                + " and the floor; throughput; idle peers.")
public final class EchoBench implements Callable<Integer> {
    @Option(names = {"--sizes", "--size"}, split = ",", description = "Message sizes in bytes. Default: ${DEFAULT-VALUE}.")
    List<Integer> sizes = List.of(64, 65536);

    @Option(names = "--rounds", description = "Alternating rounds per server. Default: ${DEFAULT-VALUE}.")
    int rounds = 5;

    @Option(names = "--messages", description = "Round trips per round. Default: ${DEFAULT-VALUE}.")
    int messages = 2000;

    @Option(names = "--warmup", description = "Unrecorded round trips per server first. Default: ${DEFAULT-VALUE}.")
    int warmup = 2000;

    @Option(names = "--throughput-seconds", description = "Seconds per server and round of the throughput step (0 = skip)."
            + " Default: ${DEFAULT-VALUE}.")
    double throughputSeconds = 3;

    @Option(names = "--idle", description = "Idle peer connections to open to the page, in two equal steps (0 = skip)."
            + " Default: ${DEFAULT-VALUE}.")
    int idle = 20_000;

    @Option(names = "--runtime-jar", description = "The host runtime jar the benchmark starts. Default: ${DEFAULT-VALUE}.")
    Path runtimeJar = Path.of("host-runtime/target/host-runtime.jar");

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new EchoBench())).execute(args));
    }

    /** The servers in the order they are measured in the first round; each later round turns it by one. */
    private static final List<String> SERVERS = List.of("page", "relay", "native", "bounce");

    /** One way of timing round trips of {@code size}-byte messages, {@code count} of them. */
    private interface Probe {
        void run(int count, int size, Histogram into) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        int peers = OpenFileLimit.forConnections(idle); // before the runtime starts: it inherits the limit
        try (DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
             RuntimeProcess relay = RuntimeProcess.startRelay(runtimeJar, "http://localhost:" + site.port());
             RuntimeProcess runtime = RuntimeProcess.start(runtimeJar, "http://localhost:" + site.port(), relay.viaRelayFlags());
             EchoServers.JavaWebSocketEcho nativeEcho = EchoServers.JavaWebSocketEcho.begin();
             Chromium chromium = Chromium.start()) {
            site.pointAt(runtime.controlUrl());
            chromium.open("http://localhost:" + site.port() + "/echo/");
            String pageUrl = chromium.script("return address");
            chromium.await(d -> "Listening.".equals(chromium.script("return document.getElementById('status').textContent")));
            runtime.awaitRelayRoutes(1, Duration.ofSeconds(30));
            String relayedUrl = relay.throughRelay(pageUrl);

            try (RoundTrips toPage = new RoundTrips(pageUrl + "bench");
                 RoundTrips toRelay = new RoundTrips(relayedUrl + "bench");
                 RoundTrips toNative = new RoundTrips(nativeEcho.url());
                 PageBounce bounce = PageBounce.open(chromium)) {
                Map<String, Probe> probes = Map.of("page", toPage::run, "relay", toRelay::run, "native", toNative::run,
                        "bounce", bounce::run);
                for (int size : sizes) {
                    latency(chromium, probes, size);
                }
            }
            if (throughputSeconds > 0) {
                ThroughputStep.run(URI.create(pageUrl + "throughput"), URI.create(nativeEcho.url()),
                        Duration.ofMillis(Math.round(throughputSeconds * 1000)));
            }
            if (peers > 1) {
                idlePeers(runtime, pageUrl, relayedUrl, peers);
            }
        }
        return 0;
    }

    private void latency(Chromium chromium, Map<String, Probe> probes, int size) throws Exception {
        Map<String, Histogram> recorded = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(SERVERS);
        for (String server : order) {
            probes.get(server).run(warmup, size, null);
            recorded.put(server, new Histogram(3));
        }
        for (int round = 0; round < rounds; round++) {
            for (String server : order) {
                probes.get(server).run(messages, size, recorded.get(server));
            }
            Collections.rotate(order, 1); // a different server goes first in the next round
        }
        Histogram page = recorded.get("page");
        Histogram relayed = recorded.get("relay");
        Histogram nativeServer = recorded.get("native");
        Histogram bounce = recorded.get("bounce");
        long floorMedian = nativeServer.getValueAtPercentile(50) + bounce.getValueAtPercentile(50);
        System.out.printf(Locale.ROOT, "echo round trip, %d-byte messages, %d alternating rounds x %d per server, one client,"
                + " closed loop%n", size, rounds, messages);
        System.out.printf(Locale.ROOT, "%-34s %10s %10s%n", "server", "median", "p99");
        row("page-hosted (Chromium " + chromiumVersion(chromium) + ")", page);
        row("page-hosted through a relay", relayed);
        row("native Java-WebSocket", nativeServer);
        row("native server <-> page bounce", bounce);
        System.out.printf(Locale.ROOT, "%-34s %7.3f ms %10s%n", "floor (native + bounce)", floorMedian / 1000.0, "");
        ratioRow("ratio page-hosted / native", page, nativeServer);
        System.out.printf(Locale.ROOT, "%-34s %9.2fx%n", "ratio page-hosted / floor", median(page) / floorMedian);
        ratioRow("ratio through a relay / direct", relayed, page);
        System.out.printf(Locale.ROOT, "%-34s %9.2fx%n%n", "ratio through a relay / floor", median(relayed) / floorMedian);

        String at = size == 65536 ? "64 KiB" : size + " B";
        String detail = String.format(Locale.ROOT, "medians: page %d us, relay %d us, native %d us, floor %d us",
                page.getValueAtPercentile(50), relayed.getValueAtPercentile(50), nativeServer.getValueAtPercentile(50), floorMedian);
        BenchSummary.record("E1 page / native, " + at, BenchSummary.figure(median(page) / median(nativeServer)), "<= 3", detail);
        BenchSummary.record("E1 page / floor, " + at, BenchSummary.figure(median(page) / floorMedian), "<= 1.25", detail);
        BenchSummary.record("E1 relay / native, " + at, BenchSummary.figure(median(relayed) / median(nativeServer)), "<= 3", detail);
        BenchSummary.record("E1 relay / floor, " + at, BenchSummary.figure(median(relayed) / floorMedian), "<= 1.25", detail);
    }

    /**
     * Opens half the idle peers, then the other half, reading the runtime's memory after a
     * collection at each step: the second reading minus the first over the peers added is the
     * memory one more idle peer costs, without the runtime's own start-up growth.
     */
    private void idlePeers(RuntimeProcess runtime, String pageUrl, String relayedUrl, int idle) throws Exception {
        long before = ResidentMemory.settled(runtime.pid());
        URI url = URI.create(pageUrl + "idle");
        try (IdleFleet first = LoadGenerator.openIdle(url, idle / 2)) {
            long half = ResidentMemory.settled(runtime.pid());
            try (IdleFleet second = LoadGenerator.openIdle(url, idle - idle / 2)) {
                long full = ResidentMemory.settled(runtime.pid());
                int open = first.openCount() + second.openCount();
                int added = second.openCount();
                double slope = (double) (full - half) / Math.max(1, added);
                double rate = second.connectsPerSecond();
                System.out.printf(Locale.ROOT, "idle peers on one page: %d open, %d failed; runtime RSS after GC %d MiB -> %d MiB"
                                + " -> %d MiB, %.1f KiB per connection overall, slope %.0f bytes per added peer;"
                                + " set-up %.0f connections/s%n", open, first.failures() + second.failures(), before >> 20,
                        half >> 20, full >> 20, (full - before) / 1024.0 / Math.max(1, open), slope, rate);
                BenchSummary.record("E3 runtime slope, bytes per idle peer", BenchSummary.figure(slope), "<= 2048",
                        String.format(Locale.ROOT, "%d -> %d peers, after GC", first.openCount(), open));
                BenchSummary.record("E3 connection set-up rate to one page, /s", BenchSummary.figure(rate), ">= 10000",
                        String.format(Locale.ROOT, "%d peers added, %d failed", added, second.failures()));
                Histogram loaded = new Histogram(3);
                Histogram loadedRelayed = new Histogram(3);
                try (RoundTrips toPage = new RoundTrips(pageUrl + "bench");
                     RoundTrips toRelay = new RoundTrips(relayedUrl + "bench")) {
                    toPage.run(warmup / 4, sizes.get(0), null);
                    toRelay.run(warmup / 4, sizes.get(0), null);
                    for (int round = 0; round < rounds; round++) {
                        boolean pageFirst = round % 2 == 0;
                        (pageFirst ? toPage : toRelay).run(messages / rounds, sizes.get(0), pageFirst ? loaded : loadedRelayed);
                        (pageFirst ? toRelay : toPage).run(messages / rounds, sizes.get(0), pageFirst ? loadedRelayed : loaded);
                    }
                }
                row("page-hosted with those peers idle", loaded);
                row("through a relay, those peers idle", loadedRelayed);
            }
        }
    }

    private static double median(Histogram histogram) {
        return Math.max(1, histogram.getValueAtPercentile(50));
    }

    private static void row(String name, Histogram histogram) {
        System.out.printf(Locale.ROOT, "%-34s %7.3f ms %7.3f ms%n", name,
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0);
    }

    private static void ratioRow(String name, Histogram a, Histogram b) {
        System.out.printf(Locale.ROOT, "%-34s %9.1fx %9.1fx%n", name, ratio(a, b, 50), ratio(a, b, 99));
    }

    private static double ratio(Histogram a, Histogram b, double percentile) {
        return (double) a.getValueAtPercentile(percentile) / Math.max(1, b.getValueAtPercentile(percentile));
    }

    private static String chromiumVersion(Chromium chromium) {
        Object version = ((org.openqa.selenium.HasCapabilities) chromium.driver()).getCapabilities().getBrowserVersion();
        return String.valueOf(version).replaceAll("\\..*", "");
    }
}
