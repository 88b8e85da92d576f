package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.limits.HttpLimits;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.routing.Router;

/**
 * One HTTP request to a page's listener and the page's response, between the client's connection
 * and the page's control channel. The request goes to the page as a {@code request} control message
 * with its body in data frames; the page's {@code response} and body frames come back and are
 * written to the client (with {@code Content-Length} when the page knows the length, chunked
 * otherwise). Every change of state runs on the client connection's event loop.
 *
 * <p>What the client gets when things go wrong, before the response has begun: the listener is not
 * (or no longer) there: 503 with {@code Retry-After}; the page does not begin its response in time:
 * 504; the page's handler failed: 500; the body is too large: 413. Once the response has begun, the
 * only thing left to do is to close the connection, so the client sees a truncated response.
 */
public final class HttpExchange {
    private static final Logger LOG = Logger.getLogger("browsersocket.page");
    /** Headers that describe one hop's connection, not the response: the runtime sets its own. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization", "content-length");
    /** Request headers that carry the client's credentials for this host, withheld unless the page asks. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("cookie", "authorization", "proxy-authorization");

    /** The client's side: told on its event loop when the exchange is over. */
    public interface Front {
        /** The response is complete and the connection may serve another request. */
        void exchangeDone();
    }

    private enum State { WAITING_FOR_LISTENER, AWAITING_RESPONSE, STREAMING, DONE }

    private final Channel client;
    private final Front front;
    private final HttpRequest head;
    private final String url;
    private final String remoteAddress;
    private final HttpLimits limits;
    private final MemoryBudget budget;
    private final long slowClientBytes;
    private final boolean keepAlive;
    private final boolean hasBody;
    private final List<HttpContent> early = new ArrayList<>(); // body pieces that came before the page was asked
    private State state = State.WAITING_FOR_LISTENER;
    private PageSession session;
    private Listener listener;
    private int id = -1;
    private ScheduledFuture<?> timer;
    private boolean requestComplete;
    private long requestBodyBytes;
    private Long responseLength;
    private long responseBytes;
    private int status;

    private HttpExchange(Channel client, Front front, HttpRequest head, String url, String remoteAddress,
                         HttpLimits limits, MemoryBudget budget, int maxMessageBytes) {
        this.client = client;
        this.front = front;
        this.head = head;
        this.url = url;
        this.remoteAddress = remoteAddress;
        this.limits = limits;
        this.budget = budget;
        this.slowClientBytes = Math.max(64L << 20, 4L * maxMessageBytes);
        this.keepAlive = HttpUtil.isKeepAlive(head);
        this.hasBody = HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
    }

    /**
     * Starts the exchange of {@code head} (already checked: framing, method, size) for {@code slot}'s
     * listener; waits up to {@code waitMillis} for a page that has not bound it yet. Call on the
     * client's event loop; pass the request's body pieces to {@link #requestContent}.
     */
    public static HttpExchange start(Router.Slot<Listener> slot, Channel client, Front front, HttpRequest head,
                                     String url, String remoteAddress, HttpLimits limits, MemoryBudget budget,
                                     int maxMessageBytes, int waitMillis) {
        HttpExchange exchange = new HttpExchange(client, front, head, url, remoteAddress, limits, budget, maxMessageBytes);
        CompletableFuture<Listener> bound = slot.bound();
        if (bound.isDone()) {
            exchange.bound(bound);
        } else {
            // The page loaded its script but has not opened this listener yet (or waits for consent).
            client.config().setAutoRead(false);
            exchange.timer = client.eventLoop().schedule(() -> exchange.unavailable("the page has not opened this listener"),
                    waitMillis, TimeUnit.MILLISECONDS);
            bound.whenComplete((l, e) -> exchange.onClientLoop(() -> {
                if (exchange.state == State.WAITING_FOR_LISTENER && exchange.timer.cancel(false)) {
                    exchange.client.config().setAutoRead(true);
                    exchange.bound(bound);
                }
            }));
        }
        return exchange;
    }

    private void bound(CompletableFuture<Listener> bound) {
        Listener l = bound.isCompletedExceptionally() ? null : bound.join();
        if (l == null) {
            unavailable("the page that held this address is gone");
            return;
        }
        PageSession s = l.session();
        int assigned = s.admitExchange(l, this);
        if (assigned < 0) {
            unavailable(assigned == -2 ? "the page has too many requests in progress" : "the page is gone");
            return;
        }
        listener = l;
        session = s;
        id = assigned;
        state = State.AWAITING_RESPONSE;
        List<List<String>> headers = new ArrayList<>();
        head.headers().forEach(h -> {
            String name = h.getKey().toLowerCase();
            if (l.credentialHeaders() || !CREDENTIAL_HEADERS.contains(name)) {
                headers.add(List.of(name, h.getValue()));
            }
        });
        session.send(new ControlMessage.Request(id, l.index(), head.method().name(), url, head.uri(), headers,
                remoteAddress, hasBody));
        armTimer();
        for (HttpContent piece : early) {
            forward(piece);
        }
        early.clear();
    }

    // ---------------------------------------------------------------- client -> page (client's loop)

    /** A piece of the request's body (the last one is a {@link LastHttpContent}); this exchange releases it. */
    public void requestContent(HttpContent piece) {
        if (state == State.WAITING_FOR_LISTENER) {
            early.add(piece);
            return;
        }
        forward(piece);
    }

    private void forward(HttpContent piece) {
        try {
            boolean last = piece instanceof LastHttpContent;
            if (last) {
                requestComplete = true;
            }
            if (state == State.DONE || session == null) {
                return;
            }
            ByteBuf bytes = piece.content();
            requestBodyBytes += bytes.readableBytes();
            if (requestBodyBytes > limits.maxRequestBodyBytes()) {
                fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the request body exceeds "
                        + limits.maxRequestBodyBytes() + " bytes", "the request body was too large");
                return;
            }
            if (!hasBody || state == State.DONE) {
                return;
            }
            if (bytes.isReadable()) {
                session.bodyToPage(id, DataFrame.KIND_BODY, bytes, client);
            }
            if (last) {
                session.bodyToPage(id, DataFrame.KIND_END, Unpooled.EMPTY_BUFFER, client);
            }
        } finally {
            piece.release();
        }
    }

    /** The request could not be read to its end (bad chunking, a deadline missed): 400 or 408 and close. */
    public void requestFailed(HttpResponseStatus status, String why) {
        onClientLoop(() -> fail(status, why, "the request failed: " + why));
    }

    /** The client's connection closed. */
    public void clientGone() {
        onClientLoop(() -> {
            if (state != State.DONE) {
                finish();
                abortPage("the client went away");
            }
        });
    }

    // ---------------------------------------------------------------- page -> client (any thread)

    /** The page's response head. */
    void responseFromPage(ControlMessage.Response response) {
        onClientLoop(() -> responseHead(response));
    }

    private void responseHead(ControlMessage.Response response) {
        if (state != State.AWAITING_RESPONSE) {
            if (state == State.STREAMING) {
                session.sendError(listener.index(), "request " + id + " already has a response", false);
            }
            return;
        }
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
        for (List<String> pair : response.headers()) {
            String name = pair.get(0).toLowerCase();
            String value = pair.get(1);
            if (HOP_BY_HOP.contains(name) && !(name.equals("upgrade") && response.status() == 426)) {
                continue; // (a 426 names the protocol to upgrade to)
            }
            if (!validHeader(name, value)) {
                session.sendError(listener.index(), "response header '" + shorten(name) + "' of request " + id
                        + " is not a valid HTTP header", false);
                fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the page's response was malformed", null);
                return;
            }
            out.headers().add(name, value);
        }
        status = response.status();
        boolean bodiless = status == 204 || status == 304;
        responseLength = bodiless ? Long.valueOf(0) : response.length();
        boolean closeAfter = !keepAlive || !requestComplete;
        if (responseLength != null) {
            if (!bodiless) {
                HttpUtil.setContentLength(out, responseLength);
            }
        } else if (head.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            HttpUtil.setTransferEncodingChunked(out, true);
        } else {
            closeAfter = true; // an HTTP/1.0 client learns the end of a body of unknown length by the close
        }
        HttpUtil.setKeepAlive(out, !closeAfter);
        state = State.STREAMING;
        armTimer();
        client.writeAndFlush(out, client.voidPromise());
    }

    /** A piece of the response's body ({@link DataFrame#KIND_BODY}) or its end ({@link DataFrame#KIND_END}). */
    void bodyFromPage(byte kind, ByteBuf piece) {
        onClientLoop(() -> {
            try {
                body(kind, piece);
            } finally {
                piece.release();
            }
        });
    }

    private void body(byte kind, ByteBuf piece) {
        if (state != State.STREAMING) {
            if (state == State.AWAITING_RESPONSE) {
                session.sendError(listener.index(), "body for request " + id + " before its response", false);
                fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the page's response was malformed", null);
            }
            return;
        }
        if (kind == DataFrame.KIND_END) {
            if (responseLength != null && responseBytes != responseLength && !isHead()) {
                session.sendError(listener.index(), "request " + id + ": the response body had " + responseBytes
                        + " bytes, not the " + responseLength + " it announced", false);
                cut("the response body was shorter than announced");
                return;
            }
            boolean reuse = keepAlive && requestComplete && (responseLength != null
                    || head.protocolVersion().equals(HttpVersion.HTTP_1_1));
            finish();
            var written = client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (reuse) {
                front.exchangeDone();
            } else {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        int n = piece.readableBytes();
        if (n == 0 || isHead()) {
            return;
        }
        responseBytes += n;
        if (responseLength != null && responseBytes > responseLength) {
            session.sendError(listener.index(), "request " + id + ": the response body is longer than the "
                    + responseLength + " bytes it announced", false);
            cut("the response body was longer than announced");
            return;
        }
        if (client.bytesBeforeWritable() > slowClientBytes) {
            cut("the client reads too slowly");
            return;
        }
        armTimer();
        if (client.isWritable()) {
            client.writeAndFlush(new DefaultHttpContent(piece.retain()), client.voidPromise());
        } else if (budget.tryReserve(n)) {
            // The client lags: what it has not read is held against the runtime's memory budget.
            client.writeAndFlush(new DefaultHttpContent(piece.retain())).addListener(done -> budget.release(n));
        } else {
            cut("the client reads too slowly and the runtime's memory for peers is exhausted");
        }
    }

    /** The page gave up on the request (its handler failed): 500, or a cut connection once begun. */
    void abortedByPage(String reason) {
        onClientLoop(() -> {
            if (state == State.DONE) {
                return;
            }
            LOG.info(session.name() + " gave up on a request for " + PageSession.shortPrefix(listener.prefix())
                    + (reason == null || reason.isEmpty() ? "" : ": " + reason));
            if (state == State.AWAITING_RESPONSE) {
                fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the page's request handler failed", null);
            } else {
                cut(null);
            }
        });
    }

    /** The page or its listener went away: 503, or a cut connection once the response had begun. */
    void pageGone() {
        onClientLoop(() -> {
            if (state == State.AWAITING_RESPONSE) {
                unavailable("the page went away");
            } else if (state == State.STREAMING) {
                cut(null);
            }
        });
    }

    // ---------------------------------------------------------------- internals

    private boolean isHead() {
        return head.method().name().equals("HEAD");
    }

    private void armTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = client.eventLoop().schedule(this::timedOut, limits.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void timedOut() {
        if (state == State.AWAITING_RESPONSE) {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "the page did not answer within "
                    + limits.responseTimeout().toSeconds() + " s", "the page did not answer in time");
        } else if (state == State.STREAMING) {
            cut("the page's response body stalled");
            abortPage("the response body stalled for " + limits.responseTimeout().toSeconds() + " s");
        }
    }

    /** Ends the exchange with an error status (or a cut connection once the response began); the connection closes. */
    private void fail(HttpResponseStatus status, String detail, String toPage) {
        if (state == State.DONE) {
            return;
        }
        boolean begun = state == State.STREAMING;
        finish();
        if (toPage != null) {
            abortPage(toPage);
        }
        if (begun) {
            client.close();
        } else {
            respondAndClose(status, detail, false);
        }
    }

    private void unavailable(String detail) {
        if (state == State.DONE) {
            return;
        }
        finish();
        abortPage("the page went away");
        respondAndClose(HttpResponseStatus.SERVICE_UNAVAILABLE, detail, true);
    }

    private void cut(String why) {
        if (state == State.DONE) {
            return;
        }
        finish();
        if (why != null) {
            abortPage(why);
        }
        client.close();
    }

    private void respondAndClose(HttpResponseStatus status, String detail, boolean retryLater) {
        this.status = status.code();
        String body = status.code() + " " + status.reasonPhrase() + (detail == null ? "" : ": " + detail) + "\n";
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        if (retryLater) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, org.browsersocket.runtime.http.HttpResponses.RETRY_AFTER_SECONDS);
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, false);
        client.config().setAutoRead(true);
        client.writeAndFlush(response).addListener(org.browsersocket.runtime.http.HttpResponses.LINGERING_CLOSE);
    }

    /** The exchange is over for the runtime: no timers, no more page frames, released early pieces. */
    private void finish() {
        State was = state;
        state = State.DONE;
        if (timer != null) {
            timer.cancel(false);
        }
        early.forEach(HttpContent::release);
        early.clear();
        if (session != null && was != State.WAITING_FOR_LISTENER) {
            session.exchangeEnded(this, status);
        }
    }

    private void abortPage(String reason) {
        if (session != null) {
            session.send(new ControlMessage.Abort(id, reason));
        }
    }

    private void onClientLoop(Runnable task) {
        if (client.eventLoop().inEventLoop()) {
            task.run();
        } else {
            client.eventLoop().execute(task);
        }
    }

    private static boolean validHeader(String name, String value) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 127 || c > 255) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    int id() {
        return id;
    }

    Listener listener() {
        return listener;
    }

    String method() {
        return head.method().name();
    }

    String remoteAddress() {
        return remoteAddress;
    }
}
