package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One response the relay keeps for a page, as its metadata file holds it (JSON); the body is a
 * file of its own, {@code length} bytes. Times are epoch milliseconds.
 *
 * @param id           names the entry's files
 * @param key          the request target it answers: path and query, starting with {@code prefix}
 * @param prefix       the listener prefix it belongs to
 * @param owner        the key hash of the registrant that routed {@code prefix}: whose space it uses
 * @param variants     the varied request fields it answers (empty without Vary, and for a published one)
 * @param headers      its header fields, {@code [name, value]} in order, without hop-by-hop fields,
 *                     {@code Content-Length} or {@code Set-Cookie}
 * @param requestTime  when the request that brought it was sent (for a published one: when it arrived)
 * @param responseTime when it arrived
 * @param published    handed over by the page ahead of time rather than fetched
 */
record StoredResponse(String id, String key, String prefix, String owner, List<Variant> variants, int status,
                      List<List<String>> headers, long length, long requestTime, long responseTime,
                      boolean published) {
    StoredResponse {
        variants = List.copyOf(variants);
        headers = headers.stream().map(List::copyOf).toList();
    }

    HttpHeaders httpHeaders() {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (List<String> pair : headers) {
            h.add(pair.get(0), pair.get(1));
        }
        return h;
    }

    long ageMillis(long now) {
        return Freshness.currentAgeMillis(httpHeaders(), requestTime, responseTime, now);
    }

    long lifetimeMillis() {
        return Freshness.lifetimeMillis(httpHeaders(), responseTime, published);
    }

    /** The same response with the fields and times of a revalidation (a 304). */
    StoredResponse refreshed(HttpHeaders fields, long newRequestTime, long newResponseTime) {
        return new StoredResponse(id, key, prefix, owner, variants, status, pairs(fields), length, newRequestTime,
                newResponseTime, published);
    }

    /** What of a response's fields is kept: all but hop-by-hop fields, its length (kept apart) and cookies (the client's own). */
    static List<List<String>> kept(HttpHeaders response) {
        HttpHeaders end = new DefaultHttpHeaders(false);
        HopByHop.copy(response, end);
        end.remove("Content-Length").remove("Set-Cookie").remove("Set-Cookie2");
        return pairs(end);
    }

    static List<List<String>> pairs(HttpHeaders headers) {
        List<List<String>> pairs = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            pairs.add(List.of(header.getKey(), header.getValue()));
        }
        return pairs;
    }
}
