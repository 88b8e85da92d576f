package org.browsersocket.service.http;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import spark.embeddedserver.jetty.HttpRequestWrapper;

/**
 * Spark's routes (its matcher filter) as a plain Jetty handler. Spark's own handler does the same
 * inside a session handler, which looks for a session on every request and runs a session
 * scavenger; the services keep no sessions.
 */
final class SparkRoutes extends AbstractHandler {

    private final Filter routes;

    SparkRoutes(Filter routes) {
        this.routes = routes;
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        HttpRequestWrapper wrapper = new HttpRequestWrapper(request); // lets routes read the body more than once
        routes.doFilter(wrapper, response, null);
        baseRequest.setHandled(!wrapper.notConsumed());
    }
}
