package org.browsersocket.runtime.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.limits.AcceptGate;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerAdmission;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.routing.Router;

/**
 * The public listener peers connect to. It binds the wildcard address, which on a dual-stack
 * machine accepts IPv4 and IPv6 on one port.
 */
public final class PublicServer {
    private final Channel channel;

    private PublicServer(Channel channel) {
        this.channel = channel;
    }

    /** Binds the public port; {@code admission} sheds connections first, each then has its {@link PeerWatch}. */
    public static PublicServer bind(EventLoopGroup boss, EventLoopGroup workers, Router<Listener> router,
                                    RuntimeConfig config, AcceptGate acceptGate, PeerAdmission admission,
                                    MemoryBudget budget)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .handler(acceptGate)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("admission", admission)
                                .addLast("watch", new PeerWatch(config.peerLimits(), budget))
                                .addLast("http", new HttpServerCodec(8192, 16384, 8192))
                                .addLast("http-aggregator", new HttpObjectAggregator(8192))
                                .addLast("handshake", new PeerHandshakeHandler(router, config, budget));
                    }
                });
        return new PublicServer(bootstrap.bind(new InetSocketAddress(config.publicPort())).sync().channel());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        channel.close().syncUninterruptibly();
    }
}
