package org.browsersocket.runtime.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import org.browsersocket.runtime.Transport;
import org.browsersocket.runtime.extension.NativeHostFile;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.status.ConsentActions;
import org.browsersocket.runtime.status.StatusPage;

/**
 * The control endpoint on 127.0.0.1: serves {@code browsersocket.js} and grants, the status page
 * with the user's consent actions, and the pages' control channels ({@code /control}).
 */
public final class ControlServer {
    /**
     * What the control endpoint's handlers share.
     *
     * @param nativeHost the native-messaging host's credentials, or null when none is served
     */
    record Shared(PageSession.Context pages, RuntimeScript script, Set<PageSession> sessions, StatusPage status,
                  ConsentActions consentActions, NativeHostFile nativeHost) {}

    private final Channel channel;

    private ControlServer(Channel channel) {
        this.channel = channel;
    }

    public static ControlServer bind(Transport transport, EventLoopGroup boss, EventLoopGroup workers, int port, PageSession.Context pages,
                                     Set<PageSession> sessions, StatusPage status, ConsentActions consentActions,
                                     NativeHostFile nativeHost) throws InterruptedException, java.net.BindException {
        Shared shared = new Shared(pages, new RuntimeScript(), sessions, status, consentActions, nativeHost);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                                .addLast("control-http", new ControlHttpHandler(shared));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        return new ControlServer(Transport.bind(bootstrap, address));
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        channel.close().syncUninterruptibly();
    }
}
