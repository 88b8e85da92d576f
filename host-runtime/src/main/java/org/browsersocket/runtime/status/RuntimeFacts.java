package org.browsersocket.runtime.status;

import java.util.List;
import org.browsersocket.runtime.RuntimeConfig;

/**
 * What the runtime is and how it is set up, as its status page shows it.
 *
 * @param publicScheme {@code ws} or {@code wss}
 * @param configDir    where consent decisions are kept, or null when nothing is kept
 * @param startedAt    epoch milliseconds
 */
public record RuntimeFacts(String version, String controlUrl, int publicPort, String publicScheme,
                           List<String> allowedOrigins, String configDir, long startedAt, Limits limits) {
    /** The limits the runtime enforces on pages and peers. */
    public record Limits(int maxMessageBytes, int maxListenersPerPage, int maxConnectionsPerListener,
                         int maxPublicConnections, int maxConnectionsPerAddress, long memoryBudgetBytes,
                         long handshakeTimeoutMillis, long idleTimeoutMillis) {}

    /** The facts of a runtime set up with {@code config}. */
    public static RuntimeFacts of(RuntimeConfig config, String version, String controlUrl, int publicPort, long startedAt) {
        var peers = config.peerLimits();
        return new RuntimeFacts(version, controlUrl, publicPort, config.reach().tls() ? "wss" : "ws",
                config.allowedOrigins().stream().sorted().toList(),
                config.configDir() == null ? null : config.configDir().toString(), startedAt,
                new Limits(config.maxMessageBytes(), config.maxListenersPerPage(), config.maxConnectionsPerListener(),
                        peers.maxPublicConnections(), peers.maxConnectionsPerAddress(), peers.memoryBudgetBytes(),
                        peers.handshakeTimeout().toMillis(), peers.idleTimeout().toMillis()));
    }
}
