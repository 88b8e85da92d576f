package org.browsersocket.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile half of {@code make soak}: peers that misbehave on purpose, from loopback addresses
 * of their own (127.0.0.2 and up), each kind bounded in count: silent connections, a ping flood
 * whose pongs are never read, messages started and never finished, and peers that send but never
 * read the echoes.
 */
final class HostilePeers implements AutoCloseable {
    private final String host = "127.0.0.1";
    private final int port;
    private final String path;
    private final List<Socket> sockets = new ArrayList<>();

    /** Peers against the listener at {@code url} (ws://127.0.0.1:PORT/prefix/). */
    HostilePeers(String url) {
        URI uri = URI.create(url);
        this.port = uri.getPort();
        this.path = uri.getPath();
    }

    /** {@code count} connections from {@code from} that never send a byte. */
    void silent(String from, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            connect(from);
        }
    }

    /** An upgraded peer sending {@code pings} 125-byte pings and never reading. */
    void pingFlood(String from, int pings) throws IOException {
        OutputStream out = upgraded(from, "flood");
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        byte[] payload = new byte[125];
        for (int i = 0; i < pings; i++) {
            frame(batch, true, 9, payload);
            if (batch.size() > 64 << 10) {
                out.write(batch.toByteArray());
                batch.reset();
            }
        }
        out.write(batch.toByteArray());
        out.flush();
    }

    /** {@code count} upgraded peers, each starting a message of {@code bytes} and never finishing it. */
    void unfinishedMessages(String from, int count, int bytes) throws IOException {
        for (int i = 0; i < count; i++) {
            OutputStream out = upgraded(from, "unfinished" + i);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame(frame, false, 2, new byte[bytes]);
            out.write(frame.toByteArray());
            out.flush();
        }
    }

    /** An upgraded peer that sends {@code messages} of {@code bytes} for the page to echo and never reads. */
    void neverReads(String from, int messages, int bytes) throws IOException {
        OutputStream out = upgraded(from, "sleepy");
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame(frame, true, 2, new byte[bytes]);
        byte[] one = frame.toByteArray();
        for (int i = 0; i < messages; i++) {
            out.write(one);
        }
        out.flush();
    }

    private Socket connect(String from) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(1);
        sockets.add(socket);
        return socket;
    }

    private OutputStream upgraded(String from, String suffix) throws IOException {
        Socket socket = connect(from);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + suffix + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return out; // the 101 is never read: these peers do not read
    }

    private static void frame(ByteArrayOutputStream out, boolean fin, int opcode, byte[] payload) {
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift));
            }
        }
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        out.writeBytes(payload);
    }

    /** Closes every hostile connection still open. */
    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        sockets.clear();
    }
}
