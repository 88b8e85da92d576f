package org.browsersocket.browser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket server on loopback that answers each handshake only after {@code delay}, to play a
 * slow way in; it records what each client did: "aborted before 101" (the client went away while
 * waiting), "opened", then "closed <code>" (a close frame) or "dropped" (the connection ended).
 */
final class HandshakeServer implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");
    private final ServerSocket server;
    private final Duration delay;
    private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

    HandshakeServer(Duration delay) throws IOException {
        this.delay = delay;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "handshake-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "ws://127.0.0.1:" + server.getLocalPort() + "/slow/";
    }

    /** The next thing a client did, waiting up to {@code timeout}; null if nothing happened. */
    String nextEvent(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "handshake-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String request = readHead(in);
            Matcher key = KEY.matcher(request);
            if (!key.find()) {
                events.add("not a WebSocket handshake");
                return;
            }
            // Wait out the delay, but notice a client that goes away meanwhile.
            client.setSoTimeout((int) Math.max(1, delay.toMillis()));
            try {
                if (in.read() < 0) {
                    events.add("aborted before 101");
                    return;
                }
            } catch (SocketTimeoutException slowEnough) {
                // the delay is over: answer
            } catch (IOException reset) {
                events.add("aborted before 101");
                return;
            }
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            events.add("opened");
            client.setSoTimeout(0);
            int first = in.read();
            if (first < 0 || (first & 0x0f) != 0x8) {
                events.add("dropped");
                return;
            }
            int length = in.read() & 0x7f; // a close frame's payload is short; masked by the client
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(length);
            int code = length >= 2 ? (((payload[0] ^ mask[0]) & 0xff) << 8) | ((payload[1] ^ mask[1]) & 0xff) : 1005;
            events.add("closed " + code);
        } catch (IOException e) {
            events.add("dropped");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
