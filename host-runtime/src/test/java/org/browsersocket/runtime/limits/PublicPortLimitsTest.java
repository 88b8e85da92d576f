package org.browsersocket.runtime.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.page.PeerConnection;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The public port against peers that misbehave on purpose: each attack runs while a well-behaved
 * peer (from another address) is served, and what the runtime holds stays within its budget.
 */
class PublicPortLimitsTest {
    static final String ORIGIN = "http://localhost:8080";
    static final String ATTACKER = "127.0.0.2";
    private final List<AutoCloseable> opened = new ArrayList<>();
    private HostRuntime runtime;
    private JavaPage page;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private String start(PeerLimits limits) throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral(ORIGIN).withPeerLimits(limits));
        page = JavaPage.open(runtime.controlUrl(), ORIGIN).echoing();
        opened.add(page::closeBlocking);
        return page.listen();
    }

    private static PeerLimits limits() {
        return PeerLimits.defaults();
    }

    private RawPeer attacker() throws Exception {
        RawPeer peer = RawPeer.connectFrom(ATTACKER, runtime.publicPort());
        opened.add(peer);
        return peer;
    }

    /** A well-behaved peer from 127.0.0.1 connects and gets its message back. */
    private void wellBehavedPeerIsServed(String url) throws Exception {
        JavaPeer peer = new JavaPeer(url + "fine");
        peer.connect();
        try {
            peer.awaitOpen();
            peer.send("still served");
            assertEquals("still served", peer.nextText());
        } finally {
            peer.closeBlocking();
        }
    }

    /** Sends the upgrade request for {@code path}; the response's status. */
    private static int upgrade(RawPeer peer, String path) throws java.io.IOException {
        peer.sendUpgrade(path);
        return peer.readResponse().status();
    }

    private static String path(String url) {
        return url.substring(url.indexOf('/', "ws://".length()));
    }

    @Test
    void silentConnectionsAreClosedAtTheHandshakeTimeoutWhileOthersAreServed() throws Exception {
        String url = start(limits().withTimeouts(Duration.ofMillis(600), Duration.ofSeconds(30), Duration.ofMinutes(5)));
        List<RawPeer> silent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            silent.add(attacker());
        }
        wellBehavedPeerIsServed(url);
        for (RawPeer peer : silent) {
            assertTrue(peer.awaitEndOfStream(), "a silent connection was closed");
        }
        Await.until("the runtime's state", () -> runtime.admission().openCount() == 0); // every silent connection is gone
    }

    @Test
    void connectionsBeyondThePerAddressCapAreShedWith503WhileOtherAddressesAreServed() throws Exception {
        String url = start(limits().withConnectionCaps(20, 1000));
        for (int i = 1; i <= 20; i++) {
            attacker();
            int admitted = i;
            Await.until("the runtime's state", () -> runtime.admission().openCount() == admitted); // one at a time: the 21st is the one shed
        }
        RawPeer over = attacker();
        String answer = new String(over.socket().getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
        assertTrue(answer.contains("too many connections from " + ATTACKER), answer);
        wellBehavedPeerIsServed(url);
        assertEquals(1, runtime.admission().shedCount());
    }

    @Test
    void ipv6PeersCountByTheirSlash64() {
        var a = new java.net.InetSocketAddress("2001:db8:1:2:aaaa::1", 1);
        var b = new java.net.InetSocketAddress("2001:db8:1:2:bbbb::2", 2);
        var c = new java.net.InetSocketAddress("2001:db8:1:3::1", 3);
        assertEquals(AddressKey.of(a), AddressKey.of(b));
        assertFalse(AddressKey.of(a).equals(AddressKey.of(c)));
        assertEquals("192.0.2.7", AddressKey.of(new java.net.InetSocketAddress("::ffff:192.0.2.7", 4)));
    }

    @Test
    void unfinishedFragmentedMessagesStayWithinTheMemoryBudgetAndAreClosedAtTheMessageTimeout() throws Exception {
        long budget = 8 << 20;
        // The message timeout must outlast opening all four peers (the third and fourth must find the
        // first two still held), also on a loaded machine.
        String url = start(limits().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(4), Duration.ofMinutes(5))
                .withMemoryBudget(budget));
        byte[] fragment = new byte[1 << 20];
        for (int i = 0; i < 4; i++) {
            RawPeer peer = attacker();
            assertEquals(101, upgrade(peer, path(url) + "h" + i));
            try {
                peer.sendFrame(1, false, fragment);
                for (int f = 0; f < 2; f++) {
                    peer.sendFrame(0, false, fragment);
                }
            } catch (java.net.SocketException closedWhileSending) {
                // over the budget: the runtime closed it mid-message
            }
            long held = (long) (i + 1) * 3 << 20;
            // one peer at a time: the first two fit the budget, the next two would not
            Await.until("the runtime's state", () -> runtime.memoryBudget().used() >= Math.min(held, 6L << 20) - (64 << 10));
            assertTrue(runtime.memoryBudget().used() <= budget, "within the budget");
        }
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            codes.add(page.expect(ControlMessage.Close.class).code()); // what the page is told
        }
        java.util.Collections.sort(codes);
        assertEquals(List.of(1008, 1008, 1013, 1013), codes,
                "two over the budget closed with 1013, two stalled messages with 1008");
        wellBehavedPeerIsServed(url);
        assertTrue(runtime.memoryBudget().used() < 64 << 10, "released: " + runtime.memoryBudget().used());
    }

    @Test
    void aPeerThatPingsWithoutReadingThePongsGetsOnlyTheLatestPong() throws Exception {
        String url = start(limits());
        RawPeer flooder = attacker();
        assertEquals(101, upgrade(flooder, path(url) + "ping"));
        flooder.socket().setReceiveBufferSize(4096);
        byte[] payload = new byte[125];
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        // The flood runs beside the test: the runtime may also stop reading a peer that does not read.
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < 60_000; i++) {
                    flooder.sendFrame(9, true, payload);
                    sent.addAndGet(131);
                }
            } catch (java.io.IOException closed) {
                // the runtime closed it
            }
        }, "ping-flood");
        flood.setDaemon(true);
        flood.start();
        flood.join(10_000);
        wellBehavedPeerIsServed(url);
        long pending = runtime.sessions().stream().map(PageSession::allConnections).flatMap(java.util.Collection::stream)
                .mapToLong(PeerConnection::pendingOutboundBytes).max().orElse(0);
        assertTrue(sent.get() > 1 << 20, "the flood got going: " + sent.get() + " bytes of pings");
        assertTrue(pending < 2 << 20, "pongs waiting for the flooder: " + pending + " bytes after " + sent.get() + " bytes of pings");
    }

    @Test
    void aPeerThatStopsReadingIsClosedWhenItWouldExceedTheMemoryBudget() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral(ORIGIN).withPeerLimits(limits().withMemoryBudget(4 << 20)));
        JavaPage page = JavaPage.open(runtime.controlUrl(), ORIGIN).echoing(); // accepts every handshake
        opened.add(page::closeBlocking);
        String url = page.listen();
        RawPeer sleeper = attacker();
        sleeper.socket().setReceiveBufferSize(4096);
        assertEquals(101, upgrade(sleeper, path(url) + "sleepy"));
        int conn = page.expect(ControlMessage.Open.class).conn();
        byte[] chunk = new byte[256 << 10];
        PageSession session = runtime.sessions().iterator().next();
        for (int i = 0; i < 200 && !session.allConnections().isEmpty(); i++) {
            page.sendData(DataFrame.KIND_BINARY, conn, chunk);
        }
        ControlMessage.Close close = page.expect(ControlMessage.Close.class);
        assertEquals(1008, close.code());
        assertTrue(close.reason().contains("reads too slowly"), close.reason());
        assertTrue(runtime.memoryBudget().used() <= 4 << 20);
    }

    @Test
    void aResponseHeaderWithCrLfFromThePageIsRefusedAndThePeerIsNotLeftHanging() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = JavaPage.open(runtime.controlUrl(), ORIGIN);
        opened.add(page::closeBlocking);
        String url = page.listen();
        RawPeer peer = attacker();
        peer.socket().setSoTimeout(5_000);
        java.util.concurrent.CompletableFuture<Integer> status = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return upgrade(peer, path(url) + "x");
            } catch (java.io.IOException e) {
                return -1;
            }
        });
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Accept(handshake.conn(), null, Map.of("X-Note", "a\r\nSet-Cookie: stolen=1")));
        assertEquals(500, status.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(page.expect(ControlMessage.Error.class).reason().contains("CR, LF"));
    }

    @Test
    void peersCredentialHeadersReachThePageOnlyWhenItAsksForThem() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral(ORIGIN));
        JavaPage page = JavaPage.open(runtime.controlUrl(), ORIGIN);
        opened.add(page::closeBlocking);
        page.send(new ControlMessage.Hello(page.token()));
        page.expect(ControlMessage.Welcome.class);
        page.send(new ControlMessage.Listen(0));
        ControlMessage.Listening plain = page.expect(ControlMessage.Listening.class);
        page.send(new ControlMessage.Listen(1, true));
        ControlMessage.Listening asking = page.expect(ControlMessage.Listening.class);
        for (ControlMessage.Listening listening : List.of(plain, asking)) {
            JavaPeer peer = new JavaPeer("ws://127.0.0.1:" + listening.port() + listening.prefix(),
                    Map.of("Cookie", "session=secret", "Authorization", "Bearer secret"));
            opened.add(peer::closeBlocking);
            peer.connect();
            Map<String, String> headers = page.expect(ControlMessage.Handshake.class).headers();
            boolean shown = listening == asking;
            assertEquals(shown, headers.containsKey("cookie"), headers.toString());
            assertEquals(shown, headers.containsKey("authorization"), headers.toString());
        }
    }

    @Test
    void aSilentOpenConnectionIsPingedAndClosedWhenItStaysSilent() throws Exception {
        String url = start(limits().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(400)));
        RawPeer silent = attacker();
        assertEquals(101, upgrade(silent, path(url) + "quiet"));
        assertEquals(1001, silent.awaitCloseCode(), "pinged, never answered: closed as going away");
        JavaPeer answering = new JavaPeer(url + "answers");
        answering.connect();
        answering.awaitOpen();
        opened.add(answering::closeBlocking);
        // Three idle periods pass; a peer that answers pings is still open.
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                () -> answering.closedFuture().get(1200, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
}
