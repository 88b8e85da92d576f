package org.browsersocket.runtime.limits;

import java.time.Duration;

/**
 * What an HTTP request to a page may take (requests that are not WebSocket upgrades).
 *
 * @param responseTimeout  the page must begin its response within this, and then send each
 *                         further piece of its body within this; else the client gets 504 (or,
 *                         once the response has begun, a closed connection)
 * @param maxRequestBodyBytes  a request body larger than this is refused with 413
 * @param maxHeaderBytes   request line and headers together; larger ones are refused with 431
 */
public record HttpLimits(Duration responseTimeout, long maxRequestBodyBytes, int maxHeaderBytes) {
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 16L << 20;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 << 10;

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_REQUEST_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES);
    }
}
