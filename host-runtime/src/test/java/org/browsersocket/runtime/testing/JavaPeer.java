package org.browsersocket.runtime.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A peer: a plain Java-WebSocket client that records what it receives, how its handshake was
 * answered, and how it was closed. Waits are conditions with deadlines.
 */
public class JavaPeer extends WebSocketClient {
    /** A close as the peer saw it. */
    public record Closed(int code, String reason, boolean remote) {}

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> requestWritten = new CompletableFuture<>();
    private volatile int handshakeStatus;
    private volatile String handshakeProtocol;
    private volatile Map<String, String> handshakeHeaders = Map.of();

    public JavaPeer(String url) {
        this(url, Map.of());
    }

    public JavaPeer(String url, Map<String, String> headers) {
        super(URI.create(url), headers);
        setConnectionLostTimeout(0);
    }

    /** Connects and waits for the handshake; returns whether it opened. */
    public static JavaPeer connect(String url) throws InterruptedException {
        JavaPeer peer = new JavaPeer(url);
        peer.connectBlocking(WAIT.toSeconds(), TimeUnit.SECONDS);
        return peer;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        handshakeStatus = handshake.getHttpStatus();
        handshakeProtocol = handshake.getFieldValue("Sec-WebSocket-Protocol");
        Map<String, String> headers = new LinkedHashMap<>();
        handshake.iterateHttpFields().forEachRemaining(name -> headers.put(name.toLowerCase(), handshake.getFieldValue(name)));
        handshakeHeaders = Collections.unmodifiableMap(headers);
        opened.complete(null);
    }

    /** Waits until the handshake completed (after {@link #connect()}); fails if it closed instead. */
    public JavaPeer awaitOpen() throws Exception {
        CompletableFuture.anyOf(opened, closed).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (!opened.isDone()) {
            throw new AssertionError("closed instead of opening: " + closed.join());
        }
        return this;
    }

    @Override
    public void onMessage(String message) {
        received.add(message);
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        received.add(copy);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closed.complete(new Closed(code, reason, remote));
    }

    @Override
    public void onError(Exception ex) {
        // The close that follows says what happened.
    }

    /** The next message (String or byte[]), waiting up to {@link #WAIT}; fails the test on timeout. */
    public Object next() throws InterruptedException {
        Object message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return message;
    }

    public String nextText() throws InterruptedException {
        Object message = next();
        if (!(message instanceof String text)) {
            throw new AssertionError("expected a text message, got " + message);
        }
        return text;
    }

    public byte[] nextBinary() throws InterruptedException {
        Object message = next();
        if (!(message instanceof byte[] bytes)) {
            throw new AssertionError("expected a binary message, got " + message);
        }
        return bytes;
    }

    /** How the connection closed, waiting up to {@link #WAIT}. */
    public Closed awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<Closed> closedFuture() {
        return closed;
    }

    public String protocol() {
        return handshakeProtocol;
    }

    public int handshakeStatus() {
        return handshakeStatus;
    }

    /** A header of the 101 response as this client parsed it (name case-insensitive), or null. */
    public String handshakeHeader(String name) {
        return handshakeHeaders.get(name.toLowerCase());
    }

    /** All headers of the 101 response, names in lower case. */
    public Map<String, String> handshakeHeaders() {
        return handshakeHeaders;
    }

    /**
     * Call before {@code connect()}: makes {@link #awaitRequestWritten()} work, by giving the
     * client a socket that notes when the upgrade request (the first bytes sent) was written and flushed.
     */
    public JavaPeer noticingRequestWritten() {
        setSocketFactory(new javax.net.SocketFactory() {
            @Override
            public Socket createSocket() {
                return new Socket() {
                    @Override
                    public OutputStream getOutputStream() throws IOException {
                        return new FilterOutputStream(super.getOutputStream()) {
                            @Override
                            public void write(byte[] bytes, int offset, int length) throws IOException {
                                out.write(bytes, offset, length);
                            }

                            @Override
                            public void flush() throws IOException {
                                out.flush();
                                requestWritten.complete(null);
                            }
                        };
                    }
                };
            }

            @Override
            public Socket createSocket(String host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(java.net.InetAddress host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local, int localPort) {
                throw new UnsupportedOperationException();
            }
        });
        return this;
    }

    /** Waits until the upgrade request has been written to the socket (see {@link #noticingRequestWritten()}). */
    public void awaitRequestWritten() throws Exception {
        requestWritten.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the handshake completed (an open that later closed counts). */
    public boolean wasOpened() {
        return opened.isDone();
    }
}
