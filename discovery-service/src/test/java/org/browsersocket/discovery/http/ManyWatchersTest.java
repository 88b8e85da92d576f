package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Watches are asynchronous streams: thousands on one instance (with 16 request threads) all hear of
 * a put, and a client that stops reading is dropped once its bounded buffer is full, while the
 * others keep hearing. Watchers come from many loopback addresses, 50 from each, within the
 * per-client caps.
 */
class ManyWatchersTest {
    private static final int WATCHERS = 2000;
    private static final int PER_ADDRESS = 50;
    /** The buffer of a watcher that does not read, small so a test fills it quickly (a key's 80 values fit). */
    private static final int WATCH_BUFFER = 256 * 1024;

    @TempDir
    static Path data;
    static DiscoveryServer server;

    @BeforeAll
    static void start() throws Exception {
        ServerLimits sixteenThreads = new ServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(10), 64 * 1024, 64, 20_000, 16);
        server = new DiscoveryServer(Listen.everywhere(0).withLimits(sixteenThreads),
                new StoreLocation.Embedded(data.resolve("store")), new DiscoveryLimits(1e6, 1e6, 1L << 30, 64, 10_000),
                WATCH_BUFFER);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static void put(String name, String value) throws Exception {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create("http://[::1]:" + server.port() + "/v1/values/" + name))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"value\":\"" + value + "\",\"ttl\":600}")));
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void twoThousandWatchersOnOneInstanceAllHearOfANewValueWithinSeconds() throws Exception {
        List<RawHttp> watchers = new ArrayList<>();
        try {
            for (int i = 0; i < WATCHERS; i++) {
                RawHttp watcher = RawHttp.connect(RawHttp.loopback(100 + i / PER_ADDRESS), "127.0.0.1", server.port());
                watchers.add(watcher);
                watcher.send(AbusiveClientsTest.watchRequest("crowd"));
            }
            for (int i = 0; i < WATCHERS; i++) {
                assertEquals(200, AbusiveClientsTest.headStatus(watchers.get(i)), "watch " + i);
            }
            long put = System.nanoTime();
            put("crowd", "news for all");
            long deadline = put + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; i < WATCHERS; i++) {
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                String events = watchers.get(i).readUntil("\"value\":\"news for all\"", left);
                assertTrue(events.contains("event: value\ndata: {\"value\":\"news for all\""),
                        "watcher " + i + " heard within 10 s of the put: " + events);
            }
        } finally {
            for (RawHttp watcher : watchers) {
                watcher.close();
            }
        }
    }

    @Test
    void aWatcherThatDoesNotReadIsDroppedWhileAnotherKeepsHearing() throws Exception {
        // 80 values of 1000 bytes (some 200 kB of events for each new watcher, within its buffer),
        // then 300 more: far beyond its buffer and the kernel's socket buffers on the way to a client
        // that does not read.
        String big = "x".repeat(990);
        for (int i = 0; i < 80; i++) {
            put("flood", big + String.format("%05d", i));
        }
        try (Socket stalled = new Socket(); RawHttp reader = RawHttp.connect(RawHttp.loopback(90), "127.0.0.1", server.port())) {
            stalled.setReceiveBufferSize(4096);
            stalled.bind(new InetSocketAddress(RawHttp.loopback(91), 0));
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            stalled.getOutputStream().write(AbusiveClientsTest.watchRequest("flood").getBytes(StandardCharsets.ISO_8859_1));
            reader.send(AbusiveClientsTest.watchRequest("flood"));
            assertTrue(reader.readUntil(big + "00079", Duration.ofSeconds(10)).contains(big + "00079"),
                    "the reading watcher got the values there were");

            for (int i = 80; i < 380; i++) {
                put("flood", big + String.format("%05d", i));
                String value = big + String.format("%05d", i);
                assertTrue(reader.readUntil(value, Duration.ofSeconds(5)).contains(value), "the reader heard of put " + i);
            }

            // The stalled client now reads: what the kernel buffered, then the end of a dropped stream.
            stalled.setSoTimeout(1000);
            String received = drainUntilClosed(stalled.getInputStream(), Duration.ofSeconds(10));
            assertTrue(received != null, "the server closed the stalled watch");
            int values = received.split("event: value\n", -1).length - 1;
            assertTrue(values < 380, "it was dropped before it was sent every value: " + values + " values, "
                    + received.length() + " bytes");
        }
    }

    /** What was read until the server closed the connection; null if it was still open after {@code within}. */
    private static String drainUntilClosed(InputStream in, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        StringBuilder total = new StringBuilder();
        byte[] chunk = new byte[65536];
        while (System.nanoTime() < deadline) {
            try {
                int n = in.read(chunk);
                if (n < 0) {
                    return total.toString();
                }
                total.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException notYet) {
                // read again until the deadline
            } catch (java.io.IOException reset) {
                return total.toString();
            }
        }
        return null;
    }
}
