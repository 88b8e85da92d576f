package org.browsersocket.runtime.relay;

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
import io.netty.util.ReferenceCountUtil;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.browsersocket.protocol.DataFrame;

/** Relays an open peer connection's messages to its page and answers pings and closes. */
final class PeerFrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("browsersocket.public");

    private final PeerConnection connection;
    private final PageSession session;

    PeerFrameHandler(PeerConnection connection) {
        this.connection = connection;
        this.session = connection.listener().session();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                session.relayToPage(connection, DataFrame.KIND_TEXT, text.content());
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                session.relayToPage(connection, DataFrame.KIND_BINARY, binary.content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode() < 0 ? 1005 : close.statusCode();
                String reason = close.statusCode() < 0 ? "" : close.reasonText();
                session.peerClosed(connection, code, reason, true);
                ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.peerClosed(connection, 1006, "", false);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            // The decoder has already sent the peer a close frame with this status.
            session.peerClosed(connection, corrupt.closeStatus().code(), corrupt.closeStatus().reasonText(), false);
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            session.peerClosed(connection, 1009, "message too big", false);
            ctx.writeAndFlush(new CloseWebSocketFrame(1009, "message exceeds " + connection.listener().session()
                    .maxMessageBytes() + " bytes")).addListener(ChannelFutureListener.CLOSE);
        } else {
            LOG.log(Level.FINE, "peer " + connection.remoteAddress() + " failed", cause);
            session.peerClosed(connection, 1006, "", false);
            ctx.close();
        }
    }
}
