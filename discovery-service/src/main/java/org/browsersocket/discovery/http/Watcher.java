package org.browsersocket.discovery.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * One live watch: a Server-Sent Events stream on an asynchronous response, written without
 * blocking (servlet non-blocking output), so it holds no thread between events. Events wait in a
 * queue until the connection can take them; a client that stops reading while more than
 * its bound (by default {@value #MAX_PENDING_BYTES} bytes; the kernel holds at most
 * {@value #SOCKET_SEND_BUFFER} more) pile up is dropped at once (its browser reconnects). Knows which
 * values its client has seen, to send only what changed.
 */
final class Watcher implements WriteListener, AsyncListener {
    /** Most bytes queued, by default, for a client that does not read; a key's 1000 values fit. */
    static final int MAX_PENDING_BYTES = 4 << 20;

    /**
     * The kernel's send buffer for a watch stream. Left to itself, Linux grows it to megabytes for a
     * client that stopped reading, memory the server would hold per watcher on top of its queue
     * (and which would hide that the client stopped reading).
     */
    static final int SOCKET_SEND_BUFFER = 64 * 1024;

    private static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    final String client;
    final byte[] key;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Consumer<Watcher> onClose;
    private final int maxPendingBytes;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private boolean needsFlush;
    private boolean draining;
    private boolean closed;
    /**
     * Hash (hex) → expiry of the values the client was told of: a snapshot shared with the key's
     * other watchers told the same (see {@link WatchEvents#changesSince}); used by the hub's thread only.
     */
    private Map<String, Long> seen = Map.of();

    /**
     * Takes over {@code async}'s response, whose headers were already sent; {@code onClose} runs
     * once at the end. More than {@code maxPendingBytes} waiting for the client ends the stream.
     */
    Watcher(String client, byte[] key, AsyncContext async, int maxPendingBytes, Consumer<Watcher> onClose)
            throws IOException {
        this.client = client;
        this.maxPendingBytes = maxPendingBytes;
        this.key = key;
        this.async = async;
        this.onClose = onClose;
        this.out = async.getResponse().getOutputStream();
        limitSendBuffer(async);
        async.addListener(this);
        out.setWriteListener(this); // from now on, writes never block
        send(List.of(RETRY));
    }

    private static void limitSendBuffer(AsyncContext async) {
        EndPoint endPoint = Request.getBaseRequest(async.getRequest()).getHttpChannel().getEndPoint();
        if (endPoint instanceof SocketChannelEndPoint socket) {
            try {
                socket.getSocket().setSendBufferSize(SOCKET_SEND_BUFFER);
            } catch (IOException ignored) {
                // the connection is gone, or keeps the system's buffer: the queue's bound still holds
            }
        }
    }

    /** Sends "value" for values new (or refreshed) since the last look, "gone" for those that left. */
    void update(WatchEvents values) {
        List<byte[]> events = values.changesSince(seen);
        seen = values.snapshot();
        if (!events.isEmpty()) {
            send(events);
        }
    }

    /** A comment line, which keeps proxies from timing the stream out and finds clients that left. */
    void keepAlive() {
        send(List.of(KEEP_ALIVE));
    }

    private synchronized void send(List<byte[]> events) {
        if (closed) {
            return;
        }
        for (byte[] bytes : events) {
            if (pendingBytes + bytes.length > maxPendingBytes) {
                drain(); // what the connection takes now does not count
                if (closed) {
                    return;
                }
                if (pendingBytes + bytes.length > maxPendingBytes) {
                    abort(); // the client stopped reading
                    return;
                }
            }
            pending.add(bytes); // shared with the key's other watchers: never written to
            pendingBytes += bytes.length;
        }
        drain();
    }

    /** Writes what is queued for as long as the connection takes it without blocking. */
    private synchronized void drain() {
        if (closed || draining) {
            return;
        }
        draining = true;
        try {
            while (out.isReady()) {
                byte[] next = pending.poll();
                if (next == null) {
                    if (!needsFlush) {
                        return;
                    }
                    needsFlush = false;
                    out.flush();
                } else {
                    pendingBytes -= next.length;
                    out.write(next);
                    needsFlush = true;
                }
            }
        } catch (IOException | IllegalStateException gone) {
            close();
        } finally {
            draining = false;
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable failure) {
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    /**
     * Drops a client that stopped reading: its connection is closed at once, as ending the
     * response properly would wait for the very writes it does not take.
     */
    private void abort() {
        try {
            Request.getBaseRequest(async.getRequest()).getHttpChannel().getEndPoint().close();
        } catch (RuntimeException alreadyGone) {
            // closed already
        }
        close();
    }

    /** Ends the stream (the client left, stopped reading, or the server stops); idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // completed or failed already
        }
        onClose.accept(this);
    }
}
