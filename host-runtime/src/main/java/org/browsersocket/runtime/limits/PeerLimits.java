package org.browsersocket.runtime.limits;

import java.time.Duration;

/**
 * What the public port allows one peer and all of them together: the deadlines a peer must meet
 * (like nginx's and Envoy's header, body and idle timeouts) and the caps that keep one address,
 * or everyone at once, from exhausting the runtime's file descriptors or memory.
 *
 * @param handshakeTimeout          a peer must complete its upgrade request within this
 * @param messageTimeout            a message started (a fragment, or part of a frame) must be
 *                                  completed within this
 * @param idleTimeout               an open connection silent this long is pinged, and closed if it
 *                                  stays silent as long again
 * @param maxConnectionsPerAddress  connections one IPv4 address or IPv6 /64 may hold
 * @param maxPublicConnections      connections on the public port altogether
 * @param memoryBudgetBytes         bytes the runtime holds for peers at once: messages still
 *                                  arriving, and messages peers are slow to read
 * @param http                      what an HTTP request to a page may take
 */
public record PeerLimits(Duration handshakeTimeout, Duration messageTimeout, Duration idleTimeout,
                         int maxConnectionsPerAddress, int maxPublicConnections, long memoryBudgetBytes,
                         HttpLimits http) {
    public PeerLimits(Duration handshakeTimeout, Duration messageTimeout, Duration idleTimeout,
                      int maxConnectionsPerAddress, int maxPublicConnections, long memoryBudgetBytes) {
        this(handshakeTimeout, messageTimeout, idleTimeout, maxConnectionsPerAddress, maxPublicConnections,
                memoryBudgetBytes, HttpLimits.defaults());
    }

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    public static final int DEFAULT_MAX_PUBLIC_CONNECTIONS = 50_000;

    /** The defaults; the memory budget is a quarter of the JVM's maximum heap. */
    public static PeerLimits defaults() {
        return new PeerLimits(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MESSAGE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_PUBLIC_CONNECTIONS, defaultMemoryBudget());
    }

    public static long defaultMemoryBudget() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    public PeerLimits withTimeouts(Duration handshake, Duration message, Duration idle) {
        return new PeerLimits(handshake, message, idle, maxConnectionsPerAddress, maxPublicConnections, memoryBudgetBytes,
                http);
    }

    public PeerLimits withConnectionCaps(int perAddress, int total) {
        return new PeerLimits(handshakeTimeout, messageTimeout, idleTimeout, perAddress, total, memoryBudgetBytes, http);
    }

    public PeerLimits withMemoryBudget(long bytes) {
        return new PeerLimits(handshakeTimeout, messageTimeout, idleTimeout, maxConnectionsPerAddress,
                maxPublicConnections, bytes, http);
    }

    public PeerLimits withHttp(HttpLimits limits) {
        return new PeerLimits(handshakeTimeout, messageTimeout, idleTimeout, maxConnectionsPerAddress,
                maxPublicConnections, memoryBudgetBytes, limits);
    }
}
