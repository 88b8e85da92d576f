package org.browsersocket.runtime.publicport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.page.PeerHandshakeHandler;
import org.browsersocket.runtime.relay.RelayEndpoints;
import org.browsersocket.runtime.routing.PrefixMinter;
import org.browsersocket.runtime.routing.Router;

/**
 * The first request on a public connection decides what the connection is: a peer of one of this
 * runtime's pages (by its prefix), or, on a relay, a registrant's link or attach connection or a
 * peer of a registrant's page. Anything else gets a bare 404: nothing is learned from it.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private final Router<Listener> router;
    private final RuntimeConfig config;
    private final MemoryBudget budget;
    private final RelayEndpoints relay;

    /** {@code relay}: null unless this runtime is a relay (and never for peers that came through one). */
    RequestDispatcher(Router<Listener> router, RuntimeConfig config, MemoryBudget budget, RelayEndpoints relay) {
        this.router = router;
        this.config = config;
        this.budget = budget;
        this.relay = relay;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        PeerWatch watch = ctx.pipeline().get(PeerWatch.class);
        if (watch != null) {
            watch.messageCompleted(); // the request's bytes are held by its handler now (at most 8 KiB)
        }
        if (!request.decoderResult().isSuccess()) {
            HttpResponses.sendStatus(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            request.release();
            return;
        }
        String path = new QueryStringDecoder(request.uri()).rawPath();
        String remote = PeerAddresses.of(ctx.channel());
        Router.Slot<Listener> slot = router.slot(PrefixMinter.prefixOf(path));
        if (slot != null) {
            ctx.pipeline().addAfter(ctx.name(), "handshake", new PeerHandshakeHandler(slot, config, budget, remote));
            ctx.fireChannelRead(request);
            ctx.pipeline().remove(this);
            return;
        }
        if (relay != null && relay.handle(ctx, request, path, remote)) {
            return;
        }
        HttpResponses.sendStatus(ctx, request, HttpResponseStatus.NOT_FOUND, null);
        request.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof PeerWatch.Overrun overrun) {
            // No complete request within the handshake deadline (or no memory for it).
            HttpResponses.sendStatus(ctx, null, overrun.code() == 1013 ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : HttpResponseStatus.REQUEST_TIMEOUT, overrun.reason());
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
