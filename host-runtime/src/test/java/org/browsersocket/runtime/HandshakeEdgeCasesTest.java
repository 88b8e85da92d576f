package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The edges of a peer's handshake: what the page may add to the 101, a subprotocol the peer did
 * not offer, a prefix that is never bound, a listener closing after the page accepted, and a peer
 * leaving before the handshake completed. Peers that must misbehave, or whose 101 must be seen
 * exactly as sent, are {@link RawPeer}s.
 */
class HandshakeEdgeCasesTest {
    static final String ORIGIN = RuntimeFixture.ORIGIN;
    private RuntimeFixture fixture;
    private HostRuntime runtime;

    void runtime(RuntimeConfig config) throws Exception {
        fixture = RuntimeFixture.start(config);
        runtime = fixture.runtime();
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    RawPeer rawPeer(String url, String... headers) throws Exception {
        RawPeer peer = fixture.closeLater(RawPeer.connect("127.0.0.1", runtime.publicPort()));
        peer.sendUpgrade(RuntimeFixture.path(url), headers);
        return peer;
    }

    /** The only listener of the only page, as the runtime holds it. */
    Listener onlyListener() {
        PageSession session = runtime.sessions().iterator().next();
        return session.listeners().get(0);
    }

    /** A raw peer's handshake, accepted by the page with {@code headers}; returns the 101 as the peer read it. */
    RawPeer.Response acceptWith(JavaPage page, RawPeer peer, Map<String, String> headers) throws Exception {
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Accept(handshake.conn(), null, headers));
        RawPeer.Response response = peer.readResponse();
        assertEquals(101, response.status(), response.body());
        assertEquals(handshake.conn(), page.expect(ControlMessage.Open.class).conn());
        return response;
    }

    // ---------------------------------------------------------------- headers the page adds to the 101

    @Test
    void headersThePageAddsReachThePeerInThe101AsGiven() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = fixture.page();
        RawPeer peer = rawPeer(page.listen());
        String tokenChars = "X-All!#$%&'*+-.^_`|~09az";
        RawPeer.Response response = acceptWith(page, peer, Map.of("X-Room", "lobby", "Set-Cookie", "seat=12; Path=/",
                tokenChars, "every token character is allowed in a name", "Cache-Control", "no-cache"));
        assertEquals(List.of("lobby"), response.all("X-Room"));
        assertEquals(List.of("seat=12; Path=/"), response.all("Set-Cookie"));
        assertEquals(List.of("every token character is allowed in a name"), response.all(tokenChars));
        assertEquals(List.of("no-cache"), response.all("Cache-Control"));
        assertEquals(List.of(RawPeer.expectedAccept()), response.all("Sec-WebSocket-Accept"));
    }

    @Test
    void pageCannotOverrideOrAddTheHeadersThatDefineTheHandshake() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = fixture.page();
        RawPeer peer = rawPeer(page.listen());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Sec-WebSocket-Accept", "forged");
        headers.put("SEC-WEBSOCKET-PROTOCOL", "forged"); // the page chose no subprotocol
        headers.put("Sec-WebSocket-Extensions", "permessage-deflate");
        headers.put("sec-websocket-version", "8");
        headers.put("Sec-WebSocket-Anything", "x"); // every Sec-WebSocket-* name is the handshake's
        headers.put("Upgrade", "h2c");
        headers.put("CONNECTION", "close");
        headers.put("Content-Length", "5");
        headers.put("transfer-encoding", "chunked");
        headers.put("X-Kept", "yes");
        RawPeer.Response response = acceptWith(page, peer, headers);

        assertEquals(Set.of("upgrade", "connection", "sec-websocket-accept", "x-kept"), response.headers().keySet(),
                "the 101 carries the handshake's own headers and the page's allowed one, nothing else: " + response.headers());
        assertEquals(List.of(RawPeer.expectedAccept()), response.all("Sec-WebSocket-Accept"));
        assertEquals(List.of("websocket"), response.all("Upgrade").stream().map(String::toLowerCase).toList());
        assertEquals(List.of("upgrade"), response.all("Connection").stream().map(String::toLowerCase).toList());
        assertEquals(List.of("yes"), response.all("X-Kept"));
        assertFramesFlowBothWays(page, peer);
    }

    @Test
    void headerNamesThatAreNotHttpTokensAreDropped() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = fixture.page();
        RawPeer peer = rawPeer(page.listen());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X Space", "1");
        headers.put("X:Colon", "2");
        headers.put("X(Paren)", "3");
        headers.put("X/Slash", "4");
        headers.put("X\"Quote", "5");
        headers.put("Ünïcode", "6");
        headers.put("X\r\nInjected", "7");
        headers.put("X\tTab", "8");
        headers.put("", "9");
        headers.put("X-Kept", "yes");
        RawPeer.Response response = acceptWith(page, peer, headers);
        assertEquals(Set.of("upgrade", "connection", "sec-websocket-accept", "x-kept"), response.headers().keySet(),
                response.headers().toString());
        assertFramesFlowBothWays(page, peer);
    }

    /** After its 101 the raw peer's connection carries frames both ways: the response's framing was intact. */
    private static void assertFramesFlowBothWays(JavaPage page, RawPeer peer) throws Exception {
        peer.sendText("from the peer");
        JavaPage.Data data = page.nextData();
        assertEquals("from the peer", data.text());
        page.sendData(DataFrame.KIND_TEXT, data.conn(), "from the page".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        RawPeer.Frame frame = peer.readFrame();
        assertEquals(RawPeer.Frame.TEXT, frame.opcode());
        assertEquals("from the page", frame.text());
    }

    // ---------------------------------------------------------------- subprotocols

    @ParameterizedTest(name = "offered [{0}], page picks {1}")
    @CsvSource({"'chat.v1, chat.v2', chat.v3", "'', chat", "chat.v1, 'chat.v1, chat.v2'"})
    void pagePickingASubprotocolThePeerDidNotOfferFailsThatHandshakeWith500(String offered, String picked) throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = fixture.page();
        String url = page.listen();
        RawPeer peer = offered.isEmpty() ? rawPeer(url) : rawPeer(url, "Sec-WebSocket-Protocol: " + offered);
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Accept(handshake.conn(), picked, Map.of()));

        RawPeer.Response response = peer.readResponse();
        assertEquals(500, response.status());
        assertTrue(response.body().contains("the page chose a subprotocol the peer did not offer"), response.body());
        assertEquals(new ControlMessage.Close(handshake.conn(), 1006, "subprotocol " + picked + " was not offered by the peer", false),
                page.expect(ControlMessage.Close.class));
        assertEquals(0, onlyListener().connectionCount(), "the refused handshake holds no connection");

        JavaPeer next = fixture.connecting(url, Map.of("Sec-WebSocket-Protocol", "chat.v1"));
        ControlMessage.Handshake second = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Accept(second.conn(), "chat.v1", Map.of()));
        next.awaitOpen();
        assertEquals("chat.v1", next.protocol());
    }

    // ---------------------------------------------------------------- a prefix minted but never bound

    @Test
    void peerAtAPrefixThatIsMintedButNeverBoundWaitsPeerWaitMillisAndGetsABare404() throws Exception {
        int waitMillis = 300;
        runtime(RuntimeFixture.withPeerWaitMillis(RuntimeConfig.ephemeral(ORIGIN), waitMillis));
        String prefix = JavaPage.fetchConfig(runtime.controlUrl()).get("prefixes").get(0).asText(); // minted, never claimed

        RawPeer unknown = rawPeer("ws://127.0.0.1:" + runtime.publicPort() + "/AAAAAAAAAAAAAAAAAAAAAA/room");
        RawPeer.Response bare = unknown.readResponse();
        long start = System.nanoTime();
        RawPeer early = rawPeer("ws://127.0.0.1:" + runtime.publicPort() + prefix + "room");
        RawPeer.Response refused = early.readResponse();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(404, refused.status());
        assertTrue(waited >= waitMillis, "answered after " + waited + " ms, before peerWaitMillis (" + waitMillis + " ms)");
        assertTrue(waited < RuntimeConfig.ephemeral().peerWaitMillis(), "the configured wait applies, not the default: " + waited + " ms");
        assertEquals(bare.status(), refused.status());
        assertEquals(bare.body(), refused.body(), "a pending prefix is refused like an unknown one: the peer learns nothing");
    }

    @Test
    void pageGoingAwayRefusesAPeerWaitingForItsPrefixWithoutWaitingOutTheDeadline() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN)); // peers wait up to 5 s
        JavaPage page = fixture.page();
        page.send(new ControlMessage.Hello(page.token()));
        page.expect(ControlMessage.Welcome.class); // the grant is claimed; listener 0 is not open
        long start = System.nanoTime();
        RawPeer early = rawPeer("ws://127.0.0.1:" + runtime.publicPort() + page.prefixes().get(0) + "room");
        page.closeBlocking();
        assertEquals(404, early.readResponse().status());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited < 4_000, "refused after " + waited + " ms");
    }

    // ---------------------------------------------------------------- a listener closing after the page accepted

    @Test
    void listenerStoppedRightAfterThePageAcceptedNeverLeavesThatPeerHanging() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = fixture.page();
        page.listen();
        for (int listener = 1; listener < 11; listener++) { // ten tries at the window between accept and open
            String url = page.listen(listener);
            JavaPeer peer = fixture.connecting(url, Map.of());
            int conn = page.expect(ControlMessage.Handshake.class).conn();
            page.send(new ControlMessage.Accept(conn, null, Map.of()));
            page.send(new ControlMessage.Unlisten(listener)); // right behind the accept, before the 101 is out
            JavaPeer.Closed closed = peer.awaitClose(); // within 10 s: the peer is not left hanging
            if (peer.wasOpened()) {
                assertEquals(1001, closed.code(), "try " + listener + ": a peer that got its 101 gets a close frame: " + closed);
            } // (a peer cut off before its 101 is AcceptThenStopTest's)
            assertPageHearsCloseAfterAnyOpen(page, conn, 1001);
        }
        assertTrue(runtime.sessions().iterator().next().allConnections().isEmpty(), "no connection is left behind");
    }

    @Test
    void pageGoingAwayRightAfterItAcceptedClosesThatPeerWith1001() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        for (int i = 0; i < 5; i++) {
            JavaPage page = fixture.page();
            JavaPeer peer = fixture.connecting(page.listen(), Map.of());
            int conn = page.expect(ControlMessage.Handshake.class).conn();
            page.send(new ControlMessage.Accept(conn, null, Map.of()));
            page.close(1001, "navigated away"); // right behind the accept
            JavaPeer.Closed closed = peer.awaitClose();
            assertEquals(1001, closed.code(), "try " + i + ": " + closed);
        }
        org.browsersocket.runtime.testing.Await.until("every page session is gone", () -> runtime.sessions().isEmpty());
    }

    /** The page hears exactly one Close for {@code conn}, with {@code code}; an Open, if any, came before it. */
    private static void assertPageHearsCloseAfterAnyOpen(JavaPage page, int conn, int code) throws InterruptedException {
        ControlMessage message = page.next();
        if (message instanceof ControlMessage.Open open) {
            assertEquals(conn, open.conn());
            message = page.next();
        }
        ControlMessage.Close close = assertInstanceOf(ControlMessage.Close.class, message);
        assertEquals(conn, close.conn());
        assertEquals(code, close.code());
    }

    // ---------------------------------------------------------------- a peer leaving mid-handshake

    @Test
    void peerLeavingBeforeThePageAnswersGivesThePageA1006CloseAndLeavesNothingBehind() throws Exception {
        runtime(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = fixture.page();
        String url = page.listen();
        RawPeer leaving = rawPeer(url + "leaving");
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        assertEquals(1, onlyListener().connectionCount(), "the handshake in progress counts against the listener");
        leaving.close();

        ControlMessage.Close close = page.expect(ControlMessage.Close.class);
        assertEquals(handshake.conn(), close.conn());
        assertEquals(1006, close.code());
        assertFalse(close.wasClean());
        assertEquals("peer left during the handshake", close.reason());
        assertEquals(0, onlyListener().connectionCount());
        assertTrue(runtime.sessions().iterator().next().allConnections().isEmpty());
        assertEquals(0, fixture.statusJson().get("listeners").get(0).get("connections").asInt());

        page.send(new ControlMessage.Accept(handshake.conn(), null, Map.of())); // the page answers too late
        JavaPeer next = fixture.connecting(url + "next", Map.of());
        ControlMessage after = page.next();
        ControlMessage.Handshake second = assertInstanceOf(ControlMessage.Handshake.class, after,
                "a late answer for a departed peer is ignored: no open, no error");
        assertNotEquals(handshake.conn(), second.conn());
        page.send(new ControlMessage.Accept(second.conn(), null, Map.of()));
        next.awaitOpen();
        assertEquals(second.conn(), page.expect(ControlMessage.Open.class).conn());
        assertEquals(1, onlyListener().connectionCount());
    }
}
