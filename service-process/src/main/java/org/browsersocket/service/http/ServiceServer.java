package org.browsersocket.service.http;

import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import spark.Route;
import spark.Service;
import spark.route.HttpMethod;

/**
 * A service's HTTP server on every IPv4 and IPv6 address of one port. It answers
 * {@code GET}/{@code HEAD /healthz} with {@code {"status":"ok","service":NAME}}, then the routes a
 * subclass adds in {@link #addRoutes}, and 404/405 with a JSON error for everything else. CORS
 * ({@link Cors}) applies to every response; an exception in a route becomes a logged 500 with a
 * JSON error.
 *
 * <p>Each instance owns its own Spark {@link Service}; several can run in one JVM. Log records
 * carry the subclass's name.
 */
public class ServiceServer {


    private final Logger log = Logger.getLogger(getClass().getName());
    private final String name;
    private final int requestedPort;
    private DualStackListener listener;
    private int port = -1;

    /**
     * @param name the name the service reports in {@code /healthz} and its output
     * @param port TCP port for IPv4 and IPv6; 0 = any free port
     */
    public ServiceServer(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port number: " + port);
        }
        this.name = name;
        this.requestedPort = port;
    }

    /** The name the service reports in {@code /healthz} and its output. */
    public final String name() {
        return name;
    }

    /** Binds the port and starts serving; returns once the server listens. */
    public final synchronized void start() throws CannotListenException {
        if (listener != null) {
            throw new IllegalStateException(name + " already started");
        }
        DualStackListener candidate = new DualStackListener(requestedPort);
        mapRoutes(candidate.service());
        port = candidate.listen();
        listener = candidate;
        log.fine(() -> name + " started on port " + port);
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public final synchronized int port() {
        if (listener == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return port;
    }

    /** One line per bound address, for printing on start-up; none when not running. */
    public final synchronized List<String> listeningLines() {
        return listener == null ? List.of() : listener.describe(name, port);
    }

    /** Stops serving and waits until the port is released; does nothing if not running. */
    public final synchronized void stop() {
        if (listener != null) {
            beforeStop();
            listener.stop();
            listener = null;
            port = -1;
            afterStop();
        }
    }

    /**
     * Maps the service's own routes; they are tried after {@code /healthz} and before the
     * catch-all. Reply with {@link JsonReplies}. Maps nothing by default.
     */
    protected void addRoutes(Service http) {
    }

    /** Runs before the server stops: end long-running responses (streams) so the stop is quick. */
    protected void beforeStop() {
    }

    /** Runs once the server has stopped: release what the routes used (stores, connections). */
    protected void afterStop() {
    }

    /** What the catch-all answers: status and JSON error. */
    public record Unmatched(int status, String error) {}

    /** The answer to a request no route took: 404 for GET/HEAD, 405 for other methods. */
    protected Unmatched unmatched(String method, String path) {
        if (method.equals("GET") || method.equals("HEAD")) {
            return new Unmatched(404, "no such resource");
        }
        return new Unmatched(405, "method not allowed");
    }

    private void mapRoutes(Service http) {
        Cors.install(http);

        // Methods Spark has no route type for never reach a route; answer them here.
        http.before((request, response) -> {
            String method = request.requestMethod().toLowerCase(Locale.ROOT);
            if (HttpMethod.get(method) == HttpMethod.unsupported) {
                Unmatched answer = unmatched(request.requestMethod(), request.pathInfo());
                response.type(JsonReplies.CONTENT_TYPE);
                throw http.halt(answer.status(), JsonReplies.error(answer.error()));
            }
        });

        http.exception(Exception.class, (exception, request, response) -> {
            log.log(Level.WARNING, request.requestMethod() + " " + request.pathInfo() + " failed",
                    exception);
            response.status(500);
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error("internal error"));
        });

        String health = JsonReplies.health(name);
        Route healthz = (request, response) -> {
            response.type(JsonReplies.CONTENT_TYPE);
            return health;
        };
        http.get("/healthz", healthz);
        http.head("/healthz", healthz);

        addRoutes(http);

        Route notYet = (request, response) -> {
            Unmatched answer = unmatched(request.requestMethod(), request.pathInfo());
            response.status(answer.status());
            response.type(JsonReplies.CONTENT_TYPE);
            return JsonReplies.error(answer.error());
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
