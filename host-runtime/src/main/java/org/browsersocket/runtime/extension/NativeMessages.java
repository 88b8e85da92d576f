package org.browsersocket.runtime.extension;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The browser's native-messaging framing, read and written here only: each message is a 32-bit
 * length in the machine's byte order, then that many bytes of UTF-8 JSON. Browsers send at most
 * 64 MiB to a host and accept at most 1 MB from it.
 */
final class NativeMessages {
    /** Largest message a browser accepts from a host. */
    static final int MAX_TO_BROWSER = 1024 * 1024;

    /** Raised for a message longer than the reader's limit; its bytes were skipped. */
    static final class TooLong extends IOException {
        final long length;

        TooLong(long length, int limit) {
            super("a message of " + length + " bytes is over the native host's limit of " + limit + " bytes");
            this.length = length;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final DataInputStream in;
    private final OutputStream out;
    private final int maxFromBrowser;

    NativeMessages(InputStream in, OutputStream out, int maxFromBrowser) {
        this.in = new DataInputStream(in);
        this.out = out;
        this.maxFromBrowser = maxFromBrowser;
    }

    /** The next message, or null at the end of input. */
    Map<?, ?> read() throws IOException {
        byte[] header = new byte[4];
        try {
            in.readFully(header);
        } catch (EOFException end) {
            return null;
        }
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).order(ByteOrder.nativeOrder()).getInt());
        if (length > maxFromBrowser) {
            in.skipNBytes(length);
            throw new TooLong(length, maxFromBrowser);
        }
        byte[] body = new byte[(int) length];
        in.readFully(body);
        Object message = json.readValue(body, Object.class);
        if (!(message instanceof Map<?, ?> map)) {
            throw new IOException("a native message must be a JSON object");
        }
        return map;
    }

    /** Writes one message; callers keep each under {@link #MAX_TO_BROWSER}. */
    synchronized void write(Map<String, ?> message) throws IOException {
        byte[] body = json.writeValueAsBytes(message);
        if (body.length > MAX_TO_BROWSER) {
            throw new IOException("a native message of " + body.length + " bytes is over the browser's limit");
        }
        out.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(body.length).array());
        out.write(body);
        out.flush();
    }
}
