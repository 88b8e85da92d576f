package org.browsersocket.address.teredo;

import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a Teredo address (RFC 4380): prefix 2001:0::/32, the Teredo server's IPv4, 16 flag
 * bits (0x8000 = cone NAT), the client's external UDP port XOR 0xFFFF and its external IPv4 XOR
 * 0xFFFFFFFF. Parsing, the prefix test and the embedded-IPv4 extraction are the IPAddress
 * library's; only the RFC's obfuscation is undone here.
 *
 * @param server the Teredo server's IPv4 address
 * @param client the client's external (NAT) IPv4 address
 * @param port   the client's external UDP port
 * @param cone   whether the cone-NAT flag is set
 * @param flags  the 16 flag bits as four hex digits
 */
public record Teredo(String server, String client, int port, boolean cone, String flags) {
    private static final int CONE_FLAG = 0x8000;

    /** The Teredo parts of {@code address}, or empty when it is not a Teredo address. */
    public static Optional<Teredo> decode(IPv6Address address) {
        if (!address.isTeredo()) {
            return Optional.empty();
        }
        IPv4Address server = address.getEmbeddedIPv4Address(4);
        int flags = address.getSegment(4).getSegmentValue();
        int port = address.getSegment(5).getSegmentValue() ^ 0xFFFF;
        IPv4Address client = new IPv4Address(~address.getEmbeddedIPv4Address(12).intValue());
        return Optional.of(new Teredo(server.toCanonicalString(), client.toCanonicalString(), port,
                (flags & CONE_FLAG) != 0, String.format(Locale.ROOT, "%04x", flags)));
    }
}
