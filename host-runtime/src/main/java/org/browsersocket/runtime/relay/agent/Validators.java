package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Conditional requests around a stored response: the relay's revalidation with the page
 * (RFC 9111 §4.3.1), the update a 304 brings (§4.3.4), and a client's own conditions answered
 * from the store (§4.3.2).
 */
final class Validators {
    private static final List<String> CONDITIONALS = List.of("if-match", "if-none-match", "if-modified-since",
            "if-unmodified-since", "if-range");
    /** What a 304 may not change in the stored header section (it describes the stored body). */
    private static final Set<String> KEPT_BY_304 = Set.of("content-length", "content-encoding", "content-range",
            "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade");
    /** What a 304 made from a stored response carries (RFC 9110 §15.4.5). */
    private static final List<String> IN_304 = List.of("cache-control", "content-location", "date", "etag", "expires",
            "last-modified", "vary");

    private Validators() {}

    /** Replaces the client's conditions in {@code outgoing} with the stored response's validators. */
    static void revalidating(HttpHeaders stored, HttpHeaders outgoing) {
        CONDITIONALS.forEach(outgoing::remove);
        String etag = stored.get(HttpHeaderNames.ETAG);
        if (etag != null) {
            outgoing.set(HttpHeaderNames.IF_NONE_MATCH, etag);
        }
        String lastModified = stored.get(HttpHeaderNames.LAST_MODIFIED);
        if (lastModified != null) {
            outgoing.set(HttpHeaderNames.IF_MODIFIED_SINCE, lastModified);
        }
    }

    /** The stored fields updated by a 304's: each field the 304 has replaces the stored one of that name. */
    static HttpHeaders refreshed(HttpHeaders stored, HttpHeaders notModified) {
        HttpHeaders updated = new DefaultHttpHeaders();
        HttpHeaders fresh = new DefaultHttpHeaders();
        HopByHop.copy(notModified, fresh);
        for (var header : stored) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (KEPT_BY_304.contains(name) || !fresh.contains(name)) {
                updated.add(header.getKey(), header.getValue());
            }
        }
        for (var header : fresh) {
            if (!KEPT_BY_304.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                updated.add(header.getKey(), header.getValue());
            }
        }
        return updated;
    }

    /**
     * Whether the client's own condition holds for {@code stored}, so that it gets 304: its
     * {@code If-None-Match} names the stored entity tag (weak comparison), or, without one, the
     * stored response was not modified since its {@code If-Modified-Since}.
     */
    static boolean notModified(HttpHeaders request, HttpHeaders stored) {
        String ifNoneMatch = request.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            String etag = stored.get(HttpHeaderNames.ETAG);
            if (ifNoneMatch.trim().equals("*")) {
                return true;
            }
            if (etag == null) {
                return false;
            }
            for (String tag : ifNoneMatch.split(",")) {
                if (opaque(tag).equals(opaque(etag))) {
                    return true;
                }
            }
            return false;
        }
        Long since = Freshness.date(request.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        Long modified = Freshness.date(stored.get(HttpHeaderNames.LAST_MODIFIED));
        return since != null && modified != null && modified <= since;
    }

    /** The header fields of a 304 answering a client's condition from {@code stored}. */
    static HttpHeaders notModifiedHeaders(HttpHeaders stored) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (var header : stored) {
            if (IN_304.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        }
        return headers;
    }

    /** An entity tag without its weakness mark, for weak comparison. */
    private static String opaque(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }
}
