package org.browsersocket.runtime.page;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.limits.HttpLimits;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP requests to a page's listener, with the page played by {@link JavaPage}: what the page is
 * told, what the client gets, and every way it can go wrong.
 */
class PageHttpTest {
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(1500);

    private RuntimeFixture fixture;
    private JavaPage page;
    private String base;   // http://127.0.0.1:PORT/PREFIX/
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        RuntimeConfig config = RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN);
        config = config.withPeerLimits(config.peerLimits().withHttp(
                new HttpLimits(RESPONSE_TIMEOUT, 9L << 20, HttpLimits.DEFAULT_MAX_HEADER_BYTES)));
        fixture = RuntimeFixture.start(config);
        page = fixture.page();
        base = page.listen().replace("ws://", "http://");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private HttpRequest.Builder to(String rest) {
        return HttpRequest.newBuilder(URI.create(base + rest)).timeout(Duration.ofSeconds(20));
    }

    /** The request body the page was sent for {@code conn}, up to its end frame. */
    private byte[] bodyOf(int conn) throws InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            JavaPage.Data data = page.nextData();
            assertEquals(conn, data.conn());
            if (data.kind() == DataFrame.KIND_END) {
                return body.toByteArray();
            }
            assertEquals(DataFrame.KIND_BODY, data.kind());
            body.writeBytes(data.payload());
        }
    }

    @Test
    void aGetReachesThePageWithItsUrlHeadersAndAddressAndItsAnswerReachesTheClient() throws Exception {
        var pending = send(to("notes/1?sort=new").header("X-Test", "yes").build());
        ControlMessage.Request request = page.expect(ControlMessage.Request.class);
        assertEquals("GET", request.method());
        assertTrue(request.url().startsWith("http://127.0.0.1:"), request.url());
        assertTrue(request.url().endsWith("/notes/1?sort=new"), request.url());
        assertTrue(request.resource().endsWith("/notes/1?sort=new"));
        assertTrue(request.headers().contains(List.of("x-test", "yes")), request.headers().toString());
        assertTrue(request.remoteAddress().startsWith("127.0.0.1:"), request.remoteAddress());
        assertFalse(request.body());
        page.respond(request.conn(), List.of(List.of("content-type", "text/plain"), List.of("x-served-by", "page")), "hello");
        HttpResponse<byte[]> response = pending.get();
        assertEquals(200, response.statusCode());
        assertEquals("hello", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("5", response.headers().firstValue("content-length").orElseThrow());
        assertEquals("page", response.headers().firstValue("x-served-by").orElseThrow());
    }

    @Test
    void aStreamedResponseOfUnknownLengthIsSentChunked() throws Exception {
        var pending = send(to("stream").build());
        int conn = page.expect(ControlMessage.Request.class).conn();
        page.send(new ControlMessage.Response(conn, 200, List.of(), null));
        for (int i = 0; i < 5; i++) {
            page.sendData(DataFrame.KIND_BODY, conn, ("piece " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        page.sendData(DataFrame.KIND_END, conn, new byte[0]);
        HttpResponse<byte[]> response = pending.get();
        assertEquals("piece 0\npiece 1\npiece 2\npiece 3\npiece 4\n", new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(response.headers().firstValue("content-length").isEmpty());
    }

    @Test
    void bodiesOfEightMebibytesCrossBothWays() throws Exception {
        byte[] upload = new byte[8 << 20];
        new Random(7).nextBytes(upload);
        var pending = send(to("echo").POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build());
        ControlMessage.Request request = page.expect(ControlMessage.Request.class);
        assertEquals("POST", request.method());
        assertTrue(request.body());
        byte[] received = bodyOf(request.conn());
        assertArrayEquals(upload, received);
        page.send(new ControlMessage.Response(request.conn(), 200, List.of(), null));
        for (int at = 0; at < received.length; at += 256 << 10) {
            page.sendData(DataFrame.KIND_BODY, request.conn(),
                    java.util.Arrays.copyOfRange(received, at, Math.min(received.length, at + (256 << 10))));
        }
        page.sendData(DataFrame.KIND_END, request.conn(), new byte[0]);
        assertArrayEquals(upload, pending.get().body());
    }

    @Test
    void aKeptAliveConnectionServesOneRequestAfterAnother() throws Exception {
        String firstAddress = null;
        for (int i = 0; i < 3; i++) {
            var pending = send(to("n/" + i).build());
            ControlMessage.Request request = page.expect(ControlMessage.Request.class);
            if (firstAddress == null) {
                firstAddress = request.remoteAddress();
            }
            assertEquals(firstAddress, request.remoteAddress(), "the same connection (same client port) for each request");
            page.respond(request.conn(), List.of(), ("n" + i));
            assertEquals("n" + i, new String(pending.get().body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersAndLengthButNoBody() throws Exception {
        try (RawPeer raw = RawPeer.connect("127.0.0.1", fixture.runtime().publicPort())) {
            raw.write(ascii("HEAD " + URI.create(base).getRawPath() + "file HTTP/1.1\r\nHost: x\r\n\r\n"));
            ControlMessage.Request request = page.expect(ControlMessage.Request.class);
            assertEquals("HEAD", request.method());
            page.send(new ControlMessage.Response(request.conn(), 200, List.of(List.of("content-type", "text/plain")), 1234L));
            page.sendData(DataFrame.KIND_END, request.conn(), new byte[0]);
            String head = raw.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-length: 1234"), head);
            // The connection stays usable: the next request's response follows with no body bytes between.
            raw.write(ascii("GET " + URI.create(base).getRawPath() + "next HTTP/1.1\r\nHost: x\r\n\r\n"));
            ControlMessage.Request next = page.expect(ControlMessage.Request.class);
            page.respond(next.conn(), List.of(), "ok");
            assertTrue(raw.readHead().startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void anUnknownPrefixGets404() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + fixture.runtime().publicPort() + "/AAAAAAAAAAAAAAAAAAAAAA/x")).build()).get();
        assertEquals(404, response.statusCode());
        assertEquals("404 Not Found\n", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aPageThatLeavesMidRequestGives503WithRetryAfter() throws Exception {
        var pending = send(to("slow").build());
        page.expect(ControlMessage.Request.class);
        page.closeBlocking();
        HttpResponse<byte[]> response = pending.get();
        assertEquals(503, response.statusCode());
        assertEquals("5", response.headers().firstValue("retry-after").orElseThrow());
        HttpResponse<byte[]> after = send(to("again").build()).get();
        assertEquals(503, after.statusCode(), "the address of a page that left is not unknown: come back later");
        assertTrue(after.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void aPageTooSlowToAnswerGives504AndIsToldToGiveUp() throws Exception {
        var pending = send(to("slow").build());
        ControlMessage.Request request = page.expect(ControlMessage.Request.class);
        HttpResponse<byte[]> response = pending.get();
        assertEquals(504, response.statusCode());
        assertEquals(request.conn(), page.expect(ControlMessage.Abort.class).conn());
    }

    @Test
    void aPageWhoseHandlerFailedGives500() throws Exception {
        var pending = send(to("broken").build());
        ControlMessage.Request request = page.expect(ControlMessage.Request.class);
        page.send(new ControlMessage.Abort(request.conn(), "TypeError: x is undefined"));
        HttpResponse<byte[]> response = pending.get();
        assertEquals(500, response.statusCode());
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("TypeError"),
                "the page's error stays with the page");
    }

    @Test
    void headersOverTheLimitGet431() throws Exception {
        HttpResponse<byte[]> response = send(to("big").header("X-Big", "a".repeat(20_000)).build()).get();
        assertEquals(431, response.statusCode());
    }

    @Test
    void aBodyAnnouncedLargerThanTheLimitGets413AtOnce() throws Exception {
        try (RawPeer raw = RawPeer.connect("127.0.0.1", fixture.runtime().publicPort())) {
            raw.write(ascii("POST " + URI.create(base).getRawPath() + "upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n"));
            assertTrue(raw.readHead().startsWith("HTTP/1.1 413"));
            assertTrue(raw.awaitEndOfStream(), "the connection closes: its body is not read");
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAsAmbiguousAndTheConnectionCloses() throws Exception {
        try (RawPeer raw = RawPeer.connect("127.0.0.1", fixture.runtime().publicPort())) {
            raw.write(ascii("POST " + URI.create(base).getRawPath() + "x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET " + URI.create(base).getRawPath() + "smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertTrue(raw.readHead().startsWith("HTTP/1.1 400"));
            assertTrue(raw.awaitEndOfStream());
        }
        assertTrue(page.pendingMessages().stream().noneMatch(m -> m instanceof ControlMessage.Request),
                "neither request reached the page");
    }

    @Test
    void badChunkingGets400AndTheConnectionCloses() throws Exception {
        try (RawPeer raw = RawPeer.connect("127.0.0.1", fixture.runtime().publicPort())) {
            raw.write(ascii("POST " + URI.create(base).getRawPath() + "x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nhello\r\n0\r\n\r\n"));
            ControlMessage.Request request = page.expect(ControlMessage.Request.class);
            assertTrue(raw.readHead().startsWith("HTTP/1.1 400"));
            assertTrue(raw.awaitEndOfStream());
            assertEquals(request.conn(), page.expect(ControlMessage.Abort.class).conn());
        }
    }

    @Test
    void aWebSocketPeerAndHttpClientsShareThePrefix() throws Exception {
        page.echoing();
        JavaPeer peer = fixture.peer(base.replace("http://", "ws://") + "chat");
        peer.send("over the socket");
        assertEquals("over the socket", peer.nextText());
        // echoing pages answer data frames by echoing them; this request's is answered by hand.
        var pending = send(to("page.html").build());
        ControlMessage.Request request = page.expect(ControlMessage.Request.class);
        page.respond(request.conn(), List.of(), "<p>page</p>");
        assertEquals(200, pending.get().statusCode());
        peer.send("still open");
        assertEquals("still open", peer.nextText());
    }
}
