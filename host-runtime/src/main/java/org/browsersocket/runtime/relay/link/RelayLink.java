package org.browsersocket.runtime.relay.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import org.browsersocket.runtime.Transport;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.browsersocket.runtime.relay.RelayCodec;
import org.browsersocket.runtime.relay.RelayMessage;
import org.browsersocket.runtime.relay.RelayPaths;

/**
 * This runtime's registration with one relay: an outbound WebSocket link that says which prefixes
 * the relay should pass here, and that the relay uses to ask for attach connections. It
 * reconnects with backoff for as long as the runtime runs.
 */
public final class RelayLink {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");
    /** The link is pinged after this long without writing; the relay's pong (or anything) keeps it alive. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(20);
    /** A link that reads nothing for this many ping intervals is taken for dead and reconnected. */
    private static final int SILENT_PINGS = 3;
    /** How long a publish or purge waits for the relay's answer. */
    private static final long AGENT_ANSWER_SECONDS = 30;
    /** Publishes and purges under way at once (each publish holds its body); more are not sent. */
    private static final int MAX_AGENT_REQUESTS = 64;

    /** What the status page shows of this link. */
    public record Status(String relay, String state, String since, int routes, long peers, String lastError) {}

    private final RelayAddress relay;
    private final String token;
    private final String key;
    private final Transport transport;
    private final EventLoopGroup group;
    private final SslContext tls;
    private final AttachDialer dialer;
    private final Runnable changed;
    private final RelayCodec codec = new RelayCodec();
    private final Backoff backoff = new Backoff();
    private final Set<String> wanted;
    private final Set<String> routed = ConcurrentHashMap.newKeySet();
    private final AtomicLong peers = new AtomicLong();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicInteger agentRequests = new AtomicInteger();
    /** Publishes and purges sent, by id, until the relay answers (true: done). */
    private final Map<Long, CompletableFuture<Boolean>> answers = new ConcurrentHashMap<>();
    /** Publishes and purges waiting for the relay to route their prefix, by prefix. */
    private final Map<String, CompletableFuture<Boolean>> routedSoon = new ConcurrentHashMap<>();
    /** The largest response the relay keeps for a page; null while it keeps none (or is not registered). */
    private volatile Long maxPublishBytes;
    private volatile Channel link;
    private volatile String state = "connecting";
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    private volatile boolean closed;
    private String lastLogged;
    private final Duration pingInterval;
    /** Pongs the relay sent (they show the link is alive). */
    private final java.util.concurrent.atomic.AtomicLong pongs = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param wanted  the prefixes this runtime's listeners hold now (shared, kept up to date by the caller)
     * @param changed called when the link registers or drops (reachability changed)
     */
    RelayLink(URI url, String token, String key, Transport transport, EventLoopGroup group, SslContext tls, AttachedPeerSink sink,
              Set<String> wanted, Runnable changed) {
        this(url, token, key, transport, group, tls, sink, wanted, changed, PING_INTERVAL);
    }

    /** A link pinged every {@code pingInterval} of not writing (for tests: shorter than the default). */
    RelayLink(URI url, String token, String key, Transport transport, EventLoopGroup group, SslContext tls, AttachedPeerSink sink,
              Set<String> wanted, Runnable changed, Duration pingInterval) {
        this.pingInterval = pingInterval;
        this.relay = RelayAddress.of(url);
        this.token = token;
        this.key = key;
        this.transport = transport;
        this.group = group;
        this.tls = relay.secure() ? tls : null;
        this.dialer = new AttachDialer(relay, transport, group, this.tls, sink);
        this.wanted = wanted;
        this.changed = changed;
    }

    public RelayAddress relay() {
        return relay;
    }

    /** How many pongs the relay has sent on this link (all connections of it). */
    long pongs() {
        return pongs.get();
    }

    /** Registered now: peers can reach this runtime's listeners through the relay. */
    public boolean registered() {
        return "registered".equals(state);
    }

    public Status status() {
        return new Status(relay.base(), state, since.toString(), routed.size(), peers.get(), lastError);
    }

    void connect() {
        if (closed) {
            return;
        }
        URI linkUri = URI.create((relay.secure() ? "wss://" : "ws://") + (relay.host().contains(":")
                ? "[" + relay.host() + "]" : relay.host()) + ":" + relay.port() + RelayPaths.LINK);
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        if (token != null) {
            headers.set(RelayPaths.TOKEN_HEADER, token);
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(linkUri).customHeaders(headers).maxFramePayloadLength(RelayCodec.MAX_FRAME)
                .handshakeTimeoutMillis(10_000).dropPongFrames(false).handleCloseFrames(false).build(); // a pong is life
        new Bootstrap().group(group).channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("ssl", clientTlsHandler(tls, ch, relay));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config),
                                new IdleStateHandler(pingInterval.toMillis() * SILENT_PINGS, pingInterval.toMillis(), 0,
                                        TimeUnit.MILLISECONDS), new LinkHandler());
                    }
                })
                .connect(relay.host(), relay.port())
                .addListener(done -> {
                    if (!done.isSuccess()) {
                        dropped("cannot connect: " + done.cause().getMessage());
                    }
                });
    }

    /** A TLS handler for the relay's host name, checking that the certificate is the relay's. */
    static SslHandler clientTlsHandler(SslContext tls, SocketChannel ch, RelayAddress relay) {
        SslHandler handler = tls.newHandler(ch.alloc(), relay.host(), relay.port());
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return handler;
    }

    /** A listener bound {@code prefix}: route it here. */
    void bound(String prefix) {
        send(new RelayMessage.Add(prefix));
    }

    /** A listener let {@code prefix} go. */
    void released(String prefix) {
        routed.remove(prefix);
        var waiting = routedSoon.remove(prefix);
        if (waiting != null) {
            waiting.complete(false);
        }
        send(new RelayMessage.Remove(prefix));
    }

    private void send(RelayMessage message) {
        Channel l = link;
        if (l != null && registered()) {
            l.writeAndFlush(new TextWebSocketFrame(codec.encode(message)), l.voidPromise());
        }
    }

    /**
     * Hands the relay a response to keep at {@code prefix + path}, once it routes {@code prefix}
     * for this runtime (a page may publish as soon as it listens), if it keeps copies. Completes
     * with whether it stored it (never exceptionally).
     */
    CompletableFuture<Boolean> publish(String prefix, String path, int status, List<List<String>> headers, byte[] body) {
        return bounded(() -> whenRouted(prefix).thenCompose(routes -> {
            Long max = maxPublishBytes;
            if (!routes || max == null || body.length > max) {
                return CompletableFuture.completedFuture(false);
            }
            long id = nextId.incrementAndGet();
            RelayMessage.Publish publish;
            try {
                publish = new RelayMessage.Publish(id, prefix, path, status, headers, body.length);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.completedFuture(false);
            }
            // Its frames go out together, from the link's event loop: nothing else binary comes between.
            return ask(id, l -> {
                l.write(new TextWebSocketFrame(codec.encode(publish)));
                codec.bodyFrames(body).forEach(l::write);
                l.writeAndFlush(new TextWebSocketFrame(codec.encode(new RelayMessage.PublishEnd(id))));
            });
        }));
    }

    /** Asks the relay to forget what it keeps at {@code prefix + path} (all under prefix: path null). */
    CompletableFuture<Boolean> purge(String prefix, String path) {
        return bounded(() -> whenRouted(prefix).thenCompose(routes -> {
            if (!routes || maxPublishBytes == null) {
                return CompletableFuture.completedFuture(false);
            }
            long id = nextId.incrementAndGet();
            RelayMessage.Purge purge = new RelayMessage.Purge(id, prefix, path);
            return ask(id, l -> l.writeAndFlush(new TextWebSocketFrame(codec.encode(purge))));
        }));
    }

    /** Runs {@code request} unless {@link #MAX_AGENT_REQUESTS} are under way (then: false). */
    private CompletableFuture<Boolean> bounded(Supplier<CompletableFuture<Boolean>> request) {
        if (agentRequests.incrementAndGet() > MAX_AGENT_REQUESTS) {
            agentRequests.decrementAndGet();
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> answer = request.get();
        answer.whenComplete((done, failure) -> agentRequests.decrementAndGet());
        return answer;
    }

    /**
     * Completes with true once the relay routes {@code prefix} here (at once if it does), with
     * false if this runtime does not listen on it or the relay has not routed it within
     * {@link #AGENT_ANSWER_SECONDS}.
     */
    private CompletableFuture<Boolean> whenRouted(String prefix) {
        if (registered() && routed.contains(prefix)) {
            return CompletableFuture.completedFuture(true);
        }
        if (closed || !wanted.contains(prefix)) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> signal = routedSoon.computeIfAbsent(prefix, p -> {
            var soon = new CompletableFuture<Boolean>();
            group.schedule(() -> {
                routedSoon.remove(p, soon);
                soon.complete(false);
            }, AGENT_ANSWER_SECONDS, TimeUnit.SECONDS);
            return soon;
        });
        if (registered() && routed.contains(prefix)) { // added meanwhile
            routedSoon.remove(prefix, signal);
            signal.complete(true);
        }
        return signal;
    }

    private CompletableFuture<Boolean> ask(long id, Consumer<Channel> send) {
        Channel l = link;
        if (l == null || !registered()) {
            return CompletableFuture.completedFuture(false);
        }
        var answer = new CompletableFuture<Boolean>();
        answers.put(id, answer);
        var timeout = group.schedule(() -> answered(id, false), AGENT_ANSWER_SECONDS, TimeUnit.SECONDS);
        answer.whenComplete((done, failure) -> timeout.cancel(false));
        l.eventLoop().execute(() -> {
            if (l.isActive()) {
                send.accept(l);
            } else {
                answered(id, false);
            }
        });
        return answer;
    }

    private void answered(long id, boolean done) {
        var answer = answers.remove(id);
        if (answer != null) {
            answer.complete(done);
        }
    }

    private void dropped(String why) {
        boolean wasRegistered = registered();
        link = null;
        routed.clear();
        maxPublishBytes = null;
        List.copyOf(answers.keySet()).forEach(id -> answered(id, false));
        if (why != null) {
            lastError = why;
        }
        if (closed) {
            state = "stopped";
            return;
        }
        long delay = backoff.nextDelayMillis();
        state = "retrying";
        since = Instant.now();
        if (wasRegistered) {
            LOG.info("relay " + relay.base() + ": link lost (" + (lastError == null ? "the relay closed it" : lastError)
                    + "); reconnecting");
            changed.run();
        } else if (lastError != null && !lastError.equals(lastLogged)) {
            LOG.warning("relay " + relay.base() + ": " + lastError + "; retrying (every " + delay / 1000 + " s at first, up to 30 s)");
        }
        lastLogged = lastError;
        group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    void close() {
        closed = true;
        Channel l = link;
        if (l != null) {
            l.close();
        }
    }

    private final class LinkHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                link = ctx.channel();
                ctx.writeAndFlush(new TextWebSocketFrame(codec.encode(new RelayMessage.Hello(key))));
            } else if (event instanceof IdleStateEvent idle) {
                if (idle.state() == io.netty.handler.timeout.IdleState.READER_IDLE) {
                    lastError = "the relay was silent for " + pingInterval.multipliedBy(SILENT_PINGS).toSeconds() + " s";
                    ctx.close();
                } else {
                    ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
                }
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                lastError = "the relay closed the link: " + close.statusCode() + " " + close.reasonText();
                if (close.statusCode() != 1000 && close.statusCode() != 1001) {
                    LOG.warning("relay " + relay.base() + ": " + lastError);
                }
                ctx.close();
                return;
            }
            if (frame instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame) {
                pongs.incrementAndGet();
                return;
            }
            if (!(frame instanceof TextWebSocketFrame text)) {
                return;
            }
            RelayMessage message;
            try {
                message = codec.decode(text.text());
            } catch (IllegalArgumentException e) {
                lastError = "the relay sent " + e.getMessage();
                ctx.close();
                return;
            }
            if (message instanceof RelayMessage.Welcome welcome) {
                state = "registered";
                since = Instant.now();
                lastError = null;
                backoff.reset();
                maxPublishBytes = welcome.maxPublishBytes();
                LOG.info("relay " + relay.base() + ": registered (up to " + welcome.maxConnections()
                        + " relayed peers, " + (welcome.bytesPerSecond() >> 10) + " KiB/s)");
                wanted.forEach(RelayLink.this::bound);
                send(new RelayMessage.Synced()); // routes kept from before this link that are not wanted go
                changed.run();
            } else if (message instanceof RelayMessage.Added added) {
                routed.add(added.prefix());
                var waiting = routedSoon.remove(added.prefix());
                if (waiting != null) {
                    waiting.complete(true);
                }
            } else if (message instanceof RelayMessage.Refused refused) {
                LOG.warning("relay " + relay.base() + " refused to route a listener: " + refused.reason());
                lastError = "a route was refused: " + refused.reason();
            } else if (message instanceof RelayMessage.Stored stored) {
                if (stored.refused() != null) {
                    LOG.fine("relay " + relay.base() + " did not keep a published response: " + stored.refused());
                }
                answered(stored.id(), stored.refused() == null);
            } else if (message instanceof RelayMessage.Purged purged) {
                answered(purged.id(), purged.refused() == null);
            } else if (message instanceof RelayMessage.Dial dial) {
                dialer.dial(dial.stream(), dial.prefix(), dial.remoteAddress(), peers::incrementAndGet);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof WebSocketClientHandshakeException refused) {
                lastError = refused.getMessage().contains("401")
                        ? "the relay refused the registration: wrong or missing relay token (--relay-token)"
                        : "the relay refused the registration: " + refused.getMessage();
            } else if (cause instanceof javax.net.ssl.SSLException || cause.getCause() instanceof javax.net.ssl.SSLException) {
                Throwable tls = cause instanceof javax.net.ssl.SSLException ? cause : cause.getCause();
                lastError = "TLS with the relay failed (is its certificate trusted? see --relay-trust): " + tls.getMessage();
            } else {
                lastError = String.valueOf(cause.getMessage());
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            dropped(null);
            ctx.fireChannelInactive();
        }
    }
}
