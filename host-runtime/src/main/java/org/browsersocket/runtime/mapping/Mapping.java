package org.browsersocket.runtime.mapping;

import java.time.Instant;

/**
 * What a gateway granted: the public port reachable at {@code externalAddress:externalPort}.
 *
 * @param protocol        "PCP", "NAT-PMP" or "UPnP"
 * @param family          4 for a mapping through the IPv4 NAT, 6 for an IPv6 firewall pinhole
 * @param externalAddress where peers connect (the host's own address for a pinhole)
 * @param externalPort    the port peers connect to
 * @param internalPort    the runtime's public port
 * @param lifetimeSeconds the lifetime granted (0: until deleted); renewed at half of it
 * @param expires         when it ends unless renewed (null: never)
 * @param gateway         the gateway that granted it
 */
public record Mapping(String protocol, int family, String externalAddress, int externalPort, int internalPort,
                      long lifetimeSeconds, Instant expires, String gateway) {
    /** What a gateway granted just now: it expires {@code lifetimeSeconds} from now (0: never). */
    static Mapping grantedNow(String protocol, int family, String externalAddress, int externalPort, int internalPort,
                              long lifetimeSeconds, String gateway) {
        return new Mapping(protocol, family, externalAddress, externalPort, internalPort, lifetimeSeconds,
                lifetimeSeconds == 0 ? null : Instant.now().plusSeconds(lifetimeSeconds), gateway);
    }

    /** E.g. "NAT-PMP on 10.1.0.1 mapped TCP 203.0.113.11:7041 → :7041 for 7200 s". */
    public String describe() {
        String external = family == 6 ? "[" + externalAddress + "]:" + externalPort : externalAddress + ":" + externalPort;
        return protocol + " on " + gateway + (family == 6 ? " opened an IPv6 pinhole TCP " : " mapped TCP ") + external
                + " → :" + internalPort + (lifetimeSeconds == 0 ? " (no expiry)" : " for " + lifetimeSeconds + " s");
    }
}
