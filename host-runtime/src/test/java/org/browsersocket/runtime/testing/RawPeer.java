package org.browsersocket.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A peer on a plain socket, for what a WebSocket library hides or will not do: the exact 101
 * response (every header, as sent), leaving in the middle of a handshake, and frames of any shape.
 * Reads time out after 10 s.
 */
public final class RawPeer implements AutoCloseable {
    /** The key every raw upgrade sends (RFC 6455's example). */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** An HTTP response head (and body, when it has a Content-Length): header names in lower case, in order. */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        public List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(), List.of());
        }

        public String first(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    /** One WebSocket frame as received (server frames are unmasked). */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public static final int TEXT = 1;
        public static final int BINARY = 2;
        public static final int CLOSE = 8;

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final int port;

    private RawPeer(Socket socket, String host, int port) throws IOException {
        this.socket = socket;
        this.host = host;
        this.port = port;
        socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawPeer connect(String host, int port) throws IOException {
        return new RawPeer(new Socket(host, port), host, port);
    }

    /** A peer connected to 127.0.0.1:{@code port} from the loopback address {@code localAddress}. */
    public static RawPeer connectFrom(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawPeer(socket, "127.0.0.1", port);
    }

    /** A peer whose upgrade to {@code path} was answered 101 (headers read): ready for frames. */
    public static RawPeer upgraded(String host, int port, String path, String... extraHeaders) throws IOException {
        RawPeer peer = connect(host, port);
        peer.sendUpgrade(path, extraHeaders);
        Response response = peer.readResponse();
        if (response.status() != 101) {
            peer.close();
            throw new AssertionError("upgrade answered " + response.status() + ": " + response.body());
        }
        return peer;
    }

    /** The Sec-WebSocket-Accept a server must answer to {@link #KEY}. */
    public static String expectedAccept() {
        return acceptFor(KEY);
    }

    /** The Sec-WebSocket-Accept a server must answer to {@code key}. */
    public static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a WebSocket upgrade request for {@code path} (and nothing else yet). */
    public void sendUpgrade(String path, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes bytes as they are. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one HTTP head (request or response) up to its empty line, which is not included. */
    public String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            head.append(line).append("\r\n");
        }
        return head.toString();
    }

    /** Reads the response's status line and headers, and its body if it announces a length. */
    public Response readResponse() throws IOException {
        String[] status = readLine().split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IOException("no HTTP status line: " + String.join(" ", status));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            String name = (colon < 0 ? line : line.substring(0, colon)).trim().toLowerCase();
            String value = colon < 0 ? "" : line.substring(colon + 1).trim();
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        int code = Integer.parseInt(status[1]);
        String body = "";
        List<String> length = headers.get("content-length");
        if (code != 101 && length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
        }
        return new Response(code, headers, body);
    }

    /** Sends one masked frame. */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        write(frame(opcode, fin, payload));
    }

    /** Sends frames (from {@link #frame}) with one write, so that the server reads them together. */
    public void sendTogether(byte[]... frames) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.writeBytes(frame);
        }
        write(all.toByteArray());
    }

    /** The bytes of one masked frame, as a client sends it. */
    public static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    public void sendText(String text) throws IOException {
        sendFrame(Frame.TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the next frame (up to 10 s); an {@link IOException} if the connection ends first. */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new IOException("connection ended inside a frame");
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    }

    /** Whether the server ended the connection: the next read finds end of stream (after any frames, which are skipped). */
    public boolean awaitEndOfStream() throws IOException {
        try {
            while (in.read() != -1) {
                // skip
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** The code of the server's close frame (frames before it skipped), or -1 if the connection ended without one. */
    public int awaitCloseCode() {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == Frame.CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (IOException endedOrTimedOut) {
            return -1;
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed");
        }
        return b;
    }

    private String readLine() throws IOException {
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
