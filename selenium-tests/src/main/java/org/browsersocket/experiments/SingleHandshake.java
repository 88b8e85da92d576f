package org.browsersocket.experiments;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket opening handshake timed on its own, with nothing else in flight: from the TCP
 * connect to the end of the server's {@code 101} response, over a plain blocking socket (no
 * client library's own start-up in the figure). The connection is then closed with a close frame.
 */
final class SingleHandshake {
    private static final int TIMEOUT_MILLIS = 10_000;

    private SingleHandshake() {}

    /** Microseconds one handshake with {@code target} (a {@code ws://} URI) took. */
    static long micros(URI target) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + target.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            long start = System.nanoTime();
            socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            String status = readHead(socket.getInputStream());
            long micros = (System.nanoTime() - start) / 1000;
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IOException(target + " answered the handshake with " + status);
            }
            out.write(new byte[] {(byte) 0x88, (byte) 0x80, 0, 0, 0, 0}); // close, masked, empty
            return Math.max(1, micros);
        }
    }

    /** Reads the response head up to its blank line; returns its status line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed during the handshake: " + head);
            }
            head.append((char) b);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.substring(0, head.indexOf("\r\n"));
            }
        }
        throw new IOException("a handshake response head over 8 KiB");
    }
}
