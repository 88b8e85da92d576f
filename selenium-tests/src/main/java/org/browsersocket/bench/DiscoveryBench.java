package org.browsersocket.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import com.sun.management.UnixOperatingSystemMXBean;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import org.browsersocket.service.cli.ConsoleLogging;
import org.browsersocket.service.http.BindAddress;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.ServerLimits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Discovery-service throughput and latency through its JSON API: wrk's closed-loop connections
 * put (each put acknowledged once durable), then get, for a fixed time each once the rate is
 * steady ({@link WrkRun}), the embedded store and Redis side by side in one run; then the JSON GET
 * of one name under wrk (64 connections); then many live watches of one name and the delay from a
 * put to each of them hearing of it. Headline figures go to {@link BenchSummary}.
 */
@Command(name = "discovery-bench", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "Acknowledged puts and gets per second with p50/p99 (embedded store vs Redis), the JSON GET under wrk, and the put-to-event delay of many live watchers.")
public final class DiscoveryBench implements Callable<Integer> {
    @Option(names = "--clients", description = "Concurrent clients: wrk connections, one request in flight each. Default: ${DEFAULT-VALUE}.")
    int clients = 16;

    @Option(names = "--seconds", description = "Seconds per operation and store. Default: ${DEFAULT-VALUE}.")
    int seconds = 5;

    @Option(names = "--redis-server", description = "redis-server binary. Default: ${DEFAULT-VALUE}.")
    Path redisServer = Path.of("/usr/bin/redis-server");

    @Option(names = "--watchers", description = "Live watches of one name (fewer if the open-files limit is lower). Default: ${DEFAULT-VALUE}.")
    int watchers = 10_000;

    @Option(names = "--watch-rounds", description = "Puts whose delivery to every watcher is timed. Default: ${DEFAULT-VALUE}.")
    int watchRounds = 5;

    @Option(names = "--watch-warm-up", description = "Puts delivered to every watcher before the timed ones, not counted"
            + " (the first ones time the compiler). Default: ${DEFAULT-VALUE}.")
    int watchWarmUp = 3;

    /** The benchmark's parts, each of which can be run alone. */
    enum Step { stores, get, watchers }

    @Option(names = "--only", split = ",", paramLabel = "STEP",
            description = "Run only these steps: stores (puts and gets, embedded and Redis), get (the JSON GET under wrk, 64 connections), watchers. Default: all.")
    Set<Step> only = EnumSet.allOf(Step.class);

    /**
     * One store's figures for one operation; {@code cpuMicrosPerOp}: CPU time of the service (and
     * Redis) per operation, which says what it would serve with the machine's cores to itself.
     */
    public record Measurement(String store, String op, double opsPerSecond, double p50Millis, double p99Millis,
                              double cpuMicrosPerOp) {}

    public static void main(String[] args) {
        ConsoleLogging.configure(); // the services' own logging: no Jetty start-up chatter between the figures
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new DiscoveryBench())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (only.contains(Step.stores)) {
            stores();
            System.out.println();
        }
        if (only.contains(Step.get)) {
            jsonGetUnderWrk(seconds);
            System.out.println();
        }
        if (only.contains(Step.watchers)) {
            watchers(watchers, watchWarmUp, watchRounds);
        }
        return 0;
    }

    private void stores() throws Exception {
        System.out.printf(Locale.ROOT, "discovery-service JSON API, wrk with %d connections (closed loop), %d s per operation"
                + " once steady, keys spread over 64 names%n", clients, seconds);
        List<Measurement> measured = measure(clients, seconds, redisServer);
        System.out.printf(Locale.ROOT, "%-10s %-4s %12s %10s %10s %14s%n", "store", "op", "ops/s", "p50", "p99", "CPU per op");
        for (Measurement m : measured) {
            System.out.printf(Locale.ROOT, "%-10s %-4s %12.0f %7.2f ms %7.2f ms %11.0f µs%n", m.store(), m.op(), m.opsPerSecond(),
                    m.p50Millis(), m.p99Millis(), m.cpuMicrosPerOp());
            if (m.op().equals("put")) {
                BenchSummary.record("discovery acknowledged puts, " + m.store() + ", " + clients + " clients (/s)",
                        BenchSummary.figure(m.opsPerSecond()), "≥ 10000",
                        String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms; service%s %.0f µs CPU per put", m.p50Millis(),
                                m.p99Millis(), m.store().equals("redis") ? " and Redis" : "", m.cpuMicrosPerOp()));
            }
        }
        System.out.println("(redis with appendfsync always, like the embedded store's synchronous commits; CPU per op:"
                + " the service's, and Redis's, while wrk shares the cores)");
    }

    /** A server for the single-name steps: one loopback client may hold as many connections and watches as it likes. */
    private static DiscoveryServer crowdServer(Path data, int watches) throws Exception {
        ServerLimits manyConnections = new ServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(10), 64 * 1024,
                20_000, 20_000, ServerLimits.DEFAULTS.maxThreads());
        DiscoveryLimits unlimited = new DiscoveryLimits(1e9, 1e9, DiscoveryLimits.DEFAULTS.maxStoredBytes(), 20_000,
                Math.max(watches, DiscoveryLimits.DEFAULTS.maxWatches()));
        DiscoveryServer server = new DiscoveryServer(new Listen(List.of(BindAddress.parse("127.0.0.1")), 0, manyConnections), new StoreLocation.Embedded(data.resolve("store")), unlimited);
        server.start();
        return server;
    }

    /** GET /v1/values/{name} of a name holding 4 values, under wrk with 64 connections (embedded store). */
    static void jsonGetUnderWrk(int seconds) throws Exception {
        Path data = Files.createTempDirectory("discovery-bench-get-");
        DiscoveryServer server = crowdServer(data, 0);
        try {
            String url = "http://127.0.0.1:" + server.port() + "/v1/values/bench-peer";
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 1; i <= 4; i++) {
                put(http, url, "wss://peer-" + i + ".example:7041/");
            }
            Optional<WrkRun> run = WrkRun.measure(new WrkRun.Load(url, 64, seconds).servedBy(List.of(ProcessHandle.current().pid())));
            if (run.isEmpty()) {
                System.out.println("discovery JSON GET under wrk: skipped, wrk is not installed (tools/install-deps.sh bench)");
                return;
            }
            WrkRun wrk = run.get();
            System.out.printf(Locale.ROOT, "discovery JSON GET /v1/values/{name} (4 values), wrk 2 threads x 64 connections, %d s:"
                    + " %.0f requests/s, p50 %s, p99 %s%s (%s; %s)%n", seconds, wrk.requestsPerSecond(), wrk.p50(), wrk.p99(),
                    wrk.errors().isEmpty() ? "" : " (" + wrk.errors() + ")", wrk.cpuSummary(), wrk.warmUpSummary());
            BenchSummary.record("discovery JSON GET, wrk 64 connections (/s)", BenchSummary.figure(wrk.requestsPerSecond()),
                    "≥ 30000", "p50 " + wrk.p50() + ", p99 " + wrk.p99() + "; " + wrk.cpuSummary()
                            + (wrk.errors().isEmpty() ? "" : "; " + wrk.errors()));
        } finally {
            server.stop();
        }
    }

    /**
     * {@code requested} live watches of one name (as many as the open-files limit allows: both ends
     * are in this process), then {@code warmUp} puts delivered but not counted, then {@code rounds}
     * puts, each timed from its sending until every watcher has read it; the p99 over all watchers
     * and timed rounds is the headline.
     */
    static void watchers(int requested, int warmUp, int rounds) throws Exception {
        int count = Math.min(requested, watchersTheFileLimitAllows());
        Path data = Files.createTempDirectory("discovery-bench-watch-");
        DiscoveryServer server = crowdServer(data, count);
        try (WatcherCrowd crowd = WatcherCrowd.open(server.port(), "bench-crowd", count, 120_000)) {
            String url = "http://127.0.0.1:" + server.port() + "/v1/values/bench-crowd";
            HttpClient http = HttpClient.newHttpClient();
            Histogram delays = new Histogram(3);
            Histogram fanOut = new Histogram(3); // from the first watcher hearing: the store's commit left out
            long missed = 0;
            long heardInAll = 0;
            long cpuTicks = 0; // of this process, which holds the service and the watchers' ends, over the timed rounds
            List<Long> self = List.of(ProcessHandle.current().pid());
            for (int r = -warmUp; r < rounds; r++) {
                long ticksBefore = CpuTimes.processTicks(self);
                String value = "round-" + r + "-" + System.nanoTime();
                long sent = System.nanoTime();
                put(http, url, value);
                Histogram round = new Histogram(3);
                int heard = crowd.await("\"value\":\"" + value + "\"", sent, 10_000, round);
                if (r >= 0) {
                    cpuTicks += CpuTimes.processTicks(self) - ticksBefore;
                    heardInAll += heard;
                    missed += crowd.opened() - heard;
                    delays.add(round);
                    fanOut.add(crowd.spread());
                }
                System.out.printf(Locale.ROOT, "  %s %d: %d of %d watchers heard it; p50 %.1f ms, p99 %.1f ms, last %.1f ms%n",
                        r < 0 ? "warm-up put" : "put", r < 0 ? r + warmUp + 1 : r + 1, heard, crowd.opened(), round.getValueAtPercentile(50) / 1000.0,
                        round.getValueAtPercentile(99) / 1000.0, round.getMaxValue() / 1000.0);
            }
            String detail = String.format(Locale.ROOT, "%d watchers open (%d requested, %d failed), %d timed puts after %d warm-up; p50 %.1f ms, max %.1f ms, %d deliveries missed;"
                    + " after the first watcher heard: p99 %.1f ms; %.0f µs CPU per delivery (service and watchers together)",
                    crowd.opened(), requested, crowd.failed(), rounds, warmUp,
                    delays.getValueAtPercentile(50) / 1000.0, delays.getMaxValue() / 1000.0, missed,
                    fanOut.getValueAtPercentile(99) / 1000.0, cpuTicks / CpuTimes.TICKS_PER_SECOND * 1e6 / Math.max(1, heardInAll));
            double p99 = delays.getValueAtPercentile(99) / 1000.0;
            System.out.printf(Locale.ROOT, "discovery live watchers of one name: p99 %.1f ms from a put's sending to each watcher reading it (%s)%n",
                    p99, detail);
            BenchSummary.record("discovery watchers, p99 put-to-event delay (ms)", BenchSummary.figure(p99),
                    "≤ 100 with ≥ 10000 watchers", detail);
        } finally {
            server.stop();
        }
    }

    /** Watchers whose two sockets fit in what is left of the open-files limit (a margin for jars, stores, wrk). */
    private static int watchersTheFileLimitAllows() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            return (int) Math.max(0, (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 500) / 2);
        }
        return Integer.MAX_VALUE;
    }

    /** One put with {@code http}: one client reuses its connections, where a client per put would hold one each. */
    private static void put(HttpClient http, String url, String value) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\",\"ttl\":3600}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("put refused: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** put then get on the embedded store, then on a Redis started for the purpose. */
    public static List<Measurement> measure(int clients, double seconds, Path redisServer) throws Exception {
        return measure(clients, seconds, redisServer, false);
    }

    /**
     * Puts and gets on the embedded store and on Redis, each store in a service started for it;
     * {@code redisFirst} turns the order (runs that repeat alternate it).
     */
    public static List<Measurement> measure(int clients, double seconds, Path redisServer, boolean redisFirst)
            throws Exception {
        Path data = Files.createTempDirectory("discovery-bench-");
        long self = ProcessHandle.current().pid(); // the service runs in this process
        List<Measurement> results = new ArrayList<>();
        for (String store : redisFirst ? List.of("redis", "embedded") : List.of("embedded", "redis")) {
            if (store.equals("embedded")) {
                results.addAll(run("embedded", new StoreLocation.Embedded(data.resolve("store-" + System.nanoTime())),
                        List.of(self), clients, seconds));
                continue;
            }
            int port = freePort();
            Path redisDir = Files.createDirectories(data.resolve("redis-" + System.nanoTime()));
            Process redis = new ProcessBuilder(redisServer.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", redisDir.toString())
                    .redirectErrorStream(true).redirectOutput(redisDir.resolve("redis.log").toFile()).start();
            try {
                awaitPort(port);
                results.addAll(run("redis", new StoreLocation.Redis("127.0.0.1", port), List.of(self, redis.pid()), clients, seconds));
            } finally {
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return results;
    }

    /** Puts, then gets, against a service on {@code location}; {@code servers}: the processes whose CPU time serves them. */
    private static List<Measurement> run(String name, StoreLocation location, List<Long> servers, int clients, double seconds)
            throws Exception {
        // The store's speed, not the write limits a public instance puts on one client: no rate limits here.
        DiscoveryLimits unlimited = new DiscoveryLimits(1e9, 1e9, DiscoveryLimits.DEFAULTS.maxStoredBytes(),
                DiscoveryLimits.DEFAULTS.watchesPerClient(), DiscoveryLimits.DEFAULTS.maxWatches());
        DiscoveryServer server = new DiscoveryServer(Listen.everywhere(0), location, unlimited);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.port() + "/";
            int runSeconds = (int) Math.max(1, Math.round(seconds));
            Measurement puts = measurement(name, "put", load(base, clients, runSeconds, "discovery-put.lua", servers));
            fillGetNames(base);
            return List.of(puts, measurement(name, "get", load(base, clients, runSeconds, "discovery-get.lua", servers)));
        } finally {
            server.stop();
        }
    }

    /** Puts 10 values under each name discovery-get.lua reads (bench-get-0 .. bench-get-63). */
    static void fillGetNames(String base) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (int name = 0; name < 64; name++) {
            for (int value = 0; value < 10; value++) {
                put(http, base + "v1/values/bench-get-" + name, "wss://peer-" + value + ".example:7041/");
            }
        }
    }

    /** One operation under wrk ({@code clients} connections, one request in flight each), warmed up until steady. */
    private static WrkRun load(String base, int clients, int seconds, String script, List<Long> servers) throws Exception {
        WrkRun run = WrkRun.measure(new WrkRun.Load(base, clients, seconds, Optional.of(WrkRun.script(script))).servedBy(servers))
                .orElseThrow(() -> new IllegalStateException("wrk is not installed at " + WrkRun.WRK
                        + " (tools/install-deps.sh bench or experiments installs it)"));
        if (!run.errors().isEmpty()) {
            throw new IllegalStateException(script + ": " + run.errors());
        }
        System.out.println("  " + script + ": " + run.warmUpSummary() + "; " + run.cpuSummary());
        return run;
    }

    private static Measurement measurement(String store, String op, WrkRun run) {
        return new Measurement(store, op, run.requestsPerSecond(), run.p50Millis(), run.p99Millis(), run.serverCpuMicrosPerRequest());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }
}
