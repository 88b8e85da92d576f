package org.browsersocket.runtime.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * One side of a relayed peer: the bytes this channel reads are written, as they are, to the other
 * side. Reading stops while the other side cannot take more (backpressure end to end) and while
 * the registrant is over its rate. On the registrant's side it also follows the frames going to
 * the peer, so that a registrant that goes away leaves the peer a 1001 close frame.
 */
final class Splice extends ChannelInboundHandlerAdapter {
    private final Channel other;
    private final Registrant registrant;
    private final FrameBoundary toPeer;
    private Splice partner;
    private volatile boolean ratePaused;
    private Channel self;

    /** {@code toPeer}: non-null on the registrant's side, where what is read goes to the peer. */
    private Splice(Channel other, Registrant registrant, FrameBoundary toPeer) {
        this.other = other;
        this.registrant = registrant;
        this.toPeer = toPeer;
    }

    /** Joins a relayed peer's connection and its registrant's attach connection. */
    static void join(Channel peer, Channel attach, Registrant registrant) {
        Splice peerSide = new Splice(attach, registrant, null);
        Splice attachSide = new Splice(peer, registrant, new FrameBoundary());
        peerSide.partner = attachSide;
        attachSide.partner = peerSide;
        peer.pipeline().addLast("splice", peerSide);
        attach.pipeline().addLast("splice", attachSide);
        registrant.peers.add(attach);
        attach.closeFuture().addListener(f -> registrant.peers.remove(attach));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        self = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!other.isActive()) {
            bytes.release();
            return;
        }
        if (toPeer != null) {
            toPeer.scan(bytes);
        }
        long pauseNanos = registrant.relayed(bytes.readableBytes());
        other.writeAndFlush(bytes, other.voidPromise());
        if (pauseNanos > 0) {
            ratePaused = true;
            self.config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                ratePaused = false;
                resume();
            }, pauseNanos, TimeUnit.NANOSECONDS);
        } else if (!other.isWritable()) {
            self.config().setAutoRead(false);
            if (other.isWritable()) {
                resume();
            }
        }
    }

    /** Reads again if neither the rate nor the other side holds this side back. */
    private void resume() {
        if (!ratePaused && other.isWritable() && self.isActive()) {
            self.config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            partner.resume();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (toPeer != null && other.isActive() && toPeer.canClose()) {
            other.writeAndFlush(FrameBoundary.closeFrame(1001, "the page's runtime went away"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            other.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        if (toPeer != null) {
            registrant.connections.decrementAndGet(); // once per relayed peer: on the attach side
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
