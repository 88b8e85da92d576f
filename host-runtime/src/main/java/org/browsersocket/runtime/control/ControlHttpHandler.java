package org.browsersocket.runtime.control;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.channel.ChannelFutureListener;
import java.util.logging.Logger;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.relay.PageSession;

/** HTTP side of the control endpoint: Host check, script, status, and the control-channel upgrade. */
final class ControlHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger("browsersocket.control");
    private static final String JS = "application/javascript; charset=utf-8";

    private final ControlServer.Shared shared;

    ControlHttpHandler(ControlServer.Shared shared) {
        this.shared = shared;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            HttpResponses.sendStatus(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (!LoopbackHosts.isLoopback(host)) {
            LOG.warning("refused a control request whose Host is not a loopback name");
            HttpResponses.sendStatus(ctx, request, HttpResponseStatus.FORBIDDEN,
                    "the runtime answers only requests addressed to 127.0.0.1, localhost or [::1]");
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            HttpResponses.sendStatus(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, null);
            return;
        }
        switch (new QueryStringDecoder(request.uri()).path()) {
            case "/browsersocket.js" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, JS,
                    shared.script().render(shared.router().mint(), "ws://" + host + "/control",
                            shared.publicPort(), shared.config().maxMessageBytes()));
            case "/browsersocket.d.ts" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK,
                    "application/typescript; charset=utf-8", shared.script().declarations());
            case "/" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, "text/html; charset=utf-8",
                    shared.status().html(shared.sessions()));
            case "/status.json" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK,
                    "application/json", shared.status().json(shared.sessions()));
            case "/control" -> upgrade(ctx, request, host);
            default -> HttpResponses.sendStatus(ctx, request, HttpResponseStatus.NOT_FOUND, null);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String host) {
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(shared.config().maxMessageBytes() + DataFrame.HEADER_BYTES)
                .allowExtensions(false).build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + host + "/control", null, decoderConfig).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        var channel = ctx.channel();
        if (!shared.origins().allows(origin)) {
            // Complete the upgrade anyway: a refused handshake would reach the page as a reasonless
            // error, while a message on the open channel lets onerror say exactly why.
            String reason = shared.origins().refusal(origin);
            LOG.warning("refused a listener: " + reason);
            handshaker.handshake(channel, request).addListener(done -> {
                if (done.isSuccess()) {
                    channel.write(new TextWebSocketFrame(shared.codec().encode(new ControlMessage.Error(null, reason, true))));
                    channel.writeAndFlush(new CloseWebSocketFrame(1008, "origin not allowed"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
            return;
        }
        PageSession session = new PageSession(channel, origin, shared.router(), shared.config(), shared.codec(),
                shared.publicPort());
        ctx.pipeline().addAfter(ctx.name(), "ws-aggregator",
                new WebSocketFrameAggregator(shared.config().maxMessageBytes() + DataFrame.HEADER_BYTES));
        ctx.pipeline().addAfter("ws-aggregator", "control-frames", new ControlFrameHandler(session));
        ctx.pipeline().remove(this);
        handshaker.handshake(channel, request).addListener(done -> {
            if (done.isSuccess()) {
                shared.sessions().add(session);
                channel.closeFuture().addListener(closed -> shared.sessions().remove(session));
                LOG.info(session.name() + " connected from origin " + origin);
            }
        });
    }
}
