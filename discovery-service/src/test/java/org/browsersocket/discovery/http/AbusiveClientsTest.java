package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.ServerLimits;
import org.browsersocket.service.testing.Http;
import org.browsersocket.service.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client that trickles request bodies or hoards watches does not keep other clients from
 * being served. The attacker comes from 127.0.0.x, the well-behaved client from ::1 (another
 * client: IPv4 addresses and IPv6 /64s are counted apart).
 */
class AbusiveClientsTest {
    /** Bounds every attack: sockets are closed by then, whatever happened. */
    private static final Duration ATTACK = Duration.ofSeconds(1);
    /** How long a well-behaved request may take while an attack runs. */
    private static final long ANSWER_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final HttpClient STREAMS = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path data;
    static DiscoveryServer server;
    /** 16 request threads: watches that held a thread each would starve it. */
    static DiscoveryServer fewThreads;

    @BeforeAll
    static void start() throws Exception {
        DiscoveryLimits generous = new DiscoveryLimits(1000, 1000, 1L << 30, 8, 10_000);
        server = new DiscoveryServer(Listen.everywhere(0), new StoreLocation.Embedded(data.resolve("a")), generous);
        server.start();
        ServerLimits sixteenThreads = new ServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(10), 64 * 1024, 64, 20_000, 16);
        fewThreads = new DiscoveryServer(Listen.everywhere(0).withLimits(sixteenThreads),
                new StoreLocation.Embedded(data.resolve("b")), generous);
        fewThreads.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        fewThreads.stop();
    }

    static URI fromIpv6(DiscoveryServer to, String path) {
        return URI.create("http://[::1]:" + to.port() + path);
    }

    /** A well-behaved request from ::1, which must be answered (2xx) in time. */
    static HttpResponse<String> promptly(HttpRequest.Builder request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = Http.send(request);
        long took = System.nanoTime() - start;
        assertTrue(took < ANSWER_WITHIN_NANOS, request.build().uri() + " took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        return response;
    }

    static String postHead(String path, int length) {
        return "POST " + path + " HTTP/1.1\r\nHost: attacker\r\nContent-Type: application/json\r\nContent-Length: "
                + length + "\r\n\r\n";
    }

    static String watchRequest(String name) {
        return "GET /v1/watch/" + name + " HTTP/1.1\r\nHost: watcher\r\n\r\n";
    }

    /** The status of a response whose body may never end (an event stream): from its head only. */
    static int headStatus(RawHttp client) throws Exception {
        String head = client.readUntil("\r\n\r\n", Duration.ofSeconds(5));
        String[] parts = head.split(" ", 3);
        return head.startsWith("HTTP/1.1 ") ? Integer.parseInt(parts[1]) : -1;
    }

    @Test
    void twoHundredFiftySlowPostsFromOneClientLeaveHealthzReadsAndWritesToOthers() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 250; i++) {
                try {
                    String path = i % 2 == 0 ? "/v1/values/slow" : "/RPC2";
                    slow.add(RawHttp.connect(RawHttp.loopback(1), "127.0.0.1", server.port()).send(postHead(path, 1000) + "{"));
                } catch (java.io.IOException refused) {
                    // the server may turn the flood away
                }
            }
            // One byte a second per connection, as the attack goes.
            trickle.scheduleAtFixedRate(() -> {
                for (RawHttp client : slow) {
                    try {
                        client.send(" ");
                    } catch (Exception closed) {
                        // refused or timed out: that is the server defending itself
                    }
                }
            }, 0, 1, TimeUnit.SECONDS);

            long attackEnds = System.nanoTime() + ATTACK.toNanos();
            do {
                promptly(HttpRequest.newBuilder(fromIpv6(server, "/healthz")));
                promptly(HttpRequest.newBuilder(fromIpv6(server, "/v1/values/slow")));
                promptly(HttpRequest.newBuilder(fromIpv6(server, "/v1/values/calm")).header("Content-Type", "application/json")
                        .POST(BodyPublishers.ofString("{\"value\":\"still served\",\"ttl\":60}")));
            } while (System.nanoTime() < attackEnds);
            Map<String, Object> values = Http.json(promptly(HttpRequest.newBuilder(fromIpv6(server, "/v1/values/calm"))));
            assertEquals(1, ((List<?>) values.get("values")).size());
        } finally {
            trickle.shutdownNow();
            for (RawHttp client : slow) {
                client.close();
            }
        }
    }

    @Test
    void twoHundredWatchesFromOneClientGetEightAndLeaveOthersTheirs() throws Exception {
        List<RawHttp> hoard = new ArrayList<>();
        try {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RawHttp client = RawHttp.connect(RawHttp.loopback(2), "127.0.0.1", server.port());
                hoard.add(client);
                try {
                    client.send(watchRequest("lobby"));
                    statuses.add(headStatus(client));
                } catch (java.io.IOException closed) {
                    statuses.add(-1);
                }
            }
            assertEquals(8, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(8, statuses.subList(0, 8).stream().filter(s -> s == 200).count(), "the first eight are served");
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 429 || s == -1), statuses.toString());

            // The ninth is told why, as JSON.
            try (RawHttp ninth = RawHttp.connect(RawHttp.loopback(3), "127.0.0.1", server.port())) {
                List<RawHttp> eight = new ArrayList<>();
                try {
                    for (int i = 0; i < 8; i++) {
                        eight.add(RawHttp.connect(RawHttp.loopback(3), "127.0.0.1", server.port()).send(watchRequest("hall")));
                        assertEquals(200, headStatus(eight.get(i)));
                    }
                    String refusal = ninth.send(watchRequest("hall")).readUntil("}", Duration.ofSeconds(5));
                    assertTrue(refusal.startsWith("HTTP/1.1 429 "), refusal);
                    assertTrue(refusal.contains("application/json"), refusal);
                    assertTrue(refusal.contains("{\"error\":\"too many watches from your address (at most 8 at once);"
                            + " close one first\"}"), refusal);
                } finally {
                    for (RawHttp client : eight) {
                        client.close();
                    }
                }
            }

            // Another client watches and hears of a new value at once.
            HttpResponse<InputStream> stream = STREAMS.send(HttpRequest.newBuilder(fromIpv6(server, "/v1/watch/lobby"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = stream.body()) {
                assertEquals(200, stream.statusCode());
                assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
                promptly(HttpRequest.newBuilder(fromIpv6(server, "/v1/values/lobby")).header("Content-Type", "application/json")
                        .POST(BodyPublishers.ofString("{\"value\":\"a real room\",\"ttl\":60}")));
                assertTrue(readsLineContaining(body, "a real room"), "the watch from ::1 hears of the new value");
            }
        } finally {
            for (RawHttp client : hoard) {
                client.close();
            }
        }
    }

    @Test
    void aClientThatClosesItsWatchesMayWatchAgain() throws Exception {
        List<RawHttp> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(RawHttp.connect(RawHttp.loopback(4), "127.0.0.1", server.port()).send(watchRequest("again")));
            assertEquals(200, headStatus(eight.get(i)));
        }
        for (RawHttp client : eight) {
            client.close();
        }
        // The server learns of a closed stream when it next writes to it (a keep-alive every 2 s).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (RawHttp again = RawHttp.connect(RawHttp.loopback(4), "127.0.0.1", server.port())) {
                if (headStatus(again.send(watchRequest("again"))) == 200) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the closed watches were never counted out");
            Thread.sleep(50); // polling interval
        }
    }

    @Test
    void fortyWatchesOnSixteenThreadsHoldNoThreadsAndAllHearOfAPut() throws Exception {
        List<RawHttp> watches = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                RawHttp client = RawHttp.connect(RawHttp.loopback(10 + i % 5), "127.0.0.1", fewThreads.port());
                watches.add(client);
                assertEquals(200, headStatus(client.send(watchRequest("busy"))), "watch " + i);
            }
            promptly(HttpRequest.newBuilder(fromIpv6(fewThreads, "/healthz")));
            promptly(HttpRequest.newBuilder(fromIpv6(fewThreads, "/v1/values/busy")).header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"value\":\"hello all\",\"ttl\":60}")));
            for (RawHttp watch : watches) {
                String events = watch.readUntil("\"value\":\"hello all\"", Duration.ofSeconds(5));
                assertTrue(events.contains("event: value\ndata: {\"value\":\"hello all\""), events);
            }
        } finally {
            for (RawHttp client : watches) {
                client.close();
            }
        }
    }

    /** Reads event-stream lines until one contains {@code text}; false if the stream ends or 5 s pass. */
    static boolean readsLineContaining(InputStream body, String text) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<Boolean> found = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.contains(text)) {
                        return true;
                    }
                }
            } catch (java.io.IOException closed) {
                // ends the search
            }
            return false;
        });
        try {
            return found.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException late) {
            body.close();
            return false;
        }
    }
}
