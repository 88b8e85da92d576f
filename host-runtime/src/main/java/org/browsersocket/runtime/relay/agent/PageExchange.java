package org.browsersocket.runtime.relay.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.browsersocket.runtime.relay.AttachWaiter;
import org.browsersocket.runtime.relay.Registrant;
import org.browsersocket.runtime.relay.RelayHub;

/**
 * One request passed on to the page: the relay asks the registrant for an attach connection (as
 * for a WebSocket peer), speaks HTTP/1.1 on it (one request, {@code Connection: close}), and
 * streams the page's response to the client as it comes, pausing the page while the client is
 * not writable. A response that may be shared is stored on the way. When the page cannot answer
 * (the registrant went, did not attach in time, or closed without a response), a stored copy is
 * served if there is one.
 *
 * <p>Everything runs on the client connection's event loop: the attach connection moves there.
 */
final class PageExchange implements ClientSide.Exchange, AttachWaiter {
    /** What the exchange is for. */
    enum Purpose {
        /** Nothing suitable is stored: the response may be. */
        FETCH,
        /** A stored response is stale: ask the page whether it still holds (a 304), else take the new one. */
        REVALIDATE,
        /** Passed on as it is (other methods; requests the cache does not answer). */
        PASS
    }

    /** How long the page has to start its response once attached. */
    private static final long RESPONSE_HEAD_MILLIS = 30_000;
    /** An attach connection silent for this long (both ways) is closed. */
    private static final int ATTACH_IDLE_SECONDS = 120;

    private final RelayAgent agent;
    private final RelayHub hub;
    private final CacheStore cache;
    private final ClientSide client;
    private final ClientRequest ask;
    private final Registrant registrant;
    private final Purpose purpose;
    private final CacheStore.Found stored;
    private final EventLoop loop;
    private final ArrayDeque<HttpContent> bodyAhead = new ArrayDeque<>();
    private String stream;
    private ScheduledFuture<?> deadline;
    private Channel attach;
    private long requestTime;
    private long responseTime;
    private long bodyBytes;
    private boolean bodyComplete;
    private HttpResponse pageHead;
    private boolean interim;
    private boolean responded;
    private boolean keepAlive;
    private boolean ratePaused;
    private boolean over;
    private CacheStore.Writer writer;

    PageExchange(RelayAgent agent, ClientSide client, ClientRequest ask, Registrant registrant, Purpose purpose,
                 CacheStore.Found stored) {
        this.agent = agent;
        this.hub = agent.hub();
        this.cache = agent.cache();
        this.client = client;
        this.ask = ask;
        this.registrant = registrant;
        this.purpose = purpose;
        this.stored = stored;
        this.loop = client.ctx().channel().eventLoop();
        this.bodyComplete = ask.whole();
        this.keepAlive = ask.keepAlive();
    }

    /** Asks the registrant to attach; the request waits (not read further) until it does. */
    void start() {
        client.begin(this);
        try {
            stream = hub.dial(registrant, ask.prefix(), ask.remoteAddress(), this);
        } catch (RelayHub.Refusal refusal) {
            pageUnavailable(HttpResponseStatus.SERVICE_UNAVAILABLE, refusal.getMessage());
            return;
        }
        requestTime = cacheClock();
        deadline = loop.schedule(() -> {
            if (!over && attach == null && hub.withdraw(registrant, stream, this)) {
                pageUnavailable(HttpResponseStatus.GATEWAY_TIMEOUT, "the page's runtime did not answer in time");
            }
        }, agent.waitMillis(), TimeUnit.MILLISECONDS);
    }

    private long cacheClock() {
        return cache != null ? cache.now() : System.currentTimeMillis();
    }

    // ---- the attach connection ----

    @Override
    public void attached(Channel channel) {
        hub.track(registrant, channel);
        if (channel.eventLoop() == loop) {
            loop.execute(() -> onAttach(channel));
            return;
        }
        // Its 101 out first: a connection moves between event loops with nothing in flight.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
            if (!flushed.isSuccess()) {
                channel.close();
                loop.execute(() -> onAttach(null));
                return;
            }
            channel.deregister().addListener(deregistered -> loop.register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    channel.close();
                    loop.execute(() -> onAttach(null));
                } else {
                    loop.execute(() -> onAttach(channel));
                }
            }));
        });
    }

    private void onAttach(Channel channel) {
        if (over) {
            if (channel != null) {
                channel.close();
            }
            return;
        }
        if (channel == null || !channel.isActive()) {
            pageUnavailable(HttpResponseStatus.BAD_GATEWAY, "the page's runtime could not be reached");
            return;
        }
        deadline.cancel(false);
        attach = channel;
        channel.pipeline().addLast("agent-http", new HttpClientCodec(4096, 16 * 1024, 64 * 1024))
                .addLast("agent-idle", new IdleStateHandler(0, 0, ATTACH_IDLE_SECONDS))
                .addLast("agent-page", new PageSide());
        deadline = loop.schedule(() -> {
            if (!over && !responded && pageHead == null) {
                pageUnavailable(HttpResponseStatus.GATEWAY_TIMEOUT, "the page did not answer in time");
            }
        }, RESPONSE_HEAD_MILLIS, TimeUnit.MILLISECONDS);
        channel.write(requestToPage());
        if (ask.head() instanceof FullHttpRequest full) {
            channel.write(new DefaultLastHttpContent(full.content().retainedDuplicate()));
        } else {
            while (!bodyAhead.isEmpty()) {
                channel.write(bodyAhead.poll());
            }
            if (!bodyComplete) {
                client.resume(); // the rest of the body flows, as fast as the page's connection takes it
            }
        }
        channel.flush();
        channel.config().setAutoRead(true);
    }

    /** The client's request as the page gets it: end-to-end fields only, one request per connection. */
    private HttpRequest requestToPage() {
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, ask.method(), ask.key());
        HopByHop.copy(ask.headers(), out.headers());
        out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE).add(HttpHeaderNames.VIA, "1.1 relay");
        if (ask.whole()) {
            int length = ((FullHttpRequest) ask.head()).content().readableBytes();
            if (length > 0 || out.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                HttpUtil.setContentLength(out, length);
            }
        } else if (HttpUtil.isTransferEncodingChunked(ask.head())) {
            HttpUtil.setTransferEncodingChunked(out, true); // (Transfer-Encoding is hop-by-hop: set anew)
        }
        if (purpose == Purpose.REVALIDATE) {
            Validators.revalidating(stored.response().httpHeaders(), out.headers());
        }
        return out;
    }

    // ---- the request body, when it was not aggregated ----

    @Override
    public boolean readingBody() {
        return !bodyComplete && !over;
    }

    @Override
    public void requestContent(HttpContent content) {
        if (over || bodyComplete) {
            content.release();
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > agent.requestBodyBytes()) {
            content.release();
            refuseBody();
            return;
        }
        bodyComplete = content instanceof LastHttpContent;
        if (attach == null) {
            bodyAhead.add(content); // the client is not read meanwhile: at most what one read brought
            return;
        }
        attach.writeAndFlush(content);
        if (bodyComplete) {
            client.pause();
        } else if (!attach.isWritable()) {
            client.pause();
        }
    }

    private void refuseBody() {
        if (responded) {
            abort();
            return;
        }
        endWithout(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the request body is larger than this relay passes on ("
                + agent.requestBodyBytes() + " bytes)");
    }

    // ---- the page's response ----

    private final class PageSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (over) {
                    return;
                }
                if (msg instanceof HttpResponse head) {
                    onHead(head);
                }
                if (msg instanceof HttpContent content && !over) {
                    onContent(content);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (responded && !over) {
                client.ctx().flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !bodyComplete && !over) {
                client.resume();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!over) {
                if (responded) {
                    abort(); // cut short: the client sees it cut short too
                } else {
                    pageUnavailable(HttpResponseStatus.BAD_GATEWAY, "the page's runtime closed the connection without an answer");
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private void onHead(HttpResponse head) {
        if (head.decoderResult().isFailure()) {
            attach.close();
            return;
        }
        int status = head.status().code();
        if (status < 200) {
            interim = true; // 100 Continue and the like: the final response follows
            return;
        }
        deadline.cancel(false);
        if (purpose == Purpose.REVALIDATE && status >= 500) {
            // The page failed to answer (RFC 9111 §4.3.3): as if it had not, the stored copy serves.
            pageUnavailable(head.status(), "the page failed");
            return;
        }
        pageHead = head;
        responseTime = cacheClock();
        if (purpose == Purpose.REVALIDATE && status == 304) {
            StoredResponse refreshed = cache.refresh(stored.response(),
                    Validators.refreshed(stored.response().httpHeaders(), head.headers()), requestTime, responseTime);
            StoredResponse served = refreshed != null ? refreshed : stored.response();
            over = true;
            attach.close();
            StoredReply.send(client, ask, served, stored.body(), served.ageMillis(cache.now()), "fwd=stale; fwd-status=304");
            return;
        }
        if (stored != null) {
            closeQuietly(stored);
        }
        if (cache != null) {
            if (ask.unsafe() && status < 400) {
                cache.invalidate(ask.key()); // RFC 9111 §4.4: what was stored there is outdated now
            } else if (purpose != Purpose.PASS && ask.isGet()) {
                String refusal = Storability.refusal(ask.headers(), status, head.headers());
                if (refusal == null && HttpUtil.getContentLength(head, 0L) <= cache.entryBytes()) {
                    writer = cache.begin(ask.key(), ask.prefix(), Variant.of(head.headers(), ask.headers()));
                }
                if (purpose == Purpose.REVALIDATE && writer == null) {
                    cache.invalidate(ask.key()); // outdated, and nothing replaces it
                }
            }
        }
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        HopByHop.copy(head.headers(), out.headers());
        boolean lengthKnown = out.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        if (!lengthKnown && !ask.isHead() && status != 204 && status != 304) {
            if (ask.head().protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                HttpUtil.setTransferEncodingChunked(out, true);
            } else {
                keepAlive = false; // an HTTP/1.0 client learns where the body ends when the connection closes
            }
        }
        out.headers().add(HttpHeaderNames.VIA, "1.1 relay");
        if (cache != null) {
            out.headers().set("Cache-Status", RelayAgent.CACHE_NAME + "; " + cacheStatus(status));
        }
        HttpUtil.setKeepAlive(out.headers(), ask.head().protocolVersion(), keepAlive);
        responded = true;
        client.ctx().write(out);
    }

    private String cacheStatus(int status) {
        return switch (purpose) {
            case FETCH -> "fwd=uri-miss" + (writer != null ? "; stored" : "");
            case REVALIDATE -> "fwd=stale; fwd-status=" + status + (writer != null ? "; stored" : "");
            case PASS -> ask.readOnly() ? "fwd=uri-miss" : "fwd=method";
        };
    }

    private void onContent(HttpContent content) {
        if (interim) {
            interim = !(content instanceof LastHttpContent);
            return;
        }
        if (!responded) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            abort(); // the page's response broke off (or was malformed) in the middle
            return;
        }
        ByteBuf bytes = content.content();
        if (bytes.isReadable()) {
            long pauseNanos = registrant.relayed(bytes.readableBytes());
            if (writer != null && !writer.write(bytes)) {
                writer = null; // too large to keep: it still goes to the client
            }
            client.ctx().write(new DefaultHttpContent(bytes.retainedDuplicate()));
            if (pauseNanos > 0) {
                ratePaused = true;
                attach.config().setAutoRead(false);
                loop.schedule(() -> {
                    ratePaused = false;
                    clientWritable();
                }, pauseNanos, TimeUnit.NANOSECONDS);
            } else if (!client.ctx().channel().isWritable()) {
                attach.config().setAutoRead(false);
            }
        }
        if (content instanceof LastHttpContent) {
            complete();
        }
    }

    /** The page's response is all out to the client. */
    private void complete() {
        over = true;
        if (writer != null) {
            writer.commit(pageHead.status().code(), StoredResponse.kept(pageHead.headers()), requestTime, responseTime,
                    false);
            writer = null;
        }
        attach.close();
        ask.release();
        var written = client.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        client.end(this, keepAlive);
    }

    // ---- ends other than a complete response ----

    /**
     * No response from the page: a stored one if there is one (served however stale, the page
     * being away), else {@code status}.
     */
    private void pageUnavailable(HttpResponseStatus status, String why) {
        if (stored != null) {
            over = true;
            closeAttach();
            cache.hit();
            StoredResponse response = stored.response();
            StoredReply.send(client, ask, response, stored.body(), response.ageMillis(cache.now()), "hit; detail=page-unavailable");
            return;
        }
        endWithout(status, why);
    }

    /** Ends with an error of the relay's own (the client's connection closes after it). */
    private void endWithout(HttpResponseStatus status, String why) {
        over = true;
        closeAttach();
        releaseBody();
        if (stored != null) {
            closeQuietly(stored);
        }
        agent.refuse(client, ask, status, why);
        client.end(this, false);
    }

    /** The response began and cannot be completed: the client's connection closes, nothing is stored. */
    private void abort() {
        over = true;
        closeAttach();
        releaseBody();
        ask.release();
        client.ctx().close();
        client.end(this, false);
    }

    private void closeAttach() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (writer != null) {
            writer.abandon();
            writer = null;
        }
        if (attach != null) {
            attach.close();
        } else if (stream != null) {
            hub.withdraw(registrant, stream, this);
        }
    }

    private void releaseBody() {
        HttpContent content;
        while ((content = bodyAhead.poll()) != null) {
            content.release();
        }
    }

    @Override
    public void clientWritable() {
        if (attach != null && !over && !ratePaused) {
            attach.config().setAutoRead(true);
        }
    }

    @Override
    public void clientGone() {
        if (over) {
            return;
        }
        over = true;
        closeAttach();
        releaseBody();
        if (stored != null) {
            closeQuietly(stored);
        }
        ask.release();
    }

    private static void closeQuietly(CacheStore.Found found) {
        try {
            found.body().close();
        } catch (java.io.IOException ignored) {
            // read-only
        }
    }
}
