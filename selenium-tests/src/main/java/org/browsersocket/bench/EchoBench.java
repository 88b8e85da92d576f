package org.browsersocket.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.browsersocket.browser.Chromium;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make bench}: echo round-trip time through a page-hosted BrowserSocket server (the
 * original echo example in headless Chromium, behind a host runtime process) next to a native
 * Java-WebSocket echo server, in the same run, alternating rounds; the same page is also measured
 * through a relay (a second runtime process started with {@code --relay}, with which the page's
 * runtime registers through {@code --via-relay}); then the runtime's memory per
 * idle peer connection with many peers on one page, and the round trip under that load.
 */
@Command(name = "echo-bench", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "Round-trip time: page-hosted BrowserSocket (direct and through a relay) vs native Java-WebSocket echo.")
public final class EchoBench implements Callable<Integer> {
    @Option(names = "--size", description = "Message size in bytes. Default: ${DEFAULT-VALUE}.")
    int size = 64;

    @Option(names = "--rounds", description = "Alternating rounds per server. Default: ${DEFAULT-VALUE}.")
    int rounds = 5;

    @Option(names = "--messages", description = "Round trips per round. Default: ${DEFAULT-VALUE}.")
    int messages = 2000;

    @Option(names = "--warmup", description = "Unrecorded round trips per server first. Default: ${DEFAULT-VALUE}.")
    int warmup = 2000;

    @Option(names = "--idle", description = "Idle peer connections to open to the page (0 = skip). Default: ${DEFAULT-VALUE}.")
    int idle = 10_000;

    @Option(names = "--runtime-jar", description = "The host runtime jar the benchmark starts. Default: ${DEFAULT-VALUE}.")
    Path runtimeJar = Path.of("host-runtime/target/host-runtime.jar");

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new EchoBench())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
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

            Histogram page = new Histogram(3);
            Histogram relayed = new Histogram(3);
            Histogram nativeServer = new Histogram(3);
            try (RoundTrips toPage = new RoundTrips(pageUrl + "bench");
                 RoundTrips toRelay = new RoundTrips(relayedUrl + "bench");
                 RoundTrips toNative = new RoundTrips(nativeEcho.url())) {
                toPage.run(warmup, size, null);
                toRelay.run(warmup, size, null);
                toNative.run(warmup, size, null);
                for (int round = 0; round < rounds; round++) {
                    toPage.run(messages, size, page);
                    toRelay.run(messages, size, relayed);
                    toNative.run(messages, size, nativeServer);
                }
            }
            System.out.printf(Locale.ROOT, "echo round trip, %d-byte messages, %d alternating rounds x %d, one client, closed loop%n",
                    size, rounds, messages);
            System.out.printf(Locale.ROOT, "%-34s %10s %10s%n", "server", "median", "p99");
            row("page-hosted (Chromium " + chromiumVersion(chromium) + ")", page);
            row("page-hosted through a relay", relayed);
            row("native Java-WebSocket", nativeServer);
            ratioRow("ratio page-hosted / native", page, nativeServer);
            ratioRow("ratio through a relay / direct", relayed, page);

            if (idle > 0) {
                long before = runtime.residentBytes();
                try (IdleConnections peers = IdleConnections.open(pageUrl + "idle", idle)) {
                    long after = runtime.residentBytes();
                    System.out.printf(Locale.ROOT, "%nidle peers on one page: %d open, %d failed; runtime RSS %d MiB -> %d MiB,"
                                    + " %.1f KiB per connection%n", peers.openCount(), peers.failedCount(), before >> 20, after >> 20,
                            (after - before) / 1024.0 / Math.max(1, peers.openCount()));
                    Histogram loaded = new Histogram(3);
                    Histogram loadedRelayed = new Histogram(3);
                    try (RoundTrips toPage = new RoundTrips(pageUrl + "bench");
                         RoundTrips toRelay = new RoundTrips(relayedUrl + "bench")) {
                        toPage.run(warmup / 4, size, null);
                        toRelay.run(warmup / 4, size, null);
                        for (int round = 0; round < rounds; round++) {
                            toPage.run(messages / rounds, size, loaded);
                            toRelay.run(messages / rounds, size, loadedRelayed);
                        }
                    }
                    row("page-hosted with those peers idle", loaded);
                    row("through a relay, those peers idle", loadedRelayed);
                }
            }
        }
        return 0;
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
