package org.browsersocket.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A closed-loop echo client: sends one message, waits for it to come back, records the time. An
 * echo that comes back too late fails the run; it never blocks the client's reader, and closing
 * never waits more than 10 s for the server's close frame.
 */
public final class RoundTrips implements AutoCloseable {
    private final LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final WebSocketClient client;

    public RoundTrips(String url) throws InterruptedException {
        client = new WebSocketClient(URI.create(url)) {
            @Override
            public void onOpen(ServerHandshake handshake) {}

            @Override
            public void onMessage(String message) {
                arrived();
            }

            @Override
            public void onMessage(ByteBuffer bytes) {
                arrived();
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                closed.countDown();
            }

            @Override
            public void onError(Exception ex) {}
        };
        client.setTcpNoDelay(true);
        client.setConnectionLostTimeout(0);
        if (!client.connectBlocking(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot connect to " + url);
        }
    }

    private void arrived() {
        arrivals.add(System.nanoTime());
    }

    /** Sends {@code count} binary messages of {@code size} bytes one after another, recording each round trip. */
    public void run(int count, int size, Histogram into) throws InterruptedException {
        if (!arrivals.isEmpty()) {
            throw new IllegalStateException("echoes from " + client.getURI() + " that came after their round trip had failed: " + arrivals.size());
        }
        byte[] payload = new byte[size];
        for (int i = 0; i < count; i++) {
            long sent = System.nanoTime();
            client.send(payload);
            Long back = arrivals.poll(10, TimeUnit.SECONDS);
            if (back == null) {
                throw new IllegalStateException("echo " + i + " from " + client.getURI() + " did not come back within 10 s");
            }
            if (into != null) {
                into.recordValue(Math.max(1, (back - sent) / 1000)); // microseconds
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        if (!closed.await(10, TimeUnit.SECONDS)) {
            System.err.println("echo client: " + client.getURI() + " did not answer the close within 10 s; dropping the connection");
            client.closeConnection(1006, "no close frame from the server");
        }
    }
}
