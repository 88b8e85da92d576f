package org.browsersocket.runtime.control;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import org.browsersocket.packaging.ScriptBundle;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.consent.ConsentBook;
import org.browsersocket.runtime.consent.Origins;
import org.browsersocket.runtime.extension.NativeHostFile;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.status.ReadAccess;

/**
 * HTTP side of the control endpoint: Host check, the script and grants, the status page (its JSON,
 * its live event stream) and its consent actions, and the control-channel upgrade (from pages, or from the extension's native host).
 */
final class ControlHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger("browsersocket.control");
    private static final String JS = "application/javascript; charset=utf-8";
    private static final String JSON = "application/json";
    /** The standalone connect helper: the same for every page, so made once. */
    private static final String CONNECT_SCRIPT = ScriptBundle.CONNECT.classicScript();

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
        String path = new QueryStringDecoder(request.uri()).path();
        if (request.method().equals(HttpMethod.POST) && path.equals("/consent")) {
            var answer = shared.consentActions().handle(request, host, shared.sessions());
            HttpResponses.send(ctx, request, HttpResponseStatus.valueOf(answer.status()), JSON, answer.json());
            return;
        }
        if (!request.method().equals(HttpMethod.GET)) {
            HttpResponses.sendStatus(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, null);
            return;
        }
        PageSession.Context pages = shared.pages();
        switch (path) {
            case "/browsersocket.js" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, JS,
                    shared.script().render(pages.router().mint(), "ws://" + host + "/control",
                            pages.publicPort(), pages.config().maxMessageBytes()));
            case "/unite.js" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, JS,
                    shared.script().renderUnite(pages.router().mint(), "ws://" + host + "/control",
                            pages.publicPort(), pages.config().maxMessageBytes()));
            case "/browsersocket-connect.js" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, JS, CONNECT_SCRIPT);
            case "/grant" -> sendGrant(ctx, request, host);
            case "/browsersocket.d.ts" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK,
                    "application/typescript; charset=utf-8", shared.script().declarations());
            case "/" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, "text/html; charset=utf-8",
                    shared.status().html(shared.sessions(), shared.consentActions().token()));
            case "/status.json" -> {
                if (statusReadable(ctx, request, host)) {
                    HttpResponses.send(ctx, request, HttpResponseStatus.OK, JSON, shared.status().json(shared.sessions()));
                }
            }
            case "/status/events" -> {
                if (statusReadable(ctx, request, host) && !shared.status().subscribe(ctx.channel(), shared.sessions())) {
                    HttpResponses.sendStatus(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "too many status pages are open; close one");
                }
            }
            case "/consent.json" -> HttpResponses.send(ctx, request, HttpResponseStatus.OK, JSON,
                    shared.consentActions().stateJson());
            case "/control" -> upgrade(ctx, request, host);
            default -> HttpResponses.sendStatus(ctx, request, HttpResponseStatus.NOT_FOUND, null);
        }
    }

    /** Whether this request may read the status (else it was answered 403): not from another site. */
    private static boolean statusReadable(ChannelHandlerContext ctx, FullHttpRequest request, String host) {
        String refusal = ReadAccess.refusal(request.headers(), host);
        if (refusal != null) {
            LOG.warning("refused a status request: " + refusal);
            HttpResponses.sendStatus(ctx, request, HttpResponseStatus.FORBIDDEN, refusal);
            return false;
        }
        return true;
    }

    /**
     * A grant for the site's own copy of the library, readable by any origin (like the script, which
     * any page may load): the origin is checked when the control channel claims it.
     */
    private void sendGrant(ChannelHandlerContext ctx, FullHttpRequest request, String host) {
        PageSession.Context pages = shared.pages();
        String body = shared.script().configJson(pages.router().mint(), "ws://" + host + "/control",
                pages.publicPort(), pages.config().maxMessageBytes());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin == null ? "*" : origin)
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN)
                .set("X-Content-Type-Options", "nosniff");
        HttpResponses.send(ctx, request, response);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String host) {
        PageSession.Context pages = shared.pages();
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(pages.config().maxMessageBytes() + DataFrame.HEADER_BYTES)
                // A violation (an oversized frame too) reaches ControlFrameHandler, which closes after
                // a linger; the decoder's own close would reset the connection under the page's writes.
                .closeOnProtocolViolation(false)
                .allowExtensions(false).build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + host + "/control", null, decoderConfig).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String presented = request.headers().get(NativeHostFile.TOKEN_HEADER);
        boolean viaExtension = presented != null;
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (viaExtension) {
            if (shared.nativeHost() == null || !shared.nativeHost().accepts(presented)) {
                LOG.warning("refused a native-host control channel with a wrong token");
                HttpResponses.sendStatus(ctx, request, HttpResponseStatus.FORBIDDEN, "wrong native-host token");
                return;
            }
            origin = request.headers().get(NativeHostFile.ORIGIN_HEADER);
            if (!Origins.isOrigin(origin)) {
                HttpResponses.sendStatus(ctx, request, HttpResponseStatus.BAD_REQUEST,
                        "the native host must name the page's origin in " + NativeHostFile.ORIGIN_HEADER);
                return;
            }
        }
        var channel = ctx.channel();
        String refusal = viaExtension ? null : refusal(origin);
        if (refusal != null) {
            // Complete the upgrade anyway: a refused handshake would reach the page as a reasonless
            // error, while a message on the open channel lets onerror say exactly why.
            LOG.warning("refused a page: " + refusal);
            handshaker.handshake(channel, request).addListener(done -> {
                if (done.isSuccess()) {
                    channel.write(new TextWebSocketFrame(pages.codec().encode(new ControlMessage.Error(null, refusal, true))));
                    channel.writeAndFlush(new CloseWebSocketFrame(1008, "origin not allowed"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
            return;
        }
        PageSession session = new PageSession(channel, origin, viaExtension, pages);
        ctx.pipeline().addAfter(ctx.name(), "ws-aggregator",
                new WebSocketFrameAggregator(pages.config().maxMessageBytes() + DataFrame.HEADER_BYTES));
        ctx.pipeline().addAfter("ws-aggregator", "control-frames", new ControlFrameHandler(session));
        ctx.pipeline().remove(this);
        String from = origin;
        handshaker.handshake(channel, request).addListener(done -> {
            if (done.isSuccess()) {
                shared.sessions().add(session);
                channel.closeFuture().addListener(closed -> shared.sessions().remove(session));
                LOG.info(session.name() + " connected from origin " + from + (viaExtension ? " (through the extension)" : ""));
            }
        });
    }

    /** Why a page of this origin may not even wait for the user's answer, or null. */
    private String refusal(String origin) {
        if (origin == null || origin.isEmpty()) {
            return "the control channel request carried no Origin header";
        }
        if (!Origins.isOrigin(origin)) {
            return "pages of origin " + origin + " may not listen (only http and https sites can be allowed)";
        }
        if (shared.pages().consent().book().standing(origin) == ConsentBook.Standing.DENIED) {
            return shared.pages().consent().deniedReason(origin);
        }
        return null;
    }
}
