package org.browsersocket.service.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.DispatcherType;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * Reads each request body in full before the request reaches the routes, without holding a
 * thread while the bytes trickle in (servlet non-blocking input), so slow clients cannot use up
 * the server's threads. A body must arrive within a deadline (else 408) and stay within a size
 * (else 413, refused unread when the {@code Content-Length} says so); a body cut short gets 400.
 * The routes then read it from memory ({@link BufferedBodyRequest}). Refusals are
 * {@link Refusal}s.
 */
final class BodyBuffer extends HandlerWrapper {

    private static final String BODY = BodyBuffer.class.getName() + ".body";

    private final int maxBytes;
    private final Duration deadline;

    BodyBuffer(int maxBytes, Duration deadline) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request,
                       HttpServletResponse response) throws IOException, ServletException {
        if (request.getAttribute(BODY) instanceof byte[] body) {
            // The body has arrived: this is the dispatch that serves the request.
            request.removeAttribute(BODY);
            super.handle(target, baseRequest, new BufferedBodyRequest(request, body), response);
            return;
        }
        if (baseRequest.getDispatcherType() != DispatcherType.REQUEST || !hasBody(request)) {
            super.handle(target, baseRequest, request, response);
            return;
        }
        baseRequest.setHandled(true);
        if (request.getContentLengthLong() > maxBytes) {
            Refusal.send(request, response, 413, "request body larger than " + maxBytes + " bytes");
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(deadline.toMillis());
        ServletInputStream in = request.getInputStream();
        Reader reader = new Reader(async, request, response, in);
        async.addListener(reader);
        in.setReadListener(reader);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Collects one body as it arrives; ends the request with a refusal or dispatches it to the routes. */
    private final class Reader implements ReadListener, AsyncListener {
        private final AsyncContext async;
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final ServletInputStream in;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final byte[] chunk = new byte[4096];
        private boolean done;

        Reader(AsyncContext async, HttpServletRequest request, HttpServletResponse response, ServletInputStream in) {
            this.async = async;
            this.request = request;
            this.response = response;
            this.in = in;
        }

        @Override
        public synchronized void onDataAvailable() throws IOException {
            while (!done && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                if (body.size() + n > maxBytes) {
                    end(413, "request body larger than " + maxBytes + " bytes");
                    return;
                }
                body.write(chunk, 0, n);
            }
        }

        @Override
        public synchronized void onAllDataRead() {
            if (!done) {
                done = true;
                request.setAttribute(BODY, body.toByteArray());
                async.dispatch();
            }
        }

        @Override
        public synchronized void onError(Throwable failure) {
            if (failure instanceof TimeoutException) {
                end(408, "the request body stopped arriving");
            } else {
                end(400, "the request body ended early");
            }
        }

        @Override
        public synchronized void onTimeout(AsyncEvent event) {
            end(408, "the request body did not arrive within " + deadline.toSeconds() + " s");
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        /** Answers with a refusal (when the client can still hear it) and ends the request. */
        private void end(int status, String error) {
            if (done) {
                return;
            }
            done = true;
            try {
                if (!response.isCommitted()) {
                    Refusal.write(response, status, error);
                }
            } catch (IOException | RuntimeException gone) {
                // The client left; there is nobody to tell.
            } finally {
                async.complete();
            }
        }
    }
}
