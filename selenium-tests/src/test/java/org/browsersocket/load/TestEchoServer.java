package org.browsersocket.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny Netty WebSocket echo server on a free loopback port, with misbehaviours for tests:
 * stall once, close connections after some messages, or swallow messages without echoing.
 */
final class TestEchoServer implements AutoCloseable {
    private static final int MAX_MESSAGE = 32 << 20;

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private Channel server;

    private int stallAfter = -1;
    private long stallMillis;
    private int receiveBuffer = -1;
    /** How long the stall actually lasted, 0 until it ended. */
    private final AtomicLong stallNanos = new AtomicLong();
    private int closeAfter = -1;
    private boolean silent;
    private long withhold = -1;
    /** The echo held back on a connection until its next frame of any kind, ping included. */
    private final java.util.Map<Channel, Object> withheld = new ConcurrentHashMap<>();

    private final AtomicLong received = new AtomicLong();
    private final AtomicBoolean stalled = new AtomicBoolean();
    final AtomicInteger openWebSockets = new AtomicInteger();
    /** The client addresses (without ports) WebSockets were opened from. */
    final Set<String> clientAddresses = ConcurrentHashMap.newKeySet();
    final AtomicLong textFrames = new AtomicLong();
    final AtomicLong binaryFrames = new AtomicLong();
    final AtomicLong nonAsciiTextFrames = new AtomicLong();

    /** Blocks the server's I/O thread once, for {@code millis}, when message number {@code after} arrives. */
    TestEchoServer stallOnceAfter(int after, long millis) {
        this.stallAfter = after;
        this.stallMillis = millis;
        return this;
    }

    /** Gives every connection a socket receive buffer of {@code bytes}, so a stalled reader pushes back at once. */
    TestEchoServer receiveBuffer(int bytes) {
        this.receiveBuffer = bytes;
        return this;
    }

    /** How long the stall of {@link #stallOnceAfter} lasted; 0 until it ended. */
    long stallNanos() {
        return stallNanos.get();
    }

    /** Closes each connection after echoing {@code messages} messages on it. */
    TestEchoServer closeEachAfter(int messages) {
        this.closeAfter = messages;
        return this;
    }

    /**
     * Holds the echo of message number {@code message} back until its connection receives another
     * frame of any kind (a ping included), as a Java-WebSocket server now and then does.
     */
    TestEchoServer withholdEchoUntilNextFrame(long message) {
        this.withhold = message;
        return this;
    }

    /** Reads messages and never answers. */
    TestEchoServer silent() {
        this.silent = true;
        return this;
    }

    TestEchoServer start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap();
        if (receiveBuffer > 0) {
            // On the listening socket, so accepted sockets have it from their handshake on.
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        server = bootstrap.group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // ReleaseWithheld sits before the protocol handler, which answers pings itself.
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new ReleaseWithheld(),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/").checkStartsWith(true).maxFramePayloadLength(MAX_MESSAGE).build()),
                                new WebSocketFrameAggregator(MAX_MESSAGE), new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return this;
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/echo");
    }

    long received() {
        return received.get();
    }

    /** Sends a connection's withheld echo when any further frame arrives on it. */
    private final class ReleaseWithheld extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Object held = msg instanceof io.netty.handler.codec.http.websocketx.WebSocketFrame ? withheld.remove(ctx.channel()) : null;
            if (held != null) {
                ctx.writeAndFlush(held);
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class Echo extends ChannelInboundHandlerAdapter {
        private int echoedHere;
        private boolean open;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                open = true;
                openWebSockets.incrementAndGet();
                clientAddresses.add(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (open) {
                openWebSockets.decrementAndGet();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws InterruptedException {
            if (!(msg instanceof TextWebSocketFrame) && !(msg instanceof BinaryWebSocketFrame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                textFrames.incrementAndGet();
                if (!ascii(text.content())) {
                    nonAsciiTextFrames.incrementAndGet();
                }
            } else {
                binaryFrames.incrementAndGet();
            }
            long n = received.incrementAndGet();
            if (n == stallAfter && stalled.compareAndSet(false, true)) {
                long began = System.nanoTime();
                Thread.sleep(stallMillis); // the stall under test: blocks this I/O thread, which neither reads nor writes
                stallNanos.set(System.nanoTime() - began);
            }
            if (silent) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (n == withhold) {
                withheld.put(ctx.channel(), msg);
                return;
            }
            ctx.writeAndFlush(msg);
            if (++echoedHere == closeAfter) {
                ctx.writeAndFlush(new CloseWebSocketFrame()).addListener(f -> ctx.close());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private boolean ascii(ByteBuf content) {
            for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
                byte b = content.getByte(i);
                if (b < 0x20 || b > 0x7e) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
