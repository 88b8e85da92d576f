package org.browsersocket.runtime.limits;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Admits or sheds each new connection to the public port, before it costs anything more: at most
 * {@link PeerLimits#maxConnectionsPerAddress()} per IPv4 address or IPv6 /64 and at most
 * {@link PeerLimits#maxPublicConnections()} in all ({@link AcceptGate} guards file descriptors).
 * A shed connection gets a one-line 503 and is closed.
 */
@ChannelHandler.Sharable
public final class PeerAdmission extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("browsersocket.public");
    private static final AttributeKey<String> ADDRESS = AttributeKey.valueOf("browsersocket.address");
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    /** The address key of a connection that no longer counts against its address. */
    private static final String EXEMPT = "";

    private final PeerLimits limits;
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    public PeerAdmission(PeerLimits limits) {
        this.limits = limits;
    }

    /** Connections shed since start. */
    public long shedCount() {
        return shed.get();
    }

    /** Connections admitted and open now. */
    public int openCount() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String key = AddressKey.of(ctx.channel().remoteAddress());
        if (total.incrementAndGet() > limits.maxPublicConnections()) {
            total.decrementAndGet();
            shed(ctx, "the runtime holds its maximum of " + limits.maxPublicConnections() + " connections");
            return;
        }
        AtomicInteger mine = perAddress.computeIfAbsent(key, k -> new AtomicInteger());
        if (mine.incrementAndGet() > limits.maxConnectionsPerAddress()) {
            mine.decrementAndGet();
            total.decrementAndGet();
            shed(ctx, "too many connections from " + key + " (at most " + limits.maxConnectionsPerAddress() + ")");
            return;
        }
        ctx.channel().attr(ADDRESS).set(key);
        ctx.fireChannelActive();
    }

    /**
     * An admitted connection stops counting against its address (it still counts in the total):
     * a relay's registrant opens one connection per relayed peer, all from its own address.
     */
    public void exempt(io.netty.channel.Channel channel) {
        String key = channel.attr(ADDRESS).get();
        if (key != null && !key.equals(EXEMPT) && channel.attr(ADDRESS).compareAndSet(key, EXEMPT)) {
            release(key);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String key = ctx.channel().attr(ADDRESS).getAndSet(null);
        if (key != null) {
            total.decrementAndGet();
            if (!key.equals(EXEMPT)) {
                release(key);
            }
            ctx.fireChannelInactive();
        }
    }

    private void release(String key) {
        perAddress.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel().attr(ADDRESS).get() == null) {
            io.netty.util.ReferenceCountUtil.release(msg); // a shed connection, still closing
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void shed(ChannelHandlerContext ctx, String why) {
        shed.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warning("shedding new public connections: " + why + " (" + shed.get() + " shed so far)");
        }
        byte[] body = ("503 Service Unavailable: " + why + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\nRetry-After: 10\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
