package org.browsersocket.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A closed-loop echo client: sends one message, waits for it to come back, records the time. */
final class RoundTrips implements AutoCloseable {
    private final SynchronousQueue<Long> arrivals = new SynchronousQueue<>();
    private final WebSocketClient client;

    RoundTrips(String url) throws InterruptedException {
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
            public void onClose(int code, String reason, boolean remote) {}

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
        try {
            arrivals.put(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code count} binary messages of {@code size} bytes one after another, recording each round trip. */
    void run(int count, int size, Histogram into) throws InterruptedException {
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
        client.closeBlocking();
    }
}
