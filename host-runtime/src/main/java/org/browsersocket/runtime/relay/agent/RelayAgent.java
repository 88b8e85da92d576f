package org.browsersocket.runtime.relay.agent;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.browsersocket.runtime.http.HttpResponses;
import org.browsersocket.runtime.relay.Registrant;
import org.browsersocket.runtime.relay.RelayHub;

/**
 * The relay as its registrants' pages' agent for plain HTTP: a request for a page's prefix is
 * passed on to the page (through an attach connection, as a WebSocket peer is), and, with a
 * cache, answered from it when it can be: fresh stored responses without asking the page,
 * stale ones after revalidating them, and whatever is stored while the page is away (its
 * runtime not connected, its listener gone, or no attach in time). Without a stored response, a
 * page that is away means 503 with {@code Retry-After}.
 */
public final class RelayAgent {
    /** How the relay names itself in {@code Cache-Status} (RFC 9211). */
    static final String CACHE_NAME = "relay";
    /** What a client is told to wait before asking again for a page that is away. */

    private final RelayHub hub;
    private final CacheStore cache;
    private final int waitMillis;
    private final long requestBodyBytes;

    /** {@code waitMillis}: how long a request waits for the registrant's attach connection. */
    public RelayAgent(RelayHub hub, int waitMillis) {
        this.hub = hub;
        this.cache = hub.cache();
        this.waitMillis = waitMillis;
        this.requestBodyBytes = hub.limits().requestBodyBytes();
    }

    RelayHub hub() {
        return hub;
    }

    CacheStore cache() {
        return cache;
    }

    int waitMillis() {
        return waitMillis;
    }

    long requestBodyBytes() {
        return requestBodyBytes;
    }

    /**
     * Takes a request that is not a WebSocket upgrade, for {@code prefix}, which routes to
     * {@code registrant} (null: routed nowhere now). Returns false, leaving the request untouched,
     * when the prefix is neither routed nor known to the cache: nothing is learned from it.
     * {@code ctx} is the dispatching handler's; it stays for the connection's next request.
     */
    public boolean handle(ChannelHandlerContext ctx, HttpRequest request, String prefix, Registrant registrant,
                          String remoteAddress) {
        if (registrant == null && (cache == null || cache.ownerOf(prefix) == null)) {
            return false;
        }
        ClientSide client = ClientSide.on(ctx);
        ClientRequest ask = new ClientRequest(request, prefix, remoteAddress);
        long declared = HttpUtil.getContentLength(request, -1L);
        long aggregated = request instanceof FullHttpRequest full ? full.content().readableBytes() : 0;
        if (Math.max(declared, aggregated) > requestBodyBytes) {
            refuse(client, ask, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "the request body is larger than this relay passes on (" + requestBodyBytes + " bytes)");
            return true;
        }
        boolean online = registrant != null && registrant.connected();
        if (cache == null || !ask.readOnly()) {
            pass(client, ask, registrant, online, PageExchange.Purpose.PASS);
            return true;
        }
        CacheControl asked = CacheControl.of(request.headers());
        CacheStore.Found found = cache.find(ask.key(), request.headers());
        if (found != null && online && request.headers().contains(HttpHeaderNames.RANGE)) {
            closeQuietly(found); // the page answers ranges; this cache keeps whole responses only
            found = null;
        }
        if (found == null) {
            cache.miss();
            if (asked.has("only-if-cached")) {
                refuse(client, ask, HttpResponseStatus.GATEWAY_TIMEOUT, "not stored here");
            } else {
                pass(client, ask, registrant, online, ask.isGet() && !asked.has("no-store")
                        ? PageExchange.Purpose.FETCH : PageExchange.Purpose.PASS);
            }
            return true;
        }
        StoredResponse stored = found.response();
        long age = stored.ageMillis(cache.now());
        long lifetime = stored.lifetimeMillis();
        if (fresh(asked, request, age, lifetime) || !online) {
            cache.hit();
            StoredReply.send(client, ask, stored, found.body(), age, age < lifetime
                    ? "hit; ttl=" + (lifetime == Freshness.FOREVER ? "infinite" : (lifetime - age) / 1000)
                    : "hit; detail=page-unavailable");
        } else if (asked.has("only-if-cached")) {
            closeQuietly(found);
            refuse(client, ask, HttpResponseStatus.GATEWAY_TIMEOUT, "only a stale copy is stored here");
        } else {
            cache.revalidation();
            // With a validator the page may answer 304; without, its 200 replaces what is stored.
            new PageExchange(this, client, ask, registrant, PageExchange.Purpose.REVALIDATE, found).start();
        }
        return true;
    }

    /** Whether a stored response {@code age} old may answer the request without asking the page (§4.2, §5.2.1). */
    private static boolean fresh(CacheControl asked, HttpRequest request, long age, long lifetime) {
        if (asked.has("no-cache") || (!request.headers().contains(HttpHeaderNames.CACHE_CONTROL)
                && request.headers().containsValue(HttpHeaderNames.PRAGMA, "no-cache", true))) {
            return false;
        }
        long maxAge = asked.seconds("max-age");
        if (maxAge >= 0 && age > maxAge * 1000) {
            return false;
        }
        return age < lifetime;
    }

    private void pass(ClientSide client, ClientRequest ask, Registrant registrant, boolean online,
                      PageExchange.Purpose purpose) {
        if (!online) {
            refuse(client, ask, HttpResponseStatus.SERVICE_UNAVAILABLE, "the page is not reachable through this relay now");
            return;
        }
        new PageExchange(this, client, ask, registrant, purpose, null).start();
    }

    /** Answers {@code ask} with an error of the relay's own; 503 says when to retry. The connection closes after it. */
    void refuse(ClientSide client, ClientRequest ask, HttpResponseStatus status, String detail) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + ": " + detail + "\n",
                        StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (cache != null) {
            response.headers().set("Cache-Status", CACHE_NAME + "; fwd=uri-miss; detail=" + status.code());
        }
        if (status.equals(HttpResponseStatus.SERVICE_UNAVAILABLE)) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, HttpResponses.RETRY_AFTER_SECONDS);
        }
        HttpResponses.send(client.ctx(), ask.head(), response);
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
