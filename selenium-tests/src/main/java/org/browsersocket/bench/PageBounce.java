package org.browsersocket.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.browsersocket.browser.Chromium;

/**
 * The physical part of a page-hosted echo's round trip: a native WebSocket server (Netty, the
 * stack the host runtime is built on) and a page that does nothing but send every message back
 * over a plain browser WebSocket. The server times send → receive, so one round trip here is the
 * cost of carrying a message into the page's renderer and out again, with no BrowserSocket code
 * on the way. A page-hosted echo cannot beat {@code native echo + this bounce}: its messages
 * cross the same boundary, plus a native hop.
 *
 * <p>Netty rather than Java-WebSocket: with the latter's server sending from the measuring thread,
 * now and then a bounce never came back (the page's socket open, nothing buffered in it), and a
 * closed loop waits for every one.
 */
public final class PageBounce implements AutoCloseable {
    /** The page side: a plain WebSocket that answers every message with itself. */
    private static final String BOUNCER = """
            var ws = new WebSocket(arguments[0]);
            ws.binaryType = 'arraybuffer';
            ws.onmessage = function (e) { ws.send(e.data); };
            window.browsersocketBounce = ws;
            """;
    private static final int MAX_MESSAGE_BYTES = 16 << 20;

    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("page-bounce", true));
    private final CountDownLatch pageConnected = new CountDownLatch(1);
    /** The round being run (event loop only). */
    private Round current;
    private volatile Channel page;
    private Channel listener;

    private PageBounce() {}

    /**
     * Starts the server and has the page currently open in {@code chromium} connect to it; the
     * page keeps whatever else it runs (so the bounce shares the renderer with a page-hosted echo).
     */
    public static PageBounce open(Chromium chromium) throws InterruptedException {
        PageBounce bounce = new PageBounce();
        try {
            bounce.listen();
            chromium.script(BOUNCER, "ws://127.0.0.1:" + ((InetSocketAddress) bounce.listener.localAddress()).getPort() + "/");
            if (!bounce.pageConnected.await(15, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the page did not connect to the bounce server");
            }
            return bounce;
        } catch (RuntimeException | InterruptedException e) {
            bounce.close();
            throw e;
        }
    }

    private void listen() throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/").maxFramePayloadLength(MAX_MESSAGE_BYTES).build()),
                                new WebSocketFrameAggregator(MAX_MESSAGE_BYTES), new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                                            page = ctx.channel();
                                            pageConnected.countDown();
                                        }
                                        ctx.fireUserEventTriggered(event);
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        long now = System.nanoTime();
                                        try {
                                            if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame) {
                                                bounced(now);
                                            }
                                        } finally {
                                            ReferenceCountUtil.release(msg);
                                        }
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /**
     * Sends {@code count} binary messages of {@code size} bytes one after another, recording each
     * round trip in µs. The loop runs on the server's event loop (each bounce that arrives sends the
     * next message at once), so no hand-over between threads is timed: the bounce is the browser's
     * part alone, and the floor it makes is not inflated by the harness.
     */
    public void run(int count, int size, Histogram into) throws InterruptedException {
        Round round = new Round(count, Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[size])), into);
        page.eventLoop().execute(() -> {
            current = round;
            round.send();
        });
        if (!round.done.await(Math.max(30, count / 10), TimeUnit.SECONDS)) {
            page.eventLoop().execute(() -> current = null);
            throw new IllegalStateException("bounce " + round.received + " of " + count + " did not come back from the page in time");
        }
    }

    /** A bounce arrived (on the event loop). */
    private void bounced(long now) {
        Round round = current;
        if (round != null) {
            round.arrived(now);
        }
    }

    /** One closed loop of bounces, driven from the event loop. */
    private final class Round {
        final int count;
        final io.netty.buffer.ByteBuf payload;
        final Histogram into;
        final CountDownLatch done = new CountDownLatch(1);
        int received;
        long sent;

        Round(int count, io.netty.buffer.ByteBuf payload, Histogram into) {
            this.count = count;
            this.payload = payload;
            this.into = into;
        }

        void send() {
            if (received == count) {
                current = null;
                done.countDown();
                return;
            }
            sent = System.nanoTime();
            page.writeAndFlush(new BinaryWebSocketFrame(payload.duplicate()), page.voidPromise());
        }

        void arrived(long now) {
            received++;
            if (into != null) {
                into.recordValue(Math.max(1, (now - sent) / 1000));
            }
            send();
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        if (page != null) {
            page.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
