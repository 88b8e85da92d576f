package org.browsersocket.browser.conformance;

import static org.browsersocket.browser.conformance.ConformanceTest.assertEcho;
import static org.browsersocket.browser.conformance.ConformanceTest.assertFailedWith;
import static org.browsersocket.browser.conformance.ConformanceTest.concat;
import static org.browsersocket.browser.conformance.ConformanceTest.fragments;
import static org.browsersocket.browser.conformance.ConformanceTest.hex;
import static org.browsersocket.browser.conformance.RawWebSocket.TEXT;
import static org.browsersocket.browser.conformance.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.browsersocket.browser.conformance.RawWebSocket.Ending;
import org.browsersocket.browser.conformance.RawWebSocket.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strict forms of cases where Autobahn would also accept a lenient answer: an invalid close
 * code or close reason is answered with a close frame (1002, 1007), never a bare end of the
 * connection; the page is told about every close; a leading byte order
 * mark is part of a text message, as a browser's own WebSocket keeps it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StrictCloseAndTextTest {
    @RegisterExtension
    static final PageHostedEcho ECHO = new PageHostedEcho();

    private final List<RawWebSocket> peers = new ArrayList<>();

    @AfterEach
    void closePeers() throws IOException {
        for (RawWebSocket peer : peers) {
            peer.close();
        }
    }

    RawWebSocket peer(String resource) throws IOException {
        RawWebSocket peer = ECHO.connect(resource);
        peers.add(peer);
        return peer;
    }

    /**
     * Autobahn 7.9.x, RFC 6455 §7.1.7 and §7.4.1: a close with an invalid code is a protocol error;
     * the server SHOULD send a close frame with 1002 before closing the TCP connection.
     * (The runtime answers protocol violations itself: Netty's own answer ends the connection
     * without a close frame.)
     */
    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999})
    void aCloseWithAnInvalidCodeIsAnsweredWithAClose1002(int code) throws IOException {
        RawWebSocket peer = peer("gap-7.9-" + code);
        peer.send(Frame.close(code, "invalid"));
        assertFailedWith(1002, peer);
    }

    /** Autobahn 7.5.1, RFC 6455 §8.1 (same cause): a close reason that is not UTF-8 gets a close 1007. */
    @Test
    void aCloseReasonWithInvalidUtf8IsAnsweredWithAClose1007() throws IOException {
        RawWebSocket peer = peer("gap-7.5.1");
        peer.send(Frame.close(1000, hex("CEBAE1BDB9CF83CEBCCEB5EDA080656469746564")));
        assertFailedWith(1007, peer);
    }

    /**
     * Autobahn 7.13.1/7.13.2 leave codes above 4999 undefined; the runtime should still answer with
     * a close frame (1002: no such code is defined by RFC 6455 §7.4) and tell the page's handler
     * that the connection closed. (The close codes a peer may send are checked by the runtime, not left to Netty.)
     */
    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {5000, 65535})
    void aCloseWithACodeAbove4999IsAnsweredWithAClose1002AndThePageIsTold(int code) throws IOException {
        String listener = "close" + code;
        RawWebSocket peer = ECHO.connectToRecordingListener(listener);
        peers.add(peer);
        assertNotNull(ECHO.pageEvent(listener, "open", RawWebSocket.WAIT), "the page saw the connection open");
        peer.send(Frame.close(code, ""));
        Ending ending = peer.readUntilCloseOrEnd(RawWebSocket.WAIT);
        Map<String, Object> pageClose = ECHO.pageEvent(listener, "close", Duration.ofSeconds(2));
        assertAll(
                () -> assertNotNull(ending.close(), "a close frame before the end of the TCP connection"),
                () -> assertEquals(1002, ending.close() == null ? null : ending.close().code(), "its code"),
                () -> assertNotNull(pageClose, "the page's handler is told that the peer closed (onclose)"));
    }

    /**
     * A text message starting with U+FEFF reaches the page's handler, and so the echo, byte for
     * byte: the WebSocket API that handlers imitate decodes text with "UTF-8 decode without BOM"
     * (WHATWG WebSockets; a browser's own WebSocket keeps a leading U+FEFF). (wire.js decodes with
     * {@code ignoreBOM: true}.)
     */
    @ParameterizedTest(name = "fragments of {0} bytes")
    @ValueSource(ints = {0, 1})
    void aTextStartingWithAByteOrderMarkEchoesByteForByte(int fragment) throws IOException {
        RawWebSocket peer = peer("gap-bom-" + fragment);
        byte[] text = concat(hex("EFBBBF"), utf8("starts with a BOM"));
        peer.send(fragment == 0 ? new Frame[] {Frame.text(text)} : fragments(TEXT, text, fragment));
        assertEcho(TEXT, text, peer.readMessage(Duration.ofSeconds(5)));
    }
}
