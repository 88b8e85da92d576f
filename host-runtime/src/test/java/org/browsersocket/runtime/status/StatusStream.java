package org.browsersocket.runtime.status;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP/1.1 GET on the control port that keeps reading what comes back (for a live event
 * stream) into one growing text; raw, so that tests can send any Host and Origin.
 */
final class StatusStream implements AutoCloseable {
    private final Socket socket;
    private final StringBuffer received = new StringBuffer();
    private final Thread reader;

    StatusStream(int port, String path, String host, String... headers) throws IOException {
        socket = new Socket("127.0.0.1", port);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = socket.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException closed) {
                // the test closed it, or the runtime did
            }
        }, "status-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Everything received so far: status line, headers, chunks. */
    String received() {
        return received.toString();
    }

    /** The response's status code, once the status line has arrived (else -1). */
    int status() {
        String text = received.toString();
        return text.length() >= 12 && text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
