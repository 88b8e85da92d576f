package org.browsersocket.service.http;

import java.util.List;
import java.util.Objects;

/**
 * Where and how a service server listens: its addresses ({@code --bind}), one port for all of
 * them, and the {@link ServerLimits} of its connections.
 *
 * @param addresses at least one; {@link BindAddress#ANY} for every address
 * @param port      0 = any free port (the same one on every address)
 * @param limits    what one connection, one client and all of them are granted
 */
public record Listen(List<BindAddress> addresses, int port, ServerLimits limits) {

    public Listen {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(limits, "limits");
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a server listens on at least one address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port number: " + port);
        }
    }

    /** Every address, {@code port}, default limits. */
    public static Listen everywhere(int port) {
        return new Listen(List.of(BindAddress.ANY), port, ServerLimits.DEFAULTS);
    }

    /** The same, with other limits. */
    public Listen withLimits(ServerLimits other) {
        return new Listen(addresses, port, other);
    }
}
