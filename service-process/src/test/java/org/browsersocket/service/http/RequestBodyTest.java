package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.browsersocket.service.testing.Http;
import org.browsersocket.service.testing.RawHttp;
import org.browsersocket.service.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import spark.Service;

/** Request bodies arrive in full, in time and within their size, without holding a thread, or are refused. */
class RequestBodyTest {

    /** 1 KiB bodies within 1 s; 16 threads, so that a handful of slow clients would starve a thread-per-body server. */
    static final ServerLimits LIMITS = new ServerLimits(Duration.ofSeconds(5), Duration.ofSeconds(1), 1024, 8, 1000, 16);

    /** Answers POST /echo with the length of the body it read. */
    static final class Echo extends ServiceServer {
        Echo() {
            super("test-service", Listen.everywhere(0).withLimits(LIMITS));
        }

        @Override
        protected void addRoutes(Service http) {
            http.post("/echo", (request, response) -> String.valueOf(request.bodyAsBytes().length));
        }
    }

    @RegisterExtension
    static final RunningServer<Echo> SERVER = new RunningServer<>(Echo::new);

    static int port() {
        return SERVER.server().port();
    }

    static String post(int contentLength) {
        return "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    @Test
    void aWholeBodyReachesTheRoute() throws Exception {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri("127.0.0.1", "/echo"))
                .POST(BodyPublishers.ofString("hello")));
        assertEquals(200, response.statusCode());
        assertEquals("5", response.body());
    }

    @Test
    void aChunkedBodyReachesTheRouteToo() throws Exception {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri("127.0.0.1", "/echo"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[700]))));
        assertEquals("700", response.body());
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheDeadlineGets408AndTheConnectionCloses() throws Exception {
        try (RawHttp client = RawHttp.connect(RawHttp.loopback(21), "127.0.0.1", port())) {
            long start = System.nanoTime();
            client.send(post(10) + "ab");
            String response = client.readAll(Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 408 "), response);
            assertTrue(response.contains("{\"error\":\"the request body did not arrive within 1 s\"}"), response);
            assertTrue(response.contains("Access-Control-Allow-Origin: *"), response);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "answered at the deadline");
        }
    }

    @Test
    void aConnectionWhoseFirstRequestHeadTricklesInIsClosedAtTheDeadline() throws Exception {
        String head = "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: " + "s".repeat(100);
        try (RawHttp client = RawHttp.connect(RawHttp.loopback(25), "127.0.0.1", port())) {
            long start = System.nanoTime();
            boolean closed = false;
            // A byte every 100 ms keeps the connection from ever being idle; only the deadline ends it.
            for (int i = 0; i < head.length() && !closed; i++) {
                try {
                    client.send(head.substring(i, i + 1));
                } catch (java.io.IOException reset) {
                    closed = true;
                }
                closed = closed || client.closedByServer(Duration.ofMillis(100));
            }
            long took = System.nanoTime() - start;
            assertTrue(closed, "the connection was never closed");
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900) && took < TimeUnit.SECONDS.toNanos(4),
                    "closed after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        }
        try (RawHttp keptAlive = RawHttp.connect(RawHttp.loopback(26), "127.0.0.1", port())) {
            assertEquals(200, keptAlive.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").status(Duration.ofSeconds(5)));
            assertTrue(!keptAlive.closedByServer(Duration.ofMillis(1100)), "a connection that sent a request is not cut at the deadline");
            assertEquals(200, keptAlive.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").status(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413Unread() throws Exception {
        try (RawHttp client = RawHttp.connect(RawHttp.loopback(22), "127.0.0.1", port())) {
            client.send(post(1025) + "x".repeat(100)); // the rest of the body is never sent
            String response = client.readAll(Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.contains("request body larger than 1024 bytes"), response);
        }
    }

    @Test
    void aChunkedBodyOverTheLimitGets413() throws Exception {
        try (RawHttp client = RawHttp.connect(RawHttp.loopback(23), "127.0.0.1", port())) {
            client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n" + "x".repeat(1024) + "\r\n" + "1\r\nx\r\n");
            assertEquals(413, client.status(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aBodyCutShortGets400AndNeverReachesTheRoute() throws Exception {
        try (RawHttp client = RawHttp.connect(RawHttp.loopback(24), "127.0.0.1", port())) {
            client.send(post(10) + "abc").endOutput();
            String response = client.readAll(Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            assertTrue(response.contains("the request body ended early"), response);
        }
    }

    @Test
    void slowBodiesHoldNoThreadsSoOthersAreStillServed() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            // 40 bodies trickling in from 5 addresses (8 each, within the per-client cap), on 16 threads.
            for (int i = 0; i < 40; i++) {
                slow.add(RawHttp.connect(RawHttp.loopback(30 + i % 5), "127.0.0.1", port()).send(post(1000) + "x"));
            }
            trickle.scheduleAtFixedRate(() -> slow.forEach(client -> {
                try {
                    client.send("x");
                } catch (Exception refused) {
                    // the server may have ended it
                }
            }), 100, 100, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            HttpResponse<String> health = Http.send(HttpRequest.newBuilder(URI.create(
                    "http://[::1]:" + port() + "/healthz")).timeout(Duration.ofSeconds(2)));
            assertEquals(200, health.statusCode());
            HttpResponse<String> echo = Http.send(HttpRequest.newBuilder(SERVER.uri("[::1]", "/echo"))
                    .timeout(Duration.ofSeconds(2)).POST(BodyPublishers.ofString("fine")));
            assertEquals("4", echo.body());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
        } finally {
            trickle.shutdownNow();
            for (RawHttp client : slow) {
                client.close();
            }
        }
    }
}
