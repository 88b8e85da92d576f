package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/** Whether a shared cache may store a response (RFC 9111 §3, §3.5). */
final class Storability {
    /** Statuses cacheable by default (RFC 9110 §15.1), less 206: this cache does no ranges. */
    private static final Set<Integer> CACHEABLE_BY_DEFAULT = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    private Storability() {}

    /**
     * Why the response to a GET with {@code request}'s fields may not be stored, or null if it may:
     * never with {@code no-store} (either side), {@code private}, {@code Vary: *}, a request with
     * {@code Authorization} unless the response allows sharing it, or a partial or interim
     * status. It must also be worth keeping: explicit freshness, or a validator to revalidate it
     * with, or {@code public}; a status not cacheable by default needs explicit freshness.
     */
    static String refusal(HttpHeaders request, int status, HttpHeaders response) {
        CacheControl asked = CacheControl.of(request);
        CacheControl said = CacheControl.of(response);
        if (asked.has("no-store") || said.has("no-store")) {
            return "no-store";
        }
        if (said.has("private")) {
            return "private";
        }
        if (request.contains(HttpHeaderNames.AUTHORIZATION)
                && !(said.has("public") || said.has("s-maxage") || said.has("must-revalidate"))) {
            return "a response to a request with credentials that does not say it may be shared";
        }
        if (Variant.names(response) == null) {
            return "Vary: *";
        }
        if (status < 200 || status == 206 || status == 304 || request.contains(HttpHeaderNames.RANGE)) {
            return "a partial or interim response";
        }
        boolean explicit = said.has("s-maxage") || said.has("max-age") || response.contains(HttpHeaderNames.EXPIRES);
        if (!CACHEABLE_BY_DEFAULT.contains(status) && !explicit) {
            return "status " + status + " without explicit freshness";
        }
        boolean validator = response.contains(HttpHeaderNames.ETAG) || response.contains(HttpHeaderNames.LAST_MODIFIED);
        if (!explicit && !validator && !said.has("public")) {
            return "neither freshness nor a validator";
        }
        return null;
    }

    /** Why a page's published response may not be kept, or null: the page may not publish what no cache may share. */
    static String publishRefusal(HttpHeaders response) {
        CacheControl said = CacheControl.of(response);
        if (said.has("no-store")) {
            return "it says no-store";
        }
        if (said.has("private")) {
            return "it says private";
        }
        return null;
    }
}
