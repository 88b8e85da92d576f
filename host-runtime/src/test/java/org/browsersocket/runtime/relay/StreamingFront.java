package org.browsersocket.runtime.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.limits.PeerAdmission;
import org.browsersocket.runtime.limits.PeerLimits;

/**
 * A relay's public port reduced to what {@link RelayEndpoints} needs, with plain HTTP requests
 * handed to the relay by their head alone ({@link RelayEndpoints#handleRequest}), their bodies
 * streaming after: links, attach connections and upgrades are collected whole, as the runtime's
 * own front does.
 */
final class StreamingFront implements AutoCloseable {
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final Channel server;

    StreamingFront(RelayLimits limits, int waitMillis) throws InterruptedException {
        RelayHub hub = new RelayHub(null, limits, new PeerAdmission(PeerLimits.defaults()));
        RelayEndpoints endpoints = new RelayEndpoints(hub, waitMillis);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpServerCodec(8192, 16384, 64 << 10))
                                .addLast("dispatch", new Front(endpoints));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Front extends ChannelInboundHandlerAdapter {
        private final RelayEndpoints endpoints;
        private HttpRequest collecting;
        private CompositeByteBuf collected;

        Front(RelayEndpoints endpoints) {
            this.endpoints = endpoints;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest head) {
                String path = new QueryStringDecoder(head.uri()).rawPath();
                if (RelayPaths.isRelayPath(path) || head.headers().contains(HttpHeaderNames.UPGRADE)) {
                    collecting = head;
                    collected = ctx.alloc().compositeBuffer();
                } else if (!endpoints.handleRequest(ctx, head, path, "192.0.2.1:1")) {
                    HttpResponses.sendStatus(ctx, head, HttpResponseStatus.NOT_FOUND, null);
                }
            }
            if (msg instanceof HttpContent content && collecting != null) {
                collected.addComponent(true, content.content().retain());
                if (content instanceof LastHttpContent) {
                    FullHttpRequest full = new DefaultFullHttpRequest(collecting.protocolVersion(), collecting.method(),
                            collecting.uri(), collected, collecting.headers(), EmptyHttpHeaders.INSTANCE);
                    collecting = null;
                    collected = null;
                    if (!endpoints.handle(ctx, full, new QueryStringDecoder(full.uri()).rawPath(), "192.0.2.1:1")) {
                        HttpResponses.sendStatus(ctx, full, HttpResponseStatus.NOT_FOUND, null);
                        full.release();
                    }
                }
            }
            ReferenceCountUtil.release(msg); // (content of a request nobody took is dropped here too)
        }
    }
}
