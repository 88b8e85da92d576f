package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.browsersocket.runtime.testing.HttpStatusProbe;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Page-hosted servers in a real headless Chromium, reached by real Java WebSocket clients:
 * the original echo example, frames both ways, close codes, handshakes, stop() and navigation.
 */
class PageHostedServerTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();

    private final List<JavaPeer> peers = new ArrayList<>();

    @AfterEach
    void closePeers() throws InterruptedException {
        for (JavaPeer peer : peers) {
            peer.closeBlocking();
        }
    }

    JavaPeer peer(String url) throws Exception {
        JavaPeer peer = new JavaPeer(url);
        peers.add(peer);
        peer.connect();
        return peer.awaitOpen();
    }

    /** Opens the test lab page and a listener in it; returns the listener's ws:// base URL. */
    String labListener(String name, String optionsJson) {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        Map<String, Object> address = SETUP.chromium().script("return openListener(arguments[0], " + optionsJson + ")", name);
        awaitReady(name);
        return "ws://127.0.0.1:" + address.get("port") + address.get("prefix");
    }

    void awaitReady(String name) {
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script(
                "return listeners[arguments[0]].readyState === BrowserSocket.OPEN", name));
    }

    /** Waits for an event recorded by the lab page matching all the given fields. */
    Map<String, Object> awaitEvent(Map<String, Object> fields) {
        return SETUP.chromium().await(d -> {
            List<Map<String, Object>> events = SETUP.chromium().script("return events");
            return events.stream().filter(e -> fields.entrySet().stream()
                    .allMatch(f -> String.valueOf(f.getValue()).equals(String.valueOf(e.get(f.getKey()))))).findFirst().orElse(null);
        });
    }

    @Test
    void originalEchoExampleRunsUnmodifiedWithPortAndPrefixSetSynchronously() throws Exception {
        SETUP.chromium().open(SETUP.stack().url("/echo/"));
        String address = SETUP.chromium().script("return address");
        assertTrue(address.matches("ws://127\\.0\\.0\\.1:" + SETUP.stack().runtime().publicPort() + "/[A-Za-z0-9_-]{22}/"), address);
        SETUP.chromium().await(d -> "Listening.".equals(SETUP.chromium().script("return document.getElementById('status').textContent")));
        JavaPeer peer = peer(address);
        peer.send("hello, page");
        assertEquals("hello, page", peer.nextText());
    }

    @Test
    void textAndBinaryMessagesUpToOneMebibyteEchoUnchanged() throws Exception {
        JavaPeer peer = peer(labListener("echo", "{echo: true}") + "big");
        byte[] mebibyte = new byte[1 << 20];
        new Random(7).nextBytes(mebibyte);
        peer.send(mebibyte);
        assertArrayEquals(mebibyte, peer.nextBinary());
        String text = "ünïcödé ✓ ".repeat(100_000); // about 1.3 MB of UTF-8
        peer.send(text);
        assertEquals(text, peer.nextText());
        peer.send(new byte[0]);
        assertEquals(0, peer.nextBinary().length);
    }

    @Test
    void fiftyConcurrentClientsAreServedByOnePage() throws Exception {
        String url = labListener("many", "{echo: true}");
        List<JavaPeer> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            JavaPeer client = new JavaPeer(url + "client/" + i);
            peers.add(client);
            clients.add(client);
            client.connect();
        }
        for (JavaPeer client : clients) {
            client.awaitOpen();
        }
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).send("from client " + i);
        }
        for (int i = 0; i < clients.size(); i++) {
            assertEquals("from client " + i, clients.get(i).nextText());
        }
    }

    @Test
    void handlerHasSendBeforeAnyCallbackAndSeesTheHandshake() throws Exception {
        String url = labListener("inspect", "{}");
        JavaPeer peer = new JavaPeer(url + "room?x=1", Map.of("Origin", "http://peer.example"));
        peers.add(peer);
        peer.connect();
        peer.awaitOpen();
        Map<String, Object> handshake = awaitEvent(Map.of("listener", "inspect", "type", "handshake"));
        assertEquals(true, handshake.get("hasSend"));
        assertTrue(String.valueOf(handshake.get("resource")).endsWith("/room?x=1"));
        assertEquals("http://peer.example", handshake.get("origin"));
        assertTrue(String.valueOf(handshake.get("remoteAddress")).startsWith("127.0.0.1:"));
        awaitEvent(Map.of("listener", "inspect", "type", "open"));
    }

    @Test
    void closeCodesAndReasonsTravelBetweenPeerAndPage() throws Exception {
        String url = labListener("closing", "{echo: true}");
        JavaPeer leaving = peer(url + "a");
        leaving.close(4001, "peer says bye");
        awaitEvent(Map.of("listener", "closing", "type", "close", "code", 4001, "reason", "peer says bye", "wasClean", true));

        JavaPeer closed = peer(url + "b");
        closed.send("close-me");
        JavaPeer.Closed result = closed.awaitClose();
        assertEquals(4002, result.code());
        assertEquals("page says bye", result.reason());
    }

    @Test
    void onhandshakeCanRejectWithAStatusOrPickASubprotocol() throws Exception {
        String url = labListener("picky", "{echo: true, rejectSuffix: '/private'}");
        String path = url.substring(url.indexOf('/', 5));
        assertEquals(403, HttpStatusProbe.upgradeStatus("127.0.0.1", SETUP.stack().runtime().publicPort(), path + "private"));
        JavaPeer peer = new JavaPeer(url + "public", Map.of("Sec-WebSocket-Protocol", "chat.v1, chat.v2"));
        peers.add(peer);
        peer.connect();
        peer.awaitOpen();
        assertEquals("chat.v2", peer.protocol());
        awaitEvent(Map.of("listener", "picky", "type", "open", "protocol", "chat.v2"));
    }

    @Test
    void stopClosesEveryConnectionWith1001AndFreesThePrefix() throws Exception {
        String url = labListener("stopping", "{echo: true}");
        JavaPeer a = peer(url + "a");
        JavaPeer b = peer(url + "b");
        SETUP.chromium().script("listeners.stopping.stop()");
        assertEquals(1001, a.awaitClose().code());
        assertEquals(1001, b.awaitClose().code());
        String path = url.substring(url.indexOf('/', 5));
        assertEquals(404, HttpStatusProbe.upgradeStatus("127.0.0.1", SETUP.stack().runtime().publicPort(), path + "again"));
    }

    @Test
    void navigatingAwayClosesThePagesConnectionsWith1001() throws Exception {
        JavaPeer peer = peer(labListener("leaving", "{echo: true}"));
        long start = System.nanoTime();
        SETUP.chromium().open("about:blank");
        assertEquals(1001, peer.awaitClose().code());
        System.out.printf("peer saw the page leave after %.0f ms%n", (System.nanoTime() - start) / 1e6);
    }

    @Test
    void unknownPrefixGets404() throws Exception {
        labListener("known", "{echo: true}");
        assertEquals(404, HttpStatusProbe.upgradeStatus("127.0.0.1", SETUP.stack().runtime().publicPort(), "/notAPrefixAtAll12345/x"));
    }

    @Test
    void listenerLimitReportsOnerrorWithTheReason() {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        SETUP.chromium().script("for (var i = 0; i < 17; i++) openListener('l' + i, {})");
        Map<String, Object> error = awaitEvent(Map.of("listener", "l16", "type", "error"));
        assertTrue(String.valueOf(error.get("message")).startsWith("listener limit reached"), String.valueOf(error));
        awaitReady("l15");
    }
}
