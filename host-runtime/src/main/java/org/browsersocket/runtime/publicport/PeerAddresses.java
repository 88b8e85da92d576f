package org.browsersocket.runtime.publicport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.browsersocket.runtime.net.AddressText;

/**
 * The address a page is told its peer has: the socket's remote address, or, for a peer that came
 * through a relay, the address the relay saw it at.
 */
final class PeerAddresses {
    /** Set on a relayed peer's connection: the peer's address as the relay saw it. */
    static final AttributeKey<String> RELAYED_FROM = AttributeKey.valueOf("browsersocket.relayedFrom");

    private PeerAddresses() {}

    static String of(Channel channel) {
        String relayed = channel.attr(RELAYED_FROM).get();
        return relayed != null ? relayed : format(channel.remoteAddress());
    }

    /** {@code 192.0.2.7:50000} or {@code [2001:db8::7]:50000}. */
    static String format(java.net.SocketAddress socketAddress) {
        if (socketAddress instanceof InetSocketAddress address) {
            var ip = address.getAddress();
            if (ip instanceof Inet6Address) {
                return "[" + AddressText.of(ip) + "]:" + address.getPort();
            }
            return ip.getHostAddress() + ":" + address.getPort();
        }
        return String.valueOf(socketAddress);
    }
}
