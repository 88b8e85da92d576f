package org.browsersocket.runtime.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.ReachabilityConfig;
import org.browsersocket.runtime.relay.RelayLimits;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page whose control channel backs up (the page stops reading it) makes the runtime stop reading
 * that page's peers, so what the runtime holds stays bounded and the peers' own sends block; once
 * the page reads again, the peers are read again and everything arrives, in order.
 *
 * <p>The peers are raw non-blocking sockets, because only there a send that cannot proceed is
 * visible (a write of 0 bytes); a WebSocket library would queue it in memory instead. That the
 * runtime paused a peer is read from the peer's channel ({@code autoRead}), which this package can see.
 */
class BackpressureTest {
    /** Payload of each flooding frame: under 64 KiB, so its length takes the 16-bit form. */
    static final int FRAME_PAYLOAD = 65_000;
    /**
     * Frames each flooding peer sends: 32 MiB, more than every buffer between it and the page
     * together (what the runtime holds, below, plus the kernel's buffers for the peer: a few MiB).
     */
    static final int FRAMES_PER_PEER = (32 << 20) / FRAME_PAYLOAD;
    /**
     * What the runtime may have relayed that the paused page has not read: the control channel's
     * write-buffer high-water mark (4 MiB), the kernel's send buffer for it (at most net.ipv4.tcp_wmem's
     * 4 MiB here), the page's small receive buffer, and a frame or two in flight.
     */
    static final long HELD_BOUND = 12L << 20;

    private RuntimeFixture fixture;
    private RuntimeFixture relay;
    private HostRuntime runtime;
    /** Where the floods connect: the runtime's public port, or a relay's. */
    private int floodPort;
    private final List<Flood> floods = new java.util.ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Flood flood : floods) {
            flood.halt();
        }
        if (fixture != null) {
            fixture.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void pageThatStopsReadingPausesItsPeersAndResumingDeliversEverythingInOrder() throws Exception {
        fixture = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN));
        runtime = fixture.runtime();
        floodPort = runtime.publicPort();
        pausedPageHoldsBackItsPeers();
    }

    @Test
    void peersThroughARelayAreHeldBackEndToEndAndGetEverythingInOrder() throws Exception {
        relay = RuntimeFixture.start(RuntimeConfig.ephemeral().withReach(ReachabilityConfig.none().withRelay(true, null)
                .withRelayLimits(new RelayLimits(10, 4, 10, 1L << 30, java.time.Duration.ofSeconds(60)))));
        fixture = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN).withReach(ReachabilityConfig.none()
                .withViaRelays(List.of(java.net.URI.create("ws://127.0.0.1:" + relay.runtime().publicPort())), null)));
        runtime = fixture.runtime();
        floodPort = relay.runtime().publicPort();
        pausedPageHoldsBackItsPeers();
    }

    private void pausedPageHoldsBackItsPeers() throws Exception {
        JavaPage page = fixture.page(64 * 1024);
        String url = page.listen();
        if (relay != null) {
            Await.until("the listener is routed through the relay", () -> runtime.reachabilityStatus().relays().get(0).routes() == 1);
        }
        Flood a = flood(page, url + "a", 1);
        Flood b = flood(page, url + "b", 2);
        PageSession session = runtime.sessions().iterator().next();
        Listener listener = session.listeners().get(0);

        page.pauseReading();
        a.start();
        b.start();
        Await.until(() -> "the runtime pauses reading both peers; autoRead: " + autoRead(session),
                Duration.ofSeconds(10), () -> !autoRead(session).containsValue(true) && autoRead(session).size() == 2);
        a.pauseSeen = b.pauseSeen = true;
        Await.until("both peers' sends block (a write of 0 bytes) while the page is paused",
                () -> a.blockedWhilePaused && b.blockedWhilePaused);

        long held = listener.bytesIn() - page.dataBytesRead();
        assertTrue(held <= HELD_BOUND, "the runtime relayed " + held + " bytes the paused page has not read");
        assertTrue(a.framesSent < FRAMES_PER_PEER && b.framesSent < FRAMES_PER_PEER,
                "the peers could not send everything: " + a.framesSent + " and " + b.framesSent + " of " + FRAMES_PER_PEER
                + " frames each (" + (a.bytesSent + b.bytesSent) + " bytes in flight; the page read " + page.dataBytesRead() + ")");
        assertFalse(autoRead(session).containsValue(true), "still paused: nothing has drained");

        page.resumeReading();
        Map<Integer, Integer> nextSequence = new HashMap<>();
        for (int i = 0; i < 2 * FRAMES_PER_PEER; i++) {
            JavaPage.Data data = page.nextData();
            assertEquals(DataFrame.KIND_BINARY, data.kind());
            assertEquals(FRAME_PAYLOAD, data.payload().length);
            ByteBuffer payload = ByteBuffer.wrap(data.payload());
            int peer = payload.getInt();
            int sequence = payload.getInt();
            int expected = nextSequence.merge(data.conn(), 1, Integer::sum) - 1;
            assertEquals(expected, sequence, "peer " + peer + "'s frames arrive in order");
        }
        assertEquals(2, nextSequence.size());
        nextSequence.values().forEach(n -> assertEquals(FRAMES_PER_PEER, n));
        a.joinAndCheck();
        b.joinAndCheck();
        Await.until("the runtime reads both peers again", () -> !autoRead(session).containsValue(false));
        assertEquals(2L * FRAMES_PER_PEER * FRAME_PAYLOAD, listener.bytesIn());
    }

    @Test
    void pausedPeerWhosePageGoesAwayStillGetsA1001CloseFrame() throws Exception {
        fixture = RuntimeFixture.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN));
        runtime = fixture.runtime();
        floodPort = runtime.publicPort();
        JavaPage page = fixture.page(64 * 1024);
        String url = page.listen();
        Flood flood = flood(page, url + "paused", 1);
        PageSession session = runtime.sessions().iterator().next();
        page.pauseReading();
        flood.start();
        Await.until("the runtime pauses reading the peer", () -> !autoRead(session).containsValue(true));
        flood.pauseSeen = true;
        Await.until("the peer's sends block", () -> flood.blockedWhilePaused);

        page.getSocket().close(); // the page goes away (its tab crashed) while its peer is paused
        RawPeer.Frame close = readFrame(flood.channel);
        assertEquals(RawPeer.Frame.CLOSE, close.opcode(), "the runtime writes to a peer it does not read");
        assertEquals(1001, close.closeCode());
        assertEquals(-1, read(flood.channel, ByteBuffer.allocate(1)), "and then ends the connection");
    }

    /** One unmasked frame from the runtime. */
    private static RawPeer.Frame readFrame(SocketChannel channel) throws IOException {
        ByteBuffer head = readFully(channel, 2);
        int length = head.get(1) & 0x7f;
        if (length == 126) {
            length = readFully(channel, 2).getShort() & 0xffff;
        } else if (length == 127) {
            length = (int) readFully(channel, 8).getLong();
        }
        return new RawPeer.Frame((head.get(0) & 0x80) != 0, head.get(0) & 0x0f, readFully(channel, length).array());
    }

    private static ByteBuffer readFully(SocketChannel channel, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (read(channel, buffer) < 0) {
                throw new IOException("connection ended");
            }
        }
        return buffer.flip();
    }

    /** A read on the (non-blocking) channel that waits up to 10 s for something: bytes read, or -1 at its end. */
    private static int read(SocketChannel channel, ByteBuffer buffer) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                int n = channel.read(buffer);
                if (n != 0) {
                    return n;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("nothing to read within 10 s");
                }
                selector.select(100);
                selector.selectedKeys().clear();
            }
        }
    }

    /** Whether the runtime reads each of the session's peers, by connection id. */
    private static Map<Integer, Boolean> autoRead(PageSession session) {
        Map<Integer, Boolean> reading = new HashMap<>();
        for (PeerConnection connection : session.allConnections()) {
            reading.put(connection.id(), connection.channel().config().isAutoRead());
        }
        return reading;
    }

    /** A peer on a non-blocking socket, upgraded and accepted by the page, ready to flood. */
    private Flood flood(JavaPage page, String url, int id) throws Exception {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        channel.connect(new InetSocketAddress("127.0.0.1", floodPort));
        String request = "GET " + RuntimeFixture.path(url) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + RawPeer.KEY + "\r\n\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        ControlMessage.Handshake handshake = page.expect(ControlMessage.Handshake.class);
        page.send(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
        page.expect(ControlMessage.Open.class);
        String head = readHead(channel);
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        channel.configureBlocking(false);
        Flood flood = new Flood(channel, id);
        floods.add(flood);
        return flood;
    }

    private static String readHead(SocketChannel channel) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) one.get(0));
        }
        return head.toString();
    }

    /**
     * Sends {@link #FRAMES_PER_PEER} masked binary frames (mask key zero, so the payload is sent as
     * it is), each starting with the peer's id and the frame's sequence number, as fast as the
     * socket takes them; notes when a write takes nothing.
     */
    private static final class Flood extends Thread {
        private final SocketChannel channel;
        private final int id;
        volatile long framesSent;
        volatile long bytesSent;
        volatile boolean pauseSeen;
        volatile boolean blockedWhilePaused;
        volatile Throwable failure;
        private volatile boolean stopped;

        Flood(SocketChannel channel, int id) {
            super("flood-" + id);
            setDaemon(true);
            this.channel = channel;
            this.id = id;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_WRITE);
                ByteBuffer frame = ByteBuffer.allocate(4 + 4 + FRAME_PAYLOAD);
                for (int sequence = 0; sequence < FRAMES_PER_PEER && !stopped; sequence++) {
                    frame.clear();
                    frame.put((byte) 0x82).put((byte) (0x80 | 126)).putShort((short) FRAME_PAYLOAD).putInt(0);
                    frame.putInt(id).putInt(sequence).position(frame.position() + FRAME_PAYLOAD - 8).flip();
                    while (frame.hasRemaining() && !stopped) {
                        int n = channel.write(frame);
                        bytesSent += n;
                        if (n == 0) {
                            if (pauseSeen) {
                                blockedWhilePaused = true;
                            }
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("flood " + id + " did not finish within 60 s");
                            }
                            selector.select(100);
                            selector.selectedKeys().clear();
                        }
                    }
                    framesSent = sequence + 1;
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        void joinAndCheck() throws InterruptedException {
            join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(isAlive(), "flood " + id + " finished");
            assertNull(failure, "flood " + id + " failed");
        }

        void halt() throws IOException, InterruptedException {
            stopped = true;
            channel.close();
            join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
