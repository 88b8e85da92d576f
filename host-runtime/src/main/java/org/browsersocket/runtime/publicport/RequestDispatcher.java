package org.browsersocket.runtime.publicport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Set;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.limits.HttpLimits;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.page.HttpExchange;
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.page.PeerHandshakeHandler;
import org.browsersocket.runtime.relay.RelayEndpoints;
import org.browsersocket.runtime.routing.PrefixMinter;
import org.browsersocket.runtime.routing.Router;

/**
 * Each request on a public connection decides what it is: a WebSocket upgrade for a peer of one of
 * this runtime's pages (by its prefix), an HTTP request for a page's listener ({@link HttpExchange};
 * the connection then serves further requests), or, on a relay, a registrant's link or attach
 * connection or a request for a registrant's page. Anything else gets a bare 404: nothing is
 * learned from it. Requests a client sends before the previous response is complete (pipelining)
 * wait their turn, unread.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter implements HttpExchange.Front {
    /** Methods a page may not be asked to answer: the fetch API refuses to build requests of them. */
    private static final Set<String> REFUSED_METHODS = Set.of("CONNECT", "TRACE", "TRACK");
    /** Pipelined messages held at most while a response is outstanding. */
    private static final int MAX_HELD = 256;

    private enum State { IDLE, UPGRADE, EXCHANGE, DISCARD }

    private final Router<Listener> router;
    private final RuntimeConfig config;
    private final MemoryBudget budget;
    private final RelayEndpoints relay;
    private final HttpLimits limits;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private HttpRequest head;           // the upgrade request being read
    private HttpExchange exchange;      // the HTTP request being served
    private boolean exchangeRequestRead;

    /** {@code relay}: null unless this runtime is a relay (and never for peers that came through one). */
    RequestDispatcher(Router<Listener> router, RuntimeConfig config, MemoryBudget budget, RelayEndpoints relay) {
        this.router = router;
        this.config = config;
        this.budget = budget;
        this.relay = relay;
        this.limits = config.peerLimits().http();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.DISCARD) {
            ReferenceCountUtil.release(msg); // the connection is closing: what still comes is dropped
            return;
        }
        if (exchange != null && exchangeRequestRead || !held.isEmpty()) {
            // A request pipelined behind one whose response is still coming.
            if (held.size() >= MAX_HELD) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            held.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        read(msg);
    }

    private void read(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        PeerWatch watch = watch();
        if (watch != null) {
            watch.exchangeStarted();
            watch.messageCompleted(); // the request head is parsed: its bytes are held by its handler now
        }
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : HttpResponseStatus.BAD_REQUEST;
            refuseAndClose(status, status.code() == 400 ? "malformed HTTP request" : null);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).rawPath();
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        String upgradeTo = request.headers().get(HttpHeaderNames.UPGRADE);
        // HTTP/2 over cleartext is declined by ignoring the offer (RFC 9113 §3.1 lets a server do so).
        if (upgradeTo != null && !upgradeTo.trim().equalsIgnoreCase("h2c")) {
            if (hasBody) {
                refuseAndClose(HttpResponseStatus.BAD_REQUEST, "an upgrade request has no body");
                return;
            }
            head = request;
            state = State.UPGRADE;
            return;
        }
        Router.Slot<Listener> slot = router.slot(PrefixMinter.prefixOf(path));
        if (slot == null) {
            // On a relay, a request for a registrant's page goes to the relay's agent, which takes
            // the body pieces that follow (its handler sits before this one).
            if (relay != null && relay.handleRequest(ctx, request, path, PeerAddresses.of(ctx.channel()))) {
                state = State.IDLE;
                return;
            }
            if (router.wasReleased(PrefixMinter.prefixOf(path))) {
                refuseAndClose(HttpResponseStatus.SERVICE_UNAVAILABLE, "the page that served this address is gone",
                        true);
                return;
            }
            refuseAndClose(HttpResponseStatus.NOT_FOUND, null);
            return;
        }
        if (REFUSED_METHODS.contains(request.method().name())) {
            refuseAndClose(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method().name() + " is not served here");
            return;
        }
        if (HttpUtil.getContentLength(request, 0L) > limits.maxRequestBodyBytes()) {
            refuseAndClose(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the request body exceeds "
                    + limits.maxRequestBodyBytes() + " bytes");
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        state = State.EXCHANGE;
        exchangeRequestRead = false;
        exchange = HttpExchange.start(slot, ctx.channel(), this, request, absoluteUrl(request),
                PeerAddresses.of(ctx.channel()), limits, budget, config.maxMessageBytes(), config.peerWaitMillis());
    }

    private void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (!content.decoderResult().isSuccess()) {
            content.release();
            if (exchange != null && state == State.EXCHANGE) {
                exchange.requestFailed(HttpResponseStatus.BAD_REQUEST, "malformed request body");
                exchange = null;
                state = State.DISCARD;
            } else {
                refuseAndClose(HttpResponseStatus.BAD_REQUEST, "malformed request body");
            }
            return;
        }
        switch (state) {
            case UPGRADE -> {
                content.release();
                if (last) {
                    upgrade();
                }
            }
            case EXCHANGE -> {
                PeerWatch watch = watch();
                if (last) {
                    exchangeRequestRead = true;
                    if (watch != null) {
                        watch.requestRead();
                    }
                }
                if (watch != null) {
                    watch.messageCompleted(); // passed on to the page: it is no longer held here
                }
                exchange.requestContent(content);
            }
            default -> content.release();
        }
    }

    /** The upgrade request is complete: a page's peer, or the relay's. */
    private void upgrade() {
        HttpRequest request = head;
        head = null;
        FullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                Unpooled.EMPTY_BUFFER, request.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        String path = new QueryStringDecoder(full.uri()).rawPath();
        String remote = PeerAddresses.of(ctx.channel());
        Router.Slot<Listener> slot = router.slot(PrefixMinter.prefixOf(path));
        if (slot != null) {
            ctx.pipeline().addAfter(ctx.name(), "handshake", new PeerHandshakeHandler(slot, config, budget, remote));
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(full);
            return;
        }
        if (relay != null && relay.handle(ctx, full, path, remote)) {
            return;
        }
        HttpResponses.sendStatus(ctx, full, HttpResponseStatus.NOT_FOUND, null);
        full.release();
        state = State.IDLE;
    }

    /** The URL the client asked for, as the page sees it: the scheme of this connection and its Host. */
    private String absoluteUrl(HttpRequest request) {
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            var local = (java.net.InetSocketAddress) ctx.channel().localAddress();
            host = (local.getAddress() instanceof java.net.Inet6Address ? "[" + org.browsersocket.runtime.net.AddressText.of(local.getAddress()) + "]"
                    : org.browsersocket.runtime.net.AddressText.of(local.getAddress())) + ":" + local.getPort();
        }
        return (tls ? "https://" : "http://") + host + request.uri();
    }

    @Override
    public void exchangeDone() {
        exchange = null;
        state = State.IDLE;
        PeerWatch watch = watch();
        if (watch != null) {
            watch.exchangeEnded();
        }
        // Requests that waited their turn.
        while (!held.isEmpty() && !(exchange != null && exchangeRequestRead) && ctx.channel().isActive()
                && ctx.pipeline().context(this) != null) {
            read(held.poll());
        }
        if (held.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void refuseAndClose(HttpResponseStatus status, String detail) {
        refuseAndClose(status, detail, false);
    }

    private void refuseAndClose(HttpResponseStatus status, String detail, boolean retryLater) {
        state = State.DISCARD;
        String body = status.code() + " " + status.reasonPhrase() + (detail == null ? "" : ": " + detail) + "\n";
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (retryLater) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, HttpResponses.RETRY_AFTER_SECONDS);
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(HttpResponses.LINGERING_CLOSE);
    }

    private PeerWatch watch() {
        return ctx.pipeline().get(PeerWatch.class);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof PeerWatch.Overrun overrun) {
            HttpResponseStatus status = overrun.code() == 1013 ? HttpResponseStatus.SERVICE_UNAVAILABLE
                    : HttpResponseStatus.REQUEST_TIMEOUT;
            if (exchange != null) {
                exchange.requestFailed(status, overrun.reason());
                exchange = null;
                state = State.DISCARD;
            } else {
                refuseAndClose(status, overrun.reason());
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientGone();
            exchange = null;
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
