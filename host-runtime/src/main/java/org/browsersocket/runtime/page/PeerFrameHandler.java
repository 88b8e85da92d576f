package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerWatch;

/**
 * Relays an open peer connection's messages to its page and answers pings and closes. A peer that
 * pings without reading the pongs gets only the latest pong, once it reads again (RFC 6455 §5.5.3
 * allows answering only the most recent ping), so pings cannot pile up in memory.
 */
final class PeerFrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("browsersocket.public");
    /** How long a failed connection is read (and discarded) after its close frame. */
    private static final long FAILED_LINGER_MILLIS = 1000;

    private final PeerConnection connection;
    private final PageSession session;
    private final PeerWatch watch;
    private final MemoryBudget budget;
    private ByteBuf pendingPong;
    private boolean failed;

    PeerFrameHandler(PeerConnection connection, PeerWatch watch, MemoryBudget budget) {
        this.connection = connection;
        this.session = connection.listener().session();
        this.watch = watch;
        this.budget = budget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            watch.messageCompleted();
            if (failed || session.connection(connection.id()) != connection) {
                return; // the connection failed or was closed: what the peer still sends is discarded
            }
            if (msg instanceof TextWebSocketFrame text) {
                session.relayToPage(connection, DataFrame.KIND_TEXT, text.content());
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                session.relayToPage(connection, DataFrame.KIND_BINARY, binary.content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                pong(ctx, ping.content());
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode() < 0 ? 1005 : close.statusCode();
                if (code != 1005 && !isSendableCloseCode(code)) {
                    session.peerClosed(connection, 1002, "invalid close code " + code, false);
                    closeWith(ctx, 1002, "invalid close code " + code);
                    return;
                }
                String reason = close.statusCode() < 0 ? "" : close.reasonText();
                session.peerClosed(connection, code, reason, true);
                ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void pong(ChannelHandlerContext ctx, ByteBuf payload) {
        if (pendingPong != null) {
            pendingPong.release();
            pendingPong = null;
        }
        if (ctx.channel().isWritable()) {
            ctx.writeAndFlush(new PongWebSocketFrame(payload.retain()), ctx.voidPromise());
        } else {
            pendingPong = payload.copy(); // at most 125 bytes, replaced by the next ping
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            budget.release(connection.caughtUp());
            if (pendingPong != null) {
                ctx.writeAndFlush(new PongWebSocketFrame(pendingPong), ctx.voidPromise());
                pendingPong = null;
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof PeerWatch.Overrun overrun) {
            LOG.info("closing peer " + connection.remoteAddress() + ": " + overrun.reason());
            session.peerClosed(connection, overrun.code(), overrun.reason(), false);
            closeWith(ctx, overrun.code(), overrun.reason());
        } else if (event == PeerWatch.IDLE) {
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        budget.release(connection.caughtUp());
        if (pendingPong != null) {
            pendingPong.release();
            pendingPong = null;
        }
        session.peerClosed(connection, 1006, "", false);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            if (failed) {
                return;
            }
            // A protocol violation (1002) or invalid UTF-8 (1007): fail the connection with a close
            // frame, then end our side but keep reading (and discarding) for a moment, so that
            // what the peer was still sending does not make the kernel reset the connection and
            // lose the close frame before the peer has read it.
            failed = true;
            int code = corrupt.closeStatus().code();
            String reason = corrupt.closeStatus().reasonText();
            session.peerClosed(connection, code, reason, false);
            ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(written -> {
                if (ctx.channel() instanceof SocketChannel socket && socket.isActive()) {
                    socket.shutdownOutput();
                }
                ctx.executor().schedule(() -> ctx.close(), FAILED_LINGER_MILLIS, TimeUnit.MILLISECONDS);
            });
        } else if (cause instanceof TooLongFrameException) {
            session.peerClosed(connection, 1009, "message too big", false);
            closeWith(ctx, 1009, "message exceeds " + session.maxMessageBytes() + " bytes");
        } else {
            LOG.log(Level.FINE, "peer " + connection.remoteAddress() + " failed", cause);
            session.peerClosed(connection, 1006, "", false);
            ctx.close();
        }
    }

    /** Close codes a peer may send (RFC 6455 §7.4): 1000-1003, 1007-1011, 3000-4999. */
    static boolean isSendableCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
    }

    private static void closeWith(ChannelHandlerContext ctx, int code, String reason) {
        if (!ctx.channel().isActive()) {
            return;
        }
        WebSocketFrame close = new CloseWebSocketFrame(code, reason);
        ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    }
}
