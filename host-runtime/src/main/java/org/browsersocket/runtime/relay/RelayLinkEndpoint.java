package org.browsersocket.runtime.relay;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.logging.Logger;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.relay.agent.CacheStore;
import org.browsersocket.runtime.relay.agent.Publication;

/**
 * The relay's end of a registrant's link: hello first, then routes added and removed, and what its
 * pages publish to or purge from the relay's cache. Errors in what the registrant sends are
 * answered on the link; the link's first message must be hello.
 */
final class RelayLinkEndpoint extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");

    private final RelayHub hub;
    private final String address;
    private Registrant registrant;
    /** The publish whose body frames are arriving, or null. */
    private Publication publication;

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
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                if (publication == null) {
                    closeWith(ctx, 1008, "binary frames come only after publish");
                    return;
                }
                publication.write(binary.content());
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
            reply(ctx, new RelayMessage.Welcome(limits.maxRoutes(), limits.maxConnections(), limits.bytesPerSecond(),
                    hub.cache() == null ? null : hub.cache().entryBytes()));
            return;
        }
        if (publication != null && message instanceof RelayMessage.Publish) {
            closeWith(ctx, 1008, "publish before the end of the one before");
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
        } else if (message instanceof RelayMessage.Publish publish) {
            publication = Publication.begin(hub.cache(), registrant.keyHash(), publish);
        } else if (message instanceof RelayMessage.PublishEnd end) {
            if (publication == null || publication.id() != end.id()) {
                closeWith(ctx, 1008, "end of a publish that did not begin");
                return;
            }
            String refused = publication.end();
            publication = null;
            if (refused != null) {
                LOG.fine(registrant.name() + ": a publish was refused: " + refused);
            }
            reply(ctx, new RelayMessage.Stored(end.id(), refused));
        } else if (message instanceof RelayMessage.Purge purge) {
            reply(ctx, purge(purge));
        } else {
            closeWith(ctx, 1008, "a registrant may not send " + message.getClass().getSimpleName().toLowerCase());
        }
    }

    /** Only what the registrant's own prefixes hold goes (routed by it now, or when its entries were stored). */
    private RelayMessage.Purged purge(RelayMessage.Purge purge) {
        CacheStore cache = hub.cache();
        if (cache == null) {
            return new RelayMessage.Purged(purge.id(), 0, "this relay keeps no copies");
        }
        int removed = cache.purge(registrant.keyHash(), purge.prefix(), purge.path());
        return removed < 0 ? new RelayMessage.Purged(purge.id(), 0, "the prefix is not routed here by this runtime")
                : new RelayMessage.Purged(purge.id(), removed, null);
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
        if (publication != null) {
            publication.abandon("the link closed");
            publication = null;
        }
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
