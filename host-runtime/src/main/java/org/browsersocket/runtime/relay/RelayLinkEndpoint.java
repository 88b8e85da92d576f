package org.browsersocket.runtime.relay;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.logging.Logger;
import org.browsersocket.runtime.limits.PeerWatch;

/**
 * The relay's end of a registrant's link: hello first, then routes added and removed. Errors in
 * what the registrant sends are answered on the link; the link's first message must be hello.
 */
final class RelayLinkEndpoint extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");

    private final RelayHub hub;
    private final String address;
    private Registrant registrant;

    RelayLinkEndpoint(RelayHub hub, String address) {
        this.hub = hub;
        this.address = address;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            PeerWatch watch = ctx.pipeline().get(PeerWatch.class);
            if (watch != null) {
                watch.messageCompleted();
            }
            if (msg instanceof TextWebSocketFrame text) {
                onMessage(ctx, text.text());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), ctx.voidPromise());
            } else if (msg instanceof CloseWebSocketFrame) {
                ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, String text) {
        RelayMessage message;
        try {
            message = hub.codec().decode(text);
        } catch (IllegalArgumentException e) {
            closeWith(ctx, 1008, e.getMessage());
            return;
        }
        if (registrant == null) {
            if (!(message instanceof RelayMessage.Hello hello)) {
                closeWith(ctx, 1008, "the first message on a relay link must be hello");
                return;
            }
            try {
                registrant = hub.register(hello.key(), ctx.channel(), address);
            } catch (RelayHub.Refusal refusal) {
                closeWith(ctx, 1013, refusal.getMessage());
                return;
            }
            RelayLimits limits = hub.limits();
            LOG.info(registrant.name() + " registered");
            reply(ctx, new RelayMessage.Welcome(limits.maxRoutes(), limits.maxConnections(), limits.bytesPerSecond()));
            return;
        }
        if (message instanceof RelayMessage.Add add) {
            try {
                hub.addRoute(registrant, add.prefix());
                reply(ctx, new RelayMessage.Added(add.prefix()));
            } catch (RelayHub.Refusal refusal) {
                LOG.info(registrant.name() + " may not route a prefix: " + refusal.getMessage());
                reply(ctx, new RelayMessage.Refused(add.prefix(), refusal.getMessage()));
            }
        } else if (message instanceof RelayMessage.Remove remove) {
            hub.removeRoute(registrant, remove.prefix());
        } else if (message instanceof RelayMessage.Synced) {
            hub.synced(registrant);
        } else {
            closeWith(ctx, 1008, "a registrant may not send " + message.getClass().getSimpleName().toLowerCase());
        }
    }

    private void reply(ChannelHandlerContext ctx, RelayMessage message) {
        ctx.writeAndFlush(new TextWebSocketFrame(hub.codec().encode(message)), ctx.voidPromise());
    }

    private static void closeWith(ChannelHandlerContext ctx, int code, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason.length() > 120 ? reason.substring(0, 120) : reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == PeerWatch.IDLE) {
            ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
        } else if (event instanceof PeerWatch.Overrun overrun) {
            closeWith(ctx, overrun.code(), overrun.reason());
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (registrant != null) {
            hub.linkLost(registrant, ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
