package org.browsersocket.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Names the port that kept the runtime from starting. The runtime binds its public port and
 * then its control port, and a bind failure does not say which; once the runtime has released
 * what it bound, this tries each port the way the runtime binds it.
 */
final class BusyPort {

    private BusyPort() {
    }

    /**
     * {@code "public port 7041"} or {@code "control port 7040"}: the first of the two that cannot
     * be bound now; {@code "control port 7040 or public port 7041"} when both can (the other
     * program has gone meanwhile).
     */
    static String describe(int controlPort, int publicPort) {
        if (publicPort != 0 && !bindable(new InetSocketAddress(publicPort))) {
            return "public port " + publicPort;
        }
        if (controlPort != 0 && !bindable(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort))) {
            return "control port " + controlPort;
        }
        return "control port " + controlPort + " or public port " + publicPort;
    }

    private static boolean bindable(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
