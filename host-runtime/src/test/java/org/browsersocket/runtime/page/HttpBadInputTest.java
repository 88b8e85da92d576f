package org.browsersocket.runtime.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients that misbehave on purpose against a page's HTTP listener: they are cut off, others are served. */
class HttpBadInputTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private RuntimeFixture fixture;
    private JavaPage page;
    private String path;

    @BeforeEach
    void start() throws Exception {
        RuntimeConfig config = RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN);
        config = config.withPeerLimits(config.peerLimits().withTimeouts(DEADLINE, DEADLINE, Duration.ofMinutes(5)));
        fixture = RuntimeFixture.start(config);
        page = fixture.page();
        path = URI.create(page.listen().replace("ws://", "http://")).getRawPath();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aThousandSlowClientsHoldingHalfARequestNeitherBlockOthersNorHoldMemoryAndAreToldToLeave() throws Exception {
        List<RawPeer> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                // Four source addresses, each under the per-address connection cap.
                RawPeer peer = RawPeer.connectFrom("127.0.1." + (1 + i % 4), fixture.runtime().publicPort());
                slow.add(peer);
                peer.write(ascii("GET " + path + "slow HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            }
            var pending = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + fixture.runtime().publicPort() + path + "fine")).build(),
                    HttpResponse.BodyHandlers.ofString());
            ControlMessage.Request request = page.expect(ControlMessage.Request.class);
            assertTrue(request.url().endsWith("/fine"), "only the complete request reached the page");
            page.respond(request.conn(), List.of(), "served");
            assertEquals("served", pending.get().body());
            JsonNode limits = fixture.statusJson().get("limits");
            assertTrue(limits.get("memoryUsedBytes").asLong() < (1 << 20),
                    "half requests hold little: " + limits.get("memoryUsedBytes").asLong() + " bytes");
            for (RawPeer peer : slow.subList(0, 20)) {
                String head = peer.readHead();
                assertTrue(head.startsWith("HTTP/1.1 408"), head);
                assertTrue(peer.awaitEndOfStream());
            }
        } finally {
            for (RawPeer peer : slow) {
                peer.close();
            }
        }
    }

    @Test
    void aClientThatStallsInItsBodyIsCutOffWith408AndThePageIsTold() throws Exception {
        try (RawPeer raw = RawPeer.connect("127.0.0.1", fixture.runtime().publicPort())) {
            raw.write(ascii("POST " + path + "upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten b"));
            ControlMessage.Request request = page.expect(ControlMessage.Request.class);
            String head = raw.readHead();
            assertTrue(head.startsWith("HTTP/1.1 408"), head);
            assertEquals(request.conn(), page.expect(ControlMessage.Abort.class).conn());
            assertTrue(raw.awaitEndOfStream());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTurn() throws Exception {
        try (RawPeer raw = RawPeer.connect("127.0.0.1", fixture.runtime().publicPort())) {
            raw.write(ascii("GET " + path + "one HTTP/1.1\r\nHost: x\r\n\r\nGET " + path + "two HTTP/1.1\r\nHost: x\r\n\r\n"));
            ControlMessage.Request first = page.expect(ControlMessage.Request.class);
            assertTrue(first.url().endsWith("/one"));
            assertTrue(page.pendingMessages().stream().noneMatch(m -> m instanceof ControlMessage.Request),
                    "the second waits until the first is answered");
            page.respond(first.conn(), List.of(), "1");
            ControlMessage.Request second = page.expect(ControlMessage.Request.class);
            assertTrue(second.url().endsWith("/two"));
            page.respond(second.conn(), List.of(), "2");
            RawPeer.Response one = raw.readResponse();
            RawPeer.Response two = raw.readResponse();
            assertEquals("1", one.body());
            assertEquals("2", two.body());
        }
    }
}
