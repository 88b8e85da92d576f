package org.browsersocket.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The native baseline for page-hosted HTTP: a plain Netty HTTP/1.1 server ({@code HttpServerCodec},
 * as the host runtime's public port uses, with the same worker threads: Netty's default, two per
 * core) answering {@code GET /bytes/N} and {@code GET /cached/N} with the bytes the benchmark page
 * answers: N bytes of the pattern {@code i % 251}, {@code Content-Type: application/octet-stream},
 * {@code Cache-Control: no-store} or {@code public, max-age=60}, {@code Accept-Ranges: bytes} and
 * the length, keep-alive. Bodies are made once per size and sent as read-only duplicates.
 */
public final class NativeHttpServer implements AutoCloseable {
    /** The cache-control of {@code /bytes/N}: nobody keeps it. */
    public static final String NO_STORE = "no-store";
    /** The cache-control of {@code /cached/N}: a shared cache may serve it for a minute. */
    public static final String CACHEABLE = "public, max-age=60";
    /** Largest body served (sizes above get 404): bounds what one request can make the server hold. */
    public static final int MAX_BODY_BYTES = 16 << 20;

    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("native-http-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("native-http-io", true));
    private final Map<Integer, ByteBuf> bodies = new ConcurrentHashMap<>();
    private final Channel server;

    private NativeHttpServer(String host, int port) throws InterruptedException {
        server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 10), new Handler());
                    }
                })
                .bind(host, port).sync().channel();
    }

    /** A server on a free port of 127.0.0.1. */
    public static NativeHttpServer start() throws InterruptedException {
        return new NativeHttpServer("127.0.0.1", 0);
    }

    /**
     * Runs the server as a process of its own (so its CPU time can be read apart from the load
     * generator's): prints {@code listening PORT}, stops on SIGTERM.
     */
    public static void main(String[] args) throws Exception {
        NativeHttpServer server = start();
        System.out.println("listening " + server.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The pattern body of {@code n} bytes, the same the benchmark page makes. */
    public static byte[] pattern(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    /**
     * The body size a path asks for, and whether it is the cacheable kind: {@code /bytes/N} or
     * {@code /cached/N} (a query string is ignored); null for anything else or N out of range.
     */
    static Ask parse(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        boolean cached;
        String rest;
        if (path.startsWith("/bytes/")) {
            cached = false;
            rest = path.substring("/bytes/".length());
        } else if (path.startsWith("/cached/")) {
            cached = true;
            rest = path.substring("/cached/".length());
        } else {
            return null;
        }
        if (rest.isEmpty() || rest.length() > 9 || !rest.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int n = Integer.parseInt(rest);
        return n <= MAX_BODY_BYTES ? new Ask(n, cached) : null;
    }

    record Ask(int bytes, boolean cached) {
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Ask ask = request.method().equals(HttpMethod.GET) ? parse(request.uri()) : null;
            FullHttpResponse response;
            if (ask == null) {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                        Unpooled.copiedBuffer("no such page\n", StandardCharsets.UTF_8));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            } else {
                ByteBuf body = bodies.computeIfAbsent(ask.bytes(),
                        n -> Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(pattern(n)).asReadOnly()));
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.duplicate());
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                        .set(HttpHeaderNames.CACHE_CONTROL, ask.cached() ? CACHEABLE : NO_STORE)
                        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
            }
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
