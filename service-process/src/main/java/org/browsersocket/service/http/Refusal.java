package org.browsersocket.service.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Answers a request the server will not serve (too large, too slow, too many) before its body is
 * read: a JSON error with the CORS header and {@code Connection: close}. The request is ended
 * asynchronously, which makes Jetty close the connection at once instead of waiting, until the
 * idle time-out, for a body nobody will read.
 */
final class Refusal {

    private Refusal() {
    }

    /** Sends the refusal on a request that is not yet asynchronous, and ends it. */
    static void send(HttpServletRequest request, HttpServletResponse response, int status, String error)
            throws IOException {
        AsyncContext async = request.startAsync();
        try {
            write(response, status, error);
        } finally {
            async.complete();
        }
    }

    /** Writes the refusal; the caller ends the request. */
    static void write(HttpServletResponse response, int status, String error) throws IOException {
        response.setStatus(status);
        response.setHeader("Connection", "close");
        response.setHeader("Access-Control-Allow-Origin", Cors.ALLOW_ORIGIN);
        if (status == 429) {
            response.setHeader("Retry-After", "1");
        }
        response.setContentType(JsonReplies.CONTENT_TYPE);
        response.getOutputStream().write(JsonReplies.error(error).getBytes(StandardCharsets.UTF_8));
    }
}
