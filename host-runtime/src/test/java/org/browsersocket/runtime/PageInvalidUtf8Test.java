package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A text data frame from the page whose payload is not valid UTF-8 never reaches the peer (RFC 6455
 * forbids a server to send it); the page is told, and its control channel and other connections
 * keep working.
 */
class PageInvalidUtf8Test {
    private RuntimeFixture fixture;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void invalidUtf8TextFromThePageNeverReachesThePeerAndThePageIsTold() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPage page = fixture.page();
        String url = page.listen();
        RawPeer peer = fixture.closeLater(RawPeer.connect("127.0.0.1", fixture.runtime().publicPort()));
        peer.sendUpgrade(RuntimeFixture.path(url));
        int conn = page.expect(ControlMessage.Handshake.class).conn();
        page.send(new ControlMessage.Accept(conn, null, Map.of()));
        assertEquals(101, peer.readResponse().status());
        assertEquals(conn, page.expect(ControlMessage.Open.class).conn());
        JavaPeer other = fixture.connecting(url, Map.of());
        int otherConn = page.expect(ControlMessage.Handshake.class).conn();
        page.send(new ControlMessage.Accept(otherConn, null, Map.of()));
        other.awaitOpen();
        assertEquals(otherConn, page.expect(ControlMessage.Open.class).conn());

        page.sendData(DataFrame.KIND_TEXT, conn, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}); // C3 28: not UTF-8
        page.sendData(DataFrame.KIND_TEXT, conn, "after".getBytes(StandardCharsets.UTF_8));
        page.send("{\"type\":\"nonsense\"}"); // its error reply marks the end of what the page is told

        // The peer gets the next message, or a close of its connection, but never the invalid one.
        RawPeer.Frame frame = peer.readFrame();
        if (frame.opcode() == RawPeer.Frame.TEXT) {
            assertTrue(isUtf8(frame.payload()), "the runtime sent the peer a text message that is not UTF-8: "
                    + java.util.Arrays.toString(frame.payload()));
            assertEquals("after", frame.text());
        } else {
            assertEquals(RawPeer.Frame.CLOSE, frame.opcode(), "a close frame, if not the next message");
        }

        List<ControlMessage> told = new ArrayList<>();
        for (ControlMessage m = page.next(); !isNonsenseReply(m); m = page.next()) {
            told.add(m);
        }
        assertTrue(told.stream().anyMatch(m -> m instanceof ControlMessage.Error error && !error.fatal()
                        || m instanceof ControlMessage.Close close && close.conn() == conn),
                "the page is told its message was not sent; it was told only " + told);

        assertFalse(page.closedFuture().isDone(), "the page keeps its control channel");
        page.sendData(DataFrame.KIND_TEXT, otherConn, "still here".getBytes(StandardCharsets.UTF_8));
        assertEquals("still here", other.nextText());
    }

    private static boolean isNonsenseReply(ControlMessage message) {
        return message instanceof ControlMessage.Error error && error.reason().contains("nonsense");
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
