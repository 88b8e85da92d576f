package org.browsersocket.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection: handshake bookkeeping, and with a load attached, sending stamped
 * messages and matching each echo to the oldest message in flight (echoes of one connection come
 * back in order). Everything but {@link #dispatch} runs on the channel's event loop.
 */
final class EchoPeer extends ChannelInboundHandlerAdapter {
    /**
     * Closed loop: how long an echo may be missing before the connection is pinged. A
     * Java-WebSocket server now and then leaves an echo queued until something else happens on
     * the connection (a send from its worker thread races the selector's reset of write
     * interest); a closed loop would wait for it until the run ends. The ping gets it out; the
     * wait counts in that message's latency, and the stall is counted.
     */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final Connector connector;
    private final LoadState load;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final LongRing inFlight = new LongRing();
    private final long connectStarted;
    private volatile Channel channel;
    private volatile boolean open;
    private LoopStats stats;
    private ScheduledFuture<?> stallCheck;
    private long pingedFor = Long.MIN_VALUE;

    EchoPeer(Connector connector, LoadState load) {
        this.connector = connector;
        this.load = load;
        this.connectStarted = connector.now();
    }

    boolean isOpen() {
        return open;
    }

    Channel channel() {
        return channel;
    }

    int inFlight() {
        return inFlight.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        stats = connector.statsFor(ctx.channel().eventLoop());
        stats.peers.add(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            if (settled.compareAndSet(false, true)) {
                open = true;
                stats.connectMicros.recordValue(LoadGenerator.clampMicros((connector.now() - connectStarted) / 1000));
                connector.opened(this);
            }
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(new TimeoutException("WebSocket handshake timed out"));
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /** Counts a failed connection attempt (once) and closes what is left of it. */
    void fail(Throwable cause) {
        if (settled.compareAndSet(false, true)) {
            connector.failed(cause);
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (load != null && msg instanceof WebSocketFrame frame && !stats.collected
                    && !(frame instanceof PongWebSocketFrame) && !(frame instanceof PingWebSocketFrame)) {
                echoed(frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void echoed(WebSocketFrame frame) {
        long now = connector.now();
        if (inFlight.isEmpty()) {
            stats.mismatched++; // nothing was sent that this could answer
            return;
        }
        long expected = inFlight.poll();
        boolean rightType = load.binary ? frame instanceof BinaryWebSocketFrame : frame instanceof TextWebSocketFrame;
        if (!rightType || frame.content().readableBytes() != load.messageBytes()
                || Payload.stamp(frame.content(), load.binary) != expected) {
            stats.mismatched++;
        } else if (expected >= load.warmupEnd) {
            stats.messages++;
            stats.latencyMicros.recordValue(LoadGenerator.clampMicros((now - expected) / 1000));
        }
        if (load.closedLoop && now < load.end) {
            send(now);
        }
        // Only after the next send: the run's count of messages in flight never reads 0 while a
        // closed loop goes on, so the final drain cannot end between an echo and its successor.
        load.inFlight.decrement();
    }

    /** Closed loop: sends the first message; each echo then sends the next. */
    void startClosedLoop() {
        send(connector.now());
        stallCheck = channel.eventLoop().scheduleAtFixedRate(this::pingIfStalled, STALL_NANOS / 4, STALL_NANOS / 4,
                TimeUnit.NANOSECONDS);
    }

    /** Pings the connection once for a message whose echo has been missing for {@link #STALL_NANOS}. */
    private void pingIfStalled() {
        if (!open || stats.collected) {
            stallCheck.cancel(false);
            return;
        }
        if (!inFlight.isEmpty() && inFlight.peek() != pingedFor && connector.now() - inFlight.peek() >= STALL_NANOS) {
            pingedFor = inFlight.peek();
            stats.stalled++;
            channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
        }
    }

    /** Open loop, from the scheduler thread: sends a message stamped with its intended send time. */
    void dispatch(long intended) {
        channel.eventLoop().execute(() -> {
            load.pending.decrementAndGet();
            send(intended);
        });
    }

    private void send(long stamp) {
        if (!open || stats.collected) {
            return;
        }
        if (inFlight.size() >= load.inFlightLimit) {
            load.saturate(String.format(java.util.Locale.ROOT,
                    "saturated: a connection has %d messages in flight (limit %d); the server is not keeping up with the offered rate",
                    inFlight.size(), load.inFlightLimit));
            return;
        }
        inFlight.add(stamp);
        load.inFlight.increment();
        var content = Payload.encode(channel.alloc(), stamp, load.binary, load.filler);
        WebSocketFrame frame = load.binary ? new BinaryWebSocketFrame(content) : new TextWebSocketFrame(content);
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    /** At collection: whatever is still in flight will not be answered. */
    void writeOffInFlight() {
        if (load != null && !inFlight.isEmpty()) {
            stats.unanswered += inFlight.size();
            load.inFlight.add(-inFlight.size());
            inFlight.clear();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (open) {
            connector.noteLoss(cause);
            ctx.close();
        } else {
            fail(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            open = false;
            writeOffInFlight();
            connector.closed(this);
        } else {
            fail(new IOException("connection closed before the WebSocket handshake completed"));
        }
        ctx.fireChannelInactive();
    }
}
