package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;

/**
 * How long a stored response stays fresh, and how old it is (RFC 9111 §4.2), for a shared cache.
 * Times are epoch milliseconds.
 */
final class Freshness {
    /** The lifetime of what never goes stale by itself (a published response without directives). */
    static final long FOREVER = Long.MAX_VALUE;

    private Freshness() {}

    /**
     * The freshness lifetime (§4.2.1): {@code s-maxage}, else {@code max-age}, else {@code Expires}
     * minus {@code Date}; 0 under {@code no-cache} (always revalidated). Without any of them a
     * published response is fresh until purged or replaced, and anything else is stale at once:
     * this cache uses no heuristic freshness.
     */
    static long lifetimeMillis(HttpHeaders response, long responseTime, boolean published) {
        CacheControl cc = CacheControl.of(response);
        if (cc.has("no-cache")) {
            return 0;
        }
        long seconds = cc.seconds("s-maxage");
        if (seconds < 0) {
            seconds = cc.seconds("max-age");
        }
        if (seconds >= 0) {
            return seconds * 1000;
        }
        String expires = response.get(HttpHeaderNames.EXPIRES);
        if (expires != null) {
            Long expiresAt = date(expires);
            if (expiresAt == null) {
                return 0; // §5.3: an invalid Expires (such as "0") means already expired
            }
            Long date = date(response.get(HttpHeaderNames.DATE));
            return Math.max(0, expiresAt - (date != null ? date : responseTime));
        }
        return published ? FOREVER : 0;
    }

    /**
     * The current age (§4.2.3) of a response requested at {@code requestTime} and received at
     * {@code responseTime}, at {@code now}: what it was when it arrived (its {@code Age}, its
     * {@code Date}, the time in transit) plus how long it has been stored.
     */
    static long currentAgeMillis(HttpHeaders response, long requestTime, long responseTime, long now) {
        Long date = date(response.get(HttpHeaderNames.DATE));
        long apparentAge = date == null ? 0 : Math.max(0, responseTime - date);
        long ageValue = Math.max(0, CacheControl.deltaSeconds(response.get(HttpHeaderNames.AGE))) * 1000;
        long correctedAgeValue = ageValue + Math.max(0, responseTime - requestTime);
        long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
        return correctedInitialAge + Math.max(0, now - responseTime);
    }

    /** An {@code Age} header value: whole seconds. */
    static String ageHeader(long ageMillis) {
        return Long.toString(Math.min(ageMillis / 1000, CacheControl.MAX_SECONDS));
    }

    /** Epoch millis of an HTTP date, or null if there is none or it is invalid. */
    static Long date(String value) {
        if (value == null) {
            return null;
        }
        Date parsed = DateFormatter.parseHttpDate(value);
        return parsed == null ? null : parsed.getTime();
    }

    static String httpDate(long epochMillis) {
        return DateFormatter.format(new Date(epochMillis));
    }
}
