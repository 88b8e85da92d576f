package org.browsersocket.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.browsersocket.runtime.limits.PeerLimits;

/**
 * Settings of one host runtime.
 *
 * @param controlPort               loopback port for the script, status page and control channels (0 = any free)
 * @param publicPort                port of the public listener, IPv4 and IPv6 (0 = any free)
 * @param allowedOrigins            page origins allowed by flag, e.g. {@code http://localhost:8080}; others
 *                                  wait for the user's answer on the status page
 * @param maxMessageBytes           largest WebSocket message relayed; larger ones close the peer with 1009
 * @param maxListenersPerPage       listeners one page may open (one prefix is minted per listener)
 * @param maxConnectionsPerListener peers one listener may hold at once
 * @param peerWaitMillis            how long a peer waits for a page that is still binding its prefix,
 *                                  and for the page's answer to its handshake
 * @param configDir                 where the user's consent decisions and the native-messaging host's
 *                                  connection file live; null keeps decisions in memory and serves no
 *                                  native-messaging host
 * @param consentTimeout            how long a page waits for the user to allow its origin
 * @param peerLimits                deadlines and caps of the public port
 * @param reach                     port mapping, relays and TLS of the public port
 * @param io                        transport and event-loop threads
 */
public record RuntimeConfig(int controlPort, int publicPort, Set<String> allowedOrigins,
                            int maxMessageBytes, int maxListenersPerPage,
                            int maxConnectionsPerListener, int peerWaitMillis,
                            Path configDir, Duration consentTimeout, PeerLimits peerLimits,
                            ReachabilityConfig reach, IoSettings io) {
    public static final int DEFAULT_CONTROL_PORT = 7040;
    public static final int DEFAULT_PUBLIC_PORT = 7041;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(120);

    public RuntimeConfig {
        allowedOrigins = Set.copyOf(allowedOrigins);
        java.util.Objects.requireNonNull(io, "io");
    }

    /** With the default transport and threads. */
    public RuntimeConfig(int controlPort, int publicPort, Set<String> allowedOrigins, int maxMessageBytes,
                         int maxListenersPerPage, int maxConnectionsPerListener, int peerWaitMillis, Path configDir,
                         Duration consentTimeout, PeerLimits peerLimits, ReachabilityConfig reach) {
        this(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage, maxConnectionsPerListener,
                peerWaitMillis, configDir, consentTimeout, peerLimits, reach, IoSettings.defaults());
    }

    /** Defaults, with free ports, no configuration directory and the given origins allowed: for tests. */
    public static RuntimeConfig ephemeral(String... allowedOrigins) {
        return new RuntimeConfig(0, 0, Set.of(allowedOrigins), DEFAULT_MAX_MESSAGE_BYTES, 16, 20_000, 5_000,
                null, DEFAULT_CONSENT_TIMEOUT, PeerLimits.defaults(), ReachabilityConfig.none());
    }

    /** The user's configuration directory: {@code $XDG_CONFIG_HOME/browsersocket} or {@code ~/.config/browsersocket}. */
    public static Path defaultConfigDir() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("browsersocket");
    }

    public RuntimeConfig withMaxMessageBytes(int bytes) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, bytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, configDir, consentTimeout, peerLimits, reach, io);
    }

    public RuntimeConfig withMaxConnectionsPerListener(int connections) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                connections, peerWaitMillis, configDir, consentTimeout, peerLimits, reach, io);
    }

    public RuntimeConfig withConfigDir(Path dir) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, dir, consentTimeout, peerLimits, reach, io);
    }

    public RuntimeConfig withConsentTimeout(Duration timeout) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, configDir, timeout, peerLimits, reach, io);
    }

    public RuntimeConfig withPeerLimits(PeerLimits limits) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, configDir, consentTimeout, limits, reach, io);
    }

    public RuntimeConfig withReach(ReachabilityConfig r) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, configDir, consentTimeout, peerLimits, r, io);
    }

    public RuntimeConfig withIo(IoSettings settings) {
        return new RuntimeConfig(controlPort, publicPort, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, configDir, consentTimeout, peerLimits, reach, settings);
    }

    public RuntimeConfig withPorts(int control, int pub) {
        return new RuntimeConfig(control, pub, allowedOrigins, maxMessageBytes, maxListenersPerPage,
                maxConnectionsPerListener, peerWaitMillis, configDir, consentTimeout, peerLimits, reach, io);
    }
}
