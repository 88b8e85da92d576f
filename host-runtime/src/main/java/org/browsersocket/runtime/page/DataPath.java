package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.limits.MemoryBudget;

/**
 * The messages between one page and its peers, both ways: each crosses the page's control channel
 * as one binary frame laid out by {@link DataFrame} (encoded and parsed here only), payload bytes
 * as they are. Backpressure both ways: a peer is not read while the control channel is backed up,
 * and a peer that does not read what the page sends is held against the memory budget, then cut off.
 */
final class DataPath {
    private static final Logger LOG = Logger.getLogger("browsersocket.page");

    private final PageSession session;
    private final Channel control;
    private final MemoryBudget budget;
    /** A peer may lag this far behind what the page sends it before it is cut off. */
    private final long slowPeerBytes;
    private final Set<Channel> pausedPeers = ConcurrentHashMap.newKeySet();

    DataPath(PageSession session, Channel control, MemoryBudget budget, int maxMessageBytes) {
        this.session = session;
        this.control = control;
        this.budget = budget;
        this.slowPeerBytes = Math.max(64L << 20, 4L * maxMessageBytes);
    }

    /** One binary frame from the page: a message for one of its connections. */
    void fromPage(ByteBuf content) {
        int length = content.readableBytes();
        if (length < DataFrame.HEADER_BYTES) {
            session.sendError(null, "data frame shorter than its " + DataFrame.HEADER_BYTES + "-byte header", false);
            return;
        }
        int start = content.readerIndex();
        byte kind = content.getByte(start);
        int id = content.getInt(start + 1);
        if (kind == DataFrame.KIND_BODY || kind == DataFrame.KIND_END) {
            session.bodyFromPage(kind, Integer.toUnsignedLong(id),
                    content.slice(start + DataFrame.HEADER_BYTES, length - DataFrame.HEADER_BYTES));
            return;
        }
        if (kind != DataFrame.KIND_TEXT && kind != DataFrame.KIND_BINARY) {
            session.sendError(null, "data frame of unknown kind " + kind, false);
            return;
        }
        PeerConnection connection = session.connection(id);
        if (connection == null || !connection.isOpen()) {
            return; // the peer left while this message was on its way: nothing to deliver to
        }
        int payloadLength = length - DataFrame.HEADER_BYTES;
        if (kind == DataFrame.KIND_TEXT
                && !ByteBufUtil.isText(content, start + DataFrame.HEADER_BYTES, payloadLength, StandardCharsets.UTF_8)) {
            // RFC 6455 forbids sending invalid UTF-8 as text; browsers' TextEncoder never makes it.
            session.sendError(null, "a text message for connection " + id + " is not valid UTF-8; it was not sent", false);
            return;
        }
        Channel peer = connection.channel();
        if (peer.bytesBeforeWritable() > slowPeerBytes) {
            LOG.warning(session.name() + " peer " + connection.remoteAddress() + " reads too slowly; closing it");
            session.closePeer(connection, 1008, "peer reads too slowly");
            return;
        }
        if (!peer.isWritable()) {
            // Past its write buffer's high-water mark the peer lags: what it has not read is held
            // against the runtime's memory budget, shared by all peers.
            if (!budget.tryReserve(length)) {
                LOG.warning(session.name() + " peer " + connection.remoteAddress()
                        + " reads too slowly and the memory budget is spent; closing it");
                session.closePeer(connection, 1008, "peer reads too slowly (the runtime's memory for peers is exhausted)");
                return;
            }
            connection.lagging(length);
        }
        ByteBuf payload = content.retainedSlice(start + DataFrame.HEADER_BYTES, payloadLength);
        WebSocketFrame frame = kind == DataFrame.KIND_TEXT ? new TextWebSocketFrame(payload) : new BinaryWebSocketFrame(payload);
        connection.countOut(payloadLength);
        peer.writeAndFlush(frame, peer.voidPromise());
    }

    /** A message from a peer, to the page: a 5-byte header and the payload as it is (not copied). */
    void toPage(PeerConnection connection, byte kind, ByteBuf payload) {
        connection.countIn(payload.readableBytes());
        toPage(connection.id(), kind, payload, connection.channel());
    }

    /**
     * A data frame to the page for connection (or HTTP exchange) {@code id}, the payload not copied
     * (the caller keeps its reference); {@code source} is not read while the control channel is backed up.
     */
    void toPage(int id, byte kind, ByteBuf payload, Channel source) {
        ByteBuf header = control.alloc().buffer(DataFrame.HEADER_BYTES);
        header.writeByte(kind).writeInt(id);
        CompositeByteBuf frame = control.alloc().compositeBuffer(2).addComponents(true, header, payload.retain());
        control.writeAndFlush(new BinaryWebSocketFrame(frame), control.voidPromise());
        if (!control.isWritable()) {
            // Backpressure: stop reading this peer until the page drains the control channel.
            Channel peer = source;
            peer.config().setAutoRead(false);
            pausedPeers.add(peer);
            if (control.isWritable()) {
                controlWritable();
            }
        }
    }

    /** The control channel drained: peers paused for its sake may send again. */
    void controlWritable() {
        for (Channel peer : pausedPeers) {
            pausedPeers.remove(peer);
            peer.config().setAutoRead(true);
        }
    }

    /** A peer left: it is no longer paused. */
    void forget(Channel peer) {
        pausedPeers.remove(peer);
    }
}
