package org.browsersocket.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.browsersocket.runtime.relay.RelayLimits;

/**
 * How a runtime makes itself reachable from other networks, and whether it helps others to be.
 *
 * @param portMapping ask the gateway (PCP, NAT-PMP, UPnP-IGD) to map the public port
 * @param relay       serve as a relay: runtimes behind NATs may register with this one
 * @param relayToken  with {@code relay}: registrants must present it (null: an open relay); without
 *                    {@code relay}: presented to the relays of {@code viaRelays}
 * @param viaRelays   relays to register with, by their public port ({@code ws://} or {@code wss://})
 * @param tlsCert     PEM certificate chain of the public port (null: plain {@code ws://})
 * @param tlsKey      PEM private key of {@code tlsCert}
 * @param relayTrust  PEM certificates trusted for {@code wss://} relays besides the system's (null: none)
 * @param relayLimits with {@code relay}: what each registrant may use, and the relay's cache for their pages
 */
public record ReachabilityConfig(boolean portMapping, boolean relay, String relayToken, List<URI> viaRelays,
                                 Path tlsCert, Path tlsKey, Path relayTrust, RelayLimits relayLimits) {
    public ReachabilityConfig {
        viaRelays = List.copyOf(viaRelays);
    }

    /** What tests start with: no gateway asked, no relay served or used, no TLS. */
    public static ReachabilityConfig none() {
        return new ReachabilityConfig(false, false, null, List.of(), null, null, null, RelayLimits.defaults());
    }

    /** Whether the public port speaks TLS. */
    public boolean tls() {
        return tlsCert != null;
    }

    public ReachabilityConfig withRelay(boolean serve, String token) {
        return new ReachabilityConfig(portMapping, serve, token, viaRelays, tlsCert, tlsKey, relayTrust, relayLimits);
    }

    public ReachabilityConfig withViaRelays(List<URI> relays, String token) {
        return new ReachabilityConfig(portMapping, relay, token, relays, tlsCert, tlsKey, relayTrust, relayLimits);
    }

    public ReachabilityConfig withTls(Path cert, Path key) {
        return new ReachabilityConfig(portMapping, relay, relayToken, viaRelays, cert, key, relayTrust, relayLimits);
    }

    public ReachabilityConfig withRelayTrust(Path trust) {
        return new ReachabilityConfig(portMapping, relay, relayToken, viaRelays, tlsCert, tlsKey, trust, relayLimits);
    }

    public ReachabilityConfig withRelayLimits(RelayLimits limits) {
        return new ReachabilityConfig(portMapping, relay, relayToken, viaRelays, tlsCert, tlsKey, relayTrust, limits);
    }

    /** With {@code relay}: keep a shared HTTP cache for the registrants' pages (null: none). */
    public ReachabilityConfig withRelayCache(org.browsersocket.runtime.relay.RelayCacheLimits cache) {
        return withRelayLimits(relayLimits.withCache(cache));
    }

    public ReachabilityConfig withPortMapping(boolean map) {
        return new ReachabilityConfig(map, relay, relayToken, viaRelays, tlsCert, tlsKey, relayTrust, relayLimits);
    }
}
