package org.browsersocket.address.caller;

import inet.ipaddr.IPAddress;

/**
 * Who asked, as the service sees them: an IPv4 or IPv6 address (IPv4-mapped IPv6 already turned
 * into IPv4) and, when known, the source port.
 */
public record Caller(IPAddress address, Integer port) {
    /** 4 or 6. */
    public int version() {
        return address.isIPv4() ? 4 : 6;
    }

    /** The address in its canonical text form, e.g. {@code 203.0.113.7} or {@code 2001:db8::1}. */
    public String text() {
        return address.toCanonicalString();
    }
}
