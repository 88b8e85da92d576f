package org.browsersocket.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Histogram;

/**
 * WebSocket client connections on a few Netty NIO event loops (never a thread per connection),
 * opened with a bounded number of handshakes in flight.
 */
final class Connector implements AutoCloseable {
    static final int HANDSHAKES_IN_FLIGHT = 128;
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Every attempt settles (opens or fails) within this: TCP connect plus handshake timeouts, and slack. */
    private static final long SETTLE_SECONDS = (CONNECT_TIMEOUT_MILLIS + HANDSHAKE_TIMEOUT_MILLIS) / 1000 + 5;
    /**
     * A loopback target and at least this many connections: they come from
     * {@value #LOOPBACK_SOURCES} source addresses (127.0.0.1 to 127.0.0.{@value #LOOPBACK_SOURCES}),
     * each with its own ephemeral ports, so tens of thousands of connections to one server port do
     * not run out of them (one source address has about 28,000).
     */
    static final int MANY_CONNECTIONS = 1000;
    static final int LOOPBACK_SOURCES = 8;
    /** Frames and messages up to this size are accepted (at least 16 MiB). */
    static final int MIN_MAX_MESSAGE_BYTES = 16 << 20;

    private final URI target;
    private final InetSocketAddress address;
    private final SslContext ssl;
    private final LoadState load;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final WebSocketClientProtocolConfig protocol;
    private final int maxMessageBytes;
    private final long epoch = System.nanoTime();
    private final Map<EventLoop, LoopStats> stats = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<EchoPeer> opened = new ConcurrentLinkedQueue<>();
    private final Semaphore handshakes = new Semaphore(HANDSHAKES_IN_FLIGHT);
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final AtomicReference<Throwable> firstLoss = new AtomicReference<>();
    private volatile boolean closing;
    private double connectSeconds;

    Connector(URI target, int threads, LoadState load) throws SSLException {
        this.target = target;
        this.load = load;
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + target);
        }
        if (target.getHost() == null) {
            throw new IllegalArgumentException("no host in " + target);
        }
        boolean secure = scheme.equals("wss");
        int port = target.getPort() != -1 ? target.getPort() : secure ? 443 : 80;
        this.address = new InetSocketAddress(target.getHost(), port);
        this.ssl = secure ? SslContextBuilder.forClient().build() : null;
        this.maxMessageBytes = Math.max(MIN_MAX_MESSAGE_BYTES, load == null ? 0 : load.messageBytes());
        this.protocol = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(target)
                .maxFramePayloadLength(maxMessageBytes)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .forceCloseTimeoutMillis(1000)
                .withUTF8Validator(false)
                .build();
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("load-generator", true));
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }

    /** Nanoseconds since this connector's epoch (the time base of message stamps). */
    long now() {
        return System.nanoTime() - epoch;
    }

    URI target() {
        return target;
    }

    /** Opens {@code count} connections; returns once every attempt opened or failed. */
    void connect(int count) throws InterruptedException, TimeoutException {
        InetSocketAddress[] sources = sources(count);
        long began = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!handshakes.tryAcquire(SETTLE_SECONDS, TimeUnit.SECONDS)) {
                throw new TimeoutException("connection attempts to " + target + " unsettled after " + SETTLE_SECONDS + " s");
            }
            EchoPeer peer = new EchoPeer(this, load);
            Bootstrap attempt = bootstrap.clone().handler(initializer(peer));
            ChannelFuture connecting = sources.length == 0 ? attempt.connect(address)
                    : attempt.connect(address, sources[i % sources.length]);
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    peer.fail(f.cause());
                }
            });
        }
        if (!handshakes.tryAcquire(HANDSHAKES_IN_FLIGHT, SETTLE_SECONDS, TimeUnit.SECONDS)) {
            throw new TimeoutException("connection attempts to " + target + " unsettled after " + SETTLE_SECONDS + " s");
        }
        handshakes.release(HANDSHAKES_IN_FLIGHT);
        connectSeconds = (System.nanoTime() - began) / 1e9;
    }

    /** The local addresses to spread {@code count} connections over; none: the system chooses. */
    private InetSocketAddress[] sources(int count) {
        InetAddress target = address.getAddress();
        if (count < MANY_CONNECTIONS || !(target instanceof Inet4Address) || !target.isLoopbackAddress()) {
            return new InetSocketAddress[0];
        }
        InetSocketAddress[] sources = new InetSocketAddress[LOOPBACK_SOURCES];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = new InetSocketAddress("127.0.0." + (i + 1), 0);
        }
        return sources;
    }

    private ChannelInitializer<SocketChannel> initializer(EchoPeer peer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ssl != null) {
                    ch.pipeline().addLast(ssl.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
                }
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                        new WebSocketClientProtocolHandler(protocol),
                        new WebSocketFrameAggregator(maxMessageBytes), peer);
            }
        };
    }

    LoopStats statsFor(EventLoop loop) {
        return stats.computeIfAbsent(loop, l -> new LoopStats());
    }

    void opened(EchoPeer peer) {
        live.incrementAndGet();
        opened.add(peer);
        handshakes.release();
    }

    void failed(Throwable cause) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, cause);
        handshakes.release();
    }

    void noteLoss(Throwable cause) {
        if (!closing) {
            firstLoss.compareAndSet(null, cause);
        }
    }

    void closed(EchoPeer peer) {
        live.decrementAndGet();
        if (!closing) {
            lost.incrementAndGet();
        }
    }

    /** Connections that completed their handshake, in the order they did. */
    List<EchoPeer> openedPeers() {
        return new ArrayList<>(opened);
    }

    int live() {
        return live.get();
    }

    int failures() {
        return failures.get();
    }

    /** Connections the server (or the network) closed after their handshake, before we closed them. */
    int lost() {
        return lost.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    Throwable firstLoss() {
        return firstLoss.get();
    }

    double connectSeconds() {
        return connectSeconds;
    }

    /** Everything the event loops recorded, read on the loops themselves. */
    static final class Totals {
        final Histogram latencyMicros = LoadGenerator.newHistogram();
        final Histogram connectMicros = LoadGenerator.newHistogram();
        long messages;
        long mismatched;
        long unanswered;
        long stalled;
    }

    /**
     * Takes the totals. With {@code finish}, messages still in flight are written off as
     * unanswered and echoes arriving later are ignored.
     */
    Totals collect(boolean finish) throws Exception {
        Totals totals = new Totals();
        List<Future<?>> tasks = new ArrayList<>();
        for (EventExecutor executor : group) {
            tasks.add(executor.submit(() -> {
                LoopStats s = stats.get(executor);
                if (s == null) {
                    return;
                }
                if (finish) {
                    s.peers.forEach(EchoPeer::writeOffInFlight);
                    s.collected = true;
                }
                synchronized (totals) {
                    totals.latencyMicros.add(s.latencyMicros);
                    totals.connectMicros.add(s.connectMicros);
                    totals.messages += s.messages;
                    totals.mismatched += s.mismatched;
                    totals.unanswered += s.unanswered;
                    totals.stalled += s.stalled;
                }
            }));
        }
        for (Future<?> task : tasks) {
            if (!task.await(10, TimeUnit.SECONDS)) {
                throw new TimeoutException("an event loop did not answer within 10 s");
            }
            if (!task.isSuccess()) {
                throw new IllegalStateException("collecting results failed", task.cause());
            }
        }
        synchronized (totals) {
            return totals;
        }
    }

    @Override
    public void close() {
        closing = true;
        for (EchoPeer peer : opened) {
            Channel channel = peer.channel();
            if (channel != null) {
                channel.close();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
