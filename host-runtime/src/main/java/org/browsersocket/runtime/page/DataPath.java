package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.limits.MemoryBudget;

/**
 * The messages between one page and its peers, both ways: each crosses the page's control channel
 * as a binary frame laid out by {@link DataFrame}, payload bytes as they are. Toward a page that
 * reads batches, what goes out in one event-loop turn (data frames and, through
 * {@link #sendControl}, control messages, in order) travels in one message ({@link DataBatch}).
 * Backpressure both ways: a peer is not read while the control channel is backed up, and a peer
 * that does not read what the page sends is held against the memory budget, then cut off.
 */
final class DataPath {
    private static final Logger LOG = Logger.getLogger("browsersocket.page");

    private final PageSession session;
    private final Channel control;
    private final EventLoop loop;
    private final MemoryBudget budget;
    /** A peer may lag this far behind what the page sends it before it is cut off. */
    private final long slowPeerBytes;
    private final Set<Channel> pausedPeers = ConcurrentHashMap.newKeySet();
    /** Frames for the page gathered in this turn of the control channel's loop (that loop only). */
    private final DataBatch batch = new DataBatch();
    private final Runnable flushTask = this::flushScheduled;
    private boolean flushPending;
    /** Peers written to (not yet flushed) while a batch from the page is read (control loop only). */
    private final List<Channel> unflushed = new ArrayList<>();
    private volatile boolean batchesToPage;
    /** Bytes handed to the control channel's loop by peers on other loops, not yet gathered. */
    private final AtomicLong handedOver = new AtomicLong();

    DataPath(PageSession session, Channel control, MemoryBudget budget, int maxMessageBytes) {
        this.session = session;
        this.control = control;
        this.loop = control.eventLoop();
        this.budget = budget;
        this.slowPeerBytes = Math.max(64L << 20, 4L * maxMessageBytes);
    }

    /** The page said it reads batches: from now on, frames of one turn travel to it together. */
    void pageReadsBatches() {
        batchesToPage = true;
    }

    /** One binary frame from the page: a message for one of its connections, or a batch of them. */
    void fromPage(ByteBuf content) {
        int length = content.readableBytes();
        if (length < DataFrame.HEADER_BYTES) {
            session.sendError(null, "data frame shorter than its " + DataFrame.HEADER_BYTES + "-byte header", false);
            return;
        }
        if (content.getByte(content.readerIndex()) != DataFrame.KIND_BATCH) {
            fromPageFrame(content);
            flushPeers();
            return;
        }
        String fault = DataBatch.forEachFrame(content, this::fromPageFrame);
        flushPeers();
        if (fault != null) {
            session.sendError(null, fault + "; the rest of it was dropped", false);
        }
    }

    private void fromPageFrame(ByteBuf content) {
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
        if (kind == DataFrame.KIND_CONTROL) {
            session.onControlText(content.toString(start + DataFrame.HEADER_BYTES, length - DataFrame.HEADER_BYTES,
                    StandardCharsets.UTF_8));
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
        peer.write(frame, peer.voidPromise());
        if (!unflushed.contains(peer)) {
            unflushed.add(peer);
        }
    }

    private void flushPeers() {
        for (Channel peer : unflushed) {
            peer.flush();
        }
        unflushed.clear();
    }

    /** A message from a peer, to the page: a 5-byte header and the payload as it is (not copied). */
    void toPage(PeerConnection connection, byte kind, ByteBuf payload) {
        connection.countIn(payload.readableBytes());
        toPage(connection.id(), kind, payload, connection.channel());
    }

    /**
     * A data frame to the page for connection (or HTTP exchange) {@code id}, the payload not copied
     * (the caller keeps its reference); {@code source} is not read while the control channel is
     * backed up. Call from any thread.
     */
    void toPage(int id, byte kind, ByteBuf payload, Channel source) {
        payload.retain();
        if (!batchesToPage) {
            ByteBuf header = control.alloc().buffer(DataFrame.HEADER_BYTES).writeByte(kind).writeInt(id);
            CompositeByteBuf frame = control.alloc().compositeBuffer(2).addComponents(true, header, payload);
            control.writeAndFlush(new BinaryWebSocketFrame(frame), control.voidPromise());
            pauseIfBackedUp(source);
        } else if (loop.inEventLoop()) {
            gather(id, kind, payload, source);
        } else {
            // Counted until gathered, so a peer on another loop cannot outrun the page unseen.
            int size = payload.readableBytes();
            handedOver.addAndGet(size);
            pauseIfBackedUp(source);
            loop.execute(() -> {
                handedOver.addAndGet(-size);
                gather(id, kind, payload, source);
            });
        }
    }

    private void gather(int id, byte kind, ByteBuf payload, Channel source) {
        if (!control.isActive()) {
            payload.release();
            return;
        }
        batch.add(kind, id, payload, source);
        if (batch.isFull()) {
            flush();
        } else if (!flushPending) {
            flushPending = true;
            loop.execute(flushTask); // runs once this turn's reads are done
        }
        pauseIfBackedUp(source);
    }

    private void flushScheduled() {
        flushPending = false;
        flush();
    }

    private void flush() {
        if (!batch.isEmpty()) {
            control.writeAndFlush(batch.take(control.alloc()), control.voidPromise());
        }
        if (!pausedPeers.isEmpty() && !isBackedUp()) {
            controlWritable(); // paused for bytes handed over, which are written now
        }
    }

    private boolean isBackedUp() {
        return !control.isWritable() || handedOver.get() > control.config().getWriteBufferHighWaterMark();
    }

    /**
     * Sends a control message (JSON text) to the page after the data gathered before it; to a page
     * that reads batches, in the batch of this turn. Call from any thread; the order of calls from
     * one thread is kept.
     */
    void sendControl(String json) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> sendControl(json));
        } else if (batchesToPage) {
            gather(0, DataFrame.KIND_CONTROL, ByteBufUtil.writeUtf8(control.alloc(), json), null);
        } else {
            control.writeAndFlush(new TextWebSocketFrame(json), control.voidPromise());
        }
    }

    private void pauseIfBackedUp(Channel source) {
        if (source != null && isBackedUp()) {
            // Backpressure: stop reading this peer until the page drains the control channel.
            source.config().setAutoRead(false);
            pausedPeers.add(source);
            if (!isBackedUp()) {
                loop.execute(this::resumeIfDrained);
            }
        }
    }

    private void resumeIfDrained() {
        if (!isBackedUp()) {
            controlWritable();
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

    /** The page went away: what was gathered for it is dropped. Call from any thread. */
    void pageGone() {
        if (loop.inEventLoop()) {
            batch.discard();
        } else {
            loop.execute(batch::discard);
        }
    }
}
