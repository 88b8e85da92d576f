package org.browsersocket.runtime.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.browsersocket.runtime.relay.HttpRegistrant.Canned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request bodies that stream through the relay's agent as they arrive ({@link RelayEndpoints#handleRequest}),
 * sized or chunked, within the relay's request body limit.
 */
class RelayAgentStreamingTest {
    private static final long LIMIT = 640 << 10;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private StreamingFront relay;
    private HttpRegistrant home;
    private String prefix;

    @BeforeEach
    void start() throws Exception {
        relay = new StreamingFront(RelayLimits.defaults().withRequestBodyBytes(LIMIT), 5_000);
        home = new HttpRegistrant(relay.port());
        prefix = home.listen();
        home.answering(seen -> Canned.of(200, seen.body().length() + " " + sha256(seen.body())));
    }

    @AfterEach
    void stop() {
        home.close();
        relay.close();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + prefix + "upload"))
                .timeout(Duration.ofSeconds(20)).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] text(int length) {
        byte[] bytes = new byte[length];
        Random random = new Random(length);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return bytes;
    }

    @Test
    void aSizedBodyStreamsThroughToThePageWhole() throws Exception {
        byte[] body = text(600 << 10);
        HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(body));
        assertEquals(200, response.statusCode());
        assertEquals(body.length + " " + sha256(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)),
                response.body());
        assertEquals(String.valueOf(body.length), home.last().headers().get("Content-Length"));
    }

    @Test
    void aChunkedBodyStreamsThroughToThePageWhole() throws Exception {
        byte[] body = text(300 << 10);
        HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        assertEquals(200, response.statusCode());
        assertEquals(body.length + " " + sha256(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)),
                response.body());
    }

    @Test
    void aBodyAnnouncedOverTheLimitGets413AndNeverReachesThePage() throws Exception {
        HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofByteArray(text((int) LIMIT + 1)));
        assertEquals(413, response.statusCode());
        assertEquals(List.of(), home.seen);
    }

    @Test
    void theConnectionServesFurtherRequestsAfterAStreamedBody() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post(HttpRequest.BodyPublishers.ofByteArray(text(100_000 + i))).statusCode());
        }
        assertEquals(3, home.seen.size());
    }
}
