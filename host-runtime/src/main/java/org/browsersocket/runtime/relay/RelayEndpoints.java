package org.browsersocket.runtime.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.relay.agent.RelayAgent;
import org.browsersocket.runtime.routing.PrefixMinter;

/**
 * What a relay answers on its public port: registrants' links and attach connections
 * ({@link RelayPaths}), WebSocket peers asking for a prefix routed to a registrant (spliced to
 * it), and plain HTTP requests for such a prefix, or one the relay's cache keeps responses for
 * ({@link RelayAgent}).
 */
public final class RelayEndpoints {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");
    /** Handlers of a public connection that stay when it becomes a spliced byte stream. */
    private static final Set<String> KEPT_WHEN_SPLICED = Set.of("ssl", "admission");

    private final RelayHub hub;
    private final int peerWaitMillis;
    private final RelayAgent agent;

    public RelayEndpoints(RelayHub hub, int peerWaitMillis) {
        this.hub = hub;
        this.peerWaitMillis = peerWaitMillis;
        this.agent = new RelayAgent(hub, peerWaitMillis);
    }

    public RelayHub hub() {
        return hub;
    }

    /**
     * Answers {@code request} if it is the relay's: a relay path, a routed prefix or one the cache
     * knows. Returns false (the request untouched) otherwise. The caller's handler ({@code ctx})
     * leaves the pipeline when the relay takes the connection; for plain HTTP it stays, and the
     * connection's next request comes to it again.
     */
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request, String path, String remoteAddress) {
        if (path.equals(RelayPaths.LINK)) {
            link(ctx, request, remoteAddress);
            return true;
        }
        if (path.startsWith(RelayPaths.ATTACH)) {
            attach(ctx, request, path.substring(RelayPaths.ATTACH.length()));
            return true;
        }
        String prefix = PrefixMinter.prefixOf(path);
        Registrant registrant = hub.route(prefix);
        if (request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
            if (registrant == null) {
                return false;
            }
            RelayedPeer.await(ctx, request, registrant, hub, peerWaitMillis, remoteAddress);
            ctx.pipeline().remove(ctx.handler());
            return true;
        }
        // Plain HTTP: the relay acts as the page's agent (passes the request on, or answers from its cache).
        return agent.handle(ctx, request, prefix, registrant, remoteAddress);
    }

    /**
     * A plain HTTP request (not an upgrade, not a relay path) by its head alone, its body still to
     * come: the relay's agent takes it if its prefix is routed or known to the cache, and then
     * receives the body as the content messages that follow (a handler it places before
     * {@code ctx} takes them; {@code ctx}'s handler sees the connection's next request). Returns
     * false, the request untouched, otherwise. This lets request bodies stream through the relay
     * rather than be collected first.
     */
    public boolean handleRequest(ChannelHandlerContext ctx, HttpRequest head, String path, String remoteAddress) {
        String prefix = PrefixMinter.prefixOf(path);
        return agent.handle(ctx, head, prefix, hub.route(prefix), remoteAddress);
    }

    private void link(ChannelHandlerContext ctx, FullHttpRequest request, String remoteAddress) {
        if (!hub.tokenAccepted(request.headers().get(RelayPaths.TOKEN_HEADER))) {
            LOG.info("refused a relay registration from " + remoteAddress + ": wrong or missing token");
            refuse(ctx, request, HttpResponseStatus.UNAUTHORIZED, "this relay is private: wrong or missing relay token");
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "relay") + RelayPaths.LINK, null,
                WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(RelayCodec.MAX_FRAME).allowExtensions(false).build())
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            request.release();
            return;
        }
        ctx.pipeline().addAfter(ctx.name(), "relay-link", new RelayLinkEndpoint(hub, remoteAddress));
        PeerWatch watch = ctx.pipeline().get(PeerWatch.class);
        if (watch != null) {
            watch.upgraded();
        }
        handshaker.handshake(ctx.channel(), request).addListener(done -> {
            if (!done.isSuccess()) {
                ctx.channel().close();
            }
        });
        request.release();
        ctx.pipeline().remove(ctx.handler());
    }

    private void attach(ChannelHandlerContext ctx, FullHttpRequest request, String stream) {
        AttachWaiter waiter = hub.take(stream);
        if (waiter == null || !RelayPaths.ATTACH_UPGRADE.equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            refuse(ctx, request, HttpResponseStatus.NOT_FOUND, null);
            return;
        }
        request.release();
        Channel attach = ctx.channel();
        hub.admission().exempt(attach);
        var switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set(HttpHeaderNames.UPGRADE, RelayPaths.ATTACH_UPGRADE)
                .set(HttpHeaderNames.CONNECTION, "Upgrade");
        ctx.writeAndFlush(switching);
        makeRaw(attach.pipeline());
        attach.config().setAutoRead(false); // what the registrant sends waits for the waiter's handlers
        waiter.attached(attach);
    }

    /** Leaves a public connection's pipeline with only what a byte stream needs (TLS, admission, splice). */
    static void makeRaw(ChannelPipeline pipeline) {
        List<String> names = List.copyOf(pipeline.toMap().keySet());
        for (String name : names) {
            if (!KEPT_WHEN_SPLICED.contains(name) && !name.equals("splice") && pipeline.context(name) != null) {
                pipeline.remove(name);
            }
        }
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                               String detail) {
        HttpResponses.sendStatus(ctx, request, status, detail);
        request.release();
    }
}
