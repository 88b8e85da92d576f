package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.testing.HttpStatusProbe;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime relays between peers and a page: routing, frames both ways, closes, handshakes. */
class PeerToPageTest {
    static final String ORIGIN = RuntimeFixture.ORIGIN;
    private RuntimeFixture fixture;
    private HostRuntime runtime;

    void runtime(RuntimeConfig config) throws Exception {
        fixture = RuntimeFixture.start(config);
        runtime = fixture.runtime();
    }

    JavaPage page() throws Exception {
        return fixture.page();
    }

    JavaPeer peer(String url) throws Exception {
        return fixture.peer(url);
    }

    JavaPeer connecting(String url, Map<String, String> headers) {
        return fixture.connecting(url, headers);
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void textAndBinaryMessagesAreRelayedBothWaysUnchanged() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        String url = page().echoing().listen();
        JavaPeer peer = peer(url + "room");
        peer.send("héllo, wörld ✓");
        assertEquals("héllo, wörld ✓", peer.nextText());
        byte[] bytes = new byte[70_000];
        new Random(1).nextBytes(bytes);
        peer.send(bytes);
        assertArrayEquals(bytes, peer.nextBinary());
    }

    @Test
    void pageSeesHandshakeDetailsAndPeerMessagesWithTheirKind() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page();
        String url = page.listen();
        JavaPeer peer = connecting(url + "room?x=1", Map.of("Origin", "http://peer.example"));
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        assertTrue(handshake.resource().endsWith("/room?x=1"));
        assertEquals("http://peer.example", handshake.origin());
        assertTrue(handshake.remoteAddress().startsWith("127.0.0.1:"));
        page.send(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
        page.expect(ControlMessage.Open.class);
        peer.awaitOpen();
        peer.send("text");
        JavaPage.Data data = page.nextData();
        assertEquals(DataFrame.KIND_TEXT, data.kind());
        assertEquals(handshake.conn(), data.conn());
        assertEquals("text", data.text());
    }

    @Test
    void unknownPrefixGets404AndLearnsNothing() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        page().echoing().listen();
        assertEquals(404, HttpStatusProbe.upgradeStatus("127.0.0.1", runtime.publicPort(), "/AAAAAAAAAAAAAAAAAAAAAA/room"));
        assertEquals(404, HttpStatusProbe.upgradeStatus("127.0.0.1", runtime.publicPort(), "/"));
    }

    @Test
    void publicListenerAnswersOnIpv6Loopback() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        String url = page().echoing().listen();
        JavaPeer peer = peer(url.replace("127.0.0.1", "[::1]"));
        peer.send("over IPv6");
        assertEquals("over IPv6", peer.nextText());
    }

    @Test
    void peerArrivingBeforeThePageBindsWaitsAndThenConnects() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page(); // has its grant (the script), has not said hello, has no listener
        String early = "ws://127.0.0.1:" + page.publicPort() + page.prefixes().get(0) + "early";
        JavaPeer peer = fixture.connecting(new JavaPeer(early).noticingRequestWritten());
        peer.awaitRequestWritten(); // the peer's upgrade request is sent before the page does anything

        page.send(new ControlMessage.Hello(page.token()));
        assertInstanceOf(ControlMessage.Welcome.class, page.next());
        assertFalse(peer.wasOpened() || peer.closedFuture().isDone(), "the early peer waits: neither opened nor refused");
        page.send(new ControlMessage.Listen(0));
        assertInstanceOf(ControlMessage.Listening.class, page.next(), "the listener opens first");
        ControlMessage.Handshake handshake = assertInstanceOf(ControlMessage.Handshake.class, page.next(),
                "then the peer that waited for it is offered to the page");
        assertTrue(handshake.resource().endsWith("/early"), handshake.resource());
        page.send(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
        peer.awaitOpen();
        assertEquals(handshake.conn(), page.expect(ControlMessage.Open.class).conn());
        peer.send("made it");
        JavaPage.Data data = page.nextData();
        assertEquals("made it", data.text());
        page.sendData(data.kind(), data.conn(), data.payload());
        assertEquals("made it", peer.nextText());
    }

    @Test
    void closeCodesAndReasonsTravelBothWays() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page().echoing();
        String url = page.listen();

        JavaPeer leaving = peer(url);
        int leavingConn = page.expect(ControlMessage.Open.class).conn();
        leaving.close(4001, "peer says bye");
        ControlMessage.Close seen = page.expect(ControlMessage.Close.class);
        assertEquals(new ControlMessage.Close(leavingConn, 4001, "peer says bye", true), seen);

        JavaPeer closed = peer(url);
        int conn = page.expect(ControlMessage.Open.class).conn();
        page.send(new ControlMessage.Close(conn, 4002, "page says bye", false));
        JavaPeer.Closed result = closed.awaitClose();
        assertEquals(4002, result.code());
        assertEquals("page says bye", result.reason());
    }

    @Test
    void pageCanRejectAHandshakeWithAStatus() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page();
        String url = page.listen();
        Thread answer = new Thread(() -> {
            try {
                int conn = page.expect(ControlMessage.Handshake.class).conn();
                page.send(new ControlMessage.Reject(conn, 403, "members only"));
            } catch (InterruptedException ignored) {
                // test over
            }
        });
        answer.start();
        assertEquals(403, fixture.upgradeStatus(url + "private"));
        answer.join();
    }

    @Test
    void pageCanPickOneOfTheOfferedSubprotocolsAndAddHeaders() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page();
        String url = page.listen();
        JavaPeer peer = connecting(url, Map.of("Sec-WebSocket-Protocol", "chat.v1, chat.v2"));
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        assertEquals(List.of("chat.v1", "chat.v2"), handshake.protocols());
        page.send(new ControlMessage.Accept(handshake.conn(), "chat.v2", Map.of("X-Room", "lobby")));
        assertEquals("chat.v2", page.expect(ControlMessage.Open.class).protocol());
        peer.awaitOpen();
        assertEquals("chat.v2", peer.protocol());
        assertEquals("lobby", peer.handshakeHeader("X-Room"), "the header the page added reached the peer: " + peer.handshakeHeaders());
    }

    @Test
    void handshakeThePageNeverAnswersTimesOutWith504() throws Exception {
        runtime(new RuntimeConfig(0, 0, java.util.Set.of(ORIGIN), 1 << 20, 4, 100, 300, null, RuntimeConfig.DEFAULT_CONSENT_TIMEOUT, org.browsersocket.runtime.limits.PeerLimits.defaults(), ReachabilityConfig.none()));
        String url = page().listen();
        assertEquals(504, fixture.upgradeStatus(url));
    }

    @Test
    void stoppingAListenerClosesItsPeersWith1001AndFreesItsPrefix() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page().echoing();
        String url = page.listen();
        JavaPeer a = peer(url + "a");
        JavaPeer b = peer(url + "b");
        page.send(new ControlMessage.Unlisten(0));
        assertEquals(1001, a.awaitClose().code());
        assertEquals(1001, b.awaitClose().code());
        assertEquals(404, fixture.upgradeStatus(url + "again"));
        page.send(new ControlMessage.Listen(0));
        assertTrue(page.expect(ControlMessage.Error.class).reason().contains("not reused"));
    }

    @Test
    void pageNavigatingAwayClosesItsPeersWith1001() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page().echoing();
        JavaPeer peer = peer(page.listen());
        page.close(1001, "navigated away"); // what a browser sends on navigation
        assertEquals(1001, peer.awaitClose().code());
    }

    @Test
    void pageCrashingClosesItsPeersWith1001() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = page().echoing();
        JavaPeer peer = peer(page.listen());
        page.getSocket().close(); // no close frame: the process died
        assertEquals(1001, peer.awaitClose().code());
    }

    @Test
    void listenerLimitPerPageIsEnforcedWithAClearError() throws Exception {
        runtime(new RuntimeConfig(0, 0, java.util.Set.of(ORIGIN), 1 << 20, 2, 100, 1000, null, RuntimeConfig.DEFAULT_CONSENT_TIMEOUT, org.browsersocket.runtime.limits.PeerLimits.defaults(), ReachabilityConfig.none()));
        JavaPage page = page();
        page.listen();
        page.listen(1);
        page.send(new ControlMessage.Listen(2));
        assertTrue(page.expect(ControlMessage.Error.class).reason().startsWith("listener limit reached"));
    }

    @Test
    void connectionLimitPerListenerRefusesTheNextPeerWith503() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN).withMaxConnectionsPerListener(1));
        String url = page().echoing().listen();
        peer(url);
        assertEquals(503, fixture.upgradeStatus(url));
    }

    @Test
    void tokenCanBeClaimedByOnlyOneControlChannel() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage first = page();
        first.listen();
        JavaPage thief = page();
        thief.send(new ControlMessage.Hello(first.token()));
        ControlMessage.Error error = thief.expect(ControlMessage.Error.class);
        assertTrue(error.fatal());
        assertTrue(error.reason().contains("unknown or already used page token"));
    }

    @Test
    void statusPageListsListenersConnectionsAndByteCounters() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPeer peer = peer(page().echoing().listen());
        peer.send("12345");
        peer.nextText();
        var client = java.net.http.HttpClient.newHttpClient();
        String json = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(runtime.controlUrl() + "/status.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("listeners").get(0);
        assertEquals(ORIGIN, tree.get("origin").asText());
        assertEquals(1, tree.get("connections").asInt());
        assertEquals(5, tree.get("bytesIn").asLong());
        assertEquals(5, tree.get("bytesOut").asLong());
        assertFalse(json.contains(runtime.sessions().iterator().next().listeners().get(0).prefix()),
                "the status page must not reveal whole prefixes");
        String html = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(runtime.controlUrl() + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(html.contains("1 live listener(s)"));
        assertTrue(html.contains("127.0.0.1:"));
    }
}
