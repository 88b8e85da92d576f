package org.browsersocket.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.SocketAddress;

/**
 * Netty's transport for every socket of the runtime: Linux's native epoll where its library loads,
 * Java NIO otherwise. The public port, the control port and the relay links all take their event
 * loops and channel classes from here, because a channel can only be registered with an event loop
 * of its own transport (a page's peer, its control channel and its relayed connections share loops).
 * Epoll costs less per connection (no JDK selector keys and channel wrappers) and accepts faster.
 */
public final class Transport {
    /** Which transport to use: {@code AUTO} picks epoll where available. */
    public enum Kind { AUTO, EPOLL, NIO }

    private final boolean epoll;
    private final String reason;

    private Transport(boolean epoll, String reason) {
        this.epoll = epoll;
        this.reason = reason;
    }

    /**
     * The transport for {@code wanted}; {@code EPOLL} where epoll cannot load is refused (an
     * {@link IllegalArgumentException} saying why), {@code AUTO} then falls back to NIO.
     */
    public static Transport of(Kind wanted) {
        if (wanted == Kind.NIO) {
            return new Transport(false, "as asked");
        }
        if (Epoll.isAvailable()) {
            return new Transport(true, wanted == Kind.EPOLL ? "as asked" : "Linux's native transport");
        }
        String why = Epoll.unavailabilityCause() == null ? "unknown" : Epoll.unavailabilityCause().toString();
        if (wanted == Kind.EPOLL) {
            throw new IllegalArgumentException("the epoll transport is unavailable here (" + why + "); use --transport nio");
        }
        return new Transport(false, "epoll is unavailable: " + why);
    }

    /** {@code epoll} or {@code nio}. */
    public String name() {
        return epoll ? "epoll" : "nio";
    }

    /** Why this transport was chosen, for the start-up log. */
    public String reason() {
        return reason;
    }

    /** A group of {@code threads} event loops on daemon threads named {@code threadName-…}. */
    public EventLoopGroup newGroup(int threads, String threadName) {
        DefaultThreadFactory factory = new DefaultThreadFactory(threadName, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** The listening socket's channel class, for this transport's groups. */
    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** An outgoing connection's channel class, for this transport's groups. */
    public Class<? extends Channel> clientChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Binds {@code bootstrap} to {@code address}. A busy address is a {@link BindException} on
     * either transport (epoll reports it as an exception of its own), so callers can name the port.
     */
    public static Channel bind(ServerBootstrap bootstrap, SocketAddress address) throws InterruptedException,
            BindException {
        ChannelFuture bound = bootstrap.bind(address).await();
        if (bound.cause() instanceof Errors.NativeIoException e
                && String.valueOf(e.getMessage()).contains("Address already in use")) {
            BindException busy = new BindException("Address already in use");
            busy.initCause(e);
            throw busy;
        }
        return bound.sync().channel(); // rethrows any other failure as it is
    }

    @Override
    public String toString() {
        return name();
    }
}
