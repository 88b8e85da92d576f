package org.browsersocket.service.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import spark.Service;

/**
 * One Spark service instance on its own Jetty server ({@link ServiceJetty}), bound to the
 * addresses and port of a {@link Listen}, failing fast when they cannot be bound.
 *
 * <p>{@link BindAddress#ANY} is one socket on {@code ::} serving both families: on Linux the JDK
 * clears {@code IPV6_V6ONLY} on its IPv6 sockets, so IPv4 peers arrive as IPv4-mapped addresses.
 * With {@code -Djava.net.preferIPv4Stack=true} it is {@code 0.0.0.0}.
 *
 * <p>Spark starts Jetty on a background thread and, by default, calls {@code System.exit(100)}
 * when that fails. This class installs its own init exception handler instead, waits for the
 * start to finish, and turns a recorded failure into a {@link CannotListenException}. Spark
 * starts its server when the first route is mapped, so {@link #listen} maps them.
 */
public final class HttpListener {

    private final String name;
    private final Listen listen;
    private final Predicate<InetAddress> exempt;
    private final Service service;
    private final AtomicReference<Exception> startFailure = new AtomicReference<>();

    /**
     * Prepares (but does not start) a Spark instance.
     *
     * @param name   names the server's threads
     * @param listen addresses, port and limits
     * @param exempt peers the per-client connection cap does not apply to
     */
    public HttpListener(String name, Listen listen, Predicate<InetAddress> exempt) {
        this.name = name;
        this.listen = listen;
        this.exempt = exempt;
        this.service = Service.ignite();
        // Everything that configures the embedded server must precede the first route.
        service.embeddedServerIdentifier(ServiceJettyFactory.IDENTIFIER);
        service.port(listen.port());
        service.initExceptionHandler(startFailure::set);
        // Spark trusts X-Forwarded-* from any peer by default; the peer address must stay the
        // socket's unless a service honours forwarding headers deliberately (trusted proxies only).
        service.untrustForwardHeaders();
    }

    /**
     * Maps the routes, starts Jetty and waits until it listens on every address.
     *
     * @param routes maps the service's routes on the Spark instance
     * @return the bound port (the chosen one when 0 was requested)
     * @throws CannotListenException if an address could not be bound; Spark is stopped again
     */
    public int listen(Consumer<Service> routes) throws CannotListenException {
        try {
            ServiceJettyFactory.starting(name, listen, exempt, () -> {
                routes.accept(service);
                service.init();
                service.awaitInitialization();
                return null;
            });
        } catch (RuntimeException e) {
            stop(); // a route could not be mapped: a bug, not a port that cannot be bound
            throw e;
        } catch (Exception e) {
            startFailure.compareAndSet(null, e);
        }
        Exception failure = startFailure.get();
        if (failure != null) {
            stop();
            throw new CannotListenException(listen.port(), failure);
        }
        return service.port();
    }

    /** Stops Jetty and waits until it has stopped. */
    public void stop() {
        service.stop();
        service.awaitStop();
    }

    /** One line per bound address, e.g. {@code name listening on http://127.0.0.1:7050 (IPv4)}. */
    public List<String> describe(String name, int port) {
        List<String> lines = new ArrayList<>();
        for (BindAddress address : listen.addresses()) {
            for (String url : address.describe(port)) {
                lines.add(name + " listening on " + url);
            }
        }
        return lines;
    }
}
