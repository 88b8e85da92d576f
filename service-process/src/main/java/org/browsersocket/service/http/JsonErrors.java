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
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Errors Jetty answers by itself, before a request reaches Spark (an absurdly long URI → 414,
 * oversized headers → 431, a malformed request → 400), as JSON with the CORS header like every
 * other response, instead of Jetty's HTML page. Never shows a stack trace.
 */
final class JsonErrors extends ErrorHandler {

    JsonErrors() {
        setShowStacks(false);
        setShowServlet(false);
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
    static String body(int status) {
        String message = HttpStatus.getMessage(status);
        return JsonReplies.error(status + " " + (message == null ? "error" : message));
    }
}
