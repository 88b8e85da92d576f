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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import org.browsersocket.service.http.Listen;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Discovery-service throughput and latency through its JSON API: concurrent closed-loop clients
 * put, then get, for a fixed time each; the embedded store and Redis side by side in one run.
 */
@Command(name = "discovery-bench", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "put and get operations per second and p99 latency, embedded store vs Redis.")
public final class DiscoveryBench implements Callable<Integer> {
    @Option(names = "--clients", description = "Concurrent clients. Default: ${DEFAULT-VALUE}.")
    int clients = 16;

    @Option(names = "--seconds", description = "Seconds per operation and store. Default: ${DEFAULT-VALUE}.")
    int seconds = 5;

    @Option(names = "--redis-server", description = "redis-server binary. Default: ${DEFAULT-VALUE}.")
    Path redisServer = Path.of("/usr/bin/redis-server");

    /** One store's figures for one operation. */
    public record Measurement(String store, String op, double opsPerSecond, double p50Millis, double p99Millis) {}

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new DiscoveryBench())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf(Locale.ROOT, "discovery-service JSON API, %d closed-loop clients, %d s per operation, keys spread over 64 names%n",
                clients, seconds);
        System.out.printf(Locale.ROOT, "%-10s %-4s %12s %10s %10s%n", "store", "op", "ops/s", "p50", "p99");
        for (Measurement m : measure(clients, seconds, redisServer)) {
            System.out.printf(Locale.ROOT, "%-10s %-4s %12.0f %7.2f ms %7.2f ms%n", m.store(), m.op(), m.opsPerSecond(),
                    m.p50Millis(), m.p99Millis());
        }
        System.out.println("(redis with appendfsync always, like the embedded store's synchronous commits)");
        return 0;
    }

    /** put then get on the embedded store, then on a Redis started for the purpose. */
    public static List<Measurement> measure(int clients, double seconds, Path redisServer) throws Exception {
        Path data = Files.createTempDirectory("discovery-bench-");
        List<Measurement> results = new ArrayList<>(run("embedded", new StoreLocation.Embedded(data.resolve("store")), clients, seconds));
        int port = freePort();
        Process redis = new ProcessBuilder(redisServer.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", data.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("redis.log").toFile()).start();
        try {
            awaitPort(port);
            results.addAll(run("redis", new StoreLocation.Redis("127.0.0.1", port), clients, seconds));
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
        return results;
    }

    private static List<Measurement> run(String name, StoreLocation location, int clients, double seconds) throws Exception {
        // The store's speed, not the write limits a public instance puts on one client: no rate limits here.
        DiscoveryLimits unlimited = new DiscoveryLimits(1e9, 1e9, DiscoveryLimits.DEFAULTS.maxStoredBytes(),
                DiscoveryLimits.DEFAULTS.watchesPerClient(), DiscoveryLimits.DEFAULTS.maxWatches());
        DiscoveryServer server = new DiscoveryServer(Listen.everywhere(0), location, unlimited);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.port() + "/v1/values/bench-";
            Histogram puts = load(clients, seconds, i -> HttpRequest.newBuilder(URI.create(base + (i % 64)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"peer-" + i + "\",\"ttl\":600}")).build());
            Histogram gets = load(clients, seconds, i -> HttpRequest.newBuilder(URI.create(base + (i % 64) + "?max=10")).build());
            return List.of(measurement(name, "put", puts, seconds), measurement(name, "get", gets, seconds));
        } finally {
            server.stop();
        }
    }

    private static Measurement measurement(String store, String op, Histogram h, double seconds) {
        return new Measurement(store, op, h.getTotalCount() / seconds, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0);
    }

    private interface Requests {
        HttpRequest make(long i);
    }

    private static Histogram load(int clients, double seconds, Requests requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Future<Histogram>> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            runs.add(pool.submit(() -> {
                Histogram h = new Histogram(3);
                for (long i = client; System.nanoTime() < end; i += clients) {
                    long sent = System.nanoTime();
                    HttpResponse<Void> response = http.send(requests.make(i), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    h.recordValue((System.nanoTime() - sent) / 1000);
                }
                return h;
            }));
        }
        Histogram all = new Histogram(3);
        for (Future<Histogram> run : runs) {
            all.add(run.get());
        }
        pool.shutdown();
        return all;
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
