package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A page in headless Chromium answers HTTP requests with {@code bs.onrequest}, read by Java's
 * HttpClient: methods, headers, bodies both ways, keep-alive, HEAD, Range, a failing handler, and a
 * WebSocket peer on the same prefix at the same time.
 */
class PageServesHttpTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium(ChromiumOptions.defaults().browserLog(true));

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String base;

    @BeforeEach
    void serve() {
        SETUP.chromium().open(SETUP.stack().url("/tests/http-lab.html"));
        Map<String, Object> address = SETUP.chromium().script("return serve()");
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script("return bs.readyState === BrowserSocket.OPEN"));
        base = "http://127.0.0.1:" + address.get("port") + address.get("prefix");
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder to(String rest) {
        return HttpRequest.newBuilder(URI.create(base + rest));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] pattern(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    @Test
    void thePageSeesMethodUrlHeadersAndAddressAndItsResponseComesBack() throws Exception {
        HttpResponse<byte[]> response = send(to("echo?x=1").header("X-Test", "seen").header("Content-Type", "text/plain")
                .method("PUT", HttpRequest.BodyPublishers.ofString("put body")));
        assertEquals(200, response.statusCode());
        assertEquals("put body", text(response));
        assertEquals("PUT", response.headers().firstValue("x-method").orElseThrow());
        assertEquals(base + "echo?x=1", response.headers().firstValue("x-url").orElseThrow());
        assertEquals("/echo?x=1", response.headers().firstValue("x-path").orElseThrow());
        assertEquals("seen", response.headers().firstValue("x-test").orElseThrow());
        assertTrue(response.headers().firstValue("x-host").orElseThrow().startsWith("127.0.0.1:"),
                "the page sees even the headers fetch's Request hides");
        assertTrue(response.headers().firstValue("x-remote").orElseThrow().startsWith("127.0.0.1:"));
    }

    @Test
    void thePageReadsARequestBodyAsTextOrAsAForm() throws Exception {
        assertEquals("read: plain words", text(send(to("text").POST(HttpRequest.BodyPublishers.ofString("plain words")))));
        assertEquals("author=Ada", text(send(to("form").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("author=Ada&text=hi")))));
    }

    @Test
    void bodiesFromOneByteToEightMebibytesCrossBothWaysStreamed() throws Exception {
        Random random = new Random(12);
        for (int size : new int[] {1, 1000, 1 << 20, 8 << 20}) {
            byte[] body = new byte[size];
            random.nextBytes(body);
            HttpResponse<byte[]> response = send(to("echo").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertEquals(200, response.statusCode());
            assertArrayEquals(body, response.body(), size + " bytes");
        }
        assertArrayEquals(pattern(8 << 20), send(to("bytes?n=" + (8 << 20))).body(), "8 MiB made by the page");
    }

    @Test
    void aBodyOfKnownLengthHasContentLengthAndAStreamIsChunked() throws Exception {
        HttpResponse<byte[]> bytes = send(to("bytes?n=1000"));
        assertEquals("1000", bytes.headers().firstValue("content-length").orElseThrow());
        HttpResponse<byte[]> blob = send(to("blob"));
        assertEquals("blob body", text(blob));
        HttpResponse<byte[]> stream = send(to("stream"));
        assertEquals("piece 0\npiece 1\npiece 2\npiece 3\npiece 4\n", text(stream));
        assertTrue(stream.headers().firstValue("content-length").isEmpty());
        assertEquals("later", text(send(to("later"))));
    }

    @Test
    void requestsOnOneConnectionAreServedOneAfterAnother() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, send(to("bytes?n=" + i)).statusCode());
        }
        List<Map<String, Object>> requests = SETUP.chromium().script("return requests");
        assertEquals(5, requests.size());
        assertEquals(1, requests.stream().map(r -> r.get("remoteAddress")).distinct().count(),
                "every request came on the same kept-alive connection");
    }

    @Test
    void headGetsTheLengthWithoutTheBody() throws Exception {
        HttpResponse<byte[]> head = send(to("bytes?n=777").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("777", head.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, head.body().length);
    }

    @Test
    void rangeRequestsGetPartialContent() throws Exception {
        HttpResponse<byte[]> part = send(to("bytes?n=1000").header("Range", "bytes=100-199"));
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/1000", part.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(pattern(1000), 100, 200), part.body());
        HttpResponse<byte[]> tail = send(to("bytes?n=1000").header("Range", "bytes=-10"));
        assertArrayEquals(Arrays.copyOfRange(pattern(1000), 990, 1000), tail.body());
        HttpResponse<byte[]> outside = send(to("bytes?n=1000").header("Range", "bytes=5000-"));
        assertEquals(416, outside.statusCode());
        assertEquals("bytes */1000", outside.headers().firstValue("content-range").orElseThrow());
    }

    @Test
    void aHandlerThatThrowsGives500AndThePagesConsoleHasTheError() throws Exception {
        HttpResponse<byte[]> response = send(to("throw"));
        assertEquals(500, response.statusCode());
        assertTrue(!text(response).contains("on purpose"), "the error stays with the page");
        SETUP.chromium().await(d -> SETUP.chromium().browserLog().stream().anyMatch(line -> line.contains("the handler broke on purpose")));
    }

    @Test
    void aWebSocketPeerAndHttpRequestsShareThePrefixAtOnce() throws Exception {
        JavaPeer peer = new JavaPeer(base.replace("http://", "ws://") + "socket");
        peer.connect();
        peer.awaitOpen();
        try {
            peer.send("before");
            assertEquals("before", peer.nextText());
            assertArrayEquals(pattern(4), send(to("bytes?n=4")).body());
            peer.send("after");
            assertEquals("after", peer.nextText());
        } finally {
            peer.closeBlocking();
        }
    }
}
