package org.browsersocket.runtime.reachability;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.browsersocket.protocol.ControlMessage.Candidate;
import org.browsersocket.runtime.net.AddressText;

/**
 * The candidates this machine's own addresses give: global IPv4 ({@code public}), global IPv6
 * ({@code ipv6}) and Teredo ({@code teredo}). Loopback, link-local, private, shared (CGNAT) and
 * unique-local addresses are never candidates: other networks cannot reach them.
 */
final class InterfaceAddresses {
    private static final Logger LOG = Logger.getLogger("browsersocket.reachability");

    private InterfaceAddresses() {}

    static List<Candidate> candidates(int port, boolean tls) {
        List<Candidate> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : nic.inetAddresses().toList()) {
                    String kind = kindOf(address);
                    if (kind != null) {
                        found.add(candidate(kind, address, port, tls, "address of interface " + nic.getName()));
                    }
                }
            }
        } catch (SocketException e) {
            LOG.fine("cannot list network interfaces: " + e.getMessage());
        }
        return found;
    }

    /** {@code public}, {@code ipv6}, {@code teredo}, or null for an address other networks cannot reach. */
    static String kindOf(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return null;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            boolean shared = (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10, carrier-grade NAT
            return shared || (b[0] & 0xff) == 0 ? null : "public";
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return null; // fc00::/7, unique local
            }
            boolean teredo = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0;
            return teredo ? "teredo" : "ipv6";
        }
        return null;
    }

    static Candidate candidate(String kind, InetAddress address, int port, boolean tls, String detail) {
        String host = address instanceof Inet6Address ? "[" + AddressText.of(address) + "]" : address.getHostAddress();
        return new Candidate(kind, address instanceof Inet6Address ? 6 : 4, (tls ? "wss://" : "ws://") + host + ":" + port,
                detail);
    }
}
