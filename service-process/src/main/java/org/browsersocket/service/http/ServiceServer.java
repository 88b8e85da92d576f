package org.browsersocket.service.http;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpStatus;
import spark.Request;
import spark.Response;
import spark.Route;
import spark.Service;
import spark.route.HttpMethod;
import spark.utils.urldecoding.UrlDecode;

/**
 * A service's HTTP server on one port of the addresses it is told ({@link Listen}; by default
 * every IPv4 and IPv6 address). It answers {@code GET}/{@code HEAD /healthz} with
 * {@code {"status":"ok","service":NAME}}, then the routes a subclass adds in {@link #addRoutes},
 * and 404/405 with a JSON error for everything else. CORS ({@link Cors}) applies to every
 * response; a request Jetty cannot parse (say, a malformed query string) is a 400; any other
 * exception in a route becomes a logged 500 with a JSON error, never a stack trace.
 *
 * <p>Connections get the {@link ServerLimits} of the {@link Listen}: short idle time-outs, request
 * bodies read in full (without a thread) before the routes run, and a cap on the connections of
 * one client.
 *
 * <p>Each instance owns its own Spark {@link Service}; several can run in one JVM. Log records
 * carry the subclass's name.
 */
public class ServiceServer {


    private final Logger log = Logger.getLogger(getClass().getName());
    private final String name;
    private final Listen listen;
    private HttpListener listener;
    private int port = -1;

    /**
     * @param name the name the service reports in {@code /healthz} and its output
     * @param port TCP port on every IPv4 and IPv6 address; 0 = any free port
     */
    public ServiceServer(String name, int port) {
        this(name, Listen.everywhere(port));
    }

    /**
     * @param name   the name the service reports in {@code /healthz} and its output
     * @param listen addresses, port and connection limits
     */
    public ServiceServer(String name, Listen listen) {
        this.name = name;
        this.listen = listen;
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
        HttpListener candidate = new HttpListener(name, listen, this::exemptFromClientLimits);
        port = candidate.listen(this::mapRoutes);
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

    /** Where the server listens (or is to listen) and with which limits. */
    public final Listen listen() {
        return listen;
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

    /**
     * Whether a peer is spared the per-client connection cap, e.g. a trusted reverse proxy that
     * carries many clients' requests. Nobody is, by default.
     */
    protected boolean exemptFromClientLimits(InetAddress peer) {
        return false;
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

    /**
     * Checks a request before any route sees it, after the server's own checks (CORS, path
     * encoding, method); refuse it with {@code throw http.halt(...)}. Runs on every request, in the
     * one filter the server has (Spark scans its route table once per filter and request, so
     * checks share one). Checks nothing by default.
     */
    protected void checkRequest(Service http, Request request, Response response) {
    }

    private void mapRoutes(Service http) {
        http.before((request, response) -> {
            // CORS first: the header is set before anything can fail, so errors carry it too.
            Cors.apply(http, request, response);
            refuseUndecodablePath(http, request, response);
            refuseUnsupportedMethod(http, request, response);
            checkRequest(http, request, response);
        });

        // Jetty throws this when it parses a part of the request lazily, e.g. a query string
        // with a bad %-escape: the client's mistake, not the service's.
        http.exception(BadMessageException.class, (exception, request, response) -> {
            int status = exception.getCode() >= 400 && exception.getCode() < 500 ? exception.getCode() : 400;
            response.status(status);
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error("malformed request (" + status + " " + HttpStatus.getMessage(status)
                    + "): check the URL's %-escapes and the headers"));
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

    // Spark decodes path parameters strictly, and a %-escape that is not UTF-8 would throw from
    // inside a route; refuse such a path before any route runs, with Spark's own decoder.
    private static void refuseUndecodablePath(Service http, Request request, Response response) {
        try {
            UrlDecode.path(request.raw().getRequestURI());
        } catch (IllegalArgumentException notUtf8) {
            response.type(JsonReplies.CONTENT_TYPE);
            throw http.halt(400, JsonReplies.error("malformed request (400 Bad Request): the path's %-escapes are not UTF-8"));
        }
    }

    // Methods Spark has no route type for never reach a route; answer them here.
    private void refuseUnsupportedMethod(Service http, Request request, Response response) {
        String method = request.requestMethod().toLowerCase(Locale.ROOT);
        if (HttpMethod.get(method) == HttpMethod.unsupported) {
            Unmatched answer = unmatched(request.requestMethod(), request.pathInfo());
            response.type(JsonReplies.CONTENT_TYPE);
            throw http.halt(answer.status(), JsonReplies.error(answer.error()));
        }
    }
}
