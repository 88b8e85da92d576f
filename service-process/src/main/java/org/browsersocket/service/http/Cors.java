package org.browsersocket.service.http;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * CORS for browsers on any origin: every response carries {@code Access-Control-Allow-Origin: *}
 * (no credentials are ever involved) and an {@code OPTIONS} request on any path is answered as a
 * preflight with 204.
 */
public final class Cors {

    /** The {@code Access-Control-Allow-Origin} of every response. */
    public static final String ALLOW_ORIGIN = "*";
    /** The {@code Access-Control-Allow-Methods} of a preflight answer. */
    public static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    /** The {@code Access-Control-Allow-Headers} of a preflight answer. */
    public static final String ALLOW_HEADERS = "Content-Type";
    /** The {@code Access-Control-Max-Age} of a preflight answer. */
    public static final String MAX_AGE_SECONDS = "600";

    private Cors() {
    }

    /**
     * Installs the filter. Install it before any other filter or route: the header is set before
     * anything can fail, so errors carry it too.
     */
    public static void install(Service service) {
        service.before((request, response) -> apply(service, request, response));
    }

    /**
     * What the filter does, for a server that runs its checks in one filter (each filter costs
     * every request a route scan): sets the header, and halts a preflight with 204.
     */
    public static void apply(Service service, Request request, Response response) {
        response.header("Access-Control-Allow-Origin", ALLOW_ORIGIN);
        if ("OPTIONS".equalsIgnoreCase(request.requestMethod())) {
            response.header("Access-Control-Allow-Methods", ALLOW_METHODS);
            response.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
            response.header("Access-Control-Max-Age", MAX_AGE_SECONDS);
            throw service.halt(204);
        }
    }
}
