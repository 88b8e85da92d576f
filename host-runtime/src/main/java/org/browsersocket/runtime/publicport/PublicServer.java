package org.browsersocket.runtime.publicport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.Transport;
import org.browsersocket.runtime.limits.AcceptGate;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.limits.PeerAdmission;
import org.browsersocket.runtime.limits.PeerWatch;
import org.browsersocket.runtime.limits.WatchSweeps;
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.relay.RelayEndpoints;
import org.browsersocket.runtime.relay.link.AttachedPeerSink;
import org.browsersocket.runtime.routing.Router;

/**
 * The public listener peers connect to. It binds the wildcard address, which on a dual-stack
 * machine accepts IPv4 and IPv6 on one port; with a certificate it speaks TLS ({@code wss://}).
 * Peers that reach this runtime through a relay arrive on connections the runtime opened itself
 * ({@link #adopt}) and are then treated exactly like direct ones.
 */
public final class PublicServer implements AttachedPeerSink {
    private static final WriteBufferWaterMark PEER_WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
    /** Netty makes one per connection unless given one; its state is per connection in its handles. */
    private static final AdaptiveRecvByteBufAllocator READ_SIZES = new AdaptiveRecvByteBufAllocator();

    private final Channel channel;
    private final Router<Listener> router;
    private final RuntimeConfig config;
    private final MemoryBudget budget;
    private final WatchSweeps sweeps;

    private PublicServer(Channel channel, Router<Listener> router, RuntimeConfig config, MemoryBudget budget,
                         WatchSweeps sweeps) {
        this.channel = channel;
        this.router = router;
        this.config = config;
        this.budget = budget;
        this.sweeps = sweeps;
    }

    /**
     * Binds the public port; {@code admission} sheds connections first, each then has its
     * {@link PeerWatch}. {@code tls}: null for plain {@code ws://}. {@code relay}: null unless
     * this runtime serves as a relay.
     */
    public static PublicServer bind(Transport transport, EventLoopGroup boss, EventLoopGroup workers, Router<Listener> router,
                                    RuntimeConfig config, AcceptGate acceptGate, PeerAdmission admission,
                                    MemoryBudget budget, SslContext tls, RelayEndpoints relay)
            throws InterruptedException, java.net.BindException {
        WatchSweeps sweeps = new WatchSweeps(config.peerLimits());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .handler(acceptGate)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, PEER_WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READ_SIZES)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // A relay keeps "ssl" and "admission" when it turns a connection into a
                        // spliced byte stream, and removes the rest.
                        if (tls != null) {
                            ch.pipeline().addLast("ssl", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("admission", admission);
                        addPeerHandlers(ch.pipeline(), config, budget, sweeps, new RequestDispatcher(router, config, budget, relay));
                    }
                });
        Channel bound = Transport.bind(bootstrap, new InetSocketAddress(config.publicPort()));
        return new PublicServer(bound, router, config, budget, sweeps);
    }

    private static void addPeerHandlers(ChannelPipeline pipeline, RuntimeConfig config, MemoryBudget budget,
                                        WatchSweeps sweeps, RequestDispatcher dispatcher) {
        pipeline.addLast("watch", new PeerWatch(config.peerLimits(), budget, sweeps));
        PeerHttpCodec.addTo(pipeline, config.peerLimits().http().maxHeaderBytes());
        pipeline.addLast("dispatch", dispatcher);
    }

    /**
     * Takes a connection this runtime opened to a relay for one relayed peer (whose address the
     * relay saw as {@code peerAddress}): from now on it is served like a peer's own connection.
     */
    @Override
    public void adopt(Channel relayed, String peerAddress) {
        relayed.attr(PeerAddresses.RELAYED_FROM).set(peerAddress);
        relayed.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, PEER_WATER_MARK);
        addPeerHandlers(relayed.pipeline(), config, budget, sweeps, new RequestDispatcher(router, config, budget, null));
    }

    @Override
    public io.netty.channel.EventLoop eventLoopFor(String prefix) {
        Router.Slot<Listener> slot = router.slot(prefix);
        var bound = slot == null ? null : slot.bound();
        Listener listener = bound == null || !bound.isDone() || bound.isCompletedExceptionally() ? null : bound.join();
        return listener == null ? null : listener.session().eventLoop();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        channel.close().syncUninterruptibly();
    }
}
