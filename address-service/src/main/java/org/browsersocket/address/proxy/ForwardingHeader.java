package org.browsersocket.address.proxy;

import java.util.Locale;

/**
 * The one header a trusted proxy appends the client's address to ({@code --proxy-header}). Only
 * that header is read: a proxy appends to one scheme and passes the other through as the client
 * sent it, so reading both would let a client's own {@code Forwarded: for=...} beside the proxy's
 * {@code X-Forwarded-For} choose the answer.
 */
public enum ForwardingHeader {
    /** {@code X-Forwarded-For: client, proxy1, ...} (nginx, HAProxy, most load balancers). */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239 {@code Forwarded: for=client;proto=https, for=proxy1}. */
    FORWARDED("Forwarded");

    private final String headerName;

    ForwardingHeader(String headerName) {
        this.headerName = headerName;
    }

    /** The header's name as sent on the wire. */
    public String headerName() {
        return headerName;
    }

    /**
     * {@code X-Forwarded-For} or {@code Forwarded}, in any case.
     *
     * @throws IllegalArgumentException with a one-line reason otherwise
     */
    public static ForwardingHeader parse(String text) {
        String name = text.strip().toLowerCase(Locale.ROOT);
        for (ForwardingHeader header : values()) {
            if (header.headerName.toLowerCase(Locale.ROOT).equals(name)) {
                return header;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not X-Forwarded-For or Forwarded");
    }

    @Override
    public String toString() {
        return headerName;
    }
}
