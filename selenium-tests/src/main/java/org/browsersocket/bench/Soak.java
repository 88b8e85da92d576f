package org.browsersocket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code make soak}: a page-hosted echo server (the original example in headless Chromium, behind
 * a host runtime process) under a mixed load for a while: well-behaved peers measure their round
 * trips while hostile peers (silent connections, a ping flood, unfinished messages, peers that never
 * read) come and go from other loopback addresses. Every interval it prints and records the
 * runtime's public connections, connections shed, memory held for peers against its budget, its
 * resident memory, and the well-behaved peers' round trips; it writes a CSV and an SVG plot.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "Mixed hostile and normal load against a page-hosted echo server; prints connections, memory and latency.")
public final class Soak implements Callable<Integer> {
    @Option(names = "--minutes", description = "How long to run. Default: ${DEFAULT-VALUE}.")
    double minutes = 10;

    @Option(names = "--interval", description = "Seconds per reported interval. Default: ${DEFAULT-VALUE}.")
    int intervalSeconds = 10;

    @Option(names = "--quiet-intervals", description = "Intervals without hostile peers first: the round-trip "
            + "baseline the attacked intervals are compared with. Default: ${DEFAULT-VALUE}.")
    int quietIntervals = 3;

    @Option(names = "--normal-peers", description = "Well-behaved peers, each echoing 64 B every 100 ms. Default: ${DEFAULT-VALUE}.")
    int normalPeers = 20;

    @Option(names = "--memory-budget", description = "The runtime's --memory-budget in MiB. Default: ${DEFAULT-VALUE}.")
    int memoryBudgetMib = 128;

    @Option(names = "--out", description = "Directory for soak.csv and soak.svg. Default: ${DEFAULT-VALUE}.")
    Path out = Path.of("paper/results");

    @Option(names = "--runtime-jar", description = "Default: ${DEFAULT-VALUE}.")
    Path runtimeJar = Path.of("host-runtime/target/host-runtime.jar");

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new Soak())).execute(args));
    }

    /** One interval's figures. */
    record Sample(double seconds, boolean attacked, int connections, long shed, long budgetUsed, long budgetLimit,
                  long rss, double p50Millis, double p99Millis, long echoes, long lost) {}

    @Override
    public Integer call() throws Exception {
        List<Sample> samples = new ArrayList<>();
        ExecutorService hostile = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hostile");
            t.setDaemon(true);
            return t;
        });
        try (DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
             RuntimeProcess runtime = RuntimeProcess.start(runtimeJar, "http://localhost:" + site.port(),
                     List.of("--memory-budget", String.valueOf(memoryBudgetMib), "--handshake-timeout", "5",
                             "--message-timeout", "10", "--max-connections-per-address", "400"));
             Chromium chromium = Chromium.start()) {
            site.pointAt(runtime.controlUrl());
            chromium.open("http://localhost:" + site.port() + "/echo/");
            String url = chromium.script("return address");
            chromium.await(d -> "Listening.".equals(chromium.script("return document.getElementById('status').textContent")));
            System.out.println("soak: " + minutes + " min against " + url + ", " + normalPeers
                    + " well-behaved peers, hostile peers from 127.0.0.2-127.0.0.5, memory budget " + memoryBudgetMib + " MiB");
            System.out.println("   time  attack  conns   shed  held MiB  budget MiB  RSS MiB  p50 ms  p99 ms  echoes  lost");

            List<NormalPeer> peers = new ArrayList<>();
            for (int i = 0; i < normalPeers; i++) {
                peers.add(new NormalPeer(url + "normal" + i));
            }
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            int round = 0;
            while (System.nanoTime() < end) {
                HostilePeers attackers = new HostilePeers(url);
                boolean attacked = round++ >= quietIntervals;
                if (attacked) {
                    launch(hostile, attackers);
                }
                long intervalEnd = Math.min(end, System.nanoTime() + TimeUnit.SECONDS.toNanos(intervalSeconds));
                Histogram latency = new Histogram(3);
                long echoes = 0;
                long lost = 0;
                while (System.nanoTime() < intervalEnd) {
                    long tick = System.nanoTime();
                    for (NormalPeer peer : peers) {
                        Long micros = peer.echo();
                        if (micros == null) {
                            lost++;
                        } else {
                            latency.recordValue(Math.max(1, micros));
                            echoes++;
                        }
                    }
                    long rest = TimeUnit.MILLISECONDS.toNanos(100) - (System.nanoTime() - tick);
                    if (rest > 0) {
                        TimeUnit.NANOSECONDS.sleep(rest); // pacing of the normal load, not a wait for a condition
                    }
                }
                JsonNode limits = json.readTree(http.send(HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/status.json"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body()).get("limits");
                Sample sample = new Sample((System.nanoTime() - start) / 1e9, attacked, limits.get("publicConnections").asInt(),
                        limits.get("shedConnections").asLong(), limits.get("memoryUsedBytes").asLong(),
                        limits.get("memoryBudgetBytes").asLong(), runtime.residentBytes(),
                        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, echoes, lost);
                samples.add(sample);
                System.out.printf(Locale.ROOT, "%6.0fs %7s %6d %6d %9.1f %11.0f %8.0f %7.2f %7.2f %7d %5d%n", sample.seconds(),
                        attacked ? "yes" : "no", sample.connections(), sample.shed(), sample.budgetUsed() / 1048576.0, sample.budgetLimit() / 1048576.0,
                        sample.rss() / 1048576.0, sample.p50Millis(), sample.p99Millis(), sample.echoes(), sample.lost());
                attackers.close();
            }
            for (NormalPeer peer : peers) {
                peer.close();
            }
        } finally {
            hostile.shutdownNow();
        }
        Files.createDirectories(out);
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("soak.csv")))) {
            csv.println("seconds,attacked,public_connections,shed_total,memory_held_bytes,memory_budget_bytes,rss_bytes,p50_ms,p99_ms,echoes,lost");
            for (Sample s : samples) {
                csv.printf(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%d%n", s.seconds(), s.attacked() ? 1 : 0,
                        s.connections(), s.shed(),
                        s.budgetUsed(), s.budgetLimit(), s.rss(), s.p50Millis(), s.p99Millis(), s.echoes(), s.lost());
            }
        }
        Files.writeString(out.resolve("soak.svg"), SoakPlot.svg(samples));
        summarize(samples);
        System.out.println("wrote " + out.resolve("soak.csv") + " and " + out.resolve("soak.svg"));
        return 0;
    }

    /** The attacked intervals' round trips against the quiet ones' (medians of the interval figures). */
    private static void summarize(List<Sample> samples) {
        double[] quiet = samples.stream().filter(s -> !s.attacked()).mapToDouble(Sample::p99Millis).sorted().toArray();
        double[] attacked = samples.stream().filter(Sample::attacked).mapToDouble(Sample::p99Millis).sorted().toArray();
        long lost = samples.stream().mapToLong(Sample::lost).sum();
        long echoes = samples.stream().mapToLong(Sample::echoes).sum();
        if (quiet.length == 0 || attacked.length == 0) {
            return;
        }
        double base = quiet[quiet.length / 2];
        double loaded = attacked[attacked.length / 2];
        System.out.printf(Locale.ROOT, "p99 round trip: quiet %.2f ms, attacked %.2f ms (median of intervals; %.1fx),"
                + " worst attacked interval %.2f ms (%.1fx); %d echoes, %d lost%n", base, loaded, loaded / base,
                attacked[attacked.length - 1], attacked[attacked.length - 1] / base, echoes, lost);
    }

    /** This interval's attack: every kind at once, from addresses of their own. */
    private static void launch(ExecutorService hostile, HostilePeers attackers) {
        hostile.submit(() -> quietly(() -> attackers.silent("127.0.0.2", 300)));
        hostile.submit(() -> quietly(() -> attackers.pingFlood("127.0.0.3", 200_000)));
        hostile.submit(() -> quietly(() -> attackers.unfinishedMessages("127.0.0.4", 40, 4 << 20)));
        hostile.submit(() -> quietly(() -> attackers.neverReads("127.0.0.5", 64, 1 << 20)));
    }

    private interface Attack {
        void run() throws Exception;
    }

    private static void quietly(Attack attack) {
        try {
            attack.run();
        } catch (Exception refused) {
            // the runtime closed or shed the attacker: what it should do
        }
    }

    /** A well-behaved peer: one 64-byte echo at a time, with a deadline. */
    private static final class NormalPeer implements AutoCloseable {
        private final RoundTrips trips;
        private final AtomicLong failures = new AtomicLong();

        NormalPeer(String url) throws InterruptedException {
            this.trips = new RoundTrips(url);
        }

        /** The round trip in microseconds, or null when the echo did not come back within 5 s. */
        Long echo() {
            Histogram one = new Histogram(3);
            try {
                trips.run(1, 64, one);
                return one.getMaxValue();
            } catch (IllegalStateException | InterruptedException e) {
                failures.incrementAndGet();
                return null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            trips.close();
        }
    }
}
