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
    /** How long an echo may take before the client pings the server (see {@link #nudged()}). */
    static final long NUDGE_MILLIS = 1000;

    private final WebSocketClient client;
    private int nudged;
    /** How the connection closed (code, reason, by whom), once it has. */
    private volatile String closedHow;

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
                closedHow = code + (reason == null || reason.isEmpty() ? "" : " \"" + reason + "\"") + (remote ? ", by the server" : ", by the client");
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
            if (!client.isOpen()) {
                throw new IllegalStateException("the connection to " + client.getURI() + " closed before round trip " + i
                        + (closedHow == null ? "" : " (" + closedHow + ")"));
            }
            long sent = System.nanoTime();
            client.send(payload);
            Long back = arrivals.poll(NUDGE_MILLIS, TimeUnit.MILLISECONDS);
            if (back == null) {
                // A stalled echo: a ping makes the server act on the connection again; the wait
                // counts in this round trip, and the stall is counted.
                nudged++;
                if (!client.isOpen()) {
                    throw new IllegalStateException("the connection to " + client.getURI() + " closed while round trip " + i
                            + " was on its way" + (closedHow == null ? "" : " (" + closedHow + ")"));
                }
                client.sendPing();
                back = arrivals.poll(10, TimeUnit.SECONDS);
            }
            if (back == null) {
                throw new IllegalStateException("echo " + i + " from " + client.getURI() + " did not come back within 10 s");
            }
            if (into != null) {
                into.recordValue(Math.max(1, (back - sent) / 1000)); // microseconds
            }
        }
    }

    /**
     * Round trips whose echo had not come back after {@value #NUDGE_MILLIS} ms, when the client
     * pinged the server: a Java-WebSocket server now and then leaves an echo unsent until
     * something else happens on the connection, and a closed loop would wait for it forever.
     */
    public int nudged() {
        return nudged;
    }

    @Override
    public void close() throws InterruptedException {
        if (nudged > 0) {
            System.out.println("echo client: " + nudged + " round trip(s) with " + client.getURI()
                    + " stalled for " + NUDGE_MILLIS + " ms and were pinged on (their full time is recorded)");
        }
        client.close();
        if (!closed.await(10, TimeUnit.SECONDS)) {
            System.err.println("echo client: " + client.getURI() + " did not answer the close within 10 s; dropping the connection");
            client.closeConnection(1006, "no close frame from the server");
        }
    }
}
