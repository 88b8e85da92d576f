package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        sloppy.sendData(DataFrame.KIND_TEXT, 0, new byte[0]);
        sloppy.send(java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
        assertTrue(sloppy.expect(ControlMessage.Error.class).reason().contains("shorter than its 5-byte header"));
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
        JavaPage slowPage = page(); // accepts, never reads data: its control channel backs up
        String floodUrl = slowPage.listen();
        JavaPeer flooder = fixture.connecting(floodUrl, java.util.Map.of());
        int conn = slowPage.expect(ControlMessage.Handshake.class).conn();
        slowPage.send(new ControlMessage.Accept(conn, null, java.util.Map.of()));
        flooder.awaitOpen();

        JavaPage busyPage = page().echoing();
        JavaPeer neighbour = peer(busyPage.listen());
        byte[] chunk = new byte[32 * 1024];
        Thread flood = new Thread(() -> {
            for (int i = 0; i < 4000 && flooder.isOpen(); i++) { // 128 MiB, bounded
                flooder.send(chunk);
            }
        });
        flood.start();
        for (int i = 0; i < 20; i++) {
            assertEchoes(neighbour, "ping " + i);
        }
        flooder.close();
        flood.join(TimeUnit.SECONDS.toMillis(30));
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
}
