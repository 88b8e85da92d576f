package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.testing.HttpStatusProbe;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input from a page or a peer hurts only its sender; the runtime keeps serving everyone else. */
class BadInputTest {
    static final int MAX_MESSAGE = 64 * 1024;
    private RuntimeFixture fixture;
    private HostRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        fixture = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN).withMaxMessageBytes(MAX_MESSAGE));
        runtime = fixture.runtime();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    JavaPage page() throws Exception {
        return fixture.page();
    }

    JavaPeer peer(String url) throws Exception {
        return fixture.peer(url);
    }

    void assertEchoes(JavaPeer peer, String text) throws InterruptedException {
        peer.send(text);
        assertEquals(text, peer.nextText());
    }

    @Test
    void malformedControlMessagesGetAnErrorReplyToThatPageOnly() throws Exception {
        JavaPage bystander = page().echoing();
        JavaPeer bystanderPeer = peer(bystander.listen());
        JavaPage sloppy = page();
        sloppy.listen();
        for (String bad : List.of("not json", "{}", "{\"type\":\"nonsense\"}", "{\"type\":\"listen\"}",
                "{\"type\":\"listen\",\"listener\":-3}", "{\"type\":\"close\",\"conn\":1,\"code\":99}", "[1,2]",
                "{\"type\":\"open\",\"conn\":1}", "{\"type\":\"accept\",\"conn\":\"x\"}")) {
            sloppy.send(bad);
            ControlMessage.Error error = sloppy.expect(ControlMessage.Error.class);
            assertFalse(error.fatal(), bad);
            assertFalse(error.reason().isBlank(), bad);
        }
        sloppy.sendData(DataFrame.KIND_TEXT, 0, new byte[0]); // for a connection it does not have: dropped, unanswered
        sloppy.send(java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
        ControlMessage next = sloppy.next();
        assertTrue(next instanceof ControlMessage.Error error && error.reason().contains("shorter than its 5-byte header"),
                "the data frame for no connection got no reply; the next message answers the 2-byte frame: " + next);
        sloppy.sendData((byte) 9, 0, new byte[3]);
        assertTrue(sloppy.expect(ControlMessage.Error.class).reason().contains("unknown kind"));
        assertTrue(sloppy.isOpen(), "a malformed message must not cost the page its channel");
        assertEchoes(bystanderPeer, "still here");
    }

    @Test
    void messageOverTheMaximumClosesThatPeerWith1009() throws Exception {
        JavaPage page = page().echoing();
        String url = page.listen();
        JavaPeer other = peer(url);
        JavaPeer greedy = peer(url);
        greedy.send(new byte[MAX_MESSAGE + 1]);
        assertEquals(1009, greedy.awaitClose().code());
        assertEchoes(other, "unaffected");
    }

    @Test
    void fragmentedMessageOverTheMaximumAlsoClosesWith1009() throws Exception {
        JavaPage page = page().echoing();
        String url = page.listen();
        JavaPeer greedy = peer(url);
        java.nio.ByteBuffer half = java.nio.ByteBuffer.allocate(MAX_MESSAGE / 2 + 1);
        greedy.sendFragmentedFrame(org.java_websocket.enums.Opcode.BINARY, half, false);
        greedy.sendFragmentedFrame(org.java_websocket.enums.Opcode.BINARY, java.nio.ByteBuffer.allocate(MAX_MESSAGE / 2 + 1), true);
        assertEquals(1009, greedy.awaitClose().code());
    }

    @Test
    void peerThatDisconnectsMidFrameAffectsNobodyElse() throws Exception {
        JavaPage page = page().echoing();
        String url = page.listen();
        JavaPeer other = peer(url);
        String path = RuntimeFixture.path(url);
        try (Socket raw = HttpStatusProbe.upgraded("127.0.0.1", runtime.publicPort(), path + "raw")) {
            OutputStream out = raw.getOutputStream();
            // A masked binary frame that announces 1000 bytes and delivers 10.
            out.write(new byte[] {(byte) 0x82, (byte) (0x80 | 126), 0x03, (byte) 0xE8, 1, 2, 3, 4});
            out.write(new byte[10]);
            out.flush();
        }
        ControlMessage.Close close = page.expect(ControlMessage.Close.class);
        assertEquals(1006, close.code());
        assertFalse(close.wasClean());
        assertEchoes(other, "unaffected");
    }

    @Test
    void floodingPeerDoesNotStarveOtherPagesOrConnections() throws Exception {
        JavaPage slowPage = page(); // accepts, then stops reading: its control channel backs up
        String floodUrl = slowPage.listen();
        JavaPeer flooder = fixture.connecting(floodUrl, java.util.Map.of());
        int conn = slowPage.expect(ControlMessage.Handshake.class).conn();
        slowPage.send(new ControlMessage.Accept(conn, null, java.util.Map.of()));
        flooder.awaitOpen();
        slowPage.expect(ControlMessage.Open.class);
        slowPage.pauseReading();

        JavaPage busyPage = page().echoing();
        JavaPeer neighbour = peer(busyPage.listen());
        byte[] chunk = new byte[32 * 1024];
        int chunks = 1000; // 32 MiB, bounded: more than the runtime and the sockets hold for a page that does not read
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < chunks; i++) {
                    flooder.send(chunk);
                    sent.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        flood.start();
        for (int i = 0; i < 20; i++) {
            assertEchoes(neighbour, "ping " + i);
        }
        flood.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(flood.isAlive(), "the flood's sends returned");
        assertNull(failure.get(), "every send of the flood was taken");
        assertEquals(chunks, sent.get());
        assertEchoes(neighbour, "during the backed-up flood");
        slowPage.close(1001, "navigated away"); // the slow page leaves: its flooding peer goes with it
        // Closed within 10 s: with 1001, or 1006 when the flooder's own writer, still sending, fails first on the
        // connection the runtime closed right after its close frame (relay.BackpressureTest sees the 1001 frame itself).
        flooder.awaitClose();
        assertEchoes(neighbour, "after the flood");
    }

    @Test
    void invalidUtf8TextFromAPeerClosesItWith1007() throws Exception {
        JavaPage page = page().echoing();
        String url = page.listen();
        JavaPeer other = peer(url);
        String path = RuntimeFixture.path(url);
        try (Socket raw = HttpStatusProbe.upgraded("127.0.0.1", runtime.publicPort(), path)) {
            OutputStream out = raw.getOutputStream();
            out.write(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, (byte) 0xC3, (byte) 0x28}); // bad UTF-8
            out.flush();
            ControlMessage.Close close = page.expect(ControlMessage.Close.class);
            assertEquals(1007, close.code());
            byte[] closeFrame = raw.getInputStream().readNBytes(4);
            assertEquals((byte) 0x88, closeFrame[0], "the peer gets a close frame");
            assertEquals(1007, ((closeFrame[2] & 0xff) << 8) | (closeFrame[3] & 0xff));
        }
        assertEchoes(other, "unaffected");
    }

    @Test
    void garbageInsteadOfAHandshakeIsAnsweredWith400() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", runtime.publicPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write("\u0000\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String status = new String(raw.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(status.startsWith("HTTP/1.1 4"), status);
        }
        JavaPeer peer = peer(page().echoing().listen());
        assertEchoes(peer, "runtime alive");
    }

    @Test
    void pageMessageOverTheMaximumClosesThatPagesControlChannelWith1009AndOnlyItsPeers() throws Exception {
        JavaPage bystander = page().echoing();
        JavaPeer bystanderPeer = peer(bystander.listen());
        JavaPage greedy = page();
        String url = greedy.listen();
        JavaPeer greedyPeer = fixture.connecting(url, java.util.Map.of());
        int conn = greedy.expect(ControlMessage.Handshake.class).conn();
        greedy.send(new ControlMessage.Accept(conn, null, java.util.Map.of()));
        greedyPeer.awaitOpen();
        greedy.expect(ControlMessage.Open.class); // a page writes to a connection once told it is open

        greedy.sendData(DataFrame.KIND_BINARY, conn, new byte[MAX_MESSAGE]); // exactly the maximum: relayed
        assertEquals(MAX_MESSAGE, greedyPeer.nextBinary().length);
        greedy.sendData(DataFrame.KIND_BINARY, conn, new byte[MAX_MESSAGE + 1]);
        assertEquals(1009, (int) greedy.closedFuture().get(10, TimeUnit.SECONDS), "the page's control channel closes with 1009");
        assertEquals(1001, greedyPeer.awaitClose().code(), "its peers see the page go away");
        assertEchoes(bystanderPeer, "unaffected");
        assertEchoes(peer(page().echoing().listen()), "new pages still welcome");
    }

    @Test
    void fragmentedPageMessageOverTheMaximumAlsoClosesItsControlChannelWith1009() throws Exception {
        JavaPage bystander = page().echoing();
        JavaPeer bystanderPeer = peer(bystander.listen());
        JavaPage greedy = page().echoing();
        JavaPeer greedyPeer = peer(greedy.listen());
        java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(DataFrame.HEADER_BYTES + MAX_MESSAGE / 2 + 1);
        first.put(DataFrame.KIND_BINARY).putInt(0).position(0);
        greedy.sendFragmentedFrame(org.java_websocket.enums.Opcode.BINARY, first, false);
        greedy.sendFragmentedFrame(org.java_websocket.enums.Opcode.BINARY, java.nio.ByteBuffer.allocate(MAX_MESSAGE / 2 + 1), true);
        assertEquals(1009, (int) greedy.closedFuture().get(10, TimeUnit.SECONDS));
        assertEquals(1001, greedyPeer.awaitClose().code());
        assertEchoes(bystanderPeer, "unaffected");
    }

    @Test
    void dataForAClosedOrUnknownConnectionIsDroppedWithoutAReplyAndCostsNothing() throws Exception {
        JavaPage page = page();
        String url = page.listen();
        JavaPeer leaving = fixture.connecting(url, java.util.Map.of());
        int leavingConn = page.expect(ControlMessage.Handshake.class).conn();
        page.send(new ControlMessage.Accept(leavingConn, null, java.util.Map.of()));
        leaving.awaitOpen();
        page.expect(ControlMessage.Open.class);
        JavaPeer staying = fixture.connecting(url, java.util.Map.of());
        int stayingConn = page.expect(ControlMessage.Handshake.class).conn();
        page.send(new ControlMessage.Accept(stayingConn, null, java.util.Map.of()));
        staying.awaitOpen();
        page.expect(ControlMessage.Open.class);
        leaving.closeBlocking();
        assertEquals(leavingConn, page.expect(ControlMessage.Close.class).conn());

        page.sendData(DataFrame.KIND_TEXT, leavingConn, "too late".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        page.sendData(DataFrame.KIND_BINARY, leavingConn, new byte[100]);
        page.sendData(DataFrame.KIND_TEXT, 123_456, "nobody".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        page.send("{\"type\":\"nonsense\"}"); // its reply comes next if the data frames got none
        ControlMessage next = page.next();
        assertTrue(next instanceof ControlMessage.Error error && error.reason().contains("nonsense"),
                "data for a closed or unknown connection is dropped without a reply; got " + next);
        assertTrue(page.isOpen());
        page.sendData(DataFrame.KIND_TEXT, stayingConn, "still here".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("still here", staying.nextText());
    }
}
