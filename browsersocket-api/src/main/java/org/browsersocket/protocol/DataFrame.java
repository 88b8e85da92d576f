package org.browsersocket.protocol;

/**
 * Layout of a binary frame on the control channel, which carries one WebSocket message of one
 * connection in either direction: byte 0 is the kind ({@link #KIND_TEXT} or {@link #KIND_BINARY}),
 * bytes 1..4 the connection id (unsigned, big-endian), the rest is the payload as sent on the
 * wire: UTF-8 for text, raw bytes for binary. Nothing is base64- or JSON-escaped.
 */
public final class DataFrame {
    /** Payload is UTF-8 text. */
    public static final byte KIND_TEXT = 0;
    /** Payload is binary. */
    public static final byte KIND_BINARY = 1;
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 5;

    private DataFrame() {}
}
