package org.browsersocket.service.http;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import spark.embeddedserver.EmbeddedServer;
import spark.embeddedserver.jetty.websocket.WebSocketHandlerWrapper;
import spark.ssl.SslStores;

/**
 * The Jetty server under one Spark service, built from a {@link Listen} instead of Spark's
 * defaults (which are: every address, a one-hour idle timeout, forwarding headers trusted, bodies
 * read on request threads): one connector per bound address, all on one port, with the idle
 * timeout, the per-client connection cap and first-request deadline ({@link ClientConnectionCap}),
 * non-blocking body reading
 * ({@link BodyBuffer}), a cap on all connections and JSON errors ({@link JsonErrors}).
 */
final class ServiceJetty implements EmbeddedServer {

    private final String name;
    private final Listen listen;
    private final Predicate<InetAddress> exempt;
    private final Handler routes;
    private volatile Server server;

    /**
     * @param name   names the threads
     * @param listen addresses, port and limits
     * @param exempt peers the per-client cap does not apply to
     * @param routes Spark's handler
     */
    ServiceJetty(String name, Listen listen, Predicate<InetAddress> exempt, Handler routes) {
        this.name = name;
        this.listen = listen;
        this.exempt = exempt;
        this.routes = routes;
    }

    /** No WebSocket routes: nothing to set up. */
    @Override
    public void configureWebSockets(Map<String, WebSocketHandlerWrapper> handlers, Optional<Long> idleTimeoutMillis) {
    }

    private static final int SELECTORS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** Binds every address, then starts; Spark's host, port and thread settings are not used. */
    @Override
    public int ignite(String host, int port, SslStores sslStores, int maxThreads, int minThreads,
                      int threadIdleTimeoutMillis) throws Exception {
        ServerLimits limits = listen.limits();
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), Math.min(8, limits.maxThreads()), 60_000);
        threads.setName(name);
        Server jetty = new Server(threads);
        jetty.setErrorHandler(new JsonErrors());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // tells probes the Jetty version, and costs every response a header
        http.setIdleTimeout(limits.idleTimeout().toMillis()); // blocking reads and writes, too
        Scheduler scheduler = new ScheduledExecutorScheduler(name + "-timer", true);
        jetty.addBean(scheduler);
        ClientConnectionCap cap = new ClientConnectionCap(limits.connectionsPerClient(), exempt, scheduler,
                limits.requestDeadline());
        List<ServerConnector> connectors = new ArrayList<>();
        int bound = listen.port();
        try {
            for (BindAddress address : listen.addresses()) {
                // One selector per core: Jetty's default (half the cores) left one selector thread
                // handling every connection's reads on two cores, and a core partly idle under load
                // (GET /address under wrk: 42,000 requests/s with one, 46,000-52,000 with two).
                ServerConnector connector = new ServerConnector(jetty, null, scheduler, null, 1, SELECTORS,
                        new HttpConnectionFactory(http));
                connector.setHost(address.host());
                connector.setPort(bound);
                connector.setIdleTimeout(limits.idleTimeout().toMillis());
                connector.addBean(cap, false);
                connectors.add(connector);
                connector.open(); // binds now, so port 0 is resolved for the next address
                bound = connector.getLocalPort();
            }
        } catch (IOException | RuntimeException e) {
            connectors.forEach(ServerConnector::close);
            throw e;
        }
        connectors.forEach(jetty::addConnector);
        jetty.addBean(new ConnectionLimit(limits.maxConnections(), jetty));

        BodyBuffer bodies = new BodyBuffer(limits.maxBodyBytes(), limits.requestDeadline());
        bodies.setHandler(routes);
        cap.setHandler(bodies);
        jetty.setHandler(cap);
        server = jetty;
        jetty.start();
        return bound;
    }

    @Override
    public void join() throws InterruptedException {
        Server jetty = server;
        if (jetty != null) {
            jetty.join();
        }
    }

    @Override
    public void extinguish() {
        Server jetty = server;
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                throw new IllegalStateException(name + " did not stop cleanly: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public int activeThreadCount() {
        Server jetty = server;
        return jetty == null ? 0 : jetty.getThreadPool().getThreads() - jetty.getThreadPool().getIdleThreads();
    }
}
