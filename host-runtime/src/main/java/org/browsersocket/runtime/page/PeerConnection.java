package org.browsersocket.runtime.page;

import io.netty.channel.Channel;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.browsersocket.runtime.activity.Traffic;

/** A peer's WebSocket connection to a listener, from its handshake until it closes. */
public final class PeerConnection {
    private final int id;
    private final Listener listener;
    private final Channel channel;
    private final String remoteAddress;
    private final HandshakeAnswers answers;
    private final Instant since = Instant.now();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong messagesIn = new AtomicLong();
    private final AtomicLong messagesOut = new AtomicLong();
    /** The runtime's totals, counted with this connection's (for the status page's graph). */
    private final Traffic traffic;
    private final AtomicLong lagBytes = new AtomicLong();
    private volatile boolean open;
    private volatile boolean accepted;

    /** Where the page's answer to the handshake goes. */
    interface HandshakeAnswers {
        void accept(String protocol, java.util.Map<String, String> headers);

        void reject(int status, String reason);
    }

    PeerConnection(int id, Listener listener, Channel channel, String remoteAddress, HandshakeAnswers answers,
                   Traffic traffic) {
        this.id = id;
        this.traffic = traffic;
        this.listener = listener;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.answers = answers;
    }

    public int id() {
        return id;
    }

    public Listener listener() {
        return listener;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    public Instant since() {
        return since;
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long bytesOut() {
        return bytesOut.get();
    }

    /** Messages from the peer to the page. */
    public long messagesIn() {
        return messagesIn.get();
    }

    /** Messages from the page to the peer. */
    public long messagesOut() {
        return messagesOut.get();
    }

    public boolean isOpen() {
        return open;
    }

    /** Bytes written to this peer and not yet sent: what it has not read. */
    public long pendingOutboundBytes() {
        var buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    Channel channel() {
        return channel;
    }

    HandshakeAnswers answers() {
        return answers;
    }

    void markOpen() {
        open = true;
    }

    /** The page accepted the handshake; from now on the peer is closed with a close frame, not refused. */
    boolean isAccepted() {
        return accepted;
    }

    void markAccepted() {
        accepted = true;
    }

    /** Bytes written to this peer while it was not keeping up, charged to the memory budget. */
    void lagging(long bytes) {
        lagBytes.addAndGet(bytes);
    }

    /** The peer caught up (or left): returns what {@link #lagging} charged. */
    long caughtUp() {
        return lagBytes.getAndSet(0);
    }

    void countIn(int bytes) {
        bytesIn.addAndGet(bytes);
        messagesIn.incrementAndGet();
        listener.bytesIn.addAndGet(bytes);
        traffic.in(bytes);
    }

    void countOut(int bytes) {
        bytesOut.addAndGet(bytes);
        messagesOut.incrementAndGet();
        listener.bytesOut.addAndGet(bytes);
        traffic.out(bytes);
    }
}
