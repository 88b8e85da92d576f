package org.browsersocket.service.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 on a plain socket, for what java.net.http will not send: malformed or slow requests,
 * and requests from a chosen loopback source address (127.0.0.2, ...), which the JDK's client
 * cannot pick. Every read has a time-out.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** Connects to {@code host:port} from {@code from} (null = the system's choice); reads time out after 10 s. */
    public static RawHttp connect(InetAddress from, String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(10_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to 127.0.0.1:{@code port}. */
    public static RawHttp connect(int port) throws IOException {
        return connect(null, "127.0.0.1", port);
    }

    /** {@code 127.0.0.n}, a loopback source address of its own (Linux answers the whole 127/8). */
    public static InetAddress loopback(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Sends {@code text} as ISO-8859-1 (HTTP's header bytes). */
    public RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Closes the sending half, as a client does that has said all it will say. */
    public RawHttp endOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Reads until the server closes the connection or {@code within} passes; returns what came. */
    public String readAll(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                bytes.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            // what came so far
        } catch (IOException reset) {
            // closed with a reset: what came so far
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * The status code of the next response, read in full (headers and a Content-Length or chunked
     * body) so that the connection can carry another request; -1 when the connection ends first.
     */
    public int status(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        InputStream in = socket.getInputStream();
        try {
            String[] statusLine = line(in).split(" ");
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                return -1;
            }
            long length = 0;
            boolean chunked = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line(in).strip(), 16); size > 0; size = Long.parseLong(line(in).strip(), 16)) {
                    in.readNBytes((int) size);
                    line(in);
                }
                line(in);
            } else {
                in.readNBytes((int) length);
            }
            return Integer.parseInt(statusLine[1]);
        } catch (IOException closed) {
            return -1;
        }
    }

    /** One CRLF-terminated line without its end; throws EOFException at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /**
     * Reads until what came contains {@code needle}, the connection ends or {@code within}
     * passes; returns everything read (the caller checks for the needle).
     */
    public String readUntil(String needle, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[8192];
        while (text.indexOf(needle) < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
            try {
                int n = in.read(chunk);
                if (n < 0) {
                    break;
                }
                text.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException late) {
                break;
            } catch (IOException reset) {
                break;
            }
        }
        return text.toString();
    }

    /** Whether the server has closed this connection (reads EOF or a reset within {@code within}). */
    public boolean closedByServer(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // skip what was still on its way
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
