package org.browsersocket.browser.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client that does what it is told, valid or not, in the role of the Autobahn|Testsuite
 * fuzzing client: the upgrade over a plain socket (the server's {@code Sec-WebSocket-Accept} is
 * checked), then frames with any opcode, RSV bits, mask (or none), fragmentation and length
 * encoding, written whole or in chops; frames are read back with deadlines, and frames the server
 * sends are checked against what RFC 6455 requires of a server (unmasked, no RSV bits, control
 * frames final and at most 125 bytes).
 */
final class RawWebSocket implements AutoCloseable {
    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    static final Duration WAIT = Duration.ofSeconds(5);

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How a frame's payload length is written: the shortest form (as RFC 6455 §5.2 requires) or a forced one. */
    enum LengthEncoding { MINIMAL, SEVEN_BIT, SIXTEEN_BIT, SIXTY_FOUR_BIT }

    /** A frame to send; {@code rsv} holds the three RSV bits (RSV1 = 4, RSV2 = 2, RSV3 = 1). */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, LengthEncoding length) {
        static Frame of(int opcode, byte[] payload) {
            return new Frame(true, 0, opcode, payload, true, LengthEncoding.MINIMAL);
        }

        static Frame text(String text) {
            return of(TEXT, utf8(text));
        }

        static Frame text(byte[] payload) {
            return of(TEXT, payload);
        }

        static Frame binary(byte[] payload) {
            return of(BINARY, payload);
        }

        static Frame continuation(byte[] payload) {
            return of(CONTINUATION, payload);
        }

        static Frame ping(byte[] payload) {
            return of(PING, payload);
        }

        static Frame pong(byte[] payload) {
            return of(PONG, payload);
        }

        /** A close frame with exactly this payload (possibly malformed). */
        static Frame closeWithPayload(byte[] payload) {
            return of(CLOSE, payload);
        }

        /** A close frame with a status code and a reason (the reason's bytes as given). */
        static Frame close(int code, byte[] reason) {
            byte[] payload = new byte[2 + reason.length];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(reason, 0, payload, 2, reason.length);
            return of(CLOSE, payload);
        }

        static Frame close(int code, String reason) {
            return close(code, utf8(reason));
        }

        Frame fin(boolean fin) {
            return new Frame(fin, rsv, opcode, payload, masked, length);
        }

        /** Not the last fragment of its message. */
        Frame more() {
            return fin(false);
        }

        Frame rsv(int rsv) {
            return new Frame(fin, rsv, opcode, payload, masked, length);
        }

        Frame unmasked() {
            return new Frame(fin, rsv, opcode, payload, false, length);
        }

        Frame length(LengthEncoding length) {
            return new Frame(fin, rsv, opcode, payload, masked, length);
        }

        /** The frame's bytes on the wire, masked with a fresh random key when {@link #masked}. */
        byte[] encode() {
            int n = payload.length;
            LengthEncoding encoding = length != LengthEncoding.MINIMAL ? length
                    : n <= 125 ? LengthEncoding.SEVEN_BIT : n <= 0xFFFF ? LengthEncoding.SIXTEEN_BIT : LengthEncoding.SIXTY_FOUR_BIT;
            int lengthBytes = switch (encoding) {
                case SEVEN_BIT -> 0;
                case SIXTEEN_BIT -> 2;
                default -> 8;
            };
            if (encoding == LengthEncoding.SEVEN_BIT && n > 125 || encoding == LengthEncoding.SIXTEEN_BIT && n > 0xFFFF) {
                throw new IllegalArgumentException(n + " bytes do not fit a " + encoding + " length");
            }
            int header = 2 + lengthBytes + (masked ? 4 : 0);
            byte[] wire = new byte[header + n];
            wire[0] = (byte) ((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0xF);
            int maskBit = masked ? 0x80 : 0;
            switch (encoding) {
                case SEVEN_BIT -> wire[1] = (byte) (maskBit | n);
                case SIXTEEN_BIT -> {
                    wire[1] = (byte) (maskBit | 126);
                    wire[2] = (byte) (n >>> 8);
                    wire[3] = (byte) n;
                }
                default -> {
                    wire[1] = (byte) (maskBit | 127);
                    for (int i = 0; i < 8; i++) {
                        wire[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
                    }
                }
            }
            if (masked) {
                byte[] key = new byte[4];
                RANDOM.nextBytes(key);
                System.arraycopy(key, 0, wire, header - 4, 4);
                for (int i = 0; i < n; i++) {
                    wire[header + i] = (byte) (payload[i] ^ key[i & 3]);
                }
            } else {
                System.arraycopy(payload, 0, wire, header, n);
            }
            return wire;
        }
    }

    /** A frame as the server sent it. */
    record Received(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "frame(opcode " + opcode + (fin ? "" : ", not final") + ", " + payload.length + " bytes"
                    + (opcode == CLOSE ? ", " + Closed.of(payload) : "") + ")";
        }
    }

    /** A whole message (fragments joined) as the server sent it. */
    record Message(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The server's close frame: its code (1005 when it had no payload) and reason. */
    record Closed(int code, String reason, int payloadLength) {
        static Closed of(byte[] payload) {
            if (payload.length < 2) {
                return new Closed(1005, "", payload.length);
            }
            int code = (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
            return new Closed(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8), payload.length);
        }

        @Override
        public String toString() {
            return "close " + code + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    /**
     * How the server ended the connection: the frames it sent first, then its close frame (null
     * when it closed the TCP connection without one).
     */
    record Ending(List<Received> before, Closed close) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code host:port}, upgrades {@code path} and checks the 101 answer. */
    static RawWebSocket open(String host, int port, String path) throws IOException {
        Socket socket = new Socket(host, port);
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) WAIT.toMillis());
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\n"
                    + "Origin: http://conformance.test\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            RawWebSocket ws = new RawWebSocket(socket);
            String status = ws.readLine();
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade of " + path + " answered " + status);
            }
            String accept = null;
            for (String line = ws.readLine(); !line.isEmpty(); line = ws.readLine()) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                    accept = line.substring(colon + 1).trim();
                }
            }
            String expected = Base64.getEncoder().encodeToString(sha1(key + GUID));
            if (!expected.equals(accept)) {
                throw new IOException("Sec-WebSocket-Accept is " + accept + ", expected " + expected);
            }
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ writing

    /** Writes the frames, each whole, and flushes once. */
    RawWebSocket send(Frame... frames) throws IOException {
        for (Frame frame : frames) {
            out.write(frame.encode());
        }
        out.flush();
        return this;
    }

    /** Writes the frames' bytes in chops of {@code chop} bytes, flushing each (Autobahn's "in chops"). */
    RawWebSocket sendInChops(int chop, Frame... frames) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            all.writeBytes(frame.encode());
        }
        byte[] bytes = all.toByteArray();
        for (int i = 0; i < bytes.length; i += chop) {
            out.write(bytes, i, Math.min(chop, bytes.length - i));
            out.flush();
        }
        return this;
    }

    /** Writes raw bytes (e.g. part of an encoded frame). */
    RawWebSocket sendBytes(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
        return this;
    }

    /** Writes the frames, ignoring a failure because the server already closed the connection. */
    void sendIfStillOpen(Frame... frames) {
        try {
            send(frames);
        } catch (IOException closedByServer) {
            // the server may close before it has read all we wrote: that is allowed
        }
    }

    // ------------------------------------------------------------------ reading

    /** The next frame the server sends, waiting up to {@code wait}. */
    Received readFrame(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] head = readFully(2, deadline);
        boolean fin = (head[0] & 0x80) != 0;
        int rsv = (head[0] >>> 4) & 7;
        int opcode = head[0] & 0xF;
        boolean masked = (head[1] & 0x80) != 0;
        long length = head[1] & 0x7F;
        if (length == 126) {
            byte[] ext = readFully(2, deadline);
            length = (ext[0] & 0xFF) << 8 | ext[1] & 0xFF;
        } else if (length == 127) {
            byte[] ext = readFully(8, deadline);
            length = 0;
            for (byte b : ext) {
                length = length << 8 | b & 0xFF;
            }
        }
        if (masked) {
            throw new AssertionError("the server masked a frame (RFC 6455 §5.1: a server MUST NOT)");
        }
        if (rsv != 0) {
            throw new AssertionError("the server set RSV bits " + rsv + " without an extension (RFC 6455 §5.2)");
        }
        if (opcode >= 8 && (!fin || length > 125)) {
            throw new AssertionError("the server sent an invalid control frame: opcode " + opcode + ", fin " + fin
                    + ", " + length + " bytes (RFC 6455 §5.5)");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new AssertionError("the server announced a frame of " + length + " bytes");
        }
        return new Received(fin, opcode, readFully((int) length, deadline));
    }

    /** The next frame, waiting up to {@link #WAIT}. */
    Received readFrame() throws IOException {
        return readFrame(WAIT);
    }

    /** The next whole data message (fragments joined); fails on a close or any control frame in between. */
    Message readMessage(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            Received frame = readFrame(remaining(deadline));
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("expected a message, the server closed: " + Closed.of(frame.payload()));
            }
            if (frame.opcode() >= 8) {
                throw new AssertionError("expected a message, got " + frame);
            }
            if (opcode == -1 ? frame.opcode() == CONTINUATION : frame.opcode() != CONTINUATION) {
                throw new AssertionError("the server fragmented a message wrongly: " + frame);
            }
            if (opcode == -1) {
                opcode = frame.opcode();
            }
            payload.writeBytes(frame.payload());
            if (frame.fin()) {
                return new Message(opcode, payload.toByteArray());
            }
        }
    }

    Message readMessage() throws IOException {
        return readMessage(WAIT);
    }

    /**
     * Reads until the server's close frame, waiting up to {@code wait}; returns it with the frames
     * that came first. Fails if the connection ends without a close frame.
     */
    Ending readUntilClose(Duration wait) throws IOException {
        Ending ending = readUntilCloseOrEnd(wait);
        if (ending.close() == null) {
            throw new AssertionError("the server ended the TCP connection without a close frame after " + ending.before());
        }
        return ending;
    }

    /**
     * Reads until the server's close frame or the end of the TCP connection (then the ending's
     * close is null), waiting up to {@code wait}.
     */
    Ending readUntilCloseOrEnd(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Received> before = new ArrayList<>();
        while (true) {
            Received frame;
            try {
                frame = readFrame(remaining(deadline));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("neither a close frame nor the end of the connection within "
                        + wait.toMillis() + " ms; before it came " + before, e);
            } catch (EOFException | SocketException ended) {
                return new Ending(before, null);
            }
            if (frame.opcode() == CLOSE) {
                return new Ending(before, Closed.of(frame.payload()));
            }
            before.add(frame);
        }
    }

    Ending readUntilClose() throws IOException {
        return readUntilClose(WAIT);
    }

    /**
     * After the server's close frame: whether the server closed the TCP connection within
     * {@code wait} without sending anything more (RFC 6455 §7.1.1: the server closes it first).
     */
    boolean serverClosedTcp(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            socket.setSoTimeout(timeoutMillis(deadline));
            try {
                int b = in.read();
                if (b == -1) {
                    return true;
                }
                throw new AssertionError("the server sent a byte (" + b + ") after its close frame");
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException reset) {
                return true; // a reset also ends it (the server closed with our bytes unread)
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private byte[] readFully(int length, long deadline) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            socket.setSoTimeout(timeoutMillis(deadline));
            int n = in.read(bytes, done, length - done);
            if (n == -1) {
                throw new EOFException("the server closed the connection (" + done + " of " + length + " bytes read)");
            }
            done += n;
        }
        return bytes;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new EOFException("connection closed during the handshake");
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }

    private static int timeoutMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("nothing from the server in time");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha1(String text) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
