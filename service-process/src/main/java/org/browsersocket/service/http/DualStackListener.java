package org.browsersocket.service.http;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import spark.Service;

/**
 * Binds a Spark service instance to one port on every IPv4 and IPv6 address, and fails fast
 * when the port cannot be bound.
 *
 * <p>One socket on {@code ::} serves both families: on Linux the JDK clears
 * {@code IPV6_V6ONLY} on its IPv6 sockets, so IPv4 peers arrive as IPv4-mapped addresses. With
 * {@code -Djava.net.preferIPv4Stack=true} only {@code 0.0.0.0} is bound.
 *
 * <p>Spark starts Jetty on a background thread and, by default, calls {@code System.exit(100)}
 * when that fails. This class installs its own init exception handler instead, waits for the
 * start to finish, and turns a recorded failure into a {@link CannotListenException}. Use:
 * {@link #DualStackListener(int) create}, map routes on {@link #service()}, then
 * {@link #listen()}. Spark resolves port 0 by probing a free port and then binding Jetty to it.
 */
public final class DualStackListener {

    private static final String ANY_IPV4 = "0.0.0.0";
    private static final String ANY_IPV6 = "::";

    private final int requestedPort;
    private final boolean ipv6;
    private final Service service;
    private final AtomicReference<Exception> startFailure = new AtomicReference<>();

    /** Prepares (but does not start) a Spark instance for {@code port}; 0 = any free port. */
    public DualStackListener(int port) {
        this.requestedPort = port;
        this.ipv6 = !Boolean.getBoolean("java.net.preferIPv4Stack");
        JsonErrors.install();
        this.service = Service.ignite();
        // Everything that configures the embedded server must precede the first route.
        service.ipAddress(ipv6 ? ANY_IPV6 : ANY_IPV4);
        service.port(port);
        service.initExceptionHandler(startFailure::set);
        // Spark trusts X-Forwarded-* from any peer by default; the peer address must stay the
        // socket's unless a service honours forwarding headers deliberately (trusted proxies
        // only).
        service.untrustForwardHeaders();
    }

    /** The Spark instance to map routes on before {@link #listen()}. */
    public Service service() {
        return service;
    }

    /**
     * Starts Jetty and waits until it listens.
     *
     * @return the bound port (the chosen one when 0 was requested)
     * @throws CannotListenException if the port could not be bound; Spark is stopped again
     */
    public int listen() throws CannotListenException {
        service.init();
        service.awaitInitialization();
        Exception failure = startFailure.get();
        if (failure != null) {
            stop();
            throw new CannotListenException(requestedPort, failure);
        }
        return service.port();
    }

    /** Stops Jetty and waits until it has stopped. */
    public void stop() {
        service.stop();
        service.awaitStop();
    }

    /** One line per bound address, e.g. {@code name listening on http://0.0.0.0:7050 (IPv4)}. */
    public List<String> describe(String name, int port) {
        String v4 = name + " listening on http://" + ANY_IPV4 + ":" + port + " (IPv4)";
        String v6 = name + " listening on http://[" + ANY_IPV6 + "]:" + port + " (IPv6)";
        return ipv6 ? List.of(v4, v6) : List.of(v4);
    }
}
