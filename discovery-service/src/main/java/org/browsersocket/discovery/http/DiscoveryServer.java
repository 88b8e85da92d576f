package org.browsersocket.discovery.http;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.browsersocket.discovery.store.StoreLocation;

import spark.Route;
import spark.Service;
import spark.route.HttpMethod;

/**
 * The discovery-service HTTP server. This version answers {@code GET /healthz} and nothing else:
 * every other route (the XML-RPC and JSON APIs included) is 501 until the service's API arrives.
 * CORS applies to every response.
 *
 * <p>Each instance owns its own Spark {@link Service}; several can run in one JVM.
 */
public final class DiscoveryServer {

    /** The name the service reports in {@code /healthz} and its output. */
    public static final String NAME = "discovery-service";

    static final String NOT_IMPLEMENTED =
            "not implemented yet: this service's API arrives in a later version";

    private static final Logger LOG = Logger.getLogger(DiscoveryServer.class.getName());

    private final int requestedPort;
    private final StoreLocation store;
    private DualStackListener listener;
    private int port = -1;

    /**
     * @param port  TCP port for IPv4 and IPv6; 0 = any free port
     * @param store where data will be kept (kept, not opened yet)
     */
    public DiscoveryServer(int port, StoreLocation store) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port number: " + port);
        }
        this.requestedPort = port;
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Binds the port and starts serving; returns once the server listens. */
    public synchronized void start() throws CannotListenException {
        if (listener != null) {
            throw new IllegalStateException(NAME + " already started");
        }
        DualStackListener candidate = new DualStackListener(requestedPort);
        mapRoutes(candidate.service());
        port = candidate.listen();
        listener = candidate;
        LOG.fine(() -> NAME + " started on port " + port);
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public synchronized int port() {
        if (listener == null) {
            throw new IllegalStateException(NAME + " is not running");
        }
        return port;
    }

    /** One line per bound address, for printing on start-up. */
    public synchronized List<String> listeningLines() {
        return listener == null ? List.of() : listener.describe(NAME, port);
    }

    /** The configured store; recorded for a later version, not opened yet. */
    public StoreLocation store() {
        return store;
    }

    /** Stops serving and waits until the port is released; does nothing if not running. */
    public synchronized void stop() {
        if (listener != null) {
            listener.stop();
            listener = null;
            port = -1;
        }
    }

    private static void mapRoutes(Service http) {
        String notImplemented = JsonReplies.error(NOT_IMPLEMENTED);
        Cors.install(http);

        // Methods Spark has no route type for never reach a route; answer them here.
        http.before((request, response) -> {
            String method = request.requestMethod().toLowerCase(Locale.ROOT);
            if (HttpMethod.get(method) == HttpMethod.unsupported) {
                response.type(JsonReplies.CONTENT_TYPE);
                throw http.halt(501, notImplemented);
            }
        });

        http.exception(Exception.class, (exception, request, response) -> {
            LOG.log(Level.WARNING, request.requestMethod() + " " + request.pathInfo() + " failed",
                    exception);
            response.status(500);
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error("internal error"));
        });

        String health = JsonReplies.health(NAME);
        Route healthz = (request, response) -> {
            response.type(JsonReplies.CONTENT_TYPE);
            return health;
        };
        http.get("/healthz", healthz);
        http.head("/healthz", healthz);

        Route notYet = (request, response) -> {
            response.status(501);
            response.type(JsonReplies.CONTENT_TYPE);
            return notImplemented;
        };
        // Routes match in the order they were added, so "*" catches only what is left.
        http.get("*", notYet);
        http.head("*", notYet);
        http.post("*", notYet);
        http.put("*", notYet);
        http.patch("*", notYet);
        http.delete("*", notYet);
        http.trace("*", notYet);
        http.connect("*", notYet);
    }
}
