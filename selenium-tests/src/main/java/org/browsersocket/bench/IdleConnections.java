package org.browsersocket.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many idle WebSocket connections from one process, non-blocking (two I/O threads for all of
 * them), opened with a bounded number of handshakes in flight.
 */
final class IdleConnections implements AutoCloseable {
    private static final int HANDSHAKES_IN_FLIGHT = 128;

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final ConcurrentLinkedQueue<Channel> open = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failed = new AtomicInteger();

    /** Opens {@code count} connections to {@code url}; returns once all finished their handshakes (or failed). */
    static IdleConnections open(String url, int count) throws InterruptedException {
        IdleConnections idle = new IdleConnections();
        URI uri = URI.create(url);
        Semaphore inFlight = new Semaphore(HANDSHAKES_IN_FLIGHT);
        Bootstrap bootstrap = new Bootstrap().group(idle.group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri).handshakeTimeoutMillis(30_000).build()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                            idle.open.add(ctx.channel());
                                            inFlight.release();
                                        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                                            idle.failed.incrementAndGet();
                                            inFlight.release();
                                        }
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ReferenceCountUtil.release(msg);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        if (!idle.open.contains(ctx.channel())) {
                                            idle.failed.incrementAndGet();
                                            inFlight.release();
                                        }
                                        ctx.close();
                                    }
                                });
                    }
                });
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            bootstrap.connect(uri.getHost(), uri.getPort()).addListener(f -> {
                if (!f.isSuccess()) {
                    idle.failed.incrementAndGet();
                    inFlight.release();
                }
            });
        }
        if (!inFlight.tryAcquire(HANDSHAKES_IN_FLIGHT, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("handshakes still unfinished after 60 s");
        }
        return idle;
    }

    int openCount() {
        return (int) open.stream().filter(Channel::isActive).count();
    }

    int failedCount() {
        return failed.get();
    }

    @Override
    public void close() {
        List<Channel> channels = List.copyOf(open);
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
