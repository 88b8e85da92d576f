package org.browsersocket.protocol;

/**
 * Layout of a binary frame on the control channel, which carries one WebSocket message of one
 * connection, or a piece of an HTTP body of one exchange, in either direction: byte 0 is the kind,
 * bytes 1..4 the connection (or exchange) id (unsigned, big-endian), the rest is the payload as
 * sent on the wire: UTF-8 for text, raw bytes otherwise. Nothing is base64- or JSON-escaped.
 * Connections and HTTP exchanges of one page share one id space.
 *
 * <p>A batch ({@link #KIND_BATCH}) carries several such frames in one control-channel message, so
 * that messages arriving together cross into (and out of) the browser together: byte 0 is the
 * kind, bytes 1..4 the number of frames (unsigned, big-endian), then each frame as a 4-byte length
 * (unsigned, big-endian) followed by that many bytes of one data frame. Frames in a batch are never
 * batches. A batch may also carry control messages ({@link #KIND_CONTROL}, JSON as UTF-8, id 0), so
 * that everything one side sends in one turn keeps its order in one message. Each side sends batches
 * only to a side that said it reads them (hello and welcome).
 */
public final class DataFrame {
    /** Payload is UTF-8 text. */
    public static final byte KIND_TEXT = 0;
    /** Payload is binary. */
    public static final byte KIND_BINARY = 1;
    /** Payload is the next piece of an HTTP body (a request's to the page, a response's from it). */
    public static final byte KIND_BODY = 2;
    /** The HTTP body is complete; no payload. */
    public static final byte KIND_END = 3;
    /** Several data frames in one message (see above). */
    public static final byte KIND_BATCH = 4;
    /** Payload is a control message, JSON in UTF-8 (inside a batch; alone it travels as a text frame). */
    public static final byte KIND_CONTROL = 5;
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 5;

    /** Bytes before each frame of a batch: its length. */
    public static final int BATCH_LENGTH_BYTES = 4;

    private DataFrame() {}
}
