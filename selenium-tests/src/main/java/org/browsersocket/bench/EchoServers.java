package org.browsersocket.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/** Native baselines the page-hosted server is compared with. */
public final class EchoServers {
    private EchoServers() {}

    /**
     * Runs the native Java-WebSocket echo server as a process of its own (so its memory can be
     * read apart from the load generator's): prints {@code listening PORT}, stops on SIGTERM.
     */
    public static void main(String[] args) throws Exception {
        JavaWebSocketEcho server = JavaWebSocketEcho.begin();
        System.out.println("listening " + server.getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        new java.util.concurrent.CountDownLatch(1).await();
    }

    /** A plain Java-WebSocket echo server on a free loopback port. */
    public static final class JavaWebSocketEcho extends WebSocketServer implements AutoCloseable {
        private final CountDownLatch started = new CountDownLatch(1);

        JavaWebSocketEcho() {
            super(new InetSocketAddress("127.0.0.1", 0));
            setReuseAddr(true);
            setTcpNoDelay(true);
            // The library's default accept backlog is 50: a burst of handshakes overflows it and the
            // kernel drops SYNs, which clients retry after 1 s. Netty (the runtime) uses the
            // kernel's own limit; the baseline gets the same.
            setMaxPendingConnections(io.netty.util.NetUtil.SOMAXCONN);
        }

        public static JavaWebSocketEcho begin() throws InterruptedException {
            JavaWebSocketEcho server = new JavaWebSocketEcho();
            server.start();
            if (!server.started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("native echo server did not start");
            }
            return server;
        }

        @Override
        public void close() throws InterruptedException {
            stop(2000);
        }

        public String url() {
            return "ws://127.0.0.1:" + getPort() + "/";
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {}

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

        @Override
        public void onMessage(WebSocket conn, String message) {
            conn.send(message);
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            ByteBuffer copy = ByteBuffer.allocate(message.remaining()).put(message).flip(); // the library reuses its buffer
            conn.send(copy);
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {}

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
