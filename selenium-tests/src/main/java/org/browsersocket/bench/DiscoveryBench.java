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
import org.browsersocket.discovery.store.StoreLocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Discovery-service throughput and latency through its JSON API: concurrent closed-loop clients
 * put, then get, for a fixed time each; the embedded store and Redis side by side in one run.
 */
@Command(name = "discovery-bench", mixinStandardHelpOptions = true,
        description = "put and get operations per second and p99 latency, embedded store vs Redis.")
public final class DiscoveryBench implements Callable<Integer> {
    @Option(names = "--clients", description = "Concurrent clients. Default: ${DEFAULT-VALUE}.")
    int clients = 16;

    @Option(names = "--seconds", description = "Seconds per operation and store. Default: ${DEFAULT-VALUE}.")
    int seconds = 5;

    @Option(names = "--redis-server", description = "redis-server binary. Default: ${DEFAULT-VALUE}.")
    Path redisServer = Path.of("/usr/bin/redis-server");

    public static void main(String[] args) {
        System.exit(new CommandLine(new DiscoveryBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("discovery-bench-");
        System.out.printf(Locale.ROOT, "discovery-service JSON API, %d closed-loop clients, %d s per operation, keys spread over 64 names%n",
                clients, seconds);
        System.out.printf(Locale.ROOT, "%-10s %-4s %12s %10s %10s%n", "store", "op", "ops/s", "p50", "p99");
        run("embedded", new StoreLocation.Embedded(data.resolve("store")));
        int port = freePort();
        Process redis = new ProcessBuilder(redisServer.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", data.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("redis.log").toFile()).start();
        try {
            awaitPort(port);
            run("redis", new StoreLocation.Redis("127.0.0.1", port));
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
        System.out.println("(redis with appendfsync always, like the embedded store's synchronous commits)");
        return 0;
    }

    private void run(String name, StoreLocation location) throws Exception {
        DiscoveryServer server = new DiscoveryServer(0, location, 1e9);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.port() + "/v1/values/bench-";
            report(name, "put", load(i -> HttpRequest.newBuilder(URI.create(base + (i % 64)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"peer-" + i + "\",\"ttl\":600}")).build()));
            report(name, "get", load(i -> HttpRequest.newBuilder(URI.create(base + (i % 64) + "?max=10")).build()));
        } finally {
            server.stop();
        }
    }

    private interface Requests {
        HttpRequest make(long i);
    }

    private record Result(Histogram latency, long operations, double seconds) {}

    private Result load(Requests requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
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
        return new Result(all, all.getTotalCount(), (System.nanoTime() - start) / 1e9);
    }

    private static void report(String store, String op, Result result) {
        System.out.printf(Locale.ROOT, "%-10s %-4s %12.0f %7.2f ms %7.2f ms%n", store, op, result.operations() / result.seconds(),
                result.latency().getValueAtPercentile(50) / 1000.0, result.latency().getValueAtPercentile(99) / 1000.0);
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
