package org.browsersocket.service.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds out, before a service sets anything up, whether its port can be bound: it binds and
 * releases the port on every address of a {@link Listen}. A service whose start-up leaves traces
 * (the discovery service creates its store) asks first, so that a busy port leaves nothing
 * behind. The server's own bind still decides; this only makes the common failure early.
 */
public final class PortProbe {

    private PortProbe() {
    }

    /**
     * Returns when {@code listen}'s port was free on each of its addresses a moment ago (or is 0,
     * any free port); otherwise throws, naming the port and the reason.
     */
    public static void requireFree(Listen listen) throws CannotListenException {
        if (listen.port() == 0) {
            return;
        }
        for (BindAddress address : listen.addresses()) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is not busy
                socket.bind(new InetSocketAddress(address.host(), listen.port()));
            } catch (IOException e) {
                throw new CannotListenException(listen.port(), e);
            }
        }
    }
}
