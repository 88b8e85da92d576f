package org.browsersocket.runtime.relay.link;

import io.netty.channel.Channel;

/** Where a registrant hands the connection it opened to a relay for one relayed peer. */
public interface AttachedPeerSink {
    /** Serve {@code channel} as a peer's own connection; the relay saw the peer at {@code peerAddress}. */
    void adopt(Channel channel, String peerAddress);

    /** The event loop of the page listening on {@code prefix}, or null if none does. */
    io.netty.channel.EventLoop eventLoopFor(String prefix);
}
