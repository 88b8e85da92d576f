package org.browsersocket.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Raw WebSocket upgrades over a plain socket: to see refusals (404, 403…), and to misbehave in
 * ways a well-behaved client library will not (frames cut short, invalid UTF-8).
 */
public final class HttpStatusProbe {
    private HttpStatusProbe() {}

    /** The HTTP status a WebSocket upgrade to {@code path} gets from {@code host:port}. */
    public static int upgradeStatus(String host, int port, String path, String... extraHeaders) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            return sendUpgrade(socket, host, port, path, extraHeaders);
        }
    }

    /** A socket whose upgrade to {@code path} succeeded (101 read, headers consumed): ready for raw frames. */
    public static Socket upgraded(String host, int port, String path) throws IOException {
        Socket socket = new Socket(host, port);
        int status = sendUpgrade(socket, host, port, path);
        if (status != 101) {
            socket.close();
            throw new AssertionError("upgrade answered " + status);
        }
        InputStream in = socket.getInputStream();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            // skip response headers up to the blank line
        }
        return socket;
    }

    private static int sendUpgrade(Socket socket, String host, int port, String path, String... extraHeaders)
            throws IOException {
        {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
            for (String header : extraHeaders) {
                request.append(header).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = readLine(socket.getInputStream());
            String[] parts = line.split(" ");
            if (parts.length < 2) {
                throw new IOException("no HTTP status line: " + line);
            }
            return Integer.parseInt(parts[1]);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("connection closed mid-line");
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }
}
