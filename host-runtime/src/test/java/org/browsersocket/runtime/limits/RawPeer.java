package org.browsersocket.runtime.limits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket peer that misbehaves on purpose: it writes frames exactly as told (fragments it
 * never finishes, pings it never reads the answers to) over a plain socket, from a chosen local
 * loopback address.
 */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** A connected socket from {@code localAddress} that has sent nothing yet. */
    static RawPeer connect(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return new RawPeer(socket);
    }

    /** Upgrades to {@code path}; returns the status line's code (101 on success), headers consumed. */
    int upgrade(String path, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            // headers
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    /** Writes one masked frame (mask of zeros: the payload goes as it is). */
    void frame(boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        frame.write(new byte[4]); // masking key 0
        frame.write(payload);
        out.write(frame.toByteArray());
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * Reads frames until a close frame: returns its code, or -1 when the connection ended without
     * one (also on timeout).
     */
    int awaitClose() throws IOException {
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    return -1;
                }
                int b1 = in.read();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                byte[] payload = in.readNBytes((int) length);
                if ((b0 & 0x0f) == 8) {
                    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            return -1;
        }
    }

    /** Whether the runtime closed the connection (end of stream, or a reset) before the deadline. */
    boolean closedByRuntime() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever it said first
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** One line of an HTTP head; at the end of the stream, an IOException (never an endless empty line). */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c = in.read();
        if (c < 0) {
            throw new java.io.EOFException("connection closed");
        }
        for (; c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
