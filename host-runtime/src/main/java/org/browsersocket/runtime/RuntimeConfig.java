package org.browsersocket.runtime;

import java.util.Set;

/**
 * Settings of one host runtime.
 *
 * @param controlPort               loopback port for the script, status page and control channels (0 = any free)
 * @param publicPort                port of the public listener, IPv4 and IPv6 (0 = any free)
 * @param allowedOrigins            page origins that may open listeners, e.g. {@code http://localhost:8080}
 * @param maxMessageBytes           largest WebSocket message relayed; larger ones close the peer with 1009
 * @param maxListenersPerPage       listeners one page may open (one prefix is minted per listener)
 * @param maxConnectionsPerListener peers one listener may hold at once
 * @param peerWaitMillis            how long a peer waits for a page that is still binding its prefix,
 *                                  and for the page's answer to its handshake
 */
public record RuntimeConfig(int controlPort, int publicPort, Set<String> allowedOrigins,
                            int maxMessageBytes, int maxListenersPerPage,
                            int maxConnectionsPerListener, int peerWaitMillis) {
    public static final int DEFAULT_CONTROL_PORT = 7040;
    public static final int DEFAULT_PUBLIC_PORT = 7041;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    public RuntimeConfig {
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /** Defaults, with free ports and the given origins allowed: convenient for tests. */
    public static RuntimeConfig ephemeral(String... allowedOrigins) {
        return new RuntimeConfig(0, 0, Set.of(allowedOrigins), DEFAULT_MAX_MESSAGE_BYTES, 16, 20_000, 5_000);
    }

    public RuntimeConfig withMaxMessageBytes(int bytes) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, bytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis);
    }

    public RuntimeConfig withMaxConnectionsPerListener(int connections) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                connections, peerWaitMillis);
    }
}
