package org.browsersocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP load generator against the native server, and what it counts when things go wrong. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpLoadTest {
    private static final Duration WARMUP = Duration.ofMillis(200);
    private static final Duration WINDOW = Duration.ofMillis(700);

    private static HttpLoad.Config config(int port, String path, int connections, int expectedBytes) {
        return new HttpLoad.Config("127.0.0.1", port, n -> path, connections, expectedBytes, WARMUP, WINDOW, 1);
    }

    @Test
    void everyCountedRequestHasOneLatencyAndNothingFails() throws Exception {
        try (NativeHttpServer server = NativeHttpServer.start()) {
            HttpLoad.Result r = HttpLoad.run(config(server.port(), "/bytes/1024", 4, 1024));
            assertTrue(r.requests() > 0, "requests: " + r.requests());
            assertEquals(r.requests(), r.latencyMicros().getTotalCount());
            assertEquals(0, r.failures(), "failures: " + r);
            assertTrue(r.sent() > r.requests(), "the warm-up's requests are sent but not counted");
            assertEquals(0.7, r.seconds(), 1e-9);
            assertEquals(r.requests() / 0.7, r.requestsPerSecond(), 1e-6);
            assertTrue(r.clientCpuSeconds() >= 0);
        }
    }

    @Test
    void theWindowOpensAndClosesOnTheDrivingThread() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Thread caller = Thread.currentThread();
        try (NativeHttpServer server = NativeHttpServer.start()) {
            HttpLoad.run(config(server.port(), "/cached/65536?x", 1, 65536), new HttpLoad.Window() {
                @Override
                public void opened() {
                    assertEquals(caller, Thread.currentThread());
                    calls.compareAndSet(0, 1);
                }

                @Override
                public void closed() {
                    calls.compareAndSet(1, 2);
                }
            });
        }
        assertEquals(2, calls.get());
    }

    @Test
    void otherStatusesAndWrongLengthsAreFailuresNotSamples() throws Exception {
        try (NativeHttpServer server = NativeHttpServer.start()) {
            HttpLoad.Result missing = HttpLoad.run(config(server.port(), "/nothing", 1, 1024));
            assertEquals(0, missing.requests());
            assertTrue(missing.otherStatus() > 0);
            assertEquals(missing.otherStatus(), missing.failures());
            HttpLoad.Result shorter = HttpLoad.run(config(server.port(), "/bytes/1000", 1, 1024));
            assertEquals(0, shorter.requests());
            assertTrue(shorter.wrongLength() > 0);
        }
    }

    @Test
    void theQueryStringOfEachRequestIsItsOwn() throws Exception {
        java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (NativeHttpServer server = NativeHttpServer.start()) {
            HttpLoad.Result r = HttpLoad.run(new HttpLoad.Config("127.0.0.1", server.port(), n -> {
                String path = "/cached/16?r=" + n;
                asked.add(path);
                return path;
            }, 2, 16, WARMUP, WINDOW, 2));
            assertTrue(r.requests() > 0, "requests: " + r);
            assertEquals(r.sent(), asked.size(), "every request sent asked for a path of its own");
        }
    }

    @Test
    void aServerThatClosesEveryConnectionIsReconnectedAndItsRequestsCount() throws Exception {
        try (OneAnswerServer server = new OneAnswerServer()) {
            HttpLoad.Result r = HttpLoad.run(config(server.port(), "/", 1, 5));
            assertTrue(r.requests() > 0, "requests: " + r.requests());
            assertTrue(r.reopened() > 0, "reopened: " + r.reopened());
            assertEquals(0, r.failed());
        }
    }

    @Test
    void nothingListeningIsAConnectException() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertThrows(ConnectException.class, () -> HttpLoad.run(config(port, "/", 1, 0)));
    }

    @Test
    void runsAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new HttpLoad.Config("127.0.0.1", 1, n -> "/", 0, 0, WARMUP, WINDOW, 1));
        assertThrows(IllegalArgumentException.class, () -> new HttpLoad.Config("127.0.0.1", 1, n -> "/", 1, 0, WARMUP,
                Duration.ofMinutes(11), 1));
        assertThrows(IllegalArgumentException.class, () -> new HttpLoad.Config("127.0.0.1", 1, n -> "/", 1, 0, WARMUP,
                Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new HttpLoad.Config("127.0.0.1", 1, n -> "/", 1, 0, WARMUP, WINDOW, 9));
    }

    @Test
    void theNativeServerAnswersBytesAndCachedPathsOnly() {
        assertEquals(new NativeHttpServer.Ask(1024, false), NativeHttpServer.parse("/bytes/1024"));
        assertEquals(new NativeHttpServer.Ask(65536, true), NativeHttpServer.parse("/cached/65536?r=abc.7"));
        assertNull(NativeHttpServer.parse("/bytes/"));
        assertNull(NativeHttpServer.parse("/bytes/-1"));
        assertNull(NativeHttpServer.parse("/bytes/99999999999"));
        assertNull(NativeHttpServer.parse("/bytes/" + (NativeHttpServer.MAX_BODY_BYTES + 1)));
        assertNull(NativeHttpServer.parse("/other/12"));
        byte[] pattern = NativeHttpServer.pattern(300);
        assertEquals(0, pattern[251]);
        assertEquals(48, pattern[299]);
    }

    /** Answers one request per connection with "hello" and Connection: close, then closes it. */
    private static final class OneAnswerServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::serve, "one-answer-server");

        OneAnswerServer() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    int last = 0;
                    for (int b; (b = in.read()) >= 0; ) { // to the end of the request head
                        last = (last << 8) | b;
                        if (last == 0x0d0a0d0a) {
                            break;
                        }
                    }
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
