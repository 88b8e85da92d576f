package org.browsersocket.runtime.control;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.browsersocket.runtime.page.PageSession;

/** WebSocket side of a page's control channel: text frames are control messages, binary frames data. */
final class ControlFrameHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("browsersocket.control");
    /** How long a failed control channel (an oversized or corrupt message) is read, and discarded, before it closes. */
    private static final long LINGER_MILLIS = 1000;

    private static final String TOO_BIG = "control message too big";

    private final PageSession session;
    private boolean failed; // a close frame is out: what else goes wrong is not answered again

    ControlFrameHandler(PageSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof BinaryWebSocketFrame binary) {
                session.onDataFrame(binary.content());
            } else if (msg instanceof TextWebSocketFrame text) {
                session.onControlText(text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.controlWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.pageGone();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            // An oversized frame (1009), a protocol violation (1002) or invalid UTF-8 (1007).
            int code = corrupt.closeStatus().code();
            failWith(ctx, code, code == 1009 ? TOO_BIG : corrupt.closeStatus().reasonText());
        } else if (cause instanceof TooLongFrameException) {
            failWith(ctx, 1009, TOO_BIG); // a fragmented message over the maximum
        } else {
            LOG.log(Level.FINE, session.name() + " control channel failed", cause);
            ctx.close();
        }
    }

    /**
     * Sends a close frame, then ends our side but reads (the decoder discards) for a moment before
     * closing: the page may still be sending the rest of what was refused, and closing at once would
     * make the kernel reset the connection and lose the close frame before the page has read it.
     */
    private void failWith(ChannelHandlerContext ctx, int code, String reason) {
        if (failed) {
            return;
        }
        failed = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(written -> {
            if (ctx.channel() instanceof SocketChannel socket && socket.isActive()) {
                socket.shutdownOutput();
            }
            ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }
}
