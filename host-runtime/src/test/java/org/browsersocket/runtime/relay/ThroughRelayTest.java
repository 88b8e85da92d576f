package org.browsersocket.runtime.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.ReachabilityConfig;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.relay.link.RelayLink;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.HttpStatusProbe;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A runtime registered with a relay (on loopback, both real runtimes): a peer that connects to the
 * relay reaches the page exactly as a direct peer would.
 */
class ThroughRelayTest {
    static final String TOKEN = "relay-token-for-tests";
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    RuntimeFixture relay(String token) throws Exception {
        return relay(ReachabilityConfig.none().withRelay(true, token), 0);
    }

    RuntimeFixture relay(ReachabilityConfig reach, int publicPort) throws Exception {
        RuntimeFixture relay = RuntimeFixture.start(RuntimeConfig.ephemeral().withPorts(0, publicPort).withReach(reach));
        started.add(relay);
        return relay;
    }

    RuntimeFixture registrant(String token, RuntimeFixture... relays) throws Exception {
        List<URI> urls = new ArrayList<>();
        for (RuntimeFixture relay : relays) {
            urls.add(URI.create("ws://127.0.0.1:" + relay.runtime().publicPort()));
        }
        RuntimeFixture registrant = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN)
                .withReach(ReachabilityConfig.none().withViaRelays(urls, token)));
        started.add(registrant);
        return registrant;
    }

    /** Waits until every relay link of {@code registrant} is registered and routes {@code routes} prefixes. */
    static void awaitRouted(HostRuntime registrant, int routes) {
        Await.until(() -> "every relay routes " + routes + " prefixes: " + registrant.reachabilityStatus().relays(),
                Await.DEFAULT, () -> registrant.reachabilityStatus().relays().stream()
                        .allMatch(l -> l.state().equals("registered") && l.routes() == routes));
    }

    /** A peer connects to the page of {@code directUrl} through {@code relay} and gets {@code text} echoed. */
    static void assertEchoesThrough(RuntimeFixture relay, String directUrl, String text) throws Exception {
        JavaPeer peer = relay.peer(viaRelay(relay, directUrl));
        peer.send(text);
        assertEquals(text, peer.nextText());
    }

    static String viaRelay(RuntimeFixture relay, String directUrl) {
        return "ws://127.0.0.1:" + relay.runtime().publicPort() + RuntimeFixture.path(directUrl);
    }

    @Test
    void aPeerThroughTheRelayIsOfferedToThePageWithItsOwnAddressAndProtocols() throws Exception {
        RuntimeFixture relay = relay(null);
        RuntimeFixture home = registrant(null, relay);
        JavaPage page = home.page();
        String direct = page.listen();
        awaitRouted(home.runtime(), 1);

        JavaPeer peer = relay.connecting(viaRelay(relay, direct + "room?x=1"), Map.of("Sec-WebSocket-Protocol", "chat, v2"));
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        Await.until("the peer's socket is bound", () -> peer.getLocalSocketAddress() != null);
        assertEquals("127.0.0.1:" + peer.getLocalSocketAddress().getPort(), handshake.remoteAddress(),
                "the page sees the peer's own address, not the relay's");
        assertTrue(handshake.resource().endsWith("/room?x=1"), handshake.resource());
        assertEquals(List.of("chat", "v2"), handshake.protocols());
        page.send(new ControlMessage.Accept(handshake.conn(), "v2", Map.of("X-Room", "lobby")));
        peer.awaitOpen();
        assertEquals("v2", peer.protocol());
        assertEquals("lobby", peer.handshakeHeader("X-Room"));
    }

    @Test
    void textBinaryAndCloseCodesCrossTheRelayBothWays() throws Exception {
        RuntimeFixture relay = relay(null);
        RuntimeFixture home = registrant(null, relay);
        JavaPage page = home.page().echoing();
        String direct = page.listen();
        awaitRouted(home.runtime(), 1);

        JavaPeer peer = relay.peer(viaRelay(relay, direct));
        peer.send("héllo ✓");
        assertEquals("héllo ✓", peer.nextText());
        byte[] bytes = new byte[1 << 20];
        new Random(7).nextBytes(bytes);
        peer.send(bytes);
        assertArrayEquals(bytes, peer.nextBinary());
        int conn = page.expect(ControlMessage.Open.class).conn();
        page.sendData(DataFrame.KIND_TEXT, conn, "from the page".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("from the page", peer.nextText());

        peer.close(4000, "bye");
        ControlMessage.Close close = page.expect(ControlMessage.Close.class);
        assertEquals(4000, close.code());
        assertEquals("bye", close.reason());

        JavaPeer second = relay.peer(viaRelay(relay, direct));
        int secondConn = page.expect(ControlMessage.Open.class).conn();
        page.send(new ControlMessage.Close(secondConn, 3001, "closed by the page", null));
        JavaPeer.Closed closed = second.awaitClose();
        assertEquals(3001, closed.code());
        assertEquals("closed by the page", closed.reason());
    }

    @Test
    void thePagesRefusalReachesThePeerThroughTheRelay() throws Exception {
        RuntimeFixture relay = relay(null);
        RuntimeFixture home = registrant(null, relay);
        JavaPage page = home.page();
        String direct = page.listen();
        awaitRouted(home.runtime(), 1);

        String path = RuntimeFixture.path(viaRelay(relay, direct));
        var status = new java.util.concurrent.CompletableFuture<Integer>();
        new Thread(() -> {
            try {
                status.complete(HttpStatusProbe.upgradeStatus("127.0.0.1", relay.runtime().publicPort(), path));
            } catch (Exception e) {
                status.completeExceptionally(e);
            }
        }).start();
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Reject(handshake.conn(), 403, "not you"));
        assertEquals(403, status.get());
    }

    @Test
    void aPageRegisteredWithTwoRelaysIsReachableThroughEither() throws Exception {
        RuntimeFixture first = relay(null);
        RuntimeFixture second = relay(null);
        RuntimeFixture home = registrant(null, first, second);
        String direct = home.page().echoing().listen();
        awaitRouted(home.runtime(), 1);
        for (RuntimeFixture relay : List.of(first, second)) {
            JavaPeer peer = relay.peer(viaRelay(relay, direct));
            peer.send("through " + relay.runtime().publicPort());
            assertEquals("through " + relay.runtime().publicPort(), peer.nextText());
        }
        assertEquals(2, home.runtime().reachabilityStatus().candidates().stream()
                .filter(c -> c.kind().equals("relay")).count(), "each registered relay is a candidate");
    }

    @Test
    void thePageIsToldTheRelayAsACandidateOnceRegistered() throws Exception {
        RuntimeFixture relay = relay(null);
        RuntimeFixture home = registrant(null, relay);
        JavaPage page = home.page();
        page.listen();
        String base = "ws://127.0.0.1:" + relay.runtime().publicPort();
        ControlMessage.Reachability told = page.nextReachability();
        while (told.candidates().stream().noneMatch(c -> c.base().equals(base))) {
            told = page.nextReachability(); // the first may come before the registration
        }
        ControlMessage.Candidate candidate = told.candidates().stream().filter(c -> c.base().equals(base)).findFirst().orElseThrow();
        assertEquals("relay", candidate.kind());
        assertEquals(4, candidate.family());
    }

    @Test
    void aPrivateRelayRefusesAWrongTokenAndSaysSo() throws Exception {
        RuntimeFixture relay = relay(TOKEN);
        RuntimeFixture home = registrant("not-the-token", relay);
        String direct = home.page().listen();
        Await.until("the registration is refused", () -> {
            RelayLink.Status status = home.runtime().reachabilityStatus().relays().get(0);
            return status.lastError() != null && status.lastError().contains("wrong or missing relay token");
        });
        assertEquals(404, HttpStatusProbe.upgradeStatus("127.0.0.1", relay.runtime().publicPort(),
                RuntimeFixture.path(viaRelay(relay, direct))), "nothing is routed for a refused registrant");

        RuntimeFixture allowed = registrant(TOKEN, relay);
        String reachable = allowed.page().echoing().listen();
        awaitRouted(allowed.runtime(), 1);
        assertEchoesThrough(relay, reachable, "ok");
    }

    @Test
    void aForgedRegistrationForAnotherRuntimesPrefixIsRefusedAndChangesNothing() throws Exception {
        RuntimeFixture relay = relay(null);
        RuntimeFixture home = registrant(null, relay);
        String direct = home.page().echoing().listen();
        awaitRouted(home.runtime(), 1);
        String prefix = org.browsersocket.runtime.routing.PrefixMinter.prefixOf(RuntimeFixture.path(direct));

        HandMadeRegistrant forger = new HandMadeRegistrant(relay.runtime().publicPort(), Map.of());
        started.add(forger::closeBlocking);
        forger.register();
        forger.send(new RelayMessage.Add(prefix));
        RelayMessage.Refused refused = assertInstanceOf(RelayMessage.Refused.class, forger.next());
        assertTrue(refused.reason().contains("another registrant"), refused.reason());
        forger.send(new RelayMessage.Remove(prefix)); // removing someone else's route does nothing either

        assertEchoesThrough(relay, direct, "still mine");
    }

    @Test
    void aPeerThatKnowsOnlyTheUrlCannotAttachOrRegisterWithoutHello() throws Exception {
        RuntimeFixture relay = relay(null);
        int port = relay.runtime().publicPort();
        try (var raw = org.browsersocket.runtime.testing.RawPeer.connect("127.0.0.1", port)) {
            raw.write(("GET " + RelayPaths.ATTACH + "AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: relay\r\nUpgrade: "
                    + RelayPaths.ATTACH_UPGRADE + "\r\nConnection: Upgrade\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(404, raw.readResponse().status(), "an unknown stream is a plain 404");
        }
        HandMadeRegistrant rude = new HandMadeRegistrant(port, Map.of());
        started.add(rude::closeBlocking);
        assertTrue(rude.connectBlocking(10, java.util.concurrent.TimeUnit.SECONDS));
        rude.send(new RelayMessage.Add("/AAAAAAAAAAAAAAAAAAAAAA/"));
        assertEquals(1008, rude.closed.get(10, java.util.concurrent.TimeUnit.SECONDS), "the link closes: hello comes first");
    }

    @Test
    void aRegistrantThatVanishesLeavesItsPeersA1001() throws Exception {
        RuntimeFixture relay = relay(null);
        HandMadeRegistrant home = new HandMadeRegistrant(relay.runtime().publicPort(), Map.of());
        started.add(home::closeBlocking);
        home.register();
        String prefix = "/" + "B".repeat(22) + "/";
        home.send(new RelayMessage.Add(prefix));
        assertInstanceOf(RelayMessage.Added.class, home.next());

        JavaPeer peer = relay.connecting("ws://127.0.0.1:" + relay.runtime().publicPort() + prefix, Map.of());
        RelayMessage.Dial dial = assertInstanceOf(RelayMessage.Dial.class, home.next());
        // The hand-made registrant attaches and answers the peer's upgrade itself, then vanishes.
        try (var attach = org.browsersocket.runtime.testing.RawPeer.connect("127.0.0.1", relay.runtime().publicPort())) {
            attach.write(("GET " + RelayPaths.ATTACH + dial.stream() + " HTTP/1.1\r\nHost: relay\r\nUpgrade: "
                    + RelayPaths.ATTACH_UPGRADE + "\r\nConnection: Upgrade\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(101, attach.readResponse().status());
            String upgrade = attach.readHead();
            assertTrue(upgrade.startsWith("GET " + prefix), "the peer's own request follows: " + upgrade);
            String key = upgrade.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            attach.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + org.browsersocket.runtime.testing.RawPeer.acceptFor(key) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            peer.awaitOpen();
        }
        JavaPeer.Closed closed = peer.awaitClose();
        assertEquals(1001, closed.code(), "the relay closes the peer properly: " + closed);
    }

    @Test
    void theRelaysConnectionLimitPerRegistrantRefusesWith503() throws Exception {
        RuntimeFixture relay = relay(ReachabilityConfig.none().withRelay(true, null)
                .withRelayLimits(new RelayLimits(10, 4, 1, 16L << 20, java.time.Duration.ofSeconds(60))), 0);
        RuntimeFixture home = registrant(null, relay);
        String direct = home.page().echoing().listen();
        awaitRouted(home.runtime(), 1);
        relay.peer(viaRelay(relay, direct));
        assertEquals(503, HttpStatusProbe.upgradeStatus("127.0.0.1", relay.runtime().publicPort(),
                RuntimeFixture.path(viaRelay(relay, direct))));
    }

    @Test
    void aRestartedRelayGetsTheRegistrationBackWithoutHelp() throws Exception {
        RuntimeFixture relay = relay(null);
        int port = relay.runtime().publicPort();
        RuntimeFixture home = registrant(null, relay);
        String direct = home.page().echoing().listen();
        awaitRouted(home.runtime(), 1);

        relay.close();
        started.remove(relay);
        Await.until("the link notices", () -> !home.runtime().reachabilityStatus().relays().get(0).state().equals("registered"));
        RuntimeFixture again = relay(ReachabilityConfig.none().withRelay(true, null), port);
        awaitRouted(home.runtime(), 1);
        assertEchoesThrough(again, direct, "back");
    }

    @Test
    void oneRegistrantsFloodIsHeldToItsRateWhileAnothersPeersGoOn() throws Exception {
        long rate = 1L << 20;
        RuntimeFixture relay = relay(ReachabilityConfig.none().withRelay(true, null)
                .withRelayLimits(new RelayLimits(10, 4, 10, rate, java.time.Duration.ofSeconds(60))), 0);
        RuntimeFixture flooded = registrant(null, relay);
        RuntimeFixture quiet = registrant(null, relay);
        JavaPage sink = flooded.page();
        String floodedUrl = sink.echoing().listen();
        String quietUrl = quiet.page().echoing().listen();
        awaitRouted(flooded.runtime(), 1);
        awaitRouted(quiet.runtime(), 1);

        JavaPeer flooder = relay.peer(viaRelay(relay, floodedUrl));
        int messages = 48;
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < messages; i++) {
            flooder.send(chunk); // 3 MiB queued at once: three seconds' worth of this registrant's rate
        }
        JavaPeer other = relay.peer(viaRelay(relay, quietUrl));
        for (int i = 0; i < 20; i++) {
            other.send("ping " + i);
            assertEquals("ping " + i, other.nextText());
        }
        long reached = sink.dataBytesRead();
        assertTrue(reached < (long) messages * chunk.length,
                "the other registrant's 20 round trips completed while the flood was still held back ("
                + reached + " of " + messages * chunk.length + " bytes had reached its page)");
        for (int i = 0; i < messages; i++) {
            assertEquals(chunk.length, flooder.nextBinary().length, "nothing of the flood is lost, only slowed");
        }
    }

    @Test
    void aPeerReachesAPageThroughATlsRelayAndTheLinkChecksTheRelaysCertificate(@org.junit.jupiter.api.io.TempDir
                                                                               java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cert = dir.resolve("cert.pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), output);

        RuntimeFixture relay = relay(ReachabilityConfig.none().withRelay(true, TOKEN).withTls(cert, key), 0);
        URI relayUrl = URI.create("wss://127.0.0.1:" + relay.runtime().publicPort());
        RuntimeFixture untrusting = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN)
                .withReach(ReachabilityConfig.none().withViaRelays(List.of(relayUrl), TOKEN)));
        started.add(untrusting);
        Await.until("a link that does not trust the relay's certificate does not register", () -> {
            RelayLink.Status status = untrusting.runtime().reachabilityStatus().relays().get(0);
            return status.lastError() != null && status.lastError().contains("TLS with the relay failed")
                    && !status.state().equals("registered");
        });

        RuntimeFixture home = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN)
                .withReach(ReachabilityConfig.none().withViaRelays(List.of(relayUrl), TOKEN).withRelayTrust(cert)));
        started.add(home);
        String direct = home.page().echoing().listen();
        awaitRouted(home.runtime(), 1);
        assertTrue(home.runtime().reachabilityStatus().candidates().stream()
                .anyMatch(c -> c.kind().equals("relay") && c.base().equals(relayUrl.toString())), "a wss:// candidate");

        JavaPeer peer = new JavaPeer("wss://127.0.0.1:" + relay.runtime().publicPort() + RuntimeFixture.path(direct));
        peer.setSocketFactory(trusting(cert).getSocketFactory());
        relay.connecting(peer).awaitOpen();
        peer.send("over tls");
        assertEquals("over tls", peer.nextText());
    }

    /** An SSL context that trusts exactly the certificate in {@code pem}. */
    static javax.net.ssl.SSLContext trusting(java.nio.file.Path pem) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(pem)) {
            store.setCertificateEntry("relay", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void aRegistrantBackAfterADropKeepsOnlyTheRoutesItAddsAgain() throws Exception {
        RuntimeFixture relay = relay(null);
        int port = relay.runtime().publicPort();
        String kept = "/" + "K".repeat(22) + "/";
        String stopped = "/" + "S".repeat(22) + "/";
        HandMadeRegistrant before = new HandMadeRegistrant(port, Map.of());
        before.register();
        for (String prefix : List.of(kept, stopped)) {
            before.send(new RelayMessage.Add(prefix));
            assertInstanceOf(RelayMessage.Added.class, before.next());
        }
        before.closeBlocking(); // the link drops; the relay keeps both routes for this key

        HandMadeRegistrant back = new HandMadeRegistrant(port, Map.of(), before.key);
        started.add(back::closeBlocking);
        back.register();
        back.send(new RelayMessage.Add(kept)); // the listener of "stopped" ended meanwhile
        assertInstanceOf(RelayMessage.Added.class, back.next());
        back.send(new RelayMessage.Synced());
        Await.until("the route nobody added again is gone", () -> {
            try {
                return HttpStatusProbe.upgradeStatus("127.0.0.1", port, stopped) == 404;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        relay.connecting("ws://127.0.0.1:" + port + kept, Map.of());
        RelayMessage message = back.next();
        while (message instanceof RelayMessage.Dial dial && dial.prefix().equals(stopped)) {
            message = back.next(); // a probe that came before the relay had read "synced"
        }
        RelayMessage.Dial dial = assertInstanceOf(RelayMessage.Dial.class, message);
        assertEquals(kept, dial.prefix(), "the route added again still leads to its registrant");
    }
}
