package org.browsersocket.runtime.page;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.routing.Router;

/**
 * Takes a peer's upgrade request for a page's prefix: waits (without blocking the event loop) for
 * the page to bind that prefix and to answer {@code onhandshake}, then completes or refuses the
 * WebSocket handshake.
 */
public final class PeerHandshakeHandler extends ChannelInboundHandlerAdapter implements PeerConnection.HandshakeAnswers {
    private static final Logger LOG = Logger.getLogger("browsersocket.public");

    private final Router.Slot<Listener> slot;
    private final RuntimeConfig config;
    private final MemoryBudget budget;
    private final String remoteAddress;
    private ChannelHandlerContext ctx;
    private io.netty.util.concurrent.EventExecutor loop;
    private FullHttpRequest request;
    private ScheduledFuture<?> deadline;
    private PeerConnection connection;

    /** For a request to {@code slot}'s prefix from a peer at {@code remoteAddress} (as the page sees it). */
    public PeerHandshakeHandler(Router.Slot<Listener> slot, RuntimeConfig config, MemoryBudget budget,
                                String remoteAddress) {
        this.slot = slot;
        this.config = config;
        this.budget = budget;
        this.remoteAddress = remoteAddress;
    }

    private PeerWatch watch() {
        return ctx.pipeline().get(PeerWatch.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.loop = ctx.executor();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req) || request != null) {
            ReferenceCountUtil.release(msg); // nothing may follow the upgrade request until we answer
            return;
        }
        if (!req.method().equals(HttpMethod.GET) || !req.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
            respond(req, HttpResponseStatus.UPGRADE_REQUIRED, "this is a WebSocket endpoint");
            return;
        }
        request = req;
        CompletableFuture<Listener> bound = slot.bound();
        if (bound.isDone()) {
            admit(bound);
        } else {
            // The page loaded its script but has not opened this listener yet: wait a little.
            deadline = ctx.executor().schedule(() -> respond(request, HttpResponseStatus.NOT_FOUND, null),
                    config.peerWaitMillis(), TimeUnit.MILLISECONDS);
            bound.whenComplete((listener, error) -> ctx.executor().execute(() -> {
                if (deadline.cancel(false)) {
                    admit(bound);
                }
            }));
        }
    }

    private void admit(CompletableFuture<Listener> bound) {
        Listener listener = bound.isCompletedExceptionally() ? null : bound.getNow(null);
        if (listener == null || request == null) {
            respond(request, HttpResponseStatus.NOT_FOUND, null);
            return;
        }
        try {
            connection = listener.session().admit(listener, ctx.channel(), request, remoteAddress, this);
        } catch (PageSession.Refusal refusal) {
            respond(request, HttpResponseStatus.valueOf(refusal.status), refusal.getMessage());
            return;
        }
        deadline = ctx.executor().schedule(() -> {
            connection.listener().session().handshakeAbandoned(connection, "page did not answer the handshake");
            respond(request, HttpResponseStatus.GATEWAY_TIMEOUT, "the page did not answer in time");
        }, config.peerWaitMillis(), TimeUnit.MILLISECONDS);
    }

    /** The page accepted: complete the handshake on this channel's event loop. */
    @Override
    public void accept(String protocol, Map<String, String> headers) {
        loop.execute(() -> {
            if (request == null || !deadline.cancel(false)) {
                return;
            }
            PageSession session = connection.listener().session();
            if (protocol != null && !offeredProtocols().contains(protocol)) {
                session.handshakeAbandoned(connection, "subprotocol " + protocol + " was not offered by the peer");
                respond(request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "the page chose a subprotocol the peer did not offer");
                return;
            }
            // Protocol violations are answered by PeerFrameHandler, with a close frame (Netty's own
            // answer would end the connection without one).
            WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(config.maxMessageBytes()).allowExtensions(false)
                    .closeOnProtocolViolation(false).build();
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                    "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(),
                    protocol, decoderConfig).newHandshaker(request);
            if (handshaker == null) {
                session.handshakeAbandoned(connection, "unsupported WebSocket version");
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                release();
                return;
            }
            HttpHeaders extra = new DefaultHttpHeaders(false);
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (!isSettableHeader(header.getKey())) {
                    continue;
                }
                if (!isValidHeaderValue(header.getValue())) {
                    session.handshakeAbandoned(connection, "the page's response header " + header.getKey()
                            + " has a value with control characters");
                    session.sendError(null, "response header " + header.getKey() + " was refused: its value may not"
                            + " contain CR, LF or other control characters", false);
                    respond(request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "the page answered with an invalid header");
                    return;
                }
                extra.add(header.getKey(), header.getValue());
            }
            Channel channel = ctx.channel();
            ctx.pipeline().addAfter(ctx.name(), "ws-utf8", new Utf8FrameValidator(false));
            ctx.pipeline().addAfter("ws-utf8", "ws-aggregator", new WebSocketFrameAggregator(config.maxMessageBytes()));
            PeerWatch watch = watch();
            ctx.pipeline().addAfter("ws-aggregator", "peer", new PeerFrameHandler(connection, watch, budget));
            FullHttpRequest upgrade = request;
            request = null;
            ctx.pipeline().remove(this);
            // The connection keeps this handler as its handshake's answerer for as long as it is
            // open: let go of what an open connection does not need (the removed handler contexts
            // this one links to, the cancelled deadline), so that an idle peer costs less.
            ctx = null;
            deadline = null;
            watch.upgraded();
            handshaker.handshake(channel, upgrade, extra, channel.newPromise()).addListener(done -> {
                if (done.isSuccess()) {
                    session.opened(connection, handshaker.selectedSubprotocol());
                } else {
                    session.handshakeAbandoned(connection, "handshake failed");
                    channel.close();
                }
            });
            upgrade.release();
        });
    }

    /** The page's {@code onhandshake} refused the peer. */
    @Override
    public void reject(int status, String reason) {
        loop.execute(() -> {
            if (request != null && (deadline == null || deadline.cancel(false))) {
                respond(request, HttpResponseStatus.valueOf(status), reason);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (connection != null) {
            connection.listener().session().handshakeAbandoned(connection, "peer left during the handshake");
        }
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "peer " + remoteAddress + " failed during the handshake", cause);
        ctx.close();
    }

    /** The peer missed a deadline before its handshake completed (or the memory budget is spent). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof PeerWatch.Overrun overrun) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (connection != null) {
                connection.listener().session().handshakeAbandoned(connection, overrun.reason());
            }
            if (request != null) {
                respond(request, overrun.code() == 1013 ? HttpResponseStatus.SERVICE_UNAVAILABLE
                        : HttpResponseStatus.REQUEST_TIMEOUT, overrun.reason());
            } else {
                HttpResponses.sendStatus(ctx, null, overrun.code() == 1013 ? HttpResponseStatus.SERVICE_UNAVAILABLE
                        : HttpResponseStatus.REQUEST_TIMEOUT, overrun.reason());
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** A header value may not contain CR, LF or other control characters (tab excepted). */
    static boolean isValidHeaderValue(String value) {
        return value != null && value.length() <= 4096
                && value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f));
    }

    private void respond(FullHttpRequest req, HttpResponseStatus status, String detail) {
        if (req == null) {
            return;
        }
        HttpResponses.sendStatus(ctx, req, status, detail);
        if (req == request) {
            request = null;
        }
        req.release();
    }

    private void release() {
        if (request != null) {
            request.release();
            request = null;
        }
    }

    private java.util.List<String> offeredProtocols() {
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
        return java.util.Arrays.stream(offered.split(",")).map(String::trim).toList();
    }

    /** A page may add headers to the 101 response, but not ones that define the handshake itself. */
    static boolean isSettableHeader(String name) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            return false;
        }
        String lower = name.toLowerCase();
        return !lower.startsWith("sec-websocket-") && !lower.equals("upgrade") && !lower.equals("connection")
                && !lower.equals("content-length") && !lower.equals("transfer-encoding");
    }
}
