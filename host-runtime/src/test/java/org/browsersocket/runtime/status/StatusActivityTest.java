package org.browsersocket.runtime.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code /status.json} tells about pages, connections, their counters, the event log and the runtime. */
class StatusActivityTest {
    private RuntimeFixture fixture;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private JsonNode status() throws Exception {
        return fixture.statusJson();
    }

    /** The status once {@code condition} holds for it (or fails after the deadline). */
    private JsonNode statusWhen(String what, java.util.function.Predicate<JsonNode> condition) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until(() -> what + "; last status: " + last.get(), Duration.ofSeconds(10), () -> {
            try {
                last.set(status());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return condition.test(last.get());
        });
        return last.get();
    }

    private static List<String> kinds(JsonNode status) {
        List<String> kinds = new ArrayList<>();
        status.get("events").forEach(e -> kinds.add(e.get("kind").asText()));
        return kinds;
    }

    private static JsonNode event(JsonNode status, String kind) {
        for (JsonNode e : status.get("events")) {
            if (e.get("kind").asText().equals(kind)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void connectionsCountMessagesAndBytesEachWay() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPeer peer = fixture.peer(fixture.page().echoing().listen());
        for (String message : List.of("a", "bb", "ccc")) {
            peer.send(message);
            assertEquals(message, peer.nextText());
        }
        JsonNode connection = status().get("listeners").get(0).get("peers").get(0);
        assertEquals(3, connection.get("messagesIn").asLong());
        assertEquals(3, connection.get("messagesOut").asLong());
        assertEquals(6, connection.get("bytesIn").asLong());
        assertEquals(6, connection.get("bytesOut").asLong());
        assertTrue(connection.get("openedAt").asLong() > 0);
        JsonNode traffic = status().get("traffic");
        assertEquals(3, traffic.get("messagesIn").asLong());
        assertEquals(3, traffic.get("messagesOut").asLong());
    }

    @Test
    void ratesAreSampledIntoAHistoryOfMessagesPerSecond() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPeer peer = fixture.peer(fixture.page().echoing().listen());
        JsonNode status = statusWhen("a sample with messages in it", s -> {
            peer.send("tick");
            try {
                peer.nextText();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            for (JsonNode point : s.get("traffic").get("history")) {
                if (point.get("messagesIn").asDouble() > 0 && point.get("messagesOut").asDouble() > 0) {
                    return true;
                }
            }
            return false;
        });
        assertTrue(status.get("traffic").get("history").size() <= 120);
    }

    @Test
    void theEventLogFollowsAConnectionFromHandshakeToCloseAndKeepsItAmongTheClosed() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPage page = fixture.page().echoing();
        page.send(new ControlMessage.Hello(page.token(), null, null, "http://localhost:8080/chat?room=1", "Chat <b>room</b>"));
        page.expect(ControlMessage.Welcome.class);
        JavaPeer peer = fixture.peer(page.listen(0));
        peer.send("hello");
        peer.nextText();
        peer.closeBlocking();
        JsonNode status = statusWhen("the close is logged", s -> kinds(s).contains("closed"));
        assertEquals(List.of("page-connected", "listener-opened", "handshake", "accepted", "closed"), kinds(status));
        JsonNode closedEvent = event(status, "closed");
        assertEquals(1000, closedEvent.get("code").asInt());
        assertTrue(closedEvent.get("detail").asText().startsWith("by the peer"), closedEvent.toString());
        assertTrue(closedEvent.get("remote").asText().startsWith("127.0.0.1:"));
        JsonNode closed = status.get("closed").get(0);
        assertEquals(1000, closed.get("code").asInt());
        assertEquals("peer", closed.get("closedBy").asText());
        assertEquals(1, closed.get("messagesIn").asLong());
        assertEquals(5, closed.get("bytesOut").asLong());
        assertTrue(closed.get("closedAt").asLong() >= closed.get("openedAt").asLong());
        JsonNode shown = status.get("pages").get(0);
        assertEquals("Chat <b>room</b>", shown.get("title").asText());
        assertEquals("http://localhost:8080/chat?room=1", shown.get("url").asText());
        assertEquals("Chat <b>room</b>", status.get("listeners").get(0).get("pageTitle").asText());
    }

    @Test
    void aRejectedHandshakeIsLoggedWithItsStatusAndReason() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPage page = fixture.page();
        String url = page.listen();
        JavaPeer peer = fixture.connecting(url + "private", java.util.Map.of());
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Reject(handshake.conn(), 403, "members only"));
        Await.until("the peer is refused", () -> peer.closedFuture().isDone());
        JsonNode status = statusWhen("the rejection is logged", s -> event(s, "rejected") != null);
        JsonNode rejected = event(status, "rejected");
        assertEquals(403, rejected.get("code").asInt());
        assertEquals("by the page: members only", rejected.get("detail").asText());
        assertEquals(0, status.get("closed").size(), "a refused handshake never was an open connection");
    }

    @Test
    void aPageThatLeavesIsLoggedAndItsConnectionsCloseWith1001() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPage page = fixture.page().echoing();
        JavaPeer peer = fixture.peer(page.listen());
        page.closeBlocking();
        assertEquals(1001, peer.awaitClose().code());
        JsonNode status = statusWhen("the page is gone", s -> kinds(s).contains("page-left") && s.get("pages").isEmpty());
        assertTrue(kinds(status).containsAll(List.of("listener-stopped", "closed", "page-left")), kinds(status).toString());
        assertEquals("page", status.get("closed").get(0).get("closedBy").asText());
        assertEquals(1001, status.get("closed").get(0).get("code").asInt());
        assertEquals(0, status.get("pages").size());
    }

    @Test
    void theRuntimesFactsAreInTheStatus() throws Exception {
        fixture = RuntimeFixture.start(RuntimeConfig.ephemeral("http://a.example", "http://b.example"));
        JsonNode runtime = status().get("runtime");
        assertFalse(runtime.get("version").asText().isEmpty());
        assertEquals(fixture.runtime().controlUrl(), runtime.get("controlUrl").asText());
        assertEquals(fixture.runtime().publicPort(), runtime.get("publicPort").asInt());
        assertEquals("ws", runtime.get("publicScheme").asText());
        assertEquals(List.of("http://a.example", "http://b.example"),
                List.of(runtime.get("allowedOrigins").get(0).asText(), runtime.get("allowedOrigins").get(1).asText()));
        assertEquals(RuntimeConfig.DEFAULT_MAX_MESSAGE_BYTES, runtime.get("limits").get("maxMessageBytes").asInt());
        assertTrue(runtime.get("startedAt").asLong() <= System.currentTimeMillis());
    }

    @Test
    void thePageCarriesTheStatusWithPageSuppliedTextThatCannotBreakOutOfIt() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPage page = fixture.page();
        String title = "</script><img src=x onerror=alert(1)>";
        page.send(new ControlMessage.Hello(page.token(), null, null, "http://localhost:8080/", title));
        page.expect(ControlMessage.Welcome.class);
        page.listen(0);
        String html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(fixture.runtime().controlUrl() + "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(html.contains("1 live listener(s), 0 open connection(s)"));
        assertTrue(html.contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"));
        assertFalse(html.contains("<img src=x"), "page-supplied text must not reach the page as markup");
    }
}
