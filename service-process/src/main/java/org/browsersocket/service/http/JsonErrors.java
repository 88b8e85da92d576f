package org.browsersocket.service.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.ThreadPool;
import spark.embeddedserver.EmbeddedServers;
import spark.embeddedserver.jetty.EmbeddedJettyFactory;
import spark.embeddedserver.jetty.JettyServerFactory;

/**
 * Errors Jetty answers by itself, before a request reaches Spark (an absurdly long URI → 414,
 * oversized headers → 431, a malformed request → 400), as JSON with the CORS header like every
 * other response, instead of Jetty's HTML page. Installed once per JVM, because Spark keeps its
 * server factory in a JVM-wide registry.
 */
public final class JsonErrors extends ErrorHandler {
    private static boolean installed;

    private JsonErrors() {
        setShowStacks(false);
        setShowServlet(false);
    }

    /** Makes every Spark service started afterwards in this JVM use Jetty servers with these errors. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        EmbeddedServers.add(EmbeddedServers.Identifiers.JETTY, new EmbeddedJettyFactory(new JettyServerFactory() {
            @Override
            public Server create(int maxThreads, int minThreads, int threadTimeoutMillis) {
                return withJsonErrors(new Server(new org.eclipse.jetty.util.thread.QueuedThreadPool(
                        maxThreads > 0 ? maxThreads : 200, minThreads > 0 ? minThreads : 8,
                        threadTimeoutMillis > 0 ? threadTimeoutMillis : 60_000)));
            }

            @Override
            public Server create(ThreadPool threadPool) {
                return withJsonErrors(threadPool == null ? new Server() : new Server(threadPool));
            }
        }));
        installed = true;
    }

    private static Server withJsonErrors(Server server) {
        server.setErrorHandler(new JsonErrors());
        return server;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
        fields.put("Access-Control-Allow-Origin", Cors.ALLOW_ORIGIN);
        fields.put(HttpHeader.CONTENT_TYPE, JsonReplies.CONTENT_TYPE);
        return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        response.setHeader("Access-Control-Allow-Origin", Cors.ALLOW_ORIGIN);
        response.setContentType(JsonReplies.CONTENT_TYPE);
        response.getOutputStream().write(body(response.getStatus()).getBytes(StandardCharsets.UTF_8));
    }

    /** The reason is Jetty's own wording for the status: nothing from the request is echoed. */
    private static String body(int status) {
        String message = HttpStatus.getMessage(status);
        return JsonReplies.error(status + " " + (message == null ? "error" : message));
    }
}
